//! emlog in defmt mode (feature `defmt-mode`): emlog's macros check emlog's
//! levels and send defmt frames (no Record, no handler), on the same UART as
//! the text lines a handler writes for Records. The runner decodes the frames
//! with tests/uart-demux and the ELF and compares with golden/defmt_mode.out.
#![no_std]
#![no_main]

use emlog::defmt_logger::{self, SharedSink};
use emlog::{Dispatcher, Formatter, Level, Record, StreamHandler};
use emlog_board as board;

const FORMAT: Formatter = match Formatter::new(Formatter::BASIC) {
    Ok(f) => f,
    Err(_) => panic!("bad format"),
};

static LOGGING: Dispatcher<1, 2> = Dispatcher::with_root_level(Level::INFO);
static mut SINK: Option<board::Uart> = None;
static mut TEXT: Option<StreamHandler<SharedSink, 128>> = None;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    // SAFETY: set up once, before any record.
    let (sink, text) = unsafe {
        (
            (*core::ptr::addr_of_mut!(SINK)).insert(board::init()),
            (*core::ptr::addr_of_mut!(TEXT))
                .insert(StreamHandler::new(SharedSink).with_formatter(emlog::formatter!(FORMAT))),
        )
    };
    if defmt_logger::set_sink(sink).is_err()
        || LOGGING.add(text).is_err()
        || emlog::install(&LOGGING).is_err()
    {
        board::exit(false);
    }
    let count: u32 = core::hint::black_box(10_000);
    emlog::info!(logger: "app", "request served, count={}", count);
    emlog::debug!(logger: "app", "below the root's INFO: no frame {}", count);
    if LOGGING.set_logger_level("app.net", Level::DEBUG).is_err() {
        board::exit(false);
    }
    emlog::debug!(logger: "app.net", "link up after {=u16} ms", 12);
    emlog::debug!(logger: "app", "app stays at INFO: no frame {}", count);
    emlog::warning!(logger: "app.net.tcp", "temperature {=i16} C", -12);
    emlog::critical!(logger: "app", "disk {}% full", 97u8);
    emlog::log!(logger: "app", Level::new(core::hint::black_box(25)), "level {} goes out as info", 25u8);
    emlog::dispatch(&Record::new(Level::ERROR, "app", format_args!("a Record, as a text line")));
    emlog::info!("the module path as logger: {=str}", "ok");
    if defmt_logger::dropped() != 0 {
        board::exit(false);
    }
    defmt::println!("end of defmt_mode");
    board::exit(true)
}
