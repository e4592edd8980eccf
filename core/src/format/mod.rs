//! Formatter: Python's `logging.Formatter` format strings, parsed once into a
//! fixed-capacity template and rendered straight into any `fmt::Write`.
//!
//! Both of Python's styles are understood:
//!
//! - `%`-style ([`Formatter::new`]): `%(field)[flags][width][.precision]conv`
//!   with flags `-` (left align), `0` (zero padding), `+`, space and `#`;
//!   conversions `s`, `r`, `a`, `d`/`i`/`u`, `x`, `X`, `o`, `f`/`F`, `e`, `E`;
//!   `%%` is a percent sign. Length modifiers (`%(lineno)ld`) are rejected, as
//!   Python's `Formatter` rejects them.
//! - `{}`-style ([`Formatter::brace`], Python's `style='{'`):
//!   `{field[!r|!s|!a][:[[fill]align][sign][#][0][width][.precision][type]]}`
//!   with align `<`, `>`, `^`, `=`, types `s`, `d`, `x`, `X`, `o`, `f`, `F`,
//!   `e`, `E`; `{{` and `}}` are braces.
//!
//! # Fields
//!
//! | field | value |
//! |---|---|
//! | `name` | logger name |
//! | `levelno`, `levelname` | level number and name (`Level 25` for a custom level) |
//! | `message` | the message, rendered from the record's `fmt::Arguments` |
//! | `asctime` | `%Y-%m-%d %H:%M:%S,mmm`, or the `datefmt` ([`Formatter::with_datefmt`]) |
//! | `created` | seconds since the epoch, a decimal (`%(created)f`, `%(created).3f`) |
//! | `msecs` | milliseconds within the second, a decimal as in Python (`%(msecs)03d`) |
//! | `relativeCreated` | milliseconds since [`crate::install`], whole milliseconds |
//! | `filename`, `pathname`, `module`, `lineno` | the call's location |
//! | `thread`, `threadName`, `process`, `processName` | from the [`crate::Environment`] |
//! | `sequence` | emlog's own: the record's sequence number ([`crate::Record::sequence`]) |
//!
//! `funcName`, `taskName`, `exc_info`, `exc_text`, `stack_info`, `msg` and
//! `args` have no meaning for an emlog record; naming one is an error that
//! says why.
//!
//! # Differences from Python, on purpose
//!
//! - Every mistake is reported when the formatter is built, with its byte
//!   position: Python checks only field names up front and raises the rest
//!   (`%(message)d`, a lone `%`) when a record is emitted.
//! - `d` is accepted on the decimal fields in `{}`-style too (`{msecs:03d}`),
//!   truncating as `%d` does; Python's `format()` refuses `d` on a float.
//! - Time is UTC unless [`Formatter::with_utc_offset`] supplies an offset
//!   (Python uses local time); `created` is never a binary float, so digits
//!   are exact (see the rounding note in `f`/`e` below).
//! - `f` and `e` round the exact decimal value half to even; Python rounds the
//!   nearest double, which can differ in the last digit on an exact tie.
//!   `g`, `%` and `n` are not supported, nor `*` widths, nested `{}` fields
//!   and `,`/`_` grouping; a fill character must be ASCII.
//! - `repr()` (`r`) escapes the quote, backslash and control characters as
//!   Python does, but leaves non-printable characters beyond Latin-1 as they are.
//! - `%(created)s` (Python's `repr(float)`) writes the exact decimal with at
//!   least one digit after the point; Python switches to exponent form below
//!   1e-4 and from 1e16, which for a Unix time means only the first 100 µs
//!   after the epoch. `relativeCreated` has millisecond resolution.
//! - A format string longer than 65,535 bytes is an error (pieces store 16-bit
//!   offsets), and so is one with more than [`MAX_PIECES`] pieces.
//!
//! # Cost
//!
//! A `Formatter` is at most 200 bytes (172 on 32-bit targets) and renders
//! without allocating, without floating point, without 64-bit division and
//! without `core::fmt` (see [`Formatter::render_to`]). A padded field is rendered
//! twice (once to count its characters), so `%(message)-40s` runs the
//! message's `Display` twice. [`Formatter::message_only`] links none of the
//! template code, and a formatter built in a `const` item (the constructors
//! are `const fn`) links no parser, since its format string is checked at
//! compile time, and only the rendering code its fields need. Firmware goes
//! one step further with [`formatter!`](crate::formatter!): the compiler
//! walks the template once, and the firmware keeps straight-line writes (a
//! literal is one `write_str` of constant text) instead of the parsed
//! format string and the walk over it; a [`StreamHandler`](crate::StreamHandler)
//! given such a formatter keeps a function pointer. On thumbv7m-none-eabi
//! (`opt-level = "z"`, LTO) the size report's `emlog_minimal`, with
//! `Formatter::BASIC` so compiled, is under 3 kB of flash in all (an empty
//! program is 1.1 kB).
//!
//! ```
//! use emlog::{Formatter, Level, Record, Timestamp};
//! let f = Formatter::new("%(asctime)s %(levelname)-8s %(name)s: %(message)s").unwrap();
//! let record = Record::new(Level::INFO, "net", format_args!("link up after {} ms", 12))
//!     .with_timestamp(Timestamp::new(1_700_000_000, 250_000_000));
//! let mut line = String::new();
//! f.render(&record, &mut line).unwrap();
//! assert_eq!(line, "2023-11-14 22:13:20,250 INFO     net: link up after 12 ms");
//! ```

