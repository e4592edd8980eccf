//! defmt frames and emlog text lines on one UART, from main and from an
//! interrupt. The runner splits and decodes them with tests/uart-demux and
//! compares with golden/defmt_mix.out. Needs feature `defmt`.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use emlog::defmt_logger::{self, SharedSink};
use emlog::{DefmtHandler, Dispatcher, Formatter, Level, Record, StreamHandler};
use emlog_board as board;

const FORMAT: Formatter = match Formatter::new("%(levelname)s:%(name)s:%(message)s") {
    Ok(f) => f,
    Err(_) => panic!("bad format"),
};

static LOGGING: Dispatcher<2> = Dispatcher::with_root_level(Level::DEBUG);
static mut SINK: Option<board::Uart> = None;
static mut TEXT: Option<StreamHandler<SharedSink, 128>> = None;
static mut FORWARD: DefmtHandler = DefmtHandler::new();
static TICKS: AtomicU32 = AtomicU32::new(0);

fn on_tick() {
    let n = TICKS.load(Ordering::Relaxed);
    if n < 3 {
        defmt::info!("from the interrupt: tick {=u32}", n);
        TICKS.store(n + 1, Ordering::Relaxed);
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    // SAFETY: set up once, before any record.
    let (sink, text, forward) = unsafe {
        (
            (*core::ptr::addr_of_mut!(SINK)).insert(board::init()),
            (*core::ptr::addr_of_mut!(TEXT))
                .insert(StreamHandler::new(SharedSink).with_formatter(emlog::formatter!(FORMAT))),
            &mut *core::ptr::addr_of_mut!(FORWARD),
        )
    };
    forward.base_mut().filters_mut().set_name("to-defmt");
    text.base_mut().filters_mut().set_name("app");
    if defmt_logger::set_sink(sink).is_err()
        || LOGGING.add(text).is_err()
        || LOGGING.add(forward).is_err()
        || emlog::install(&LOGGING).is_err()
    {
        board::exit(false);
    }
    emlog::info!(logger: "app", "text line one, {} args", 2);
    defmt::info!("a defmt frame with {=u32} and {=str}", 42, "a str");
    emlog::warning!(logger: "app", "text line two");
    defmt::warn!("temperature {=i16} C", -12);
    emlog::error!(logger: "to-defmt", "an emlog record sent as a defmt frame: {}", 7);
    let percent: u32 = core::hint::black_box(97);
    defmt::error!(
        "a Record through defmt::Format: {}",
        Record::new(
            Level::CRITICAL,
            "app.db",
            format_args!("disk {}% full", percent)
        )
    );
    // An interrupt sends frames while main writes text: neither cuts the other.
    // Their relative order depends on timing, so the runner compares this
    // section as a set of lines.
    emlog::info!(logger: "app", "-- concurrent start");
    board::start_tick(50_000, on_tick);
    let mut i = 0u32;
    while TICKS.load(Ordering::Relaxed) < 3 {
        if i < 3 {
            emlog::info!(logger: "app", "main text while ticking {}", i);
            i += 1;
        }
    }
    board::stop_tick();
    emlog::info!(logger: "app", "-- concurrent end");
    defmt::println!("end of defmt_mix");
    board::exit(true)
}
