//! Syslog messages: Python's `SysLogHandler` encoding, optional RFC 5424 and
//! RFC 3164 headers, and RFC 6587 framing for stream transports.
//!
//! The encoding lives in the core so that firmware can send syslog through a
//! UART or its own network stack; the std crate adds UDP, TCP and Unix
//! socket transports on top of [`SyslogFormat`].
//!
//! By default the bytes are exactly Python's: `<PRI>` + ident + formatted
//! message + NUL, with no timestamp, hostname or tag (the receiving daemon
//! adds them), and no framing on a stream (Python sends none; receivers that
//! split on LF or NUL cope). [`Header`] and [`Framing`] turn on the RFC forms.
//! One deliberate difference: control characters in the message (LF, CR,
//! NUL, ...) are escaped by default ([`SyslogFormat::with_escape`]), so a
//! message can neither end its frame early nor forge a second message.
//!
//! ```
//! use emlog::syslog::SyslogFormat;
//! use emlog::{Level, Record};
//! let format = SyslogFormat::new();
//! let mut out = String::new();
//! format.write_frame(&Record::new(Level::ERROR, "app", format_args!("späm")), &mut out).unwrap();
//! assert_eq!(out.as_bytes(), b"<11>sp\xc3\xa4m\x00");
//! ```

use core::fmt;

use crate::civil::DateTime;
use crate::whole_write::{WholeWriteError, write_whole};
use crate::{
    Escape, Formatter, Handler, HandlerBase, Level, LineBuffer, Record, TRUNCATION_MARKER,
    Timestamp,
};

/// A syslog facility: who sent the message (Python's `LOG_USER` and friends).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Facility(u8);

/// A syslog severity (Python's "priority": `LOG_ERR` and friends), 0 (emergency) to 7 (debug).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Severity(u8);

// Python's `facility_names`, in its order of numbers.
const FACILITY_NAMES: [(&str, u8); 23] = [
    ("kern", 0),
    ("user", 1),
    ("mail", 2),
    ("daemon", 3),
    ("auth", 4),
    ("syslog", 5),
    ("lpr", 6),
    ("news", 7),
    ("uucp", 8),
    ("cron", 9),
    ("authpriv", 10),
    ("ftp", 11),
    ("ntp", 12),
    ("security", 13),
    ("console", 14),
    ("solaris-cron", 15),
    ("local0", 16),
    ("local1", 17),
    ("local2", 18),
    ("local3", 19),
    ("local4", 20),
    ("local5", 21),
    ("local6", 22),
];

// Python's `priority_names`, aliases included.
const SEVERITY_NAMES: [(&str, u8); 12] = [
    ("alert", 1),
    ("crit", 2),
    ("critical", 2),
    ("debug", 7),
    ("emerg", 0),
    ("err", 3),
    ("error", 3),
    ("info", 6),
    ("notice", 5),
    ("panic", 0),
    ("warn", 4),
    ("warning", 4),
];

impl Facility {
    /// Kernel messages (0).
    pub const KERN: Facility = Facility(0);
    /// User-level messages (1): Python's default.
    pub const USER: Facility = Facility(1);
    /// Mail system (2).
    pub const MAIL: Facility = Facility(2);
    /// System daemons (3).
    pub const DAEMON: Facility = Facility(3);
    /// Security/authorization (4).
    pub const AUTH: Facility = Facility(4);
    /// Messages of syslogd itself (5).
    pub const SYSLOG: Facility = Facility(5);
    /// Line printer (6).
    pub const LPR: Facility = Facility(6);
    /// Network news (7).
    pub const NEWS: Facility = Facility(7);
    /// UUCP (8).
    pub const UUCP: Facility = Facility(8);
    /// Clock daemon (9).
    pub const CRON: Facility = Facility(9);
    /// Private security/authorization (10).
    pub const AUTHPRIV: Facility = Facility(10);
    /// FTP daemon (11).
    pub const FTP: Facility = Facility(11);
    /// NTP (12).
    pub const NTP: Facility = Facility(12);
    /// Log audit (13).
    pub const SECURITY: Facility = Facility(13);
    /// Log alert (14).
    pub const CONSOLE: Facility = Facility(14);
    /// Solaris cron (15).
    pub const SOLCRON: Facility = Facility(15);
    /// Local use 0 (16).
    pub const LOCAL0: Facility = Facility(16);
    /// Local use 1 (17).
    pub const LOCAL1: Facility = Facility(17);
    /// Local use 2 (18).
    pub const LOCAL2: Facility = Facility(18);
    /// Local use 3 (19).
    pub const LOCAL3: Facility = Facility(19);
    /// Local use 4 (20).
    pub const LOCAL4: Facility = Facility(20);
    /// Local use 5 (21).
    pub const LOCAL5: Facility = Facility(21);
    /// Local use 6 (22).
    pub const LOCAL6: Facility = Facility(22);
    /// Local use 7 (23).
    pub const LOCAL7: Facility = Facility(23);