use core::fmt;

use crate::{Record, Timestamp};

mod compiled;
mod error;
mod field;
pub(crate) mod number;
pub(crate) mod parse;
mod parts;
mod render;
mod shortcut;
mod spec;

pub use crate::message::Sink;
#[doc(hidden)]
pub use compiled::Compiled;
pub use error::{FormatError, FormatErrorKind};
use field::Field;
#[doc(hidden)]
pub use parts::Parts;
use render::Context;
pub use shortcut::Shortcut;
use spec::Spec;

/// How many pieces (literal runs and fields) a format string may have.
pub const MAX_PIECES: usize = 24;

/// Writes `asctime` for a timestamp: see [`Formatter::render_with_asctime`].
pub type AscTimeWriter<'a> = dyn FnMut(Timestamp, &mut dyn fmt::Write) -> fmt::Result + 'a;

/// One part of a template: literal text (a range of the format string) or a field.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Piece {
    Literal { start: u16, len: u16 },
    Field { field: Field, spec: Spec },
}

impl Piece {
    const EMPTY: Piece = Piece::Literal { start: 0, len: 0 };
}

/// What a formatter is besides its pieces.
#[derive(Clone, Copy, Debug)]
struct Head {
    source: &'static str,
    context: Context,
    /// How many of the pieces are used (at most the capacity).
    len: u8,
}

/// A formatter as the renderers see it, whatever its capacity: what a
/// handler that borrows its formatter keeps (three words).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Template<'a> {
    head: &'a Head,
    pieces: &'a [Piece],
}

/// A parsed format string, ready to render records.
///
/// Parsing happens once, in [`new`](Self::new) or [`brace`](Self::brace);
/// rendering walks a small array and writes each piece straight into the
/// writer, allocating nothing. See the [module docs](self) for the syntax.
///
/// `N` is how many pieces it can hold: [`MAX_PIECES`] for a formatter
/// built by the constructors, exactly its own number for one made by
/// [`formatter!`](crate::formatter!), which firmware keeps in flash at
/// its exact size.
///
/// ```
/// use emlog::{Formatter, Level, Record};
/// let f = Formatter::brace("{levelname:<8}|{name}|{message}").unwrap();
/// let mut out = String::new();
/// f.render(&Record::new(Level::WARNING, "app", format_args!("disk {}% full", 91)), &mut out).unwrap();
/// assert_eq!(out, "WARNING |app|disk 91% full");
/// ```
#[derive(Clone, Debug)]
pub struct Formatter<const N: usize = MAX_PIECES> {
    head: Head,
    pieces: [Piece; N],
}

