//! The record copy that MemoryHandler and the queue keep, with messages of any
//! length against text areas from 1 byte to beyond the 16-bit offsets.
//!
//! Properties, from the `captured` module docs: the logger name keeps at most
//! `NAME_MAX` bytes, the message all the room left (cut at a character
//! boundary, the cut reported, marked with `[...]` on replay and counted by
//! the handler or queue that made the copy), then file (its end), module
//! path, thread and process names (their start), each at most `NAME_MAX`
//! bytes; every fixed field survives unchanged. MemoryHandler hands its
//! target exactly those replayed records; the queue gives them back in order
//! and counts what it cut and what it dropped.
//!
//! Input lines: options (`r` in it: ring mode; `o`: the queue drops the
//! oldest), flush level number, format string for the copy (empty: the
//! message alone), then records: each its lines (see `ArbRecord::read`) and a
//! message line, pieces separated by `\x1f`.
#![no_main]

use emlog::{
    CapturedRecord, Formatter, Handler, HandlerBase, HandlerStats, Level, MemoryHandler, NAME_MAX,
    Overflow, Queue, Record, TRUNCATION_MARKER,
};
use emlog_fuzz::{ArbRecord, Lines, cut_at_char_boundary, lend_static, tail_at_char_boundary};
use libfuzzer_sys::fuzz_target;

struct Input<'a> {
    records: Vec<ArbRecord>,
    format: Option<&'a str>,
    flush_level: u8,
    ring: bool,
    drop_oldest: bool,
}

/// At most this many records per input.
const RECORDS_MAX: usize = 16;