    /// A facility by number, 0 to 23; `None` above.
    pub const fn new(number: u8) -> Option<Facility> {
        if number <= 23 {
            Some(Facility(number))
        } else {
            None
        }
    }

    /// The facility's number.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// A facility by Python's name (`"user"`, `"local3"`, `"solaris-cron"`); case matters, as in Python.
    ///
    /// ```
    /// use emlog::syslog::Facility;
    /// assert_eq!(Facility::from_name("local7"), Some(Facility::LOCAL7));
    /// assert_eq!(Facility::from_name("nobody"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Facility> {
        if name == "local7" {
            return Some(Facility::LOCAL7);
        }
        FACILITY_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| Facility(v))
    }

    /// Python's name for the facility.
    pub fn name(self) -> &'static str {
        if self.0 == 23 {
            return "local7";
        }
        FACILITY_NAMES
            .iter()
            .find(|(_, v)| *v == self.0)
            .map_or("user", |&(n, _)| n)
    }
}

impl Severity {
    /// System is unusable (0).
    pub const EMERG: Severity = Severity(0);
    /// Action must be taken immediately (1).
    pub const ALERT: Severity = Severity(1);
    /// Critical conditions (2).
    pub const CRIT: Severity = Severity(2);
    /// Error conditions (3).
    pub const ERR: Severity = Severity(3);
    /// Warning conditions (4).
    pub const WARNING: Severity = Severity(4);
    /// Normal but significant (5).
    pub const NOTICE: Severity = Severity(5);
    /// Informational (6).
    pub const INFO: Severity = Severity(6);
    /// Debug-level (7).
    pub const DEBUG: Severity = Severity(7);

    /// A severity by number, 0 to 7; `None` above.
    pub const fn new(number: u8) -> Option<Severity> {
        if number <= 7 {
            Some(Severity(number))
        } else {
            None
        }
    }

    /// The severity's number.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// A severity by Python's `priority_names` (`"err"`, `"error"`, `"warn"`, `"panic"` …).
    ///
    /// ```
    /// use emlog::syslog::Severity;
    /// assert_eq!(Severity::from_name("panic"), Some(Severity::EMERG));
    /// assert_eq!(Severity::from_name("error"), Some(Severity::ERR));
    /// ```
    pub fn from_name(name: &str) -> Option<Severity> {
        SEVERITY_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| Severity(v))
    }

    /// Python's `mapPriority`: DEBUG→debug, INFO→info, WARNING→warning,
    /// ERROR→error, CRITICAL→critical, any other level→warning.
    ///
    /// Deliberate difference: emlog's TRACE (which Python does not have) maps
    /// to debug rather than to Python's fallback, warning.
    ///
    /// ```
    /// use emlog::{Level, syslog::Severity};
    /// assert_eq!(Severity::from_level(Level::ERROR), Severity::ERR);
    /// assert_eq!(Severity::from_level(Level::new(25)), Severity::WARNING);
    /// ```
    pub const fn from_level(level: Level) -> Severity {
        match level.number() {
            5 | 10 => Severity::DEBUG,
            20 => Severity::INFO,
            30 => Severity::WARNING,
            40 => Severity::ERR,
            50 => Severity::CRIT,
            _ => Severity::WARNING,
        }
    }
}