impl Formatter {
    /// Python's `logging.BASIC_FORMAT`, the format of `basicConfig()`.
    ///
    /// ```
    /// let f = emlog::Formatter::new(emlog::Formatter::BASIC).unwrap();
    /// let mut out = String::new();
    /// f.render(&emlog::Record::new(emlog::Level::ERROR, "db", format_args!("gone")), &mut out).unwrap();
    /// assert_eq!(out, "ERROR:db:gone");
    /// ```
    pub const BASIC: &'static str = "%(levelname)s:%(name)s:%(message)s";

    /// Python's default formatter (`%(message)s`): the message alone.
    ///
    /// ```
    /// const PLAIN: emlog::Formatter = emlog::Formatter::message_only();
    /// let mut out = String::new();
    /// PLAIN.render(&emlog::Record::new(emlog::Level::INFO, "x", format_args!("hi {}", 1)), &mut out).unwrap();
    /// assert_eq!(out, "hi 1");
    /// ```
    pub const fn message_only() -> Formatter {
        let mut pieces = [Piece::EMPTY; MAX_PIECES];
        pieces[0] = Piece::Field {
            field: Field::Message,
            spec: Spec::PLAIN_TEXT,
        };
        Formatter {
            head: Head {
                source: "%(message)s",
                context: Context {
                    datefmt: "",
                    utc_offset: None,
                    parts: &parts::MESSAGE_ONLY,
                },
                len: 1,
            },
            pieces,
        }
    }

    /// Parses a `%`-style format string, as Python's `Formatter(fmt)`; an
    /// empty one means `%(message)s`, as in Python.
    ///
    /// ```
    /// use emlog::{Formatter, Level, Location, Record};
    /// let f = Formatter::new("%(levelname).1s %(filename)s:%(lineno)-4d|%(message)s").unwrap();
    /// let record = Record::new(Level::DEBUG, "app", format_args!("x={}", 3))
    ///     .with_location(Location { file: "src/main.rs", line: 42, module_path: "app" });
    /// let mut out = String::new();
    /// f.render(&record, &mut out).unwrap();
    /// assert_eq!(out, "D main.rs:42  |x=3");
    ///
    /// let err = Formatter::new("%(message)d").unwrap_err();
    /// assert_eq!(err.position, 10);
    /// ```
    ///
    /// It is a `const fn`: in a `const` item the compiler parses the format
    /// string, so a mistake fails the build and the firmware carries no
    /// parser:
    ///
    /// ```
    /// use emlog::Formatter;
    /// const LINE: Formatter = match Formatter::new("%(levelname)-8s %(message)s") {
    ///     Ok(f) => f,
    ///     Err(_) => panic!("bad format string"),
    /// };
    /// # let mut out = String::new();
    /// # LINE.render(&emlog::Record::new(emlog::Level::INFO, "x", format_args!("hi")), &mut out).unwrap();
    /// # assert_eq!(out, "INFO     hi");
    /// ```
    ///
    /// ```compile_fail
    /// use emlog::Formatter;
    /// const LINE: Formatter = match Formatter::new("%(levelname)-8q %(message)s") {
    ///     Ok(f) => f,
    ///     Err(_) => panic!("bad format string"),
    /// };
    /// ```
    pub const fn new(source: &'static str) -> Result<Formatter, FormatError> {
        if source.is_empty() {
            // Python: an empty fmt means the default, `%(message)s`.
            return Ok(Formatter::message_only());
        }
        match parse::percent(source) {
            Ok(pieces) => Ok(Formatter::from_pieces(source, pieces)),
            Err(err) => Err(err),
        }
    }

    /// Parses a `{}`-style format string, as Python's `Formatter(fmt, style='{')`;
    /// an empty one means `{message}`, as in Python.
    ///
    /// ```
    /// use emlog::{Formatter, Level, Record, Timestamp};
    /// let f = Formatter::brace("{{{msecs:03d}}} {levelname:^9} {created:.3f}").unwrap();
    /// let record = Record::new(Level::INFO, "x", format_args!(""))
    ///     .with_timestamp(Timestamp::new(12, 7_000_000));
    /// let mut out = String::new();
    /// f.render(&record, &mut out).unwrap();
    /// assert_eq!(out, "{007}   INFO    12.007");
    /// ```
    pub const fn brace(source: &'static str) -> Result<Formatter, FormatError> {
        if source.is_empty() {
            // Python: an empty fmt means the default, `{message}`.
            return Ok(Formatter::message_only());
        }
        match parse::brace(source) {
            Ok(pieces) => Ok(Formatter::from_pieces(source, pieces)),
            Err(err) => Err(err),
        }
    }

