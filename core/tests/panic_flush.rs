//! The panic path: queued and buffered records get out, even when the panic
//! happened inside a handler, without deadlock or re-entering the busy one.
//!
//! A std panic hook runs on the panicking thread at the panic point, on top of
//! the frames that were running, exactly like a `#[panic_handler]` on a device.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Capture, leak};
use emlog::panic_flush::{
    PanicCell, PanicCellHandler, PanicReport, drain_to_writer, flush_on_panic,
};
use emlog::{
    Dispatcher, Formatter, Handler, HandlerStats, Level, MemoryHandler, Queue, QueueListener,
    Record, StreamHandler,
};

// The hook is process-wide: the tests take turns.
static SERIAL: Mutex<()> = Mutex::new(());

const BASIC: Formatter = emlog::format::expect_valid(Formatter::new(Formatter::BASIC));

fn basic() -> &'static Formatter {
    &BASIC
}

/// A handler that panics on a record whose message is "boom".
struct Exploding(Capture);

impl Handler for Exploding {
    fn level(&self) -> Level {
        Level::NOTSET
    }
    fn set_level(&mut self, _: Level) {}
    fn handle(&mut self, record: &Record<'_>) -> bool {
        let text = record.args.to_string();
        if text == "boom" {
            panic!("handler exploded");
        }
        self.0
            .bytes
            .lock()
            .unwrap()
            .extend_from_slice(format!("{text}\n").as_bytes());
        true
    }
    fn stats(&self) -> HandlerStats {
        HandlerStats::default()
    }
}

fn with_hook(hook: impl Fn() + Send + Sync + 'static, f: impl FnOnce() + std::panic::UnwindSafe) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |_| hook()));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(previous);
    assert!(result.is_err(), "the test body was meant to panic");
}

#[test]
fn a_panic_elsewhere_flushes_the_listener_and_the_memory_handler() {
    let _turn = SERIAL.lock().unwrap();
    static QUEUE: Queue<8, 64> = Queue::new();
    static LISTENER: PanicCell<Option<QueueListener<'static, 'static, 8, 64>>> =
        PanicCell::new(None);
    static MEMORY: PanicCell<MemoryHandler<'static, 8, 64>> =
        PanicCell::new(MemoryHandler::new(Level::ERROR));
    static REPORT: Mutex<Option<PanicReport>> = Mutex::new(None);

    let queued = Capture::default();
    let buffered = Capture::default();
    LISTENER.with(|l| {
        let mut listener = QueueListener::new(&QUEUE);
        listener
            .add(leak(
                StreamHandler::<_, 128>::new(queued.clone()).with_formatter(basic()),
            ))
            .ok()
            .unwrap();
        *l = Some(listener);
    });
    MEMORY.with(|m| {
        m.set_target(Some(leak(
            StreamHandler::<_, 128>::new(buffered.clone()).with_formatter(basic()),
        )))
    });

    for n in 0..3 {
        QUEUE
            .push(
                &Record::new(Level::INFO, "isr", format_args!("queued {n}")),
                None,
            )
            .unwrap();
        MEMORY.with(|m| {
            m.handle(&Record::new(
                Level::DEBUG,
                "app",
                format_args!("context {n}"),
            ))
        });
    }
    assert_eq!(queued.text(), "");
    assert_eq!(buffered.text(), "");

    with_hook(
        || {
            let report = flush_on_panic(&[&LISTENER, &MEMORY]);
            *REPORT.lock().unwrap() = Some(report);
        },
        || panic!("fault in application code"),
    );
    assert_eq!(
        *REPORT.lock().unwrap(),
        Some(PanicReport {
            flushed: 6,
            busy: 0
        })
    );
    assert_eq!(
        queued.lines(),
        [
            "INFO:isr:queued 0",
            "INFO:isr:queued 1",
            "INFO:isr:queued 2"
        ]
    );
    assert_eq!(
        buffered.lines(),
        [
            "DEBUG:app:context 0",
            "DEBUG:app:context 1",
            "DEBUG:app:context 2"
        ]
    );
    // Taken for good: the main loop can no longer use them.
    assert!(MEMORY.with(|_| ()).is_none());
}

