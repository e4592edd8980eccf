//! defmt mode (feature `defmt-mode`): emlog's macros check the compile-time
//! ceiling, the threshold and the logger's level, then send one defmt frame
//! per wanted call; the handlers never see those calls. Built with
//! `DEFMT_LOG=trace` (defmt's own filter would otherwise keep only `error!`),
//! once with the `log` bridge and once with `max_level_info` for the ceiling:
//!
//!     DEFMT_LOG=trace cargo test -p emlog --features defmt-mode,defmt-logger,log --test defmt_mode
//!     DEFMT_LOG=trace cargo test -p emlog --features defmt-mode,defmt-logger,max_level_info --test defmt_mode
#![cfg(all(feature = "defmt-mode", feature = "defmt-logger"))]

mod common;

use std::cell::Cell;

use common::{Capture, leak, split};
use emlog::defmt_logger::{self, SharedSink};
use emlog::{Dispatcher, Formatter, Level, Record, StreamHandler};

// defmt needs a timestamp source in every program that logs.
defmt::timestamp!("{=u32}", 0);

static LOGGING: Dispatcher<1, 4> = Dispatcher::with_root_level(Level::INFO);

/// The bytes of a frame before rzCOBS (read from its end, as the encoding is
/// reversed): a byte 0x01..=0x7F says which of the next 7 are zeros (bit set)
/// and which follow in the input; 0x80..=0xFE is a zero then `(b & 0x7F) + 7`
/// bytes; 0xFF is 134 bytes.
fn rzcobs_decode(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bytes = frame.iter().rev().copied();
    while let Some(control) = bytes.next() {
        match control {
            0 => panic!("0x00 inside an rzCOBS frame"),
            0x01..=0x7F => {
                for bit in (0..7).rev() {
                    out.push(if control & (1 << bit) != 0 {
                        0
                    } else {
                        bytes.next().expect("frame cut inside a group")
                    });
                }
            }
            0x80..=0xFE => {
                out.push(0);
                out.extend(bytes.by_ref().take(usize::from(control & 0x7F) + 7));
            }
            0xFF => out.extend(bytes.by_ref().take(134)),
        }
    }
    out.reverse();
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The wire, and how far the test has read it.
struct Wire {
    capture: Capture,
    frames_seen: usize,
    lines_seen: usize,
}

impl Wire {
    /// The frames (decoded) and text lines written since the last call.
    fn new_output(&mut self) -> (Vec<Vec<u8>>, Vec<String>) {
        let (lines, frames) = split(&self.capture.bytes.lock().unwrap());
        let new_frames = frames[self.frames_seen..]
            .iter()
            .map(|f| rzcobs_decode(f))
            .collect();
        let new_lines = lines[self.lines_seen..].to_vec();
        self.frames_seen = frames.len();
        self.lines_seen = lines.len();
        (new_frames, new_lines)
    }

    /// How many frames `log` sent.
    fn frames_of(&mut self, log: impl FnOnce()) -> usize {
        log();
        let (frames, lines) = self.new_output();
        assert!(lines.is_empty(), "a macro call wrote text: {lines:?}");
        frames.len()
    }
}

/// Whether the compile-time ceiling keeps calls at `level`.
// Always true without a ceiling feature; the test runs with and without one.
#[allow(clippy::absurd_extreme_comparisons)]
fn kept(level: Level) -> bool {
    u16::from(level.number()) >= emlog::STATIC_MIN_LEVEL
}

#[test]
fn defmt_mode_macros_follow_the_ceiling_and_the_run_time_levels() {
    assert_eq!(
        option_env!("DEFMT_LOG"),
        Some("trace"),
        "build this test with DEFMT_LOG=trace: defmt's own filter must keep every level"
    );
    if cfg!(feature = "max_level_info") {
        assert_eq!(emlog::STATIC_MIN_LEVEL, 20, "the ceiling feature is on");
    }
    let mut wire = Wire {
        capture: Capture::default(),
        frames_seen: 0,
        lines_seen: 0,
    };
    assert!(defmt_logger::set_sink(leak(wire.capture.clone())).is_ok());

    // Before a dispatcher is installed, every call the ceiling keeps goes out.
    let n = wire.frames_of(|| emlog::debug!(logger: "app", "before install {=u32}", 1));
    assert_eq!(n, usize::from(kept(Level::DEBUG)));

    // A text handler on the same wire: it takes Records, never macro calls.
    let text: &'static mut StreamHandler<SharedSink, 128> = leak(
        StreamHandler::new(SharedSink)
            .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s")),
    );
    let Ok(text_id) = LOGGING.add(text) else {
        panic!("the dispatcher refused its only handler")
    };
    LOGGING.set_handler_level(text_id, Level::ERROR).unwrap();
    emlog::install(&LOGGING).unwrap();
    // In defmt mode the handler's level does not raise the threshold.
    assert_eq!(emlog::threshold(), Level::INFO);

    // An emitted call: one frame, with the logger name (a defmt str: length,
    // a u32 length then the bytes) and the u32 argument, little-endian.
    emlog::info!(logger: "app", "request served, count={}", 10_000u32);
    let (frames, lines) = wire.new_output();
    assert!(lines.is_empty());
    assert_eq!(frames.len(), 1);
    assert!(contains(&frames[0], b"\x03\0\0\0app"), "{:?}", frames[0]);
    assert!(
        contains(&frames[0], &10_000u32.to_le_bytes()),
        "{:?}",
        frames[0]
    );

    // Below the threshold: no frame, and the arguments are not evaluated.
    let evaluated = Cell::new(0);
    let arg = || {
        evaluated.set(evaluated.get() + 1);
        7u32
    };
    assert_eq!(
        wire.frames_of(|| emlog::debug!(logger: "app", "{}", arg())),
        0
    );
    assert_eq!(evaluated.get(), 0);
    assert_eq!(
        wire.frames_of(|| emlog::info!(logger: "app", "{}", arg())),
        1
    );
    assert_eq!(evaluated.get(), 1, "an argument is evaluated once");

    // Logger levels: the threshold falls to DEBUG, yet "app" stays at INFO.
    LOGGING.set_logger_level("app.net", Level::DEBUG).unwrap();
    LOGGING.set_logger_level("app.db", Level::ERROR).unwrap();
    assert_eq!(emlog::threshold(), Level::DEBUG);
    let debug = usize::from(kept(Level::DEBUG));
    assert_eq!(
        wire.frames_of(|| emlog::debug!(logger: "app.net.tcp", "link {}", 1u8)),
        debug
    );
    assert_eq!(
        wire.frames_of(|| emlog::debug!(logger: "app", "link {}", 1u8)),
        0
    );
    assert_eq!(
        wire.frames_of(|| emlog::trace!(logger: "app.net", "link {}", 1u8)),
        0
    );
    assert_eq!(
        wire.frames_of(|| emlog::warning!(logger: "app.db", "slow")),
        0
    );
    assert_eq!(
        wire.frames_of(|| emlog::error!(logger: "app.db", "down")),
        1
    );
    assert_eq!(
        wire.frames_of(|| emlog::critical!(logger: "app.db", "gone")),
        1
    );
    // Any level through log!, picked at run time (25: defmt's info).
    let custom = Level::new(core::hint::black_box(25));
    assert_eq!(
        wire.frames_of(|| emlog::log!(logger: "app", custom, "custom {=i8}", -1)),
        1
    );
    let low = Level::new(core::hint::black_box(15));
    assert_eq!(
        wire.frames_of(|| emlog::log!(logger: "app", low, "custom")),
        0
    );
    // Without `logger:`, the module path is the logger (under the root's INFO).
    assert_eq!(wire.frames_of(|| emlog::info!("module logger")), 1);
    assert_eq!(wire.frames_of(|| emlog::debug!("module logger")), 0);

    // Records still go through the dispatcher to the handlers, as text.
    emlog::dispatch(&Record::new(Level::ERROR, "app", format_args!("a record")));
    let (frames, lines) = wire.new_output();
    assert!(frames.is_empty());
    assert_eq!(lines, ["ERROR:app:a record"]);
    let emitted = LOGGING
        .with_handler(text_id, |h| h.stats().emitted)
        .unwrap();
    assert_eq!(emitted, 1, "the handler saw the record and no macro call");
}