    const fn from_pieces(source: &'static str, pieces: parse::Pieces) -> Formatter {
        Formatter {
            head: Head {
                source,
                context: Context {
                    datefmt: "",
                    utc_offset: None,
                    parts: parts::for_template(&pieces.items),
                },
                len: pieces.len,
            },
            pieces: pieces.items,
        }
    }

    /// Uses `datefmt` for `asctime`, as Python's `Formatter(fmt, datefmt)`;
    /// the directives are those of [`crate::civil::strftime`]. As in Python,
    /// no milliseconds are appended (use `%(msecs)03d`, or emlog's `%f` for
    /// microseconds), and an empty `datefmt` means the default.
    /// An unknown directive is an error, its position a byte in `datefmt`.
    ///
    /// ```
    /// use emlog::{Formatter, Level, Record, Timestamp};
    /// let f = Formatter::new("%(asctime)s.%(msecs)03d %(message)s").unwrap()
    ///     .with_datefmt("%d %b %Y %H:%M:%S").unwrap();
    /// let record = Record::new(Level::INFO, "x", format_args!("up"))
    ///     .with_timestamp(Timestamp::new(951_825_600, 5_000_000));
    /// let mut out = String::new();
    /// f.render(&record, &mut out).unwrap();
    /// assert_eq!(out, "29 Feb 2000 12:00:00.005 up");
    ///
    /// assert_eq!(Formatter::message_only().with_datefmt("%H:%q").unwrap_err().position, 3);
    /// ```
    pub const fn with_datefmt(mut self, datefmt: &'static str) -> Result<Formatter, FormatError> {
        match crate::civil::validate(datefmt) {
            Ok(()) => {
                self.head.context.datefmt = datefmt;
                Ok(self)
            }
            Err(err) => Err(err),
        }
    }

    /// Shows `asctime` in local time: `utc_offset` returns the offset east of
    /// UTC, in seconds, in force at a given instant (so it can follow DST).
    /// Without it, time is UTC. `%z` in the `datefmt` shows the offset.
    ///
    /// ```
    /// use emlog::{Formatter, Level, Record, Timestamp};
    /// let f = Formatter::new("%(asctime)s %(message)s").unwrap()
    ///     .with_datefmt("%H:%M %z").unwrap()
    ///     .with_utc_offset(|_| -(3 * 3600 + 1800));
    /// let mut out = String::new();
    /// f.render(&Record::new(Level::INFO, "x", format_args!("m")), &mut out).unwrap();
    /// assert_eq!(out, "20:30 -0330 m");
    /// ```
    pub const fn with_utc_offset(mut self, utc_offset: fn(Timestamp) -> i32) -> Formatter {
        self.head.context.utc_offset = Some(utc_offset);
        self
    }

    /// This formatter with room for exactly `M` pieces: what
    /// [`formatter!`](crate::formatter!) keeps. In a `const` item (its only
    /// use) a wrong `M` fails the build.
    #[doc(hidden)]
    pub const fn fitted<const M: usize>(&self) -> Formatter<M> {
        assert!(
            M == self.head.len as usize,
            "the capacity is the number of pieces"
        );
        let mut pieces = [Piece::EMPTY; M];
        let mut i = 0;
        while i < M {
            pieces[i] = self.pieces[i];
            i += 1;
        }
        Formatter {
            head: self.head,
            pieces,
        }
    }
}

