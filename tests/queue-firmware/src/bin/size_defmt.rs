//! Flash-size demo: the queue demo plus emlog's defmt logger on the same UART
//! and 10 defmt calls (needs feature `defmt`).
#![no_std]
#![no_main]

use emlog::defmt_logger::{self, SharedSink};
use emlog::{Level, Queue, QueueListener, StreamHandler};
use emlog_board as board;

static QUEUE: Queue<16, 96> = Queue::new();
static mut SINK: Option<board::Uart> = None;

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    // SAFETY: set up once.
    let sink = unsafe { (*core::ptr::addr_of_mut!(SINK)).insert(board::init()) };
    let mut out: StreamHandler<_, 128> = StreamHandler::new(SharedSink);
    let mut listener: QueueListener<'_, '_, 16, 96> = QueueListener::new(&QUEUE);
    QUEUE.set_level(Level::DEBUG);
    if defmt_logger::set_sink(sink).is_err()
        || listener.add(&mut out).is_err()
        || emlog::install(&QUEUE).is_err()
    {
        board::exit(false);
    }
    let n: u32 = core::hint::black_box(7);
    emlog_board::ten_calls!(n);
    defmt::info!("defmt call 0: {=u32}", n);
    defmt::info!("defmt call 1: {=u32}", n + 1);
    defmt::info!("defmt call 2: {=u32}", n + 2);
    defmt::info!("defmt call 3: {=u32}", n + 3);
    defmt::info!("defmt call 4: {=u32}", n + 4);
    defmt::info!("defmt call 5: {=u32}", n + 5);
    defmt::info!("defmt call 6: {=u32}", n + 6);
    defmt::info!("defmt call 7: {=u32}", n + 7);
    defmt::info!("defmt call 8: {=u32}", n + 8);
    defmt::info!("defmt call 9: {=u32}", n + 9);
    listener.process_all();
    board::exit(true)
}
