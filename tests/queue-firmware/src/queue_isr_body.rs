// The body of the queue_isr tests, one bin per overflow policy (OVERFLOW is
// defined by the including file).

use core::sync::atomic::{AtomicU32, Ordering};

use emlog::{Formatter, Level, Queue, QueueListener, StreamHandler};
use emlog_board as board;

const N: u32 = 60;
const M: u32 = 60;

static QUEUE: Queue<8, 96> = Queue::with_overflow(OVERFLOW);
static FROM_ISR: AtomicU32 = AtomicU32::new(0);

fn on_tick() {
    let i = FROM_ISR.load(Ordering::Relaxed);
    if i < N {
        // The tail's length depends on i, so a torn line cannot pass the check.
        emlog::info!(logger: "isr", "isr {} {:#<w$}", i, "", w = (i % 30) as usize);
        FROM_ISR.store(i + 1, Ordering::Relaxed);
    }
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    QUEUE.set_level(Level::DEBUG);
    if emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    const FORMAT: Formatter = match Formatter::new("%(levelname)s:%(name)s:%(message)s") {
        Ok(f) => f,
        Err(_) => panic!("bad format"),
    };
    let mut out: StreamHandler<_, 128> = StreamHandler::new(uart).with_formatter(emlog::formatter!(FORMAT));
    let mut listener: QueueListener<'_, '_, 8, 96> = QueueListener::new(&QUEUE);
    if listener.add(&mut out).is_err() {
        board::exit(false);
    }
    board::say("START");
    #[cfg(target_arch = "arm")]
    board::start_tick(20_000, on_tick);
    #[cfg(target_arch = "riscv32")]
    board::start_tick(5_000, on_tick);
    for j in 0..M {
        emlog::info!(logger: "main", "main {} {:#<w$}", j, "", w = (j % 30) as usize);
        // Drain now and then, so that the interrupt sometimes finds the queue full.
        if j % 4 == 0 {
            listener.process();
        }
    }
    while FROM_ISR.load(Ordering::Relaxed) < N {
        listener.process();
    }
    board::stop_tick();
    listener.process_all();
    board::say("END");
    board::exit(true)
}