impl<const N: usize> Formatter<N> {
    /// The format string this formatter was parsed from.
    ///
    /// ```
    /// assert_eq!(emlog::Formatter::message_only().source(), "%(message)s");
    /// ```
    pub const fn source(&self) -> &'static str {
        self.head.source
    }

    /// What the renderers see; a `const fn`, so a handler built in a
    /// `static` keeps it.
    pub(crate) const fn template(&self) -> Template<'_> {
        let pieces: &[Piece] = &self.pieces;
        let pieces = match pieces.split_at_checked(self.head.len as usize) {
            Some((used, _)) => used,
            None => pieces,
        };
        Template {
            head: &self.head,
            pieces,
        }
    }

    /// How a handler that borrows this formatter renders: by its compiled
    /// renderer alone (nothing else of the formatter is kept at run time),
    /// or by walking its template.
    pub(crate) const fn rendering(&self) -> Rendering<'_> {
        match self.head.context.parts.compiled {
            Some(render) => Rendering {
                render,
                template: None,
            },
            None => Rendering {
                render: walk,
                template: Some(self.template()),
            },
        }
    }

    /// Writes `record` as the format string says. Errors come only from `out`
    /// (or from a `Display` in the message); the template itself was checked
    /// when it was parsed.
    ///
    /// ```
    /// use core::fmt::Write;
    /// use emlog::{Formatter, Level, LineBuffer, Record};
    /// let f = Formatter::new("%(levelname)s %(message)s").unwrap();
    /// let mut line: LineBuffer<12> = LineBuffer::new();
    /// let result = f.render(&Record::new(Level::INFO, "x", format_args!("héllo wörld")), &mut line);
    /// assert!(result.is_err()); // the line is full
    /// assert_eq!(line.as_str(), "INFO héllo ");
    /// ```
    pub fn render(&self, record: &Record<'_>, out: &mut dyn fmt::Write) -> fmt::Result {
        self.template().render_to(record, &mut &mut *out)
    }

    /// [`render`](Self::render) into a [`Sink`]. A handler that renders this
    /// way (as [`StreamHandler`](crate::StreamHandler) does) links no
    /// `core::fmt` machinery, whatever the fields, widths and conversions,
    /// when its records all come from plain calls (`{}` placeholders with
    /// integer or text arguments): the renderer writes into a `dyn Sink`
    /// throughout, never a `dyn fmt::Write` (whose table of methods would
    /// name `write_fmt`, and with it `core::fmt::write`).
    ///
    /// ```
    /// use emlog::{Formatter, Level, LineBuffer, Record};
    /// let f = Formatter::new(Formatter::BASIC).unwrap();
    /// let mut line: LineBuffer<32> = LineBuffer::new();
    /// f.render_to(&Record::new(Level::INFO, "x", format_args!("up {}", 1)), &mut line).unwrap();
    /// assert_eq!(line.as_str(), "INFO:x:up 1");
    /// ```
    pub fn render_to(&self, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
        self.template().render_to(record, out)
    }

    /// The template's pieces, in order.
    pub(crate) fn pieces(&self) -> &[Piece] {
        self.template().pieces
    }

    /// [`render`](Self::render), except that a plain `%(asctime)s` (no width,
    /// precision or conversion) is written by `asctime`, given the record's
    /// timestamp: a host handler may keep the text of the current second
    /// and write only the milliseconds there (see
    /// [`write_asctime`](Self::write_asctime), [`datefmt`](Self::datefmt)).
    ///
    /// ```
    /// use emlog::{Formatter, Level, Record};
    /// let f = Formatter::new("%(asctime)s %(message)s").unwrap();
    /// let mut out = String::new();
    /// let record = Record::new(Level::INFO, "x", format_args!("m"));
    /// f.render_with_asctime(&record, &mut out, &mut |_, out| out.write_str("now")).unwrap();
    /// assert_eq!(out, "now m");
    /// ```
    pub fn render_with_asctime(
        &self,
        record: &Record<'_>,
        out: &mut dyn fmt::Write,
        asctime: &mut AscTimeWriter<'_>,
    ) -> fmt::Result {
        let template = self.template();
        template.render_these(template.pieces, record, &mut &mut *out, Some(asctime))
    }

    /// `asctime` of `timestamp` as this formatter writes it (the default
    /// layout or the `datefmt`, at the formatter's UTC offset).
    ///
    /// ```
    /// use emlog::{Formatter, Timestamp};
    /// let mut out = String::new();
    /// Formatter::message_only().write_asctime(Timestamp::new(0, 7_000_000), &mut out).unwrap();
    /// assert_eq!(out, "1970-01-01 00:00:00,007");
    /// ```
    pub fn write_asctime(&self, timestamp: Timestamp, out: &mut dyn fmt::Write) -> fmt::Result {
        render::write_asctime(&self.head.context, timestamp, &mut &mut *out)
    }

    /// The `datefmt` given to [`with_datefmt`](Formatter::with_datefmt); empty for the default layout.
    pub const fn datefmt(&self) -> &'static str {
        self.head.context.datefmt
    }

    /// How many pieces the template has: runs of literal text and fields
    /// (`"%(levelname)s: %(message)s"` has three).
    pub const fn piece_count(&self) -> usize {
        self.head.len as usize
    }

    /// What the text of piece `index` depends on ([`DependsOn::Record`] for
    /// an index past the end): a renderer may keep the text of pieces that
    /// depend on the level and logger name only, and write it again for the
    /// next record with the same two ([`render_range_with_asctime`](Self::render_range_with_asctime)).
    ///
    /// ```
    /// use emlog::format::DependsOn;
    /// let f = emlog::Formatter::new("%(levelname)-8s %(name)s: %(message)s").unwrap();
    /// let kinds: Vec<DependsOn> = (0..f.piece_count()).map(|i| f.piece_depends_on(i)).collect();
    /// use DependsOn::*;
    /// assert_eq!(kinds, [LevelAndName, Nothing, LevelAndName, Nothing, Record]);
    /// let f = emlog::Formatter::new("%(asctime)s %(message)s").unwrap();
    /// assert_eq!(f.piece_depends_on(0), SecondThenMillis, "the default layout");
    /// let f = f.with_datefmt("%H:%M:%S").unwrap();
    /// assert_eq!(f.piece_depends_on(0), Second);
    /// ```
    pub fn piece_depends_on(&self, index: usize) -> DependsOn {
        let datefmt = self.head.context.datefmt;
        match self.pieces().get(index) {
            Some(Piece::Literal { .. }) => DependsOn::Nothing,
            Some(Piece::Field {
                field: Field::Name | Field::LevelNo | Field::LevelName,
                ..
            }) => DependsOn::LevelAndName,
            Some(Piece::Field {
                field: Field::AscTime,
                ..
            }) if !datefmt.is_empty() && !datefmt.contains("%f") => DependsOn::Second,
            Some(Piece::Field {
                field: Field::AscTime,
                spec,
            }) if datefmt.is_empty() && spec.is_plain_text() => DependsOn::SecondThenMillis,
            _ => DependsOn::Record,
        }
    }

    /// [`render_with_asctime`](Self::render_with_asctime) of the pieces in
    /// `range` only (a range past the end renders what is in it): rendering
    /// the ranges `0..a`, `a..b` and `b..` one after the other writes the same
    /// text as rendering the whole template.
    ///
    /// ```
    /// use emlog::{Formatter, Level, Record};
    /// let f = Formatter::new("%(levelname)s:%(name)s:%(message)s").unwrap();
    /// let record = Record::new(Level::INFO, "app", format_args!("up"));
    /// let (mut head, mut rest) = (String::new(), String::new());
    /// let mut now = |_, out: &mut dyn core::fmt::Write| out.write_str("now");
    /// f.render_range_with_asctime(0..4, &record, &mut head, &mut now).unwrap();
    /// f.render_range_with_asctime(4..f.piece_count(), &record, &mut rest, &mut now).unwrap();
    /// assert_eq!((head.as_str(), rest.as_str()), ("INFO:app:", "up"));
    /// ```
    pub fn render_range_with_asctime(
        &self,
        range: core::ops::Range<usize>,
        record: &Record<'_>,
        out: &mut dyn fmt::Write,
        asctime: &mut AscTimeWriter<'_>,
    ) -> fmt::Result {
        let template = self.template();
        let pieces = template.pieces;
        let end = range.end.min(pieces.len());
        let pieces = pieces.get(range.start.min(end)..end).unwrap_or(&[]);
        template.render_these(pieces, record, &mut &mut *out, Some(asctime))
    }
}

