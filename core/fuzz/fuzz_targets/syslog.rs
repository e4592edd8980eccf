//! Syslog encoding: every facility, level, header, framing, ident, formatter,
//! time (any seconds and nanoseconds, any UTC offset) and process id.
//!
//! Properties: the frame starts with `<PRI>`, PRI is `facility × 8 + severity`
//! and at most 191; octet counting's length is the message's byte count; LF
//! framing ends with LF and the NUL, if on, ends the message; an RFC 5424 or
//! RFC 3164 header carries an in-range date and time, the same in both; the
//! `SysLogHandler` never sends more than its line buffer and cuts, marks and
//! counts exactly the messages that do not fit.
//!
//! Input lines: facility number, header (`3164`, `5424`, else none), framing
//! (`octet`, `lf`, else none), append NUL (`0` turns it off), ident,
//! hostname, tag (RFC 5424's APP-NAME), MSGID, format string (empty: the
//! message alone), UTC offset in seconds (empty: none), the record's lines
//! (see `ArbRecord::read`), then the message: the rest of the input.
#![no_main]

use core::sync::atomic::{AtomicI32, Ordering};

use emlog::syslog::{Facility, Framing, Header, Severity, SysLogHandler, SyslogFormat};
use emlog::{Formatter, Handler, Record, TRUNCATION_MARKER, Timestamp};
use emlog_fuzz::{ArbRecord, Lines, cut_at_char_boundary, lend_static};
use libfuzzer_sys::fuzz_target;

struct Input<'a> {
    facility: u8,
    header: &'a str,
    framing: &'a str,
    append_nul: bool,
    ident: &'a str,
    hostname: &'a str,
    tag: &'a str,
    msgid: &'a str,
    format: Option<&'a str>,
    utc_offset: Option<i32>,
    record: ArbRecord,
}

impl<'a> Input<'a> {
    fn read(text: &'a str) -> Input<'a> {
        let mut lines = Lines::new(text);
        Input {
            facility: lines.number(),
            header: lines.text(),
            framing: lines.text(),
            append_nul: lines.text() != "0",
            ident: lines.text(),
            hostname: lines.text(),
            tag: lines.text(),
            msgid: lines.text(),
            format: lines.optional(),
            utc_offset: lines
                .optional()
                .map(|n| n.trim().parse().unwrap_or_default()),
            record: ArbRecord::read(&mut lines, true),
        }
    }
}

static OFFSET: AtomicI32 = AtomicI32::new(0);

fn offset(_: Timestamp) -> i32 {
    OFFSET.load(Ordering::Relaxed)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = Input::read(&text);
    let Some(facility) = Facility::new(input.facility) else {
        assert!(input.facility > 23);
        return;
    };
    // SAFETY: every format and handler below is dropped before `text`.
    let (ident, hostname, tag, msgid) = unsafe {
        (
            lend_static(input.ident),
            lend_static(input.hostname),
            lend_static(input.tag),
            lend_static(input.msgid),
        )
    };
    let header = match input.header {
        "3164" => Header::Rfc3164 { hostname, tag },
        "5424" => Header::Rfc5424 {
            hostname,
            app_name: tag,
            msgid,
        },
        _ => Header::None,
    };
    let framing = match input.framing {
        "octet" => Framing::OctetCounting,
        "lf" => Framing::LineFeed,
        _ => Framing::None,
    };
    let mut format = SyslogFormat::new()
        .with_facility(facility)
        .with_ident(ident)
        .with_append_nul(input.append_nul)
        .with_header(header)
        .with_framing(framing);
    if let Some(source) = input.format {
        // SAFETY: as above.
        match Formatter::new(unsafe { lend_static(source) }) {
            Ok(f) => format = format.with_formatter(f),
            Err(_) => return,
        }
    }
    let offset_seconds = input.utc_offset.unwrap_or(0);
    OFFSET.store(offset_seconds, Ordering::Relaxed);
    if input.utc_offset.is_some() {
        format = format.with_utc_offset(offset);
    }

    input.record.with_record(|record| {
        let mut frame = String::new();
        format
            .write_frame(record, &mut frame)
            .expect("a frame renders into a String");

        // Framing.
        let message = match framing {
            Framing::OctetCounting => {
                let (len, rest) = frame.split_once(' ').expect("octet count, space");
                assert_eq!(len.parse::<usize>().ok(), Some(rest.len()), "octet count");
                rest
            }
            Framing::LineFeed => frame.strip_suffix('\n').expect("LF framing ends with LF"),
            Framing::None => frame.as_str(),
        };
        let body = if input.append_nul {
            message.strip_suffix('\0').expect("NUL ends the message")
        } else {
            message
        };

        // PRI.
        let (pri, after_pri) = body
            .strip_prefix('<')
            .and_then(|b| b.split_once('>'))
            .expect("<PRI>");
        let pri: u16 = pri.parse().expect("PRI is a number");
        let severity = Severity::from_level(record.level);
        assert!(pri <= 191, "PRI {pri} out of range");
        assert_eq!(
            pri,
            u16::from(facility.number()) * 8 + u16::from(severity.number())
        );
        assert_eq!(u16::from(format.priority(record.level)), pri);

        // Headers.
        match header {
            Header::None => assert!(after_pri.starts_with(ident)),
            Header::Rfc5424 { .. } => {
                let rest = after_pri.strip_prefix("1 ").expect("RFC 5424 version");
                let (time, _) = rest.split_once(' ').expect("time field");
                if record.timestamp == Timestamp::ZERO {
                    assert_eq!(time, "-");
                } else {
                    let date = check_rfc5424_time(time, offset_seconds, record);
                    // The same civil time as the formatter's `asctime`.
                    let asctime = Formatter::new("%(asctime)s")
                        .and_then(|f| f.with_datefmt("%Y-%m-%dT%H:%M:%S"))
                        .expect("a valid format")
                        .with_utc_offset(offset);
                    let mut expected = String::new();
                    asctime.render(record, &mut expected).expect("renders");
                    assert_eq!(time.split_once('.').map(|(t, _)| t), Some(&*expected));
                    check_rfc3164_agrees(&format, record, header_3164(hostname, tag), date);
                }
            }
            Header::Rfc3164 { .. } => {
                check_rfc3164_time(after_pri);
            }
        }

        check_handler::<16>(&format, record, body_without_framing(&frame, framing));
        check_handler::<64>(&format, record, body_without_framing(&frame, framing));
        check_handler::<300>(&format, record, body_without_framing(&frame, framing));
    });
});