/// Python's `encodePriority`: `facility << 3 | severity`.
///
/// ```
/// use emlog::syslog::{Facility, Severity, encode_priority};
/// assert_eq!(encode_priority(Facility::USER, Severity::ERR), 11);
/// assert_eq!(encode_priority(Facility::LOCAL7, Severity::DEBUG), 191);
/// ```
pub const fn encode_priority(facility: Facility, severity: Severity) -> u8 {
    (facility.0 << 3) | severity.0
}

/// Python's `encodePriority` with names, as Python accepts them; `None` for an unknown name.
///
/// ```
/// assert_eq!(emlog::syslog::encode_priority_names("local0", "warn"), Some(132));
/// ```
pub fn encode_priority_names(facility: &str, severity: &str) -> Option<u8> {
    Some(encode_priority(
        Facility::from_name(facility)?,
        Severity::from_name(severity)?,
    ))
}

/// What comes between `<PRI>` and the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    /// Nothing: Python's bytes. The daemon stamps time and host on arrival.
    None,
    /// RFC 3164 (BSD): `Mmm dd hh:mm:ss HOSTNAME TAG[PID]: ` in the
    /// formatter's local time ([`SyslogFormat::with_utc_offset`]).
    Rfc3164 {
        /// The sending host's name; empty leaves it out.
        hostname: &'static str,
        /// The tag (program name).
        tag: &'static str,
    },
    /// RFC 5424: `1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - `. Empty fields
    /// become the nil value `-`; so do a zero timestamp (no clock) and process id 0.
    Rfc5424 {
        /// The sending host's name.
        hostname: &'static str,
        /// The application's name.
        app_name: &'static str,
        /// The message type; usually empty.
        msgid: &'static str,
    },
}

/// How messages are delimited on a stream (TCP, a UART).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// None: Python's behaviour (the NUL, if on, is the only delimiter).
    None,
    /// RFC 6587 octet counting: `LEN SP MSG`.
    OctetCounting,
    /// RFC 6587 non-transparent framing: `MSG LF`.
    LineFeed,
}

/// How a record becomes a syslog message: facility, ident, NUL, header, framing and formatter.
///
/// ```
/// use emlog::syslog::{Facility, Framing, SyslogFormat};
/// use emlog::{Level, Record};
/// let format = SyslogFormat::new()
///     .with_facility(Facility::LOCAL0)
///     .with_ident("app: ")
///     .with_append_nul(false)
///     .with_framing(Framing::OctetCounting);
/// let mut out = String::new();
/// format.write_frame(&Record::new(Level::INFO, "x", format_args!("up")), &mut out).unwrap();
/// assert_eq!(out, "12 <134>app: up");
/// ```
#[derive(Clone, Debug)]
pub struct SyslogFormat {
    facility: Facility,
    ident: &'static str,
    append_nul: bool,
    header: Header,
    framing: Framing,
    formatter: Formatter,
    escape: Escape,
    utc_offset: Option<fn(Timestamp) -> i32>,
}

impl Default for SyslogFormat {
    fn default() -> Self {
        SyslogFormat::new()
    }
}

impl SyslogFormat {
    /// Python's defaults: facility USER, no ident, NUL appended, no header, no framing,
    /// the message alone as text.
    pub fn new() -> SyslogFormat {
        SyslogFormat {
            facility: Facility::USER,
            ident: "",
            append_nul: true,
            header: Header::None,
            framing: Framing::None,
            formatter: Formatter::message_only(),
            escape: Escape::ControlChars,
            utc_offset: None,
        }
    }

    /// Whether control characters in the message are escaped (default
    /// [`Escape::ControlChars`]: a message cannot end its syslog message early
    /// nor forge another one; Python sends them as they are, which
    /// [`Escape::Off`] restores). See [`crate::escape`].
    pub fn with_escape(mut self, escape: Escape) -> Self {
        self.escape = escape;
        self
    }

    /// Sets the facility.
    pub fn with_facility(mut self, facility: Facility) -> Self {
        self.facility = facility;
        self
    }

