//! Level and filter decisions: logger levels inherited from the nearest
//! configured ancestor, handler levels, a name filter, changes at run time.
#![no_std]
#![no_main]

use core_firmware::{board, finish, make_static};
use emlog::{Dispatcher, Level, StreamHandler};

static LOGGING: Dispatcher<4, 4> = Dispatcher::new(); // root at WARNING, as Python

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let all = make_static!(StreamHandler<board::Uart, 96>, StreamHandler::new(uart).with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s")));
    let net_only = make_static!(
        StreamHandler<board::Uart, 96>,
        StreamHandler::new(board::Uart).with_formatter(emlog::formatter!("net-only %(levelname)s:%(name)s:%(message)s"))
    );
    net_only.base_mut().filters_mut().set_name("app.net");
    let (Ok(all_id), Ok(net_id)) = (LOGGING.add(all), LOGGING.add(net_only)) else {
        board::exit(false);
    };
    if emlog::install(&LOGGING).is_err() {
        board::exit(false);
    }

    board::say("-- root WARNING: INFO dropped, WARNING kept");
    emlog::info!(logger: "app", "info at root level WARNING");
    emlog::warning!(logger: "app", "warning at root level WARNING");
    let t1 = emlog::threshold() == Level::WARNING;

    board::say("-- app at DEBUG, app.net at ERROR: nearest ancestor decides");
    let _ = LOGGING.set_logger_level("app", Level::DEBUG);
    let _ = LOGGING.set_logger_level("app.net", Level::ERROR);
    emlog::debug!(logger: "app.db", "db debug");
    emlog::warning!(logger: "app.net.tcp", "tcp warning");
    emlog::error!(logger: "app.net.tcp", "tcp error");
    emlog::info!(logger: "other", "other info");
    let t2 = emlog::threshold() == Level::DEBUG;

    board::say("-- handler level ERROR on the first handler");
    let _ = LOGGING.set_handler_level(all_id, Level::ERROR);
    emlog::warning!(logger: "app.db", "db warning");
    emlog::critical!(logger: "app.db", "db critical");

    board::say("-- custom level 45, and a name filter that passes app.net but not app.netx");
    let _ = LOGGING.set_handler_level(all_id, Level::NOTSET);
    emlog::log!(logger: "app.net", Level::new(45), "custom level");
    emlog::error!(logger: "app.netx", "not under app.net");

    let net = LOGGING.handler_stats(net_id).unwrap_or_default();
    board::say_number("net-only emitted ", net.emitted as u32);
    board::say_number("net-only filtered ", net.filtered as u32);
    finish(&[
        ("threshold at WARNING", t1),
        ("threshold at DEBUG", t2),
        ("net-only counts", net.emitted == 2 && net.filtered == 5),
    ])
}