impl<'a> Input<'a> {
    fn read(text: &'a str) -> Input<'a> {
        let mut lines = Lines::new(text);
        let options = lines.text();
        let flush_level = lines.number();
        let format = lines.optional();
        let mut records = Vec::new();
        while !lines.is_empty() && records.len() < RECORDS_MAX {
            records.push(ArbRecord::read(&mut lines, false));
        }
        Input {
            records,
            format,
            flush_level,
            ring: options.contains('r'),
            drop_oldest: options.contains('o'),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = Input::read(&text);
    // SAFETY: the formatter is dropped at the end of this run, before `text`.
    let formatter = input
        .format
        .and_then(|f| Formatter::new(unsafe { lend_static(f) }).ok());
    let records = &input.records[..];
    for record in records {
        check_capture::<1>(record, formatter.as_ref());
        check_capture::<8>(record, formatter.as_ref());
        check_capture::<33>(record, formatter.as_ref());
        check_capture::<128>(record, formatter.as_ref());
        // Beyond what 16-bit offsets address: the copy must still hold together.
        check_capture::<65_600>(record, formatter.as_ref());
    }
    check_memory_handler::<8>(&input, records);
    check_memory_handler::<64>(&input, records);
    check_queue::<16>(&input, records, formatter.as_ref());
    check_queue::<128>(&input, records, formatter.as_ref());
});

/// The bytes of text a copy of `m` bytes holds: offsets are 16-bit.
fn text_capacity(m: usize) -> usize {
    m.min(usize::from(u16::MAX))
}

/// The message a copy of `m` bytes must hold, the rendering cut to the room
/// the logger name left, and whether it was cut.
fn expected_message(text: &str, m: usize, logger: &str) -> (String, bool) {
    let room = text_capacity(m) - cut_at_char_boundary(logger, NAME_MAX.min(m)).len();
    let kept = cut_at_char_boundary(text, room).to_owned();
    let cut = kept.len() < text.len();
    (kept, cut)
}

fn rendered(record: &ArbRecord, formatter: Option<&Formatter>) -> String {
    record.with_record(|r| match formatter {
        Some(f) => {
            let mut line = String::new();
            f.render(r, &mut line).expect("renders into a String");
            line
        }
        None => record.message_text(),
    })
}

fn check_capture<const M: usize>(input: &ArbRecord, formatter: Option<&Formatter>) {
    let full = rendered(input, formatter);
    let mut captured: Box<CapturedRecord<M>> = Box::new(CapturedRecord::new());
    let cut = input.with_record(|r| captured.capture(r, formatter));
    let logger = cut_at_char_boundary(&input.logger, NAME_MAX.min(M));
    let (message, should_cut) = expected_message(&full, M, &input.logger);
    assert_eq!(captured.logger(), logger, "logger, M = {M}");
    assert_eq!(captured.message(), message, "message, M = {M}");
    assert_eq!(cut, should_cut, "cut reported, M = {M}");
    assert_eq!(captured.is_cut(), should_cut);
    assert_eq!(captured.level(), Level::new(input.level));
    assert_eq!(captured.sequence(), input.sequence);

    // What is left after logger and message, for the names, in order.
    let mut left = text_capacity(M) - logger.len() - message.len();
    let mut left_after = |s: &str, tail: bool| -> String {
        let kept = if tail {
            tail_at_char_boundary(s, NAME_MAX.min(left))
        } else {
            cut_at_char_boundary(s, NAME_MAX.min(left))
        };
        left -= kept.len();
        kept.to_owned()
    };
    let file = left_after(&input.file, true);
    let module = left_after(&input.module_path, false);
    let thread = left_after(&input.thread_name, false);
    let process = left_after(&input.process_name, false);

    captured.with_record(|r| {
        let marker = if should_cut { TRUNCATION_MARKER } else { "" };
        assert_eq!(r.args.to_string(), format!("{message}{marker}"));
        assert_eq!(r.logger, logger);
        assert_eq!(r.level, Level::new(input.level));
        assert_eq!(r.location.file, file, "file, M = {M}");
        assert_eq!(r.location.module_path, module, "module, M = {M}");
        assert_eq!(r.location.line, input.line);
        assert_eq!(r.thread.name, thread, "thread, M = {M}");
        assert_eq!(r.thread.id, input.thread_id);
        assert_eq!(r.process, (input.process_id, process.as_str()), "M = {M}");
        assert_eq!(r.timestamp, input.timestamp());
        assert_eq!(r.sequence, input.sequence);
    });

    // A copy of the copy is the same record.
    let again = captured.clone();
    assert_eq!(again.message(), captured.message());
    assert_eq!(again.logger(), captured.logger());
}

/// A target that keeps what it was handed: logger, message, level.
struct Keep {
    base: HandlerBase,
    seen: Vec<(String, String, Level)>,
}

impl Handler for Keep {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        self.seen.push((
            record.logger.to_owned(),
            record.args.to_string(),
            record.level,
        ));
        true
    }
}

/// MemoryHandler with 4 slots: every record reaches the target once, in order,
/// as its copy replays it, or is counted as dropped (ring mode).
fn check_memory_handler<const M: usize>(input: &Input, records: &[ArbRecord]) {
    let mut target = Keep {
        base: HandlerBase::new(Level::NOTSET),
        seen: Vec::new(),
    };
    let flush_level = Level::new(input.flush_level);
    let mut expected = Vec::new();
    let stats: HandlerStats;
    {
        let mut memory: MemoryHandler<'_, 4, M> = MemoryHandler::new(flush_level).ring(input.ring);
        memory.set_target(Some(&mut target));
        for record in records {
            assert!(record.with_record(|r| memory.handle(r)));
            let (message, cut) = expected_message(&record.message_text(), M, &record.logger);
            let marker = if cut { TRUNCATION_MARKER } else { "" };
            expected.push((
                cut_at_char_boundary(&record.logger, NAME_MAX.min(M)).to_owned(),
                format!("{message}{marker}"),
                Level::new(record.level),
                cut,
            ));
            assert!(memory.len() <= 4);
        }
        memory.close();
        assert!(memory.is_empty(), "close flushes everything");
        stats = memory.stats();
        assert_eq!(stats.dropped, memory.overwritten());
    }
    let truncated = expected.iter().filter(|e| e.3).count() as u64;
    assert_eq!(stats.emitted, records.len() as u64);
    assert_eq!(stats.truncated, truncated);
    // Ring mode drops the oldest: what the target saw is the expected list
    // with `dropped` records missing, order kept.
    assert_eq!(
        target.seen.len() as u64 + stats.dropped,
        records.len() as u64
    );
    let mut rest = expected.iter();
    for seen in &target.seen {
        let found = rest.any(|e| (&e.0, &e.1, e.2) == (&seen.0, &seen.1, seen.2));
        assert!(
            found,
            "the target got {seen:?}, not an expected record in order"
        );
    }
    if !input.ring {
        assert_eq!(stats.dropped, 0);
    }
}

/// A queue of 4: records come back in order as their copies; what does not
/// fit is dropped (the newest or the oldest) and counted; cuts are counted.
fn check_queue<const M: usize>(
    input: &Input,
    records: &[ArbRecord],
    formatter: Option<&Formatter>,
) {
    let overflow = if input.drop_oldest {
        Overflow::DropOldest
    } else {
        Overflow::DropNewest
    };
    let queue: Box<Queue<4, M>> = Box::new(Queue::with_overflow(overflow));
    let mut queued: std::collections::VecDeque<(String, bool)> = Default::default();
    let mut dropped = 0u32;
    let mut truncated = 0u32;
    let mut out: Box<CapturedRecord<M>> = Box::new(CapturedRecord::new());
    for (i, record) in records.iter().enumerate() {
        let full = rendered(record, formatter);
        let (message, cut) = expected_message(&full, M, &record.logger);
        let pushed = record.with_record(|r| queue.push(r, formatter));
        if queued.len() == 4 {
            dropped += 1;
            if input.drop_oldest {
                queued.pop_front();
                assert_eq!(pushed, Ok(cut));
            } else {
                assert!(pushed.is_err());
            }
        } else {
            assert_eq!(pushed, Ok(cut));
        }
        if pushed.is_ok() {
            queued.push_back((message, cut));
            truncated += u32::from(cut);
        }
        assert_eq!(queue.len(), queued.len());
        // Drain now and then, so that positions go round the ring.
        if i % 3 == 2 {
            let (message, cut) = queued.pop_front().expect("a queued record");
            assert!(queue.pop_into(&mut out));
            assert_eq!(out.message(), message);
            assert_eq!(out.is_cut(), cut);
        }
    }
    while let Some((message, cut)) = queued.pop_front() {
        assert!(queue.pop_into(&mut out));
        assert_eq!(out.message(), message);
        assert_eq!(out.is_cut(), cut);
    }
    assert!(!queue.pop_into(&mut out), "the queue is empty");
    assert_eq!(queue.dropped(), dropped);
    assert_eq!(queue.truncated(), truncated);
}