    /// Sets Python's `ident`: text put before every formatted message.
    pub fn with_ident(mut self, ident: &'static str) -> Self {
        self.ident = ident;
        self
    }

    /// Whether to end each message with NUL (Python's `append_nul`, default true).
    pub fn with_append_nul(mut self, on: bool) -> Self {
        self.append_nul = on;
        self
    }

    /// Sets the header.
    pub fn with_header(mut self, header: Header) -> Self {
        self.header = header;
        self
    }

    /// Sets the framing.
    pub fn with_framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// Sets the formatter of the message part.
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = formatter;
        self
    }

    /// Sets the local time offset used in headers (seconds east of UTC; default UTC).
    pub fn with_utc_offset(mut self, offset: fn(Timestamp) -> i32) -> Self {
        self.utc_offset = Some(offset);
        self
    }

    /// Whether control characters in the message are escaped.
    pub fn escape(&self) -> Escape {
        self.escape
    }

    /// The facility.
    pub fn facility(&self) -> Facility {
        self.facility
    }

    /// The framing.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The PRI value for a record's level.
    pub fn priority(&self, level: Level) -> u8 {
        encode_priority(self.facility, Severity::from_level(level))
    }

    /// Writes `<PRI>`, the header and the ident: everything before the message.
    pub fn write_head(&self, record: &Record<'_>, out: &mut dyn fmt::Write) -> fmt::Result {
        write!(out, "<{}>", self.priority(record.level))?;
        let offset = self.utc_offset.map_or(0, |f| f(record.timestamp));
        match self.header {
            Header::None => {}
            Header::Rfc3164 { hostname, tag } => {
                let t = DateTime::from_timestamp(record.timestamp, offset);
                write!(
                    out,
                    "{} {:>2} {:02}:{:02}:{:02} ",
                    MONTHS[usize::from(t.month - 1)],
                    t.day,
                    t.hour,
                    t.minute,
                    t.second
                )?;
                if !hostname.is_empty() {
                    write!(out, "{hostname} ")?;
                }
                out.write_str(tag)?;
                if record.process.0 != 0 {
                    write!(out, "[{}]", record.process.0)?;
                }
                out.write_str(": ")?;
            }
            Header::Rfc5424 {
                hostname,
                app_name,
                msgid,
            } => {
                out.write_str("1 ")?;
                if record.timestamp == Timestamp::ZERO {
                    out.write_str("-")?;
                } else {
                    let t = DateTime::from_timestamp(record.timestamp, offset);
                    write!(
                        out,
                        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
                        t.year,
                        t.month,
                        t.day,
                        t.hour,
                        t.minute,
                        t.second,
                        record.timestamp.millis()
                    )?;
                    if offset == 0 {
                        out.write_str("Z")?;
                    } else {
                        let sign = if offset < 0 { '-' } else { '+' };
                        let abs = offset.unsigned_abs();
                        write!(out, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
                    }
                }
                write!(out, " {} {} ", nil(hostname), nil(app_name))?;
                if record.process.0 == 0 {
                    out.write_str("-")?;
                } else {
                    write!(out, "{}", record.process.0)?;
                }
                write!(out, " {} - ", nil(msgid))?;
            }
        }
        out.write_str(self.ident)
    }

    /// Writes the formatted message.
    pub fn write_message(&self, record: &Record<'_>, out: &mut dyn fmt::Write) -> fmt::Result {
        self.escape.render(&self.formatter, record, out)
    }

    /// What ends the message: NUL if `append_nul`, else nothing.
    pub fn trailer(&self) -> &'static str {
        if self.append_nul { "\0" } else { "" }
    }

    /// Writes the whole message: head, formatted message and trailer, without framing.
    pub fn write_message_bytes(
        &self,
        record: &Record<'_>,
        out: &mut dyn fmt::Write,
    ) -> fmt::Result {
        self.write_head(record, out)?;
        self.write_message(record, out)?;
        out.write_str(self.trailer())
    }

    /// The framing before a message of `len` bytes (`"LEN "` for octet counting).
    pub fn frame_prefix(&self, len: usize) -> FramePrefix {
        let mut prefix = FramePrefix::default();
        if self.framing == Framing::OctetCounting {
            let _ = fmt::Write::write_fmt(&mut prefix, format_args!("{len} "));
        }
        prefix
    }

    /// The framing after a message (`"\n"` for LF framing).
    pub fn frame_suffix(&self) -> &'static str {
        if self.framing == Framing::LineFeed {
            "\n"
        } else {
            ""
        }
    }

    /// Writes the framed message to any `fmt::Write`. With octet counting the
    /// message is rendered twice, once to count its bytes, so no buffer is needed.
    pub fn write_frame(&self, record: &Record<'_>, out: &mut dyn fmt::Write) -> fmt::Result {
        if self.framing == Framing::OctetCounting {
            let mut counter = ByteCounter(0);
            self.write_message_bytes(record, &mut counter)?;
            out.write_str(self.frame_prefix(counter.0).as_str())?;
        }
        self.write_message_bytes(record, out)?;
        out.write_str(self.frame_suffix())
    }
}