#[test]
fn a_panic_inside_a_listener_handler_skips_the_listener_and_drains_the_queue_around_it() {
    let _turn = SERIAL.lock().unwrap();
    static QUEUE: Queue<8, 64> = Queue::new();
    static LISTENER: PanicCell<Option<QueueListener<'static, 'static, 8, 64>>> =
        PanicCell::new(None);
    static BUSY_SEEN: AtomicUsize = AtomicUsize::new(0);
    static RAW: Mutex<Option<Capture>> = Mutex::new(None);

    let normal = Capture::default();
    let raw = Capture::default();
    *RAW.lock().unwrap() = Some(raw.clone());
    LISTENER.with(|l| {
        let mut listener = QueueListener::new(&QUEUE);
        listener.add(leak(Exploding(normal.clone()))).ok().unwrap();
        *l = Some(listener);
    });
    for text in ["before", "boom", "after 1", "after 2"] {
        QUEUE
            .push(
                &Record::new(Level::ERROR, "app", format_args!("{text}")),
                None,
            )
            .unwrap();
    }
    with_hook(
        || {
            struct Target;
            impl emlog::panic_flush::PanicTarget for Target {
                fn panic_flush(&self) -> Option<usize> {
                    LISTENER.take_for_panic().map(|_| 0)
                }
            }
            let report = flush_on_panic(&[&Target]);
            BUSY_SEEN.store(report.busy, Ordering::SeqCst);
            let mut out = RAW.lock().unwrap().clone().unwrap();
            drain_to_writer::<8, 64, 96, _>(&QUEUE, basic(), &mut out);
        },
        || {
            LISTENER.with(|l| l.as_mut().unwrap().process_all());
        },
    );
    assert_eq!(
        BUSY_SEEN.load(Ordering::SeqCst),
        1,
        "the busy listener was skipped"
    );
    assert_eq!(normal.lines(), ["before"]);
    assert_eq!(raw.lines(), ["ERROR:app:after 1", "ERROR:app:after 2"]);
}

#[test]
fn a_panic_inside_a_dispatcher_handler_does_not_deadlock_and_flushes_a_memory_handler_in_a_cell() {
    let _turn = SERIAL.lock().unwrap();
    static LOGGING: Dispatcher<2> = Dispatcher::with_root_level(Level::DEBUG);
    static MEMORY: PanicCell<MemoryHandler<'static, 8, 64>> =
        PanicCell::new(MemoryHandler::new(Level::ERROR));
    static REPORT: Mutex<Option<PanicReport>> = Mutex::new(None);

    let dumped = Capture::default();
    let exploding_out = Capture::default();
    MEMORY.with(|m| {
        m.set_target(Some(leak(
            StreamHandler::<_, 128>::new(dumped.clone()).with_formatter(basic()),
        )))
    });
    LOGGING.add(leak(PanicCellHandler::new(&MEMORY))).unwrap();
    LOGGING.add(leak(Exploding(exploding_out.clone()))).unwrap();
    emlog::install(&LOGGING).unwrap();

    emlog::debug!(logger: "app", "step 1");
    emlog::info!(logger: "app", "step 2");
    with_hook(
        || {
            // Runs inside the dispatcher's critical section, its tables borrowed.
            let report = flush_on_panic(&[&MEMORY]);
            *REPORT.lock().unwrap() = Some(report);
        },
        || emlog::warning!(logger: "app", "boom"),
    );
    assert_eq!(
        *REPORT.lock().unwrap(),
        Some(PanicReport {
            flushed: 3,
            busy: 0
        })
    );
    assert_eq!(
        dumped.lines(),
        ["DEBUG:app:step 1", "INFO:app:step 2", "WARNING:app:boom"]
    );
}
