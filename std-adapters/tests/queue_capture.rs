//! Through the macros, a global Logger and the queue: the message the
//! listener's handler sees is exactly what formatting it on the caller's
//! thread gives (`format!` of the same call), whether the call's arguments
//! were carried in binary (the queue quiet) or formatted on the caller (the
//! queue busy, a `Display` argument, a format beyond `{}` and `{:.N}`); and
//! every field of the record arrives as the call made it.
//!
//! One test: the dispatcher is global.

use std::fmt;
use std::sync::{Arc, Mutex};

use emlog::{Handler, HandlerBase, Level, Record};
use emlog_std::{Logger, Overflow, QueueHandler, QueueListener, RecordQueue};

static LOGGER: Logger = Logger::with_root_level(Level::DEBUG);

/// What the listener's handler got of one record.
#[derive(Clone, Debug, PartialEq)]
struct Got {
    level: Level,
    logger: String,
    message: String,
    file: String,
    line: u32,
    module_path: String,
    thread: String,
    sequence: u32,
    secs: u64,
    process: (u32, String),
}

struct Keep(HandlerBase, Arc<Mutex<Vec<Got>>>);

impl Handler for Keep {
    fn level(&self) -> Level {
        self.0.level()
    }
    fn set_level(&mut self, level: Level) {
        self.0.set_level(level)
    }
    fn stats(&self) -> emlog::HandlerStats {
        self.0.stats()
    }
    fn handle(&mut self, r: &Record<'_>) -> bool {
        self.1.lock().unwrap().push(Got {
            level: r.level,
            logger: r.logger.to_owned(),
            message: r.args.to_string(),
            file: r.location.file.to_owned(),
            line: r.location.line,
            module_path: r.location.module_path.to_owned(),
            thread: r.thread.name.to_owned(),
            sequence: r.sequence,
            secs: r.timestamp.secs,
            process: (r.process.0, r.process.1.to_owned()),
        });
        true
    }
}

/// Gives its queue handler each record with the file and module path moved
/// (text on the heap, freed once `handle` returns), the message still the
/// macro's own: the queue must copy them, not take the call's location.
struct Relocate {
    base: HandlerBase,
    queue: QueueHandler,
}

impl Handler for Relocate {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, r: &Record<'_>) -> bool {
        let mut file = format!("relocated/{}", r.location.file);
        let mut module_path = format!("relocated::{}", r.location.module_path);
        let moved = Record {
            location: emlog::Location {
                file: &file,
                line: r.location.line,
                module_path: &module_path,
            },
            ..*r
        };
        let handled = self.queue.handle(&moved);
        file.replace_range(.., &"#".repeat(file.len()));
        module_path.replace_range(.., &"#".repeat(module_path.len()));
        handled
    }
}

/// Writes its precision, to show it reaches `Display` (not a cut).
struct Precise;

impl fmt::Display for Precise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "precise{:?}", f.precision())
    }
}

/// Logs one round of calls of every shape; returns the messages as
/// `format!` writes them, and the line of the first call.
fn log_round(round: u32) -> (Vec<String>, u32) {
    let text = String::from("héllo wörld");
    let long = "ü".repeat(150);
    let (u8v, i16v, u32v, i32v) = (255u8, -32768i16, u32::MAX, i32::MIN);
    let (u64v, i64v, usizev, isizev) = (u64::MAX, i64::MIN, usize::MAX, isize::MIN);
    let (f32v, f64v) = (-1.25f32, 1234.5678f64);
    let precise = Precise;
    // The logger name and packed arguments at the most a slot holds inline
    // (56 bytes with the message's 16-byte head), and one byte more (the
    // last six calls; the last two: the logger name and text formatted on
    // the caller, with its 8-byte head).
    let (edge, over) = ("e".repeat(24), "o".repeat(25));
    let (t24, t25) = ("t".repeat(24), "u".repeat(25));
    let first = line!() + 1;
    emlog::info!(logger: "app.net", "round {} of {}", round, "calls");
    emlog::debug!(logger: "app.net", "{} {} {} {}", u8v, i16v, u32v, i32v);
    emlog::warning!(logger: "app", "{} {} {} {}", u64v, i64v, usizev, isizev);
    emlog::error!(logger: "app", "{}|{:.3}|{:.0}|{:.17}", f64v, f64v, f32v, f64v);
    emlog::info!(logger: "app", "{} and {:.4} and {:.2}", text, text, u32v);
    emlog::info!(logger: "app", "{} / {:.5}", precise, precise);
    emlog::info!(logger: "app", "{}{}", long, long);
    emlog::info!(logger: "app", "{:?} {:>6} {x}", text, u32v, x = 3);
    emlog::info!(logger: "app", "no arguments {{}}");
    emlog::info!(logger: "app", "{}{}{}{}{}{}{}{}{}", 1, 2, 3, 4, 5, 6, 7, 8, 9);
    emlog::info!(logger: "app", "{} {} {}", f64::NAN, f64::NEG_INFINITY, -0.0f64);
    emlog::info!(logger: &edge, "{} {}", round, u32v);
    emlog::info!(logger: &over, "{} {}", round, u32v);
    emlog::info!(logger: &edge[..13], "{}", "abc");
    emlog::info!(logger: &over[..14], "{}", "abc");
    emlog::info!(logger: &edge, "{}", t24);
    emlog::info!(logger: &edge, "{}", t25);
    let expected = vec![
        format!("round {} of {}", round, "calls"),
        format!("{} {} {} {}", u8v, i16v, u32v, i32v),
        format!("{} {} {} {}", u64v, i64v, usizev, isizev),
        format!("{}|{:.3}|{:.0}|{:.17}", f64v, f64v, f32v, f64v),
        format!("{} and {:.4} and {:.2}", text, text, u32v),
        format!("{} / {:.5}", precise, precise),
        format!("{}{}", long, long),
        format!("{:?} {:>6} {x}", text, u32v, x = 3),
        "no arguments {}".to_owned(),
        format!("{}{}{}{}{}{}{}{}{}", 1, 2, 3, 4, 5, 6, 7, 8, 9),
        format!("{} {} {}", f64::NAN, f64::NEG_INFINITY, -0.0f64),
        format!("{} {}", round, u32v),
        format!("{} {}", round, u32v),
        "abc".to_owned(),
        "abc".to_owned(),
        t24.clone(),
        t25.clone(),
    ];
    (expected, first)
}

