//! Flash-size demo: the same 10 emlog calls deferred through the queue (the
//! queue installed as dispatcher, a QueueListener draining to the UART).
#![no_std]
#![no_main]

use emlog::{Level, Queue, QueueListener, StreamHandler};
use emlog_board as board;

static QUEUE: Queue<16, 96> = Queue::new();

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    let mut out: StreamHandler<_, 128> = StreamHandler::new(uart);
    let mut listener: QueueListener<'_, '_, 16, 96> = QueueListener::new(&QUEUE);
    QUEUE.set_level(Level::DEBUG);
    if listener.add(&mut out).is_err() || emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    let n: u32 = core::hint::black_box(7);
    emlog_board::ten_calls!(n);
    listener.process_all();
    board::exit(true)
}