/// How a handler renders with the formatter it borrows
/// ([`Formatter::rendering`]): a compiled formatter's own renderer, which
/// needs nothing else, or [`walk`] with the template. One call either way,
/// with no test of which it is, and the record and sink where the renderer
/// takes them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rendering<'a> {
    render: compiled::Render,
    template: Option<Template<'a>>,
}

impl Rendering<'_> {
    /// Writes `record`.
    #[inline(always)]
    pub(crate) fn render_to(&self, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
        (self.render)(self, record, out)
    }
}

/// The renderer of a [`Rendering`] by its template (always there when
/// this is its renderer).
fn walk(rendering: &Rendering<'_>, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
    match rendering.template {
        Some(template) => template.render_to(record, out),
        None => Ok(()),
    }
}

impl<'a> Template<'a> {
    /// Writes `record` with the renderer the template chose.
    pub(crate) fn render_to(&self, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
        (self.head.context.parts.render)(self, record, out)
    }

    /// The pieces, in order.
    pub(crate) fn pieces(&self) -> &'a [Piece] {
        self.pieces
    }

    pub(crate) fn context(&self) -> &'a Context {
        &self.head.context
    }

    /// The text of a literal piece.
    pub(crate) fn literal(&self, start: u16, len: u16) -> &'static str {
        let (start, len) = (usize::from(start), usize::from(len));
        // SAFETY: literal pieces come only from the parsers, which make them
        // of bytes `start..start + len` of this very `source` (fields are
        // private; `Clone` and `fitted` copy both together), so the range is
        // inside it. They cut literals only at the ends of the source and
        // next to ASCII bytes (`%`, `{`, `}`, the ASCII conversion that ends
        // a `%(...)` field), which are char boundaries: the bytes are whole
        // UTF-8 characters. (Skipping `str::get`'s range and boundary checks
        // saves a dozen instructions per literal.)
        unsafe {
            core::str::from_utf8_unchecked(core::slice::from_raw_parts(
                self.head.source.as_ptr().add(start),
                len,
            ))
        }
    }

    /// The general renderer: every field, width and conversion.
    pub(crate) fn render_template(&self, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
        self.render_these(self.pieces, record, out, None)
    }

    // Inlined into each caller, so `render_template` (the firmware's) keeps no hook.
    #[inline(always)]
    fn render_these(
        &self,
        pieces: &[Piece],
        record: &Record<'_>,
        out: &mut dyn Sink,
        mut asctime: Option<&mut AscTimeWriter<'_>>,
    ) -> fmt::Result {
        for piece in pieces {
            self.render_piece(*piece, record, out, &mut asctime)?;
        }
        Ok(())
    }

    /// One piece. Inlined: with a constant piece (a compiled template's)
    /// only that piece's code is left.
    #[inline(always)]
    pub(crate) fn render_piece(
        &self,
        piece: Piece,
        record: &Record<'_>,
        out: &mut dyn Sink,
        asctime: &mut Option<&mut AscTimeWriter<'_>>,
    ) -> fmt::Result {
        let context = self.context();
        match piece {
            Piece::Literal { start, len } => out.write_str(self.literal(start, len)),
            Piece::Field {
                field: Field::AscTime,
                spec,
            } if spec.is_plain_text() && asctime.is_some() => match asctime.as_mut() {
                Some(write) => write(record.timestamp, &mut crate::message::SinkWrite(out)),
                None => Ok(()),
            },
            // `%(msecs)03d`, the usual millisecond field: three digits.
            #[cfg(target_pointer_width = "64")]
            Piece::Field {
                field: Field::Msecs,
                spec,
            } if spec == render::MSECS_03D && record.timestamp.millis() < 1000 => {
                render::write_three_digits(record.timestamp.millis(), out)
            }
            // The common case, plain `%(name)s` or `{name}`: no detour.
            Piece::Field { field, spec } if spec.is_plain_text() => {
                context.write_raw(field.value(record), out)
            }
            Piece::Field { field, spec } => context.write_field(field.value(record), spec, out),
        }
    }
}

