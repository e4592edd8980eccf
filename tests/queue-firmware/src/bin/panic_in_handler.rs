//! A panic inside one of the listener's handlers: the panic path sees the
//! listener busy, does not re-enter it, and drains the rest of the queue
//! straight to the UART. Golden: golden/panic_in_handler.out.
#![no_std]
#![no_main]

use core::fmt::Write;

use emlog::panic_flush::{PanicCell, drain_to_writer, flush_on_panic};
use emlog::{
    Formatter, Handler, HandlerStats, Level, LineBuffer, Queue, QueueListener, Record,
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
static mut OUT: Option<Exploding> = None;

/// Writes records, and panics on the one whose message is "boom".
struct Exploding(StreamHandler<board::Uart, 128>);

impl Handler for Exploding {
    fn level(&self) -> Level {
        self.0.level()
    }
    fn set_level(&mut self, level: Level) {
        self.0.set_level(level);
    }
    fn handle(&mut self, record: &Record<'_>) -> bool {
        let mut text: LineBuffer<16> = LineBuffer::new();
        let _ = record.args.write_to(&mut text);
        if text.as_str() == "boom" {
            panic!("handler fault");
        }
        self.0.handle(record)
    }
    fn stats(&self) -> HandlerStats {
        self.0.stats()
    }
}

fn in_panic() -> bool {
    board::say("-- panic handler: the listener is busy, draining around it");
    let report = flush_on_panic(&[&LISTENER]);
    let drained = drain_to_writer::<8, 96, 128, _>(&QUEUE, &FORMAT, &mut board::Uart);
    let mut line: LineBuffer<64> = LineBuffer::new();
    let _ = write!(line, "-- busy {}, drained {}", report.busy, drained);
    board::say(line.as_str());
    report.busy == 1 && drained == 2
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(target_arch = "riscv32", riscv_rt::entry)]
fn main() -> ! {
    let uart = board::init();
    // SAFETY: set up once, before any record.
    let out = unsafe {
        (*core::ptr::addr_of_mut!(OUT))
            .insert(Exploding(StreamHandler::new(uart).with_formatter(emlog::formatter!(FORMAT))))
    };
    let added = LISTENER.with(|l| l.add(out).is_ok());
    QUEUE.set_level(Level::DEBUG);
    if added != Some(true) || emlog::install(&QUEUE).is_err() {
        board::exit(false);
    }
    board::set_panic_hook(in_panic);
    for text in ["before", "boom", "after 1", "after 2"] {
        emlog::error!(logger: "app", "{}", text);
    }
    LISTENER.with(|l| l.process_all());
    board::say("-- not reached");
    board::exit(false)
}
