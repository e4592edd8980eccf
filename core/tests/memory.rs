//! MemoryHandler: Python's MemoryHandlerTest cases, plus ring mode, cutting and capacity.

mod common;

use common::Capture;
use emlog::{CapturedRecord, Handler, Level, MemoryHandler, Record, StreamHandler};

fn target(out: &Capture) -> StreamHandler<Capture, 128> {
    StreamHandler::new(out.clone())
        .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"))
}

fn log(h: &mut dyn Handler, level: Level, n: u32) {
    h.handle(&Record::new(level, "mem", format_args!("record {}", n)));
}

// Python: MemoryHandlerTest.test_flush (capacity 10, flushLevel WARNING).
#[test]
fn debug_and_info_are_buffered_and_warning_flushes_all_three() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 10, 64> = MemoryHandler::new(Level::WARNING);
    mem.set_target(Some(&mut t));
    log(&mut mem, Level::DEBUG, 1);
    log(&mut mem, Level::INFO, 2);
    assert_eq!(mem.len(), 2);
    assert_eq!(out.text(), "");
    log(&mut mem, Level::WARNING, 3);
    assert_eq!(mem.len(), 0);
    assert_eq!(
        out.lines(),
        [
            "DEBUG:mem:record 1",
            "INFO:mem:record 2",
            "WARNING:mem:record 3"
        ]
    );
}

#[test]
fn the_tenth_record_fills_the_buffer_and_flushes_it() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 10, 64> = MemoryHandler::new(Level::WARNING);
    mem.set_target(Some(&mut t));
    for n in 0..9 {
        log(&mut mem, Level::DEBUG, n);
    }
    assert_eq!(out.lines().len(), 0);
    log(&mut mem, Level::DEBUG, 9);
    assert_eq!(out.lines().len(), 10);
    assert_eq!(out.lines()[9], "DEBUG:mem:record 9");
    assert!(mem.is_empty());
}

#[test]
fn flush_on_close_true_sends_the_buffer_on_close() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 10, 64> = MemoryHandler::new(Level::WARNING);
    mem.set_target(Some(&mut t));
    log(&mut mem, Level::DEBUG, 1);
    log(&mut mem, Level::INFO, 2);
    mem.close();
    assert_eq!(out.lines(), ["DEBUG:mem:record 1", "INFO:mem:record 2"]);
    // Closed: later records are dropped and counted.
    log(&mut mem, Level::ERROR, 3);
    assert_eq!(out.lines().len(), 2);
    assert_eq!(mem.stats().dropped, 1);
}

#[test]
fn flush_on_close_false_keeps_the_buffer_on_close() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 10, 64> =
        MemoryHandler::new(Level::WARNING).flush_on_close(false);
    mem.set_target(Some(&mut t));
    log(&mut mem, Level::DEBUG, 1);
    log(&mut mem, Level::INFO, 2);
    mem.close();
    assert_eq!(out.text(), "");
    assert_eq!(mem.len(), 2);
}

#[test]
fn without_a_target_the_buffer_is_kept_and_a_full_one_drops_the_new_record() {
    let mut mem: MemoryHandler<'_, 3, 64> = MemoryHandler::new(Level::WARNING);
    log(&mut mem, Level::ERROR, 1);
    assert_eq!(mem.len(), 1, "flush with no target keeps the record");
    log(&mut mem, Level::DEBUG, 2);
    log(&mut mem, Level::DEBUG, 3);
    assert!(!mem.handle(&Record::new(Level::DEBUG, "mem", format_args!("record 4"))));
    assert_eq!(mem.stats().dropped, 1);
    let kept: Vec<_> = mem.records().map(|r| r.message().to_owned()).collect();
    assert_eq!(kept, ["record 1", "record 2", "record 3"]);

    // A target set later receives them on the next flush.
    let out = Capture::default();
    let mut t = target(&out);
    mem.set_target(Some(&mut t));
    mem.flush();
    assert_eq!(
        out.lines(),
        [
            "ERROR:mem:record 1",
            "DEBUG:mem:record 2",
            "DEBUG:mem:record 3"
        ]
    );
}