/// The formatter, or a build that fails saying what is wrong with it (for
/// [`formatter!`](crate::formatter!), in a `const` item).
#[doc(hidden)]
pub const fn expect_valid(parsed: Result<Formatter, FormatError>) -> Formatter {
    match parsed {
        Ok(formatter) => formatter,
        Err(err) => panic!("{}", err.kind.summary()),
    }
}

/// A formatter built by the compiler, holding exactly its own pieces: a
/// `&'static` [`Formatter`] for
/// [`StreamHandler::with_formatter`](crate::StreamHandler::with_formatter).
///
/// A formatter from the constructors has room for [`MAX_PIECES`] pieces (6
/// bytes each), used or not; this one keeps only those it has, so a
/// firmware's handler in a `static` costs a pointer, and the formatter
/// about 30 bytes of flash plus its pieces. Give it a `%`-style format
/// string literal, or any constant expression of type [`Formatter`] (a
/// `{}`-style one, one with a `datefmt`); a mistake in the format string
/// fails the build.
///
/// ```
/// use emlog::{Formatter, Level, Record};
/// let basic: &'static Formatter<5> = emlog::formatter!("%(levelname)s:%(name)s:%(message)s");
/// const DATED: Formatter = match Formatter::brace("{asctime} {message}") {
///     Ok(f) => f,
///     Err(_) => panic!("bad format string"),
/// };
/// let dated = emlog::formatter!(DATED);
/// assert_eq!((basic.piece_count(), dated.piece_count()), (5, 3));
/// let mut out = String::new();
/// basic.render(&Record::new(Level::INFO, "app", format_args!("up {}", 1)), &mut out).unwrap();
/// assert_eq!(out, "INFO:app:up 1");
/// ```
///
/// ```compile_fail
/// let bad = emlog::formatter!("%(levelname)q");
/// ```
#[macro_export]
macro_rules! formatter {
    ($source:literal $(,)?) => {
        $crate::formatter!($crate::format::expect_valid($crate::Formatter::new(
            $source
        )))
    };
    ($formatter:expr $(,)?) => {{
        const FORMATTER: $crate::Formatter = $formatter;
        const N: usize = FORMATTER.piece_count();
        // The type whose renderer is this formatter's own (see `format::compiled`).
        struct Compiled;
        impl $crate::format::Compiled<N> for Compiled {
            const FORMATTER: &'static $crate::Formatter<N> = &FORMATTER.compiled(&PARTS);
            const LEVEL_TEXT: &'static str = match ::core::str::from_utf8(&LEVEL_TEXT) {
                ::core::result::Result::Ok(text) => text,
                ::core::result::Result::Err(_) => {
                    ::core::panic!("level names and a literal are UTF-8")
                }
            };
        }
        const LEVEL_TEXT: [u8; FORMATTER.level_text_len()] = FORMATTER.level_text();
        const PARTS: $crate::format::Parts = FORMATTER.compiled_parts::<Compiled, N>();
        <Compiled as $crate::format::Compiled<N>>::FORMATTER
    }};
}

/// What the text of a template piece depends on ([`Formatter::piece_depends_on`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DependsOn {
    /// Nothing: literal text of the format string.
    Nothing,
    /// The record's level and logger name only: `name`, `levelno` and
    /// `levelname`, whatever their width, precision or conversion.
    LevelAndName,
    /// The record's whole second only: `asctime` with a `datefmt` without
    /// `%f` (the UTC offset is taken to change only at whole seconds, as
    /// time-zone transitions do).
    Second,
    /// A plain `asctime` in the default layout: the text of the record's
    /// whole second (as for [`Second`](Self::Second)) followed by `,mmm`, its
    /// milliseconds, as the last three characters.
    SecondThenMillis,
    /// Anything else (the message, the time, the call's location, the thread).
    Record,
}

impl Default for Formatter {
    /// [`Formatter::message_only`], Python's default.
    fn default() -> Self {
        Formatter::message_only()
    }
}
