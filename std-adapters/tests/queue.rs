//! QueueHandler and QueueListener: delivery, prepare, overflow policies,
//! in-band drop reports, respect_handler_level, stop and drop.

use std::sync::{Arc, Mutex};

use emlog::{Formatter, Handler, HandlerBase, HandlerStats, Level, Record};
use emlog_std::{ListenerError, Overflow, QueueHandler, QueueListener, RecordQueue};

/// Keeps "LEVEL logger: message" of each record it gets.
struct Sink {
    base: HandlerBase,
    lines: Arc<Mutex<Vec<String>>>,
    flushed: Arc<Mutex<u32>>,
}

type Lines = Arc<Mutex<Vec<String>>>;

fn sink(level: Level) -> (Box<dyn Handler + Send>, Lines, Arc<Mutex<u32>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let flushed = Arc::new(Mutex::new(0));
    let s = Sink {
        base: HandlerBase::new(level),
        lines: Arc::clone(&lines),
        flushed: Arc::clone(&flushed),
    };
    (Box::new(s), lines, flushed)
}

impl Handler for Sink {
    fn level(&self) -> Level {
        self.base.level()
    }
    fn set_level(&mut self, l: Level) {
        self.base.set_level(l)
    }
    fn handle(&mut self, r: &Record<'_>) -> bool {
        self.lines
            .lock()
            .unwrap()
            .push(format!("{} {}: {}", r.level, r.logger, r.args));
        true
    }
    fn flush(&mut self) {
        *self.flushed.lock().unwrap() += 1;
    }
    fn stats(&self) -> HandlerStats {
        self.base.stats()
    }
}

fn send(h: &mut QueueHandler, level: Level, msg: &str) -> bool {
    h.handle(&Record::new(level, "app", format_args!("{msg}")))
}

#[test]
fn listener_delivers_in_order_and_stop_drains_and_flushes() {
    let queue = RecordQueue::new(100, Overflow::Block);
    let (s, lines, flushed) = sink(Level::NOTSET);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
    listener.start().unwrap();
    let mut h = QueueHandler::new(queue);
    for i in 0..50 {
        assert!(send(&mut h, Level::INFO, &i.to_string()));
    }
    listener.stop();
    let expected: Vec<String> = (0..50).map(|i| format!("INFO app: {i}")).collect();
    assert_eq!(*lines.lock().unwrap(), expected);
    assert_eq!(*flushed.lock().unwrap(), 1);
    listener.stop(); // idempotent
    assert!(!listener.is_running());
}

#[test]
fn prepare_formats_the_message_on_the_callers_thread() {
    let queue = RecordQueue::new(10, Overflow::Block);
    let (s, lines, _) = sink(Level::NOTSET);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
    let mut h = QueueHandler::new(queue)
        .with_formatter(Formatter::new("[%(levelname)s] %(message)s").unwrap());
    listener.start().unwrap();
    send(&mut h, Level::ERROR, "disk");
    listener.stop();
    // The listener's handler sees the pre-formatted message, level and logger intact.
    assert_eq!(*lines.lock().unwrap(), ["ERROR app: [ERROR] disk"]);
}

#[test]
fn starting_twice_is_an_error() {
    let queue = RecordQueue::new(10, Overflow::Block);
    let mut listener = QueueListener::new(queue, vec![]);
    listener.start().unwrap();
    assert!(matches!(
        listener.start(),
        Err(ListenerError::AlreadyStarted)
    ));
}

#[test]
fn drop_newest_counts_and_reports_drops_in_band() {
    let queue = RecordQueue::new(3, Overflow::DropNewest);
    let mut h = QueueHandler::new(Arc::clone(&queue));
    // Not started yet: the queue fills.
    for i in 0..5 {
        send(&mut h, Level::INFO, &i.to_string());
    }
    assert_eq!(queue.dropped(), 2);
    assert_eq!(h.stats().dropped, 2);
    let (s, lines, _) = sink(Level::NOTSET);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
    listener.start().unwrap();
    listener.stop();
    assert_eq!(
        *lines.lock().unwrap(),
        [
            "WARNING emlog.queue: --- 2 records dropped ---",
            "INFO app: 0",
            "INFO app: 1",
            "INFO app: 2"
        ]
    );
}