/// Waits (at most 10 s, then fails) until the listener has taken every
/// record out of `queue`.
fn wait_until_empty(queue: &RecordQueue) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !queue.is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the listener did not drain the queue in 10 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn every_call_arrives_as_formatting_it_on_the_caller_would_have_written_it() {
    emlog_std::install_environment();
    emlog::install(&LOGGER).unwrap();
    // Room for a whole round: while the ring is less than half full the
    // arguments travel in binary; past half, the caller formats them.
    let queue = RecordQueue::new(64, Overflow::DropNewest);
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = Keep(HandlerBase::new(Level::NOTSET), Arc::clone(&got));
    let mut listener = QueueListener::new(Arc::clone(&queue), vec![Box::new(keep)]);
    let key = LOGGER.add(QueueHandler::new(Arc::clone(&queue))).unwrap();
    let moved_queue = RecordQueue::new(64, Overflow::DropNewest);
    let moved = Arc::new(Mutex::new(Vec::new()));
    let keep = Keep(HandlerBase::new(Level::NOTSET), Arc::clone(&moved));
    let mut moved_listener = QueueListener::new(Arc::clone(&moved_queue), vec![Box::new(keep)]);
    let moved_key = LOGGER
        .add(Relocate {
            base: HandlerBase::new(Level::NOTSET),
            queue: QueueHandler::new(Arc::clone(&moved_queue)),
        })
        .unwrap();
    emlog::refresh_threshold();

    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Three rounds queued before the listener starts: the first ones go
    // in binary, the later ones (the ring busy) formatted here.
    let mut expected = Vec::new();
    let mut first_lines = Vec::new();
    for round in 0..5 {
        if round > 2 {
            // A round is 17 records and the ring 64 slots: the listener
            // drains the three queued rounds (51) before the next, or the
            // ring would drop some (DropNewest).
            wait_until_empty(&queue);
            wait_until_empty(&moved_queue);
        }
        let (messages, first) = std::thread::Builder::new()
            .name(format!("caller-{round}"))
            .spawn(move || log_round(round))
            .unwrap()
            .join()
            .unwrap();
        first_lines.push(first);
        expected.push(messages);
        if round == 2 {
            assert_eq!(queue.dropped(), 0);
            listener.start().unwrap();
            moved_listener.start().unwrap();
        }
    }
    listener.stop();
    moved_listener.stop();
    assert_eq!(
        (queue.dropped(), moved_queue.dropped()),
        (0, 0),
        "nothing dropped"
    );
    LOGGER.remove(key).unwrap();
    LOGGER.remove(moved_key).unwrap();
    let process = (
        std::process::id(),
        emlog::environment().process_name.to_owned(),
    );

    let got = got.lock().unwrap();
    let per_round = expected[0].len();
    assert_eq!(got.len(), 5 * per_round, "every record delivered");
    for (round, (messages, records)) in expected.iter().zip(got.chunks(per_round)).enumerate() {
        for (k, (message, r)) in messages.iter().zip(records).enumerate() {
            assert_eq!(&r.message, message, "round {round}, call {k}");
            assert_eq!(r.thread, format!("caller-{round}"));
            assert_eq!(r.file, file!());
            assert_eq!(r.module_path, module_path!());
            assert_eq!(
                r.line,
                first_lines[round] + k as u32,
                "round {round}, call {k}"
            );
            assert!(r.secs >= before && r.secs <= before + 600);
            assert_eq!(r.process, process);
        }
        assert_eq!(records[1].level, Level::DEBUG);
        assert_eq!(records[2].level, Level::WARNING);
        assert_eq!(records[0].logger, "app.net");
        let loggers: Vec<&str> = records[11..].iter().map(|r| r.logger.as_str()).collect();
        let (edge, over) = ("e".repeat(24), "o".repeat(25));
        assert_eq!(
            loggers,
            [&edge[..], &over, &edge[..13], &over[..14], &edge, &edge]
        );
    }
    assert!(
        got.windows(2).all(|w| w[0].sequence < w[1].sequence),
        "in the order they were made"
    );
    // The same records with their location moved: copied, not taken from
    // the call.
    let moved = moved.lock().unwrap();
    assert_eq!(moved.len(), got.len(), "every moved record delivered");
    for (m, r) in moved.iter().zip(got.iter()) {
        let expected = Got {
            file: format!("relocated/{}", r.file),
            module_path: format!("relocated::{}", r.module_path),
            ..r.clone()
        };
        assert_eq!(m, &expected);
    }
}