#[test]
fn ring_mode_keeps_the_last_n_and_dumps_them_on_error() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 4, 64> = MemoryHandler::new(Level::ERROR).ring(true);
    mem.set_target(Some(&mut t));
    for n in 0..10 {
        log(&mut mem, Level::DEBUG, n);
    }
    assert_eq!(out.text(), "", "a full ring does not flush");
    assert_eq!(mem.overwritten(), 6);
    assert_eq!(mem.stats().dropped, 6);
    log(&mut mem, Level::ERROR, 10);
    assert_eq!(
        out.lines(),
        [
            "DEBUG:mem:record 7",
            "DEBUG:mem:record 8",
            "DEBUG:mem:record 9",
            "ERROR:mem:record 10"
        ]
    );
}

#[test]
fn a_long_message_is_cut_marked_and_counted() {
    let out = Capture::default();
    let mut t = target(&out);
    let mut mem: MemoryHandler<'_, 2, 32> = MemoryHandler::new(Level::ERROR);
    mem.set_target(Some(&mut t));
    mem.handle(&Record::new(
        Level::ERROR,
        "mem",
        format_args!("{}", "x".repeat(100)),
    ));
    assert_eq!(mem.stats().truncated, 1);
    let line = &out.lines()[0];
    assert!(line.ends_with("x[...]"), "{line}");
    assert!(line.len() < 60, "{line}");
}

#[test]
fn the_target_gets_records_below_its_own_level_as_in_python() {
    // Python's MemoryHandler calls target.handle, which does not check the level.
    let out = Capture::default();
    let mut t = target(&out).with_level(Level::ERROR);
    let mut mem: MemoryHandler<'_, 4, 64> = MemoryHandler::new(Level::ERROR);
    mem.set_target(Some(&mut t));
    log(&mut mem, Level::DEBUG, 1);
    log(&mut mem, Level::ERROR, 2);
    assert_eq!(out.lines(), ["DEBUG:mem:record 1", "ERROR:mem:record 2"]);
}

#[test]
fn a_captured_record_keeps_location_thread_and_the_tail_of_a_long_file_path() {
    let long = "some/very/long/directory/structure/that/goes/on/src/net.rs";
    let record = Record::new(Level::INFO, "net", format_args!("up"))
        .with_location(emlog::Location {
            file: long,
            line: 42,
            module_path: "app::net",
        })
        .with_sequence(7)
        .with_thread(emlog::ThreadInfo { id: 3, name: "isr" });
    let mut c: CapturedRecord<128> = CapturedRecord::new();
    assert!(!c.capture(&record, None));
    c.with_record(|r| {
        assert_eq!(r.location.line, 42);
        assert!(r.location.file.ends_with("src/net.rs"));
        assert!(long.ends_with(r.location.file));
        assert_eq!(r.location.module_path, "app::net");
        assert_eq!(r.sequence, 7);
        assert_eq!((r.thread.id, r.thread.name), (3, "isr"));
        assert_eq!(r.args.to_string(), "up");
    });
}

#[test]
fn a_buffer_filled_without_a_target_flushes_to_a_target_set_later_before_taking_more() {
    let mut mem: MemoryHandler<'_, 2, 64> = MemoryHandler::new(Level::ERROR);
    log(&mut mem, Level::DEBUG, 1);
    log(&mut mem, Level::DEBUG, 2);
    let out = Capture::default();
    let mut t = target(&out);
    mem.set_target(Some(&mut t));
    log(&mut mem, Level::DEBUG, 3);
    assert_eq!(out.lines(), ["DEBUG:mem:record 1", "DEBUG:mem:record 2"]);
    assert_eq!(mem.len(), 1);
    assert_eq!(mem.stats().dropped, 0);
}

#[test]
fn a_captured_record_gives_the_message_priority_over_location_names() {
    let message = "a message of exactly forty bytes, really";
    assert_eq!(message.len(), 40);
    let location = emlog::Location {
        file: "src/some/long/path/file.rs",
        line: 1,
        module_path: "app::net",
    };
    let mut c: CapturedRecord<48> = CapturedRecord::new();
    let cut = c.capture(
        &Record::new(Level::INFO, "net", format_args!("{message}")).with_location(location),
        None,
    );
    assert!(!cut, "the message fits whole");
    assert_eq!(c.message(), message);
    assert_eq!(c.logger(), "net");
    c.with_record(|r| {
        // 48 - 3 - 40 = 5 bytes left: the end of the file path, nothing more.
        assert_eq!(r.location.file, "le.rs");
        assert_eq!(r.location.module_path, "");
    });
}