fn header_3164(hostname: &'static str, tag: &'static str) -> Header {
    Header::Rfc3164 { hostname, tag }
}

fn body_without_framing(frame: &str, framing: Framing) -> &str {
    match framing {
        Framing::OctetCounting => frame.split_once(' ').map_or(frame, |(_, rest)| rest),
        Framing::LineFeed => frame.strip_suffix('\n').unwrap_or(frame),
        Framing::None => frame,
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` and `Z` or `±HH:MM`, every part in range; returns
/// (month, day, hour, minute, second).
fn check_rfc5424_time(time: &str, offset: i32, record: &Record<'_>) -> [u32; 5] {
    let (date, clock) = time.split_once('T').expect("date T time");
    let mut date_parts = date.rsplitn(3, '-');
    let day: u32 = date_parts.next().and_then(|d| d.parse().ok()).expect("day");
    let month: u32 = date_parts
        .next()
        .and_then(|m| m.parse().ok())
        .expect("month");
    let year = date_parts.next().expect("year");
    assert!(
        year.len() >= 4
            && year
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
    );
    assert!(
        (1..=12).contains(&month) && (1..=31).contains(&day),
        "{time}"
    );
    let zone_at = clock.find(['Z', '+', '-']).expect("zone");
    let (hms, zone) = clock.split_at(zone_at);
    let (hms, millis) = hms.split_once('.').expect("seconds . millis");
    assert_eq!(millis, format!("{:03}", record.timestamp.millis()));
    let parts: Vec<u32> = hms.split(':').map(|p| p.parse().expect("number")).collect();
    assert_eq!(parts.len(), 3, "{time}");
    assert!(parts[0] < 24 && parts[1] < 60 && parts[2] < 60, "{time}");
    if offset == 0 {
        assert_eq!(zone, "Z");
    } else {
        let abs = offset.unsigned_abs();
        let sign = if offset < 0 { '-' } else { '+' };
        assert_eq!(
            zone,
            format!("{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)
        );
    }
    [month, day, parts[0], parts[1], parts[2]]
}

/// `Mmm dd hh:mm:ss `; returns the same five numbers as the RFC 5424 check.
fn check_rfc3164_time(after_pri: &str) -> [u32; 5] {
    let month = MONTHS
        .iter()
        .position(|m| after_pri.starts_with(m))
        .expect("month abbreviation") as u32
        + 1;
    let rest = &after_pri[3..];
    let day: u32 = rest
        .get(1..3)
        .and_then(|d| d.trim().parse().ok())
        .expect("day");
    assert!((1..=31).contains(&day));
    let hms = rest.get(4..12).expect("hh:mm:ss");
    let parts: Vec<u32> = hms.split(':').map(|p| p.parse().expect("number")).collect();
    assert_eq!(parts.len(), 3);
    assert!(parts[0] < 24 && parts[1] < 60 && parts[2] < 60);
    assert_eq!(rest.as_bytes().get(12), Some(&b' '));
    [month, day, parts[0], parts[1], parts[2]]
}

/// The RFC 3164 header of the same record shows the same date and time.
fn check_rfc3164_agrees(
    format: &SyslogFormat,
    record: &Record<'_>,
    header: Header,
    date: [u32; 5],
) {
    let bsd = format.clone().with_header(header);
    let mut head = String::new();
    bsd.write_head(record, &mut head).expect("head renders");
    let after_pri = head.split_once('>').map_or("", |(_, rest)| rest);
    assert_eq!(check_rfc3164_time(after_pri), date, "{head}");
}

/// The handler sends the whole message if it fits `LINE` (marker room kept),
/// else its longest whole-character prefix, the marker and the trailer.
fn check_handler<const LINE: usize>(format: &SyslogFormat, record: &Record<'_>, body: &str) {
    let trailer = format.trailer();
    let unframed = body.strip_suffix(trailer).unwrap_or(body);
    let mut out = vec![0u8; LINE + 32];
    let mut handler: SysLogHandler<&mut [u8], LINE> =
        SysLogHandler::new(&mut out[..], format.clone());
    assert!(handler.handle(record), "an in-memory write cannot fail");
    let stats = handler.stats();
    drop(handler);
    let room = LINE - TRUNCATION_MARKER.len() - trailer.len();
    let cut = unframed.len() > room;
    let line = if cut {
        format!(
            "{}{TRUNCATION_MARKER}{trailer}",
            cut_at_char_boundary(unframed, room)
        )
    } else {
        format!("{unframed}{trailer}")
    };
    assert!(
        line.len() <= LINE,
        "the message exceeds the {LINE}-byte line"
    );
    let expected = format!(
        "{}{line}{}",
        format.frame_prefix(line.len()).as_str(),
        format.frame_suffix()
    );
    assert_eq!(&out[..expected.len()], expected.as_bytes());
    assert_eq!(stats.truncated, u64::from(cut));
    assert_eq!(stats.emitted, 1);
}