fn nil(field: &str) -> &str {
    if field.is_empty() { "-" } else { field }
}

/// The few bytes of framing before a message: up to 20 digits and a space.
#[derive(Clone, Copy, Default)]
pub struct FramePrefix {
    bytes: [u8; 21],
    len: usize,
}

impl FramePrefix {
    /// The prefix text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for FramePrefix {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

struct ByteCounter(usize);

impl fmt::Write for ByteCounter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Sends each record as a syslog message to an `embedded_io::Write` (a UART,
/// a TCP socket of an embedded network stack).
///
/// The message is rendered into a `LINE`-byte buffer first, so that octet
/// counting knows its length and the message goes out in one piece. A message
/// that does not fit is cut at a character boundary, marked with
/// [`TRUNCATION_MARKER`] and counted in [`HandlerStats::truncated`](crate::HandlerStats::truncated).
///
/// ```
/// use emlog::syslog::{Framing, SysLogHandler, SyslogFormat};
/// use emlog::{Handler, Level, Record};
/// let mut out = [0u8; 64];
/// let mut handler: SysLogHandler<&mut [u8], 64> =
///     SysLogHandler::new(&mut out[..], SyslogFormat::new().with_framing(Framing::LineFeed));
/// handler.handle(&Record::new(Level::WARNING, "x", format_args!("hot")));
/// drop(handler);
/// assert!(out.starts_with(b"<12>hot\0\n"));
/// ```
pub struct SysLogHandler<W, const LINE: usize = 256> {
    base: HandlerBase,
    format: SyslogFormat,
    writer: W,
    line: LineBuffer<LINE>,
}

impl<W: embedded_io::Write, const LINE: usize> SysLogHandler<W, LINE> {
    /// A handler at NOTSET writing messages in `format` to `writer`.
    pub fn new(writer: W, format: SyslogFormat) -> Self {
        SysLogHandler {
            base: HandlerBase::new(Level::NOTSET),
            format,
            writer,
            line: LineBuffer::new(),
        }
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (used in error reports).
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    /// The writer.
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// Takes the writer back.
    pub fn into_writer(self) -> W {
        self.writer
    }
}

/// A frame's prefix or suffix, which is empty in most framings: no write
/// then (an empty `write` on a socket would still be a system call).
fn write_framing<W: embedded_io::Write>(
    writer: &mut W,
    bytes: &[u8],
) -> Result<(), WholeWriteError<W::Error>> {
    if bytes.is_empty() {
        return Ok(());
    }
    write_whole(writer, bytes)
}

/// Shows an `embedded_io` error kind in an error report.
struct SyslogWriteFailed(embedded_io::ErrorKind);

impl fmt::Display for SyslogWriteFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "syslog write failed: {:?}", self.0)
    }
}

