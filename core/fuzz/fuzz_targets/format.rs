//! Format strings of both styles, with a `datefmt` and a UTC offset, parsed and
//! rendered against arbitrary records.
//!
//! Properties: parsing either succeeds or reports a position inside the
//! string; rendering a parsed template into a `String` never fails and is
//! deterministic; a template with no directive renders as itself; rendering
//! into a `LineBuffer` of any size never exceeds it and keeps the longest
//! whole-character prefix of the full line; a `StreamHandler` cuts, marks and
//! counts exactly the lines that do not fit.
//!
//! Input lines: style (`{` for brace style, anything else `%`), format
//! string, `datefmt` (empty: none), UTC offset in seconds, the record's lines
//! (see `ArbRecord::read`), then the message: the rest of the input.
#![no_main]

use core::fmt::Write as _;
use core::sync::atomic::{AtomicI32, Ordering};

use emlog::{Formatter, Handler, LineBuffer, Record, StreamHandler, TRUNCATION_MARKER, Timestamp};
use emlog_fuzz::{ArbRecord, Lines, cut_at_char_boundary, lend_static};
use libfuzzer_sys::fuzz_target;

struct Input<'a> {
    brace: bool,
    format: &'a str,
    datefmt: Option<&'a str>,
    utc_offset: i32,
    record: ArbRecord,
}

impl<'a> Input<'a> {
    fn read(text: &'a str) -> Input<'a> {
        let mut lines = Lines::new(text);
        Input {
            brace: lines.text() == "{",
            format: lines.text(),
            datefmt: lines.optional(),
            utc_offset: lines.number(),
            record: ArbRecord::read(&mut lines, true),
        }
    }
}

static OFFSET: AtomicI32 = AtomicI32::new(0);

fn offset(_: Timestamp) -> i32 {
    OFFSET.load(Ordering::Relaxed)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = Input::read(&text);
    // SAFETY: the formatter (and every copy of it) is dropped before `text`.
    let source = unsafe { lend_static(input.format) };
    let parsed = if input.brace {
        Formatter::brace(source)
    } else {
        Formatter::new(source)
    };
    let mut formatter = match parsed {
        Ok(f) => f,
        Err(err) => {
            assert!(
                err.position <= source.len(),
                "error position {} beyond the {}-byte string: {err}",
                err.position,
                source.len()
            );
            assert!(!err.to_string().is_empty());
            return;
        }
    };
    if let Some(datefmt) = input.datefmt {
        // SAFETY: as above.
        let datefmt = unsafe { lend_static(datefmt) };
        formatter = match formatter.with_datefmt(datefmt) {
            Ok(f) => f,
            Err(err) => {
                assert!(err.position <= datefmt.len(), "datefmt {err}");
                assert!(!err.to_string().is_empty());
                return;
            }
        };
    }
    OFFSET.store(input.utc_offset, Ordering::Relaxed);
    let formatter = formatter.with_utc_offset(offset);

    input.record.with_record(|record| {
        let mut full = String::new();
        formatter
            .render(record, &mut full)
            .expect("a parsed template renders into a String");
        let mut again = String::new();
        let _ = formatter.render(record, &mut again);
        assert_eq!(full, again, "rendering is not deterministic");

        let literal_only = if input.brace {
            !source.contains(['{', '}'])
        } else {
            !source.contains('%')
        };
        if literal_only && !source.is_empty() {
            assert_eq!(
                full, source,
                "a template without directives is its own text"
            );
        }

        check_line::<1>(&formatter, record, &full);
        check_line::<7>(&formatter, record, &full);
        check_line::<24>(&formatter, record, &full);
        check_line::<100>(&formatter, record, &full);
        check_stream::<8>(&formatter, record, &full);
        check_stream::<64>(&formatter, record, &full);
    });
});

/// A `LineBuffer<N>` gets the longest whole-character prefix that fits, and
/// the render fails exactly when the line did not fit.
fn check_line<const N: usize>(formatter: &Formatter, record: &Record<'_>, full: &str) {
    let mut line: LineBuffer<N> = LineBuffer::new();
    let result = formatter.render(record, &mut line);
    assert!(line.len() <= N, "the line exceeds its {N}-byte buffer");
    assert_eq!(line.as_str(), cut_at_char_boundary(full, N));
    let fits = full.len() <= N;
    assert_eq!(result.is_ok(), fits, "render result vs fit, buffer {N}");
    assert_eq!(line.is_truncated(), !fits);
    // Writing more after a cut is refused, the text kept.
    let kept = line.as_str().len();
    if !fits {
        assert!(line.write_str("x").is_err());
        assert_eq!(line.len(), kept);
    }
}

/// A `StreamHandler<_, LINE>` writes the line and `\n`, or, when that does not
/// fit, the longest prefix that leaves room for the marker and `\n`, then
/// both; the cut is counted.
fn check_stream<const LINE: usize>(formatter: &Formatter, record: &Record<'_>, full: &str) {
    let mut out = [0u8; 128];
    let mut handler: StreamHandler<&mut [u8], LINE> =
        StreamHandler::new(&mut out[..]).with_formatter(formatter.clone());
    assert!(handler.handle(record), "an in-memory write cannot fail");
    let stats = handler.stats();
    drop(handler);
    let room = LINE - TRUNCATION_MARKER.len() - 1;
    let expected = if full.len() <= room {
        format!("{full}\n")
    } else {
        format!("{}{TRUNCATION_MARKER}\n", cut_at_char_boundary(full, room))
    };
    assert!(expected.len() <= LINE, "the written line exceeds LINE");
    assert_eq!(&out[..expected.len()], expected.as_bytes());
    assert_eq!(stats.emitted, 1);
    assert_eq!(stats.truncated, u64::from(full.len() > room));
}