#[test]
fn drop_oldest_keeps_the_newest_records() {
    let queue = RecordQueue::new(3, Overflow::DropOldest);
    let mut h = QueueHandler::new(Arc::clone(&queue));
    for i in 0..5 {
        assert!(send(&mut h, Level::INFO, &i.to_string()));
    }
    let (s, lines, _) = sink(Level::NOTSET);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
    listener.start().unwrap();
    listener.stop();
    assert_eq!(
        *lines.lock().unwrap(),
        [
            "WARNING emlog.queue: --- 2 records dropped ---",
            "INFO app: 2",
            "INFO app: 3",
            "INFO app: 4"
        ]
    );
}

#[test]
fn block_loses_nothing_with_a_tiny_queue() {
    let queue = RecordQueue::new(2, Overflow::Block);
    let (s, lines, _) = sink(Level::NOTSET);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
    listener.start().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let q = Arc::clone(&queue);
            std::thread::spawn(move || {
                let mut h = QueueHandler::new(q);
                for i in 0..1000 {
                    send(&mut h, Level::INFO, &format!("{t}-{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    listener.stop();
    assert_eq!(lines.lock().unwrap().len(), 4000);
    assert_eq!(queue.dropped(), 0);
}

#[test]
fn respect_handler_level_filters_per_handler() {
    let queue = RecordQueue::new(10, Overflow::Block);
    let (all, all_lines, _) = sink(Level::ERROR);
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![all]);
    let mut h = QueueHandler::new(Arc::clone(&queue));
    listener.start().unwrap();
    send(&mut h, Level::INFO, "i");
    send(&mut h, Level::ERROR, "e");
    listener.stop();
    // Python's default: every handler gets every record.
    assert_eq!(all_lines.lock().unwrap().len(), 2);

    let (picky, picky_lines, _) = sink(Level::ERROR);
    let mut listener =
        QueueListener::new(Arc::clone(&queue), vec![picky]).respect_handler_level(true);
    listener.start().unwrap();
    send(&mut h, Level::INFO, "i");
    send(&mut h, Level::ERROR, "e");
    listener.stop();
    assert_eq!(*picky_lines.lock().unwrap(), ["ERROR app: e"]);
}

#[test]
fn dropping_the_listener_drains_the_queue() {
    let queue = RecordQueue::new(100, Overflow::Block);
    let (s, lines, flushed) = sink(Level::NOTSET);
    {
        let mut listener = QueueListener::new(Arc::clone(&queue), vec![s]);
        listener.start().unwrap();
        let mut h = QueueHandler::new(Arc::clone(&queue));
        for i in 0..20 {
            send(&mut h, Level::INFO, &i.to_string());
        }
    }
    assert_eq!(lines.lock().unwrap().len(), 20);
    assert_eq!(*flushed.lock().unwrap(), 1);
    // After stop, new records are dropped and counted, not left in the queue.
    let mut h = QueueHandler::new(Arc::clone(&queue));
    assert!(!send(&mut h, Level::INFO, "late"));
    assert_eq!(queue.dropped(), 1);
}

/// A handler stuck in I/O (here: waiting on a channel) does not hold up the
/// logging thread: with a drop policy it queues or counts and returns.
#[test]
fn a_caller_never_waits_for_a_stuck_handler() {
    struct Stuck(HandlerBase, std::sync::mpsc::Receiver<()>);
    impl Handler for Stuck {
        fn level(&self) -> Level {
            self.0.level()
        }
        fn set_level(&mut self, l: Level) {
            self.0.set_level(l)
        }
        fn handle(&mut self, _: &Record<'_>) -> bool {
            let _ = self.1.recv();
            true
        }
        fn stats(&self) -> HandlerStats {
            self.0.stats()
        }
    }
    let (release, stuck) = std::sync::mpsc::channel();
    let queue = RecordQueue::new(10, Overflow::DropNewest);
    let mut listener = QueueListener::new(
        Arc::clone(&queue),
        vec![Box::new(Stuck(HandlerBase::new(Level::NOTSET), stuck))],
    );
    listener.start().unwrap();
    let mut h = QueueHandler::new(Arc::clone(&queue));
    let start = std::time::Instant::now();
    for i in 0..1000 {
        send(&mut h, Level::INFO, &i.to_string());
    }
    let elapsed = start.elapsed();
    assert!(queue.dropped() >= 980, "dropped {}", queue.dropped());
    assert_eq!(h.stats().dropped, queue.dropped());
    drop(release); // unblock the handler so stop() can drain
    listener.stop();
    assert!(
        elapsed < std::time::Duration::from_secs(1),
        "the caller waited {elapsed:?}"
    );
}

/// Every field of a record (its message as its `Display` writes it).
fn fields(r: &Record<'_>) -> String {
    format!("{r:?}")
}

/// Keeps [`fields`] of each record it gets.
struct Fields {
    base: HandlerBase,
    got: Lines,
}

impl Handler for Fields {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, r: &Record<'_>) -> bool {
        self.got.lock().unwrap().push(fields(r));
        true
    }
}

#[test]
fn records_of_strings_freed_once_handle_returns_arrive_whole() {
    use emlog::__private::{Arg, PlainParts, with_plain_message};
    use emlog::{Location, ThreadInfo, Timestamp};
    let queue = RecordQueue::new(256, Overflow::Block);
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = Fields {
        base: HandlerBase::new(Level::NOTSET),
        got: Arc::clone(&got),
    };
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![Box::new(keep)]);
    let mut handler = QueueHandler::new(Arc::clone(&queue));
    let mut expected = Vec::new();
    // Short and long strings (inline and spilled), the thread's and
    // process's names of the environment and copies of them (the same text
    // elsewhere in memory), a plain call and text; sent while the listener
    // waits, then overwritten and freed before it reads them.
    let environment = emlog::environment();
    let env_thread = (environment.thread)();
    for i in 0..60 {
        let len = [1, 30, 300][i % 3];
        let mut logger = format!("app.{}", "l".repeat(len));
        let mut file = format!("src/{i}/{}.rs", "f".repeat(len));
        let mut module = format!("app::{}", "m".repeat(len));
        let mut thread = env_thread.name.to_owned();
        let mut process = environment.process_name.to_owned();
        let mut text = format!("text {i} é{}", "t".repeat(len));
        let (thread_name, process_name): (&str, &str) = match i % 4 {
            0 => (env_thread.name, environment.process_name),
            1 => (&thread, &process),
            _ => (&thread, environment.process_name),
        };
        let mut record = Record::new(Level::new(15 + i as u8), &logger, format_args!(""))
            .with_location(Location {
                file: &file,
                line: i as u32,
                module_path: &module,
            })
            .with_timestamp(Timestamp::new(1_700_000_000 + i as u64, i as u32))
            .with_sequence(u32::MAX - i as u32)
            .with_thread(ThreadInfo {
                id: u64::MAX - i as u64,
                name: thread_name,
            });
        record.process = (i as u32, process_name);
        let args = [Arg::Str(&text), Arg::Unsigned64(i as u64)];
        let parts = PlainParts {
            pieces: &["<", "|", ">"],
            precisions: &[],
            args: &args,
        };
        with_plain_message(parts, |args| {
            let r = Record { args, ..record };
            assert!(handler.handle(&r));
            expected.push(fields(&r));
        });
        let args = format_args!("{text}/{i}");
        let r = Record {
            args: args.into(),
            ..record
        };
        assert!(handler.handle(&r));
        expected.push(fields(&r));
        for s in [
            &mut logger,
            &mut file,
            &mut module,
            &mut thread,
            &mut process,
            &mut text,
        ] {
            let len = s.len();
            s.clear();
            s.push_str(&"#".repeat(len));
        }
    }
    listener.start().unwrap();
    listener.stop();
    assert_eq!(*got.lock().unwrap(), expected);
}
