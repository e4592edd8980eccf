//! Guest instructions per `emlog::info!` enqueued from an interrupt (the queue
//! installed as the dispatcher: formatted into a slot, no UART). Run under
//! `qemu -icount shift=0`; prints the figure.
#![no_std]
#![no_main]

use core::sync::atomic::{AtomicU32, Ordering};

use emlog::{Level, Queue, QueueListener};
use emlog_board as board;

static QUEUE: Queue<64, 64> = Queue::new();
static RESULT: AtomicU32 = AtomicU32::new(0);
static PER_100K: AtomicU32 = AtomicU32::new(0);
const CALLS: u32 = 50;

fn on_tick() {
    if RESULT.load(Ordering::Relaxed) != 0 {
        return;
    }
    let per_100k = board::counts_per_104k_instructions();
    let start = board::now();
    for i in 0..CALLS {
        emlog::info!("measuring a direct record, n={:5}", 10_000 + i);
    }
    let counts = board::elapsed(start, board::now());
    let insns = (u64::from(counts) * 104_000 / u64::from(per_100k.max(1))) as u32 / CALLS;
    PER_100K.store(per_100k, Ordering::Relaxed);
    RESULT.store(insns.max(1), Ordering::Relaxed);
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    board::init();
    QUEUE.set_level(Level::DEBUG);
    if emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    #[cfg(target_arch = "arm")]
    board::start_tick(0x00FF_FFFF, on_tick);
    #[cfg(target_arch = "riscv32")]
    board::start_tick(10_000, on_tick);
    while RESULT.load(Ordering::Relaxed) == 0 {}
    board::stop_tick();
    let mut listener: QueueListener<'_, '_, 64, 64> = QueueListener::new(&QUEUE);
    let drained = listener.process_all() as u32;
    board::say_number(
        "counts per 104k instructions: ",
        PER_100K.load(Ordering::Relaxed),
    );
    board::say_number("records queued: ", drained);
    board::say_number(
        "enqueue from an interrupt, guest instructions per call: ",
        RESULT.load(Ordering::Relaxed),
    );
    // A cut message would make the figure too good: it must be whole.
    board::say_number("records cut: ", QUEUE.truncated());
    board::exit(drained == CALLS && QUEUE.truncated() == 0)
}
