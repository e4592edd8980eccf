//! The panic path: records still queued and records buffered in a
//! MemoryHandler reach the UART from the panic handler. Golden: golden/panic_path.out.
#![no_std]
#![no_main]

use core::fmt::Write;

use emlog::panic_flush::{PanicCell, flush_on_panic};
use emlog::{
    Formatter, Handler, Level, LineBuffer, MemoryHandler, Queue, QueueListener, Record,
    StreamHandler,
};
use emlog_board as board;

const FORMAT: Formatter = match Formatter::new("%(levelname)s:%(name)s:%(message)s") {
    Ok(f) => f,
    Err(_) => panic!("bad format"),
};

static QUEUE: Queue<8, 96> = Queue::new();
static LISTENER: PanicCell<QueueListener<'static, 'static, 8, 96>> =
    PanicCell::new(QueueListener::new(&QUEUE));
static MEMORY: PanicCell<MemoryHandler<'static, 8, 96>> =
    PanicCell::new(MemoryHandler::new(Level::ERROR));
static mut QUEUE_OUT: Option<StreamHandler<board::Uart, 128>> = None;
static mut MEMORY_OUT: Option<StreamHandler<board::Uart, 128>> = None;

fn in_panic() -> bool {
    board::say("-- panic handler: flushing");
    let report = flush_on_panic(&[&LISTENER, &MEMORY]);
    let mut line: LineBuffer<64> = LineBuffer::new();
    let _ = write!(line, "-- flushed {}, busy {}", report.flushed, report.busy);
    board::say(line.as_str());
    report.flushed == 6 && report.busy == 0
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // SAFETY: set up once, before any record.
    let (queue_out, memory_out) = unsafe {
        (
            (*core::ptr::addr_of_mut!(QUEUE_OUT))
                .insert(StreamHandler::new(uart).with_formatter(emlog::formatter!(FORMAT))),
            (*core::ptr::addr_of_mut!(MEMORY_OUT))
                .insert(StreamHandler::new(board::Uart).with_formatter(emlog::formatter!(FORMAT))),
        )
    };
    let added = LISTENER.with(|l| l.add(queue_out).is_ok());
    MEMORY.with(|m| m.set_target(Some(memory_out)));
    QUEUE.set_level(Level::DEBUG);
    if added != Some(true) || emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    board::set_panic_hook(in_panic);

    board::say("-- 3 records queued, 3 buffered, nothing written yet");
    for i in 0..3 {
        emlog::info!(logger: "app", "queued {}", i);
        MEMORY.with(|m| {
            m.handle(&Record::new(
                Level::DEBUG,
                "ctx",
                format_args!("buffered {}", i),
            ))
        });
    }
    let value: Option<u32> = core::hint::black_box(None);
    match value {
        Some(v) => board::exit(v == 0),
        None => panic!("fault"),
    }
}
