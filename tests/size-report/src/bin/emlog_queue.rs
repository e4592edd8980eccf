//! emlog with the queue as the dispatcher: `info!` formats the record into a
//! slot (the enqueue), and a QueueListener writes it to the UART
//! StreamHandler (BASIC_FORMAT) from the main loop.
#![no_std]
#![no_main]

use emlog::{Formatter, Level, Queue, QueueListener, StreamHandler};
use size_report::{self as report, board};

const FORMAT: Formatter = match Formatter::new(Formatter::BASIC) {
    Ok(f) => f,
    Err(_) => panic!("bad format string"),
};

// The measurement enqueues 200 records before draining them.
const SLOTS: usize = if cfg!(feature = "icount") { 256 } else { 8 };
static QUEUE: Queue<SLOTS, 64> = Queue::new();
// Built by the compiler: no start-up code moves or clears it.
static mut OUT: StreamHandler<board::Uart, 64> =
    StreamHandler::new(board::Uart).with_formatter(emlog::formatter!(FORMAT));

#[cortex_m_rt::entry]
fn main() -> ! {
    board::init();
    // SAFETY: taken once, before any logging.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    let mut listener: QueueListener<'_, '_, SLOTS, 64, 1> = QueueListener::new(&QUEUE);
    QUEUE.set_level(Level::INFO);
    if listener.add(out).is_err() || emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    emlog::info!(logger: "app", "request served, count={}", report::count());
    listener.process_all();
    #[cfg(feature = "icount")]
    {
        report::measure(
            "enqueue",
            200,
            |i| emlog::info!(logger: "app", "request served, count={}", 10_000 + i),
        );
        report::measure("drain", 200, |_| {
            listener.process();
        });
        report::measure(
            "filtered",
            20_000,
            |i| emlog::debug!(logger: "app", "request served, count={}", 10_000 + i),
        );
        if QUEUE.dropped() != 0 || QUEUE.truncated() != 0 {
            board::exit(false);
        }
    }
    report::done()
}