impl<W: embedded_io::Write, const LINE: usize> Handler for SysLogHandler<W, LINE> {
    crate::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let trailer = self.format.trailer();
        self.line.clear(TRUNCATION_MARKER.len() + trailer.len());
        let mut rendered = self.format.write_head(record, &mut self.line);
        if rendered.is_ok() {
            rendered = self.format.write_message(record, &mut self.line);
        }
        let truncated = self.line.is_truncated();
        if rendered.is_err() && !truncated {
            self.base.fail(
                &"a Display implementation in the message returned an error",
                Some(record),
                true,
            );
            return false;
        }
        if truncated {
            self.line.push_reserved(TRUNCATION_MARKER);
        }
        self.line.push_reserved(trailer);
        let prefix = self.format.frame_prefix(self.line.len());
        let result = write_framing(&mut self.writer, prefix.as_str().as_bytes())
            .and_then(|()| write_whole(&mut self.writer, self.line.as_bytes()))
            .and_then(|()| write_framing(&mut self.writer, self.format.frame_suffix().as_bytes()));
        match result {
            Ok(()) => {
                self.base.count_emitted(truncated);
                true
            }
            Err(e) => {
                self.base
                    .fail(&SyslogWriteFailed(e.kind()), Some(record), true);
                false
            }
        }
    }

    fn flush(&mut self) {
        if let Err(e) = self.writer.flush() {
            let kind = embedded_io::Error::kind(&e);
            self.base.fail(&SyslogWriteFailed(kind), None, false);
        }
    }

    fn close(&mut self) {
        if !self.base.is_closed() {
            self.flush();
            self.base.close();
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::String;

    use super::*;

    fn frame(format: &SyslogFormat, record: &Record<'_>) -> String {
        let mut out = String::new();
        format.write_frame(record, &mut out).unwrap_or(());
        out
    }

    #[test]
    fn a_writer_that_takes_no_bytes_fails_the_record_without_a_panic() {
        let framed = SyslogFormat::new().with_framing(Framing::OctetCounting);
        for format in [SyslogFormat::new(), framed] {
            let stuck = crate::whole_write::tests::takes(0);
            let mut h: SysLogHandler<_, 64> = SysLogHandler::new(stuck, format);
            let r = Record::new(Level::ERROR, "x", format_args!("lost"));
            assert!(!h.handle(&r));
            let stats = h.stats();
            assert_eq!((stats.emitted, stats.errors, stats.dropped), (0, 1, 1));
        }
    }

    #[test]
    fn python_default_bytes_for_error_are_pri_11_message_and_nul() {
        let r = Record::new(Level::ERROR, "x", format_args!("späm"));
        assert_eq!(
            frame(&SyslogFormat::new(), &r).as_bytes(),
            b"<11>sp\xc3\xa4m\x00"
        );
    }

    #[test]
    fn a_newline_in_the_message_cannot_forge_a_second_lf_framed_message() {
        let r = Record::new(Level::INFO, "x", format_args!("ok\n<10>FAKE CRITICAL\0"));
        let f = SyslogFormat::new().with_framing(Framing::LineFeed);
        assert_eq!(frame(&f, &r), "<14>ok\\n<10>FAKE CRITICAL\\x00\0\n");
        let raw = f.with_escape(Escape::Off);
        assert_eq!(frame(&raw, &r), "<14>ok\n<10>FAKE CRITICAL\0\0\n");
    }

    #[test]
    fn append_nul_off_leaves_the_nul_out() {
        let r = Record::new(Level::ERROR, "x", format_args!("späm"));
        let f = SyslogFormat::new().with_append_nul(false);
        assert_eq!(frame(&f, &r).as_bytes(), b"<11>sp\xc3\xa4m");
    }

    #[test]
    fn ident_goes_before_the_message() {
        let r = Record::new(Level::ERROR, "x", format_args!("späm"));
        let f = SyslogFormat::new()
            .with_append_nul(false)
            .with_ident("häm-");
        assert_eq!(frame(&f, &r).as_bytes(), b"<11>h\xc3\xa4m-sp\xc3\xa4m");
    }

    #[test]
    fn levels_map_to_pythons_priorities() {
        let cases = [
            (Level::DEBUG, 7),
            (Level::INFO, 6),
            (Level::WARNING, 4),
            (Level::ERROR, 3),
            (Level::CRITICAL, 2),
            (Level::new(35), 4),
            (Level::NOTSET, 4),
            (Level::TRACE, 7),
        ];
        for (level, sev) in cases {
            assert_eq!(Severity::from_level(level).number(), sev, "{level}");
        }
    }

    #[test]
    fn every_python_facility_name_round_trips() {
        for n in 0..=23 {
            let f = Facility::new(n).unwrap_or(Facility::USER);
            assert_eq!(Facility::from_name(f.name()), Some(f));
        }
        assert_eq!(Facility::from_name("solaris-cron"), Some(Facility::SOLCRON));
        assert_eq!(Facility::new(24), None);
    }

    #[test]
    fn rfc5424_header_has_version_time_host_app_procid_and_nil_sd() {
        let r = Record::new(Level::INFO, "x", format_args!("hi"))
            .with_timestamp(Timestamp::new(1_700_000_000, 123_000_000));
        let mut r = r;
        r.process = (42, "p");
        let f = SyslogFormat::new()
            .with_append_nul(false)
            .with_facility(Facility::LOCAL4)
            .with_header(Header::Rfc5424 {
                hostname: "box",
                app_name: "app",
                msgid: "",
            });
        assert_eq!(
            frame(&f, &r),
            "<166>1 2023-11-14T22:13:20.123Z box app 42 - - hi"
        );
    }

    #[test]
    fn rfc5424_header_without_clock_uses_nil_timestamp_and_offset_when_local() {
        let r = Record::new(Level::INFO, "x", format_args!("hi"));
        let f = SyslogFormat::new()
            .with_append_nul(false)
            .with_header(Header::Rfc5424 {
                hostname: "",
                app_name: "a",
                msgid: "M",
            });
        assert_eq!(frame(&f, &r), "<14>1 - - a - M - hi");
        let r = r.with_timestamp(Timestamp::new(1_700_000_000, 0));
        let f = f.with_utc_offset(|_| -(5 * 3600 + 30 * 60));
        assert_eq!(
            frame(&f, &r),
            "<14>1 2023-11-14T16:43:20.000-05:30 - a - M - hi"
        );
    }

    #[test]
    fn rfc3164_header_pads_the_day_and_tags_with_pid() {
        let mut r = Record::new(Level::WARNING, "x", format_args!("hot"))
            .with_timestamp(Timestamp::new(1_704_164_645, 0)); // 2024-01-02 03:04:05 UTC
        r.process = (7, "p");
        let f = SyslogFormat::new()
            .with_append_nul(false)
            .with_header(Header::Rfc3164 {
                hostname: "h",
                tag: "app",
            });
        assert_eq!(frame(&f, &r), "<12>Jan  2 03:04:05 h app[7]: hot");
    }

    #[test]
    fn octet_counting_prefixes_the_byte_length_including_nul() {
        let r = Record::new(Level::ERROR, "x", format_args!("späm"));
        let f = SyslogFormat::new().with_framing(Framing::OctetCounting);
        assert_eq!(frame(&f, &r).as_bytes(), b"10 <11>sp\xc3\xa4m\x00");
    }

    #[test]
    fn core_handler_cuts_long_messages_marks_and_counts_them() {
        let mut out = [0u8; 64];
        let mut handler: SysLogHandler<&mut [u8], 16> = SysLogHandler::new(
            &mut out[..],
            SyslogFormat::new().with_framing(Framing::OctetCounting),
        );
        assert!(handler.handle(&Record::new(
            Level::ERROR,
            "x",
            format_args!("a long message that cannot fit")
        )));
        assert_eq!(handler.stats().truncated, 1);
        drop(handler);
        assert!(out.starts_with(b"16 <11>a long[...]\0"));
    }

    #[test]
    fn core_handler_counts_a_failed_write_as_dropped() {
        let mut out = [0u8; 4];
        let mut handler: SysLogHandler<&mut [u8], 32> =
            SysLogHandler::new(&mut out[..], SyslogFormat::new());
        assert!(!handler.handle(&Record::new(Level::ERROR, "x", format_args!("too long"))));
        assert_eq!(handler.stats().dropped, 1);
        assert_eq!(handler.stats().errors, 1);
    }
}
