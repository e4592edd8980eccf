//! What the macros expand to. Not a public API: it may change in any release.
//!
//! A call whose format string has only `{}` and `{:.N}` placeholders (the
//! common case: `info!("served {} in {:.3} ms", n, t)`) skips `core::fmt`'s
//! argument machinery: the macro hands the text around the placeholders and
//! their precisions (both found at compile time) and the arguments to
//! `log_plain` (`log_values` on 64-bit targets), and integers and strings are
//! written with a few instructions and no `core::fmt` integer or padding code.
//! On 64-bit targets 64-bit integers are written the same way, and floats
//! too, with a precision whenever the quick rounding is provably the exact
//! one and without when they are small integers; everything else an argument
//! needs (a float's other shortest forms, a precision on text) is left to
//! `core::fmt`. Which path a call takes is decided at compile
//! time; both write the same text. On 64-bit targets the message is written
//! into room the sink lends (`ByteSink`: emlog-std's line buffer lends the
//! end of its line), or gathered on the stack and handed to any other sink in
//! one `write_str` (see `lent_room`), by a writer compiled once for each list
//! of argument types (see `signature`: a call site costs the capture of its
//! arguments and one call); 32-bit targets write each piece as it comes,
//! which is smaller, by a writer compiled once for each number of arguments
//! (`PlainArgs`, made at the call site).

use core::fmt;

use crate::format::Sink;
#[cfg(target_pointer_width = "64")]
use crate::message::Written;
use crate::message::{WriteMessage, write_args};
use crate::{Level, Location, Message, Record, STATIC_MIN_LEVEL};

#[cfg(target_pointer_width = "64")]
mod ample_room;
#[cfg(target_pointer_width = "64")]
mod lent_room;
#[cfg(target_pointer_width = "64")]
mod signature;
#[cfg(all(target_pointer_width = "64", feature = "queue-capture"))]
pub use signature::{Packed, ReplayRoom};
#[cfg(target_pointer_width = "64")]
pub use signature::{
    PlainText, ToValue, ToValueDisplay, ToValueUnused, Unused, Value, Values, log_values,
};

/// Whether a call at `level` is compiled in and wanted now.
#[inline(always)]
// Always true when no ceiling feature is on; that is the point of the constant.
#[allow(clippy::absurd_extreme_comparisons)]
pub fn enabled(level: Level) -> bool {
    level.number() as u16 >= STATIC_MIN_LEVEL && level >= crate::threshold()
}

/// defmt mode: whether the installed dispatcher's logger levels want the call
/// (after [`enabled`]): a load and a branch until a Dispatcher is given a
/// named logger level.
#[cfg(feature = "defmt-mode")]
#[inline(always)]
pub fn wants(level: Level, logger: &str) -> bool {
    crate::dispatch::wants(level, logger)
}

/// defmt mode: which of defmt's five levels a level goes out at, by range
/// (0 trace, 1 debug, 2 info, 3 warn, 4 error).
#[cfg(feature = "defmt-mode")]
#[inline(always)]
pub const fn defmt_level(level: Level) -> u8 {
    match level.number() {
        0..10 => 0,
        10..20 => 1,
        20..30 => 2,
        30..40 => 3,
        _ => 4,
    }
}

/// defmt mode: the message of a call as a nested defmt format, written by `write`.
#[cfg(feature = "defmt-mode")]
pub struct DefmtMessage<F>(F);

/// Wraps the closure that writes a call's message (fixes its signature).
#[cfg(feature = "defmt-mode")]
#[inline(always)]
pub fn defmt_message<F: Fn(defmt::Formatter<'_>)>(write: F) -> DefmtMessage<F> {
    DefmtMessage(write)
}

#[cfg(feature = "defmt-mode")]
impl<F: Fn(defmt::Formatter<'_>)> defmt::Format for DefmtMessage<F> {
    fn format(&self, f: defmt::Formatter<'_>) {
        (self.0)(f)
    }
}

/// Makes the record and dispatches it. Kept out of line so each call site
/// stays a load, a compare and a call.
#[inline(never)]
pub fn log(
    level: Level,
    logger: &str,
    args: fmt::Arguments<'_>,
    location: &'static Location<'static>,
) {
    emit(level, logger, Message::new(args), location);
}

/// A call whose format string has only `{}` and `{:.N}` placeholders (see
/// [`plain_braces`]): `pieces` is the text around them and `precisions` their
/// precisions, found at compile time by [`plain_pieces`] and
/// [`plain_precisions`] (empty when no placeholder has one, so that such calls
/// link no precision code). The message is made here, at the call site: a
/// [`PlainArgs`] of the call's `A` arguments, whose writer is compiled once
/// for each number of arguments, or (with a precision) a [`PlainMessage`].
#[cfg(not(target_pointer_width = "64"))]
#[inline(always)]
pub fn log_plain<const A: usize, const P: usize>(
    level: Level,
    logger: &str,
    pieces: &'static [&'static str; P],
    precisions: &'static [u8],
    args: [Arg<'_>; A],
    location: &'static Location<'static>,
) {
    if precisions.is_empty() {
        log_message(level, logger, &PlainArgs { pieces, args }, location);
    } else {
        let message = PlainMessage {
            pieces,
            precisions,
            args: &args,
        };
        log_message(level, logger, &message, location);
    }
}

/// Makes the record of a plain call's message and dispatches it. Out of
/// line, like [`log`]: one copy for every plain call.
#[cfg(not(target_pointer_width = "64"))]
#[inline(never)]
fn log_message(
    level: Level,
    logger: &str,
    message: &dyn WriteMessage,
    location: &'static Location<'static>,
) {
    emit(level, logger, Message::plain(message), location);
}

#[inline(always)]
fn emit(level: Level, logger: &str, args: Message<'_>, location: &'static Location<'static>) {
    let record = Record::capture(level, logger, args.at(location), *location);
    crate::dispatch(&record);
}

/// `f` with the message of `pieces` around one count, written as a plain
/// call's (the queue's report of the records it dropped): on 32-bit targets
/// by the writer of one-argument calls, which a firmware has already.
pub(crate) fn with_count_message<R>(
    pieces: &'static [&'static str; 2],
    count: u32,
    f: impl FnOnce(Message<'_>) -> R,
) -> R {
    let args = [Arg::Unsigned(count)];
    #[cfg(not(target_pointer_width = "64"))]
    return f(Message::plain(&PlainArgs { pieces, args }));
    #[cfg(target_pointer_width = "64")]
    return f(Message::plain(&PlainMessage::new(pieces, &args)));
}

/// Marks a placeholder without precision in [`plain_precisions`].
pub const NO_PRECISION: u8 = 0xFF;

/// The highest `{:.N}` precision the plain path takes.
const MAX_PRECISION: u8 = 17;

/// The placeholder that starts with the `{` at `bytes[at]`, if the plain path
/// takes it: `{}`, or `{:.N}` with N of one or two digits up to
/// [`MAX_PRECISION`]. Its length and precision ([`NO_PRECISION`] for `{}`).
const fn placeholder(bytes: &[u8], at: usize) -> Option<(usize, u8)> {
    if at + 1 < bytes.len() && bytes[at + 1] == b'}' {
        return Some((2, NO_PRECISION));
    }
    if at + 2 >= bytes.len() || bytes[at + 1] != b':' || bytes[at + 2] != b'.' {
        return None;
    }
    let (mut end, mut precision) = (at + 3, 0u8);
    while end < bytes.len() && end < at + 5 && bytes[end].is_ascii_digit() {
        precision = precision * 10 + (bytes[end] - b'0');
        end += 1;
    }
    if end == at + 3 || end >= bytes.len() || bytes[end] != b'}' || precision > MAX_PRECISION {
        return None;
    }
    Some((end + 1 - at, precision))
}

/// Whether `format` has exactly `args` placeholders, every one a `{}` or a
/// `{:.N}` (see `placeholder`), and no other brace (escapes `{{` `}}` take
/// the `core::fmt` path). Evaluated at compile time.
pub const fn plain_braces(format: &str, args: usize) -> bool {
    let bytes = format.as_bytes();
    let (mut i, mut found) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'{' => match placeholder(bytes, i) {
                Some((len, _)) => {
                    found += 1;
                    i += len;
                }
                None => return false,
            },
            b'}' => return false,
            _ => i += 1,
        }
    }
    args > 0 && found == args
}

/// The text around the `P - 1` placeholders of a format string that
/// [`plain_braces`] accepts; all empty for any other (that call never uses them).
pub const fn plain_pieces<const P: usize>(format: &'static str) -> [&'static str; P] {
    let mut pieces = [""; P];
    if P == 0 || !plain_braces(format, P - 1) {
        return pieces;
    }
    let mut rest = format.as_bytes();
    let (mut i, mut k) = (0, 0);
    while i < rest.len() {
        if let (b'{', Some((len, _))) = (rest[i], placeholder(rest, i)) {
            let (head, tail) = rest.split_at(i);
            pieces[k] = ascii_cut(head);
            k += 1;
            rest = tail.split_at(len).1;
            i = 0;
        } else {
            i += 1;
        }
    }
    pieces[k] = ascii_cut(rest);
    pieces
}

/// The precision of each of the `A` placeholders of a format string that
/// [`plain_braces`] accepts ([`NO_PRECISION`] for `{}`); all
/// [`NO_PRECISION`] for any other.
pub const fn placeholder_precisions<const A: usize>(format: &str) -> [u8; A] {
    let mut precisions = [NO_PRECISION; A];
    if !plain_braces(format, A) {
        return precisions;
    }
    let bytes = format.as_bytes();
    let (mut i, mut k) = (0, 0);
    while i < bytes.len() {
        if let (b'{', Some((len, precision))) = (bytes[i], placeholder(bytes, i)) {
            precisions[k] = precision;
            k += 1;
            i += len;
        } else {
            i += 1;
        }
    }
    precisions
}

/// What `log_plain` (`PlainText` on 64-bit targets) takes as `precisions`: those of
/// [`placeholder_precisions`], or none at all when no placeholder has one.
pub const fn plain_precisions(precisions: &'static [u8]) -> &'static [u8] {
    let mut i = 0;
    while i < precisions.len() {
        if precisions[i] != NO_PRECISION {
            return precisions;
        }
        i += 1;
    }
    &[]
}

/// Whether every byte of every piece is printable ASCII (space to `~`),
/// which no escaping rewrites. Evaluated at compile time.
pub const fn printable_pieces(pieces: &[&str]) -> bool {
    let mut i = 0;
    while i < pieces.len() {
        let bytes = pieces[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            if bytes[j] < b' ' || bytes[j] > b'~' {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// Bytes of a `str` cut next to an ASCII brace, so still UTF-8.
const fn ascii_cut(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => "",
    }
}

/// One argument of a plain call, as the macro captured it.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    /// An unsigned integer of at most 32 bits (and `usize` on 32-bit targets).
    Unsigned(u32),
    /// A signed integer of at most 32 bits (and `isize` on 32-bit targets).
    Signed(i32),
    /// A `u64` or `usize`.
    #[cfg(target_pointer_width = "64")]
    Unsigned64(u64),
    /// An `i64` or `isize`.
    #[cfg(target_pointer_width = "64")]
    Signed64(i64),
    /// An `f32`.
    #[cfg(target_pointer_width = "64")]
    F32(f32),
    /// An `f64`.
    #[cfg(target_pointer_width = "64")]
    F64(f64),
    /// Text.
    Str(&'a str),
    /// Anything else with `Display`.
    Display(&'a dyn DisplayArg),
    /// A type without `Display`: only in calls that take the `core::fmt` path,
    /// so never written.
    Unused,
}

/// The message of a plain call: each piece of text, then the next argument,
/// with its precision from `P` ([`NoPrecision`] or `&[u8]`).
pub struct PlainMessage<'a, P = NoPrecision> {
    pieces: &'static [&'static str],
    precisions: P,
    args: &'a [Arg<'a>],
}

impl<'a> PlainMessage<'a> {
    /// Pieces of text with an argument after each but the last.
    pub(crate) const fn new(pieces: &'static [&'static str], args: &'a [Arg<'a>]) -> Self {
        PlainMessage {
            pieces,
            precisions: NoPrecision,
            args,
        }
    }
}

/// The message of a plain call without precisions on a 32-bit target, as
/// its call site makes it: the `P` pieces of text (one more than the
/// arguments) and the `A` arguments themselves. Its writer is compiled once
/// for each number of arguments, with the pieces and arguments at places it
/// knows: no loop over slices of unknown length, no look-up of precisions.
#[cfg(any(not(target_pointer_width = "64"), test))]
pub struct PlainArgs<'a, const A: usize, const P: usize> {
    pieces: &'static [&'static str; P],
    args: [Arg<'a>; A],
}

#[cfg(any(not(target_pointer_width = "64"), test))]
impl<const A: usize, const P: usize> PlainArgs<'_, A, P> {
    /// Checked by the compiler for every writer it makes: a piece before
    /// each argument and one after the last, as the macros make them.
    const ONE_PIECE_MORE: () = assert!(P == A + 1, "one more piece than arguments");
}

#[cfg(any(not(target_pointer_width = "64"), test))]
impl<const A: usize, const P: usize> WriteMessage for PlainArgs<'_, A, P> {
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        let () = Self::ONE_PIECE_MORE;
        for (piece, arg) in self.pieces.iter().zip(&self.args) {
            write_piece(out, piece)?;
            // An unsigned integer, the usual argument, tested first: it then
            // falls through to its call, where the match's arms shared one.
            if let Arg::Unsigned(n) = *arg {
                write_decimal(out, n.into(), false)?;
            } else {
                arg.write(out)?;
            }
        }
        // `A < P` (checked above): no bounds check.
        write_piece(out, self.pieces[A])?;
        // Not a tail call: the sink's method then stays in a register that
        // calls keep (a tail call wants it in one they do not, so it was
        // moved out of the way and back around every call). No code.
        core::hint::black_box(());
        Ok(())
    }

    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<PlainParts<'_>> {
        Some(PlainParts {
            pieces: self.pieces,
            precisions: &[],
            args: &self.args,
        })
    }
}

#[cfg(any(not(target_pointer_width = "64"), test))]
impl<const A: usize, const P: usize> fmt::Display for PlainArgs<'_, A, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_message(f)
    }
}

/// The precisions of a [`PlainMessage`] none of whose placeholders has one.
#[derive(Clone, Copy)]
pub struct NoPrecision;

/// Where a [`PlainMessage`] finds the precision of its `k`-th argument.
pub trait Precisions {
    /// That precision, or [`NO_PRECISION`].
    fn of(&self, k: usize) -> u8;
    /// All of them (empty when no placeholder has one).
    fn as_slice(&self) -> &[u8];
}

impl Precisions for NoPrecision {
    #[inline(always)]
    fn of(&self, _: usize) -> u8 {
        NO_PRECISION
    }
    fn as_slice(&self) -> &[u8] {
        &[]
    }
}

impl Precisions for &[u8] {
    #[inline(always)]
    fn of(&self, k: usize) -> u8 {
        self.get(k).copied().unwrap_or(NO_PRECISION)
    }
    fn as_slice(&self) -> &[u8] {
        self
    }
}

impl<P: Precisions> WriteMessage for PlainMessage<'_, P> {
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        #[cfg(target_pointer_width = "64")]
        return lent_room::write(&self.parts(), out);
        #[cfg(not(target_pointer_width = "64"))]
        return self.write_direct(out);
    }

    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<PlainParts<'_>> {
        Some(self.parts())
    }

    #[cfg(target_pointer_width = "64")]
    fn write_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        lent_room::write_bytes(&self.parts(), out)
    }

    #[cfg(target_pointer_width = "64")]
    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        lent_room::write_into(&self.parts(), room)
    }
}

impl<P: Precisions> PlainMessage<'_, P> {
    /// The text, precisions and arguments.
    #[cfg(any(target_pointer_width = "64", feature = "queue-capture"))]
    #[inline(always)]
    fn parts(&self) -> PlainParts<'_> {
        PlainParts {
            pieces: self.pieces,
            precisions: self.precisions.as_slice(),
            args: self.args,
        }
    }
}

/// What a plain call's message is made of: the text around its placeholders,
/// their precisions (empty when none has one, else one per argument,
/// [`NO_PRECISION`] for `{}`) and its arguments. A queue copies the
/// arguments and formats them on its listener's thread
/// ([`with_plain_message`]), writing exactly what the call's own thread
/// would have.
#[derive(Clone, Copy)]
pub struct PlainParts<'a> {
    /// The text around the placeholders (one more than the arguments).
    pub pieces: &'static [&'static str],
    /// The placeholders' precisions, or empty.
    pub precisions: &'a [u8],
    /// The arguments.
    pub args: &'a [Arg<'a>],
}

/// Runs `f` with the message that `parts` make: what the plain call they
/// were taken from (or copied from) would have given its record.
///
/// ```
/// use emlog::__private::{Arg, PlainParts, with_plain_message};
/// let parts = PlainParts { pieces: &["took ", " ms"], precisions: &[1], args: &[Arg::F64(2.25)] };
/// assert_eq!(with_plain_message(parts, |m| m.to_string()), "took 2.2 ms");
/// ```
pub fn with_plain_message<R>(parts: PlainParts<'_>, f: impl FnOnce(Message<'_>) -> R) -> R {
    #[cfg(not(target_pointer_width = "64"))]
    if parts.precisions.is_empty() {
        return f(Message::plain(&PlainMessage::new(parts.pieces, parts.args)));
    }
    f(Message::plain(&PlainMessage {
        pieces: parts.pieces,
        precisions: parts.precisions,
        args: parts.args,
    }))
}

/// A sink that lends the room after its text, so that a plain call's
/// message is written there directly rather than gathered and copied
/// (64-bit targets; emlog-std's line buffer is one). See [`write_message_bytes`].
#[cfg(target_pointer_width = "64")]
pub trait ByteSink: Sink {
    /// The room after the text: at least `min` bytes (usually all there is),
    /// or an error when that much cannot be had.
    fn room(&mut self, min: usize) -> Result<&mut [u8], fmt::Error>;

    /// The first `n` bytes of the room lent last are text now. The writer put
    /// UTF-8 text there (whole `str`s and ASCII), and wrote nothing through
    /// the sink in between.
    fn commit(&mut self, n: usize) -> fmt::Result;
}

/// Writes `message` into `out` as [`Message::write_to_sink`] does, a plain
/// call's message straight into the room `out` lends.
#[cfg(target_pointer_width = "64")]
#[inline]
pub fn write_message_bytes(message: &Message<'_>, out: &mut dyn ByteSink) -> fmt::Result {
    message.write_to_bytes(out)
}

/// Writes `message` at the start of `room` (UTF-8 text) if it fits and
/// needs no `core::fmt`: how many bytes, and whether they are printable
/// ASCII. `None` leaves nothing of worth in `room`: the caller then writes
/// the message another way ([`write_message_bytes`]). A sink that owns
/// its room calls this first, with no dynamic call to lend it.
#[cfg(target_pointer_width = "64")]
#[inline]
pub fn write_message_into(message: &Message<'_>, room: &mut [u8]) -> Option<(usize, bool)> {
    message
        .write_into(room)
        .map(|written| (written.len, written.printable))
}

/// Text of printable ASCII formatted earlier, as a message: a plain call's
/// text that a queue's caller wrote with [`write_message_into`], which said
/// it was printable. It writes itself as [`Message::text`] does, and reports
/// itself printable, so that a renderer that escapes control characters need
/// not scan it again.
#[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
#[derive(Clone, Copy, Debug)]
pub struct PrintableText<'a>(&'a str);

#[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
impl<'a> PrintableText<'a> {
    /// `text`, which the caller knows to be printable ASCII (bytes 0x20 to
    /// 0x7e; [`write_message_into`] said so when it wrote it). A text that
    /// is not would reach the output unescaped (debug builds check it).
    #[inline(always)]
    pub fn new(text: &'a str) -> PrintableText<'a> {
        debug_assert!(
            text.bytes().all(|b| (0x20..0x7f).contains(&b)),
            "not printable ASCII: {text:?}"
        );
        PrintableText(text)
    }

    /// `text` as a message.
    #[inline(always)]
    pub fn message(&'a self) -> Message<'a> {
        Message::plain(self)
    }
}

#[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
impl WriteMessage for PrintableText<'_> {
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        out.write_str(self.0)
    }

    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        // Written as any text is, and known printable.
        let written = self.0.write_into(room)?;
        Some(Written {
            printable: true,
            ..written
        })
    }
}

#[cfg(test)]
impl<'a> PlainMessage<'a, &'a [u8]> {
    /// A message with these precisions (empty, or one per argument).
    const fn with_precisions(
        pieces: &'static [&'static str],
        precisions: &'a [u8],
        args: &'a [Arg<'a>],
    ) -> Self {
        PlainMessage {
            pieces,
            precisions,
            args,
        }
    }
}

impl<P: Precisions> PlainMessage<'_, P> {
    /// Writes each piece and argument into `out` as it comes (what 32-bit
    /// targets do; 64-bit ones write into lent room, see `lent_room`, and
    /// build this only for their tests, which check it against `format!`).
    /// The pieces are one more than the arguments, as the macros and
    /// [`PlainParts`] make them (of other counts, the pairs there are and
    /// the last piece are written).
    #[cfg(any(not(target_pointer_width = "64"), test))]
    fn write_direct(&self, out: &mut dyn Sink) -> fmt::Result {
        // Each argument after the piece before it, then the last piece: one
        // loop test a pair, and the last write a tail call.
        let Some((last, pieces)) = self.pieces.split_last() else {
            return Ok(());
        };
        for (k, (piece, arg)) in pieces.iter().zip(self.args).enumerate() {
            write_piece(out, piece)?;
            match self.precisions.of(k) {
                NO_PRECISION => arg.write(out)?,
                precision => arg.write_with_precision(out, precision)?,
            }
        }
        write_piece(out, last)?;
        Ok(())
    }
}

/// A piece of a plain message's text: no call for an empty one (the text
/// after a final placeholder).
#[cfg(any(not(target_pointer_width = "64"), test))]
#[inline(always)]
fn write_piece(out: &mut dyn Sink, piece: &str) -> fmt::Result {
    if piece.is_empty() {
        return Ok(());
    }
    out.write_str(piece)
}

impl<P: Precisions> fmt::Display for PlainMessage<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_message(f)
    }
}

/// An argument with `Display` that a plain call writes through `core::fmt`:
/// a trait object of its own, so that only programs with such an argument
/// link `core::fmt`'s machinery.
pub trait DisplayArg {
    /// Writes the argument as `{}` does.
    fn write_text(&self, out: &mut dyn Sink) -> fmt::Result;
    /// The argument's `Display`, with the formatter's options.
    fn display(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: fmt::Display> DisplayArg for T {
    fn write_text(&self, out: &mut dyn Sink) -> fmt::Result {
        write_args(out, format_args!("{}", self))
    }
    fn display(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt(f)
    }
}

/// A [`DisplayArg`] as `Display`.
struct Shown<'a>(&'a dyn DisplayArg);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display(f)
    }
}

#[cfg(any(not(target_pointer_width = "64"), test))]
impl Arg<'_> {
    #[cfg_attr(
        not(target_pointer_width = "64"),
        allow(clippy::useless_conversion, reason = "u32 to u64 on 64-bit targets")
    )]
    fn write(&self, f: &mut dyn Sink) -> fmt::Result {
        match *self {
            Arg::Unsigned(n) => write_decimal(f, n.into(), false),
            Arg::Signed(n) => write_decimal(f, n.unsigned_abs().into(), n < 0),
            #[cfg(target_pointer_width = "64")]
            Arg::Unsigned64(n) => write_decimal(f, n, false),
            #[cfg(target_pointer_width = "64")]
            Arg::Signed64(n) => write_decimal(f, n.unsigned_abs(), n < 0),
            // Floats exist on 64-bit targets only, which write them through
            // `lent_room`; here (their tests' oracle) `core::fmt` writes them.
            #[cfg(target_pointer_width = "64")]
            Arg::F32(x) => write_args(f, format_args!("{x}")),
            #[cfg(target_pointer_width = "64")]
            Arg::F64(x) => write_args(f, format_args!("{x}")),
            Arg::Str(s) => f.write_str(s),
            Arg::Display(d) => d.write_text(f),
            Arg::Unused => Ok(()),
        }
    }

    /// `{:.N}`: as `core::fmt` writes the argument with that precision (it
    /// cuts text, and integers ignore it).
    fn write_with_precision(&self, f: &mut dyn Sink, precision: u8) -> fmt::Result {
        let shown;
        let text: &dyn fmt::Display = match self {
            #[cfg(target_pointer_width = "64")]
            Arg::F32(x) => x,
            #[cfg(target_pointer_width = "64")]
            Arg::F64(x) => x,
            #[cfg(target_pointer_width = "64")]
            Arg::Unsigned64(n) => n,
            #[cfg(target_pointer_width = "64")]
            Arg::Signed64(n) => n,
            Arg::Unsigned(n) => n,
            Arg::Signed(n) => n,
            Arg::Str(s) => s,
            Arg::Display(d) => {
                shown = Shown(*d);
                &shown
            }
            Arg::Unused => return Ok(()),
        };
        write_args(f, format_args!("{:.*}", usize::from(precision), text))
    }
}

/// The widest integer the plain path writes itself: 64-bit division is a
/// library routine of nearly 1 kB on 32-bit cores.
#[cfg(all(target_pointer_width = "64", test))]
type Whole = u64;
#[cfg(not(target_pointer_width = "64"))]
type Whole = u32;

/// Room for a [`Whole`]'s digits and a sign.
#[cfg(all(target_pointer_width = "64", test))]
const WHOLE_TEXT: usize = Whole::MAX.ilog10() as usize + 2;

#[cfg(not(target_pointer_width = "64"))]
fn write_decimal(f: &mut dyn Sink, n: Whole, negative: bool) -> fmt::Result {
    write_decimal32(f, n, negative)
}

/// `n` after a minus sign if `negative`: the sign a write of its own, so
/// that the digits of an unsigned argument are one call with no sign to
/// pass or test (32-bit targets; built for tests too, which check it
/// against `format!`).
#[cfg(any(not(target_pointer_width = "64"), test))]
#[inline(always)]
fn write_decimal32(f: &mut dyn Sink, n: u32, negative: bool) -> fmt::Result {
    if negative {
        f.write_str("-")?;
    }
    crate::format::number::write_u32(f, n)
}

#[cfg(all(target_pointer_width = "64", test))]
fn write_decimal(f: &mut dyn Sink, n: Whole, negative: bool) -> fmt::Result {
    let mut text = [b'-'; WHOLE_TEXT];
    let mut at = digits_before(&mut text, n);
    if negative {
        at -= 1;
    }
    f.write_str(crate::format::number::ascii(text.get(at..).unwrap_or(&[])))
}

/// Writes the decimal digits of `n` at the end of `text` (one byte before
/// it stays free for a sign); returns where they start.
#[cfg(all(target_pointer_width = "64", test))]
#[inline(always)]
fn digits_before(text: &mut [u8; WHOLE_TEXT], mut n: Whole) -> usize {
    let mut at = WHOLE_TEXT;
    // An iterator, not indexing: no bounds check per digit (the first byte
    // is left for the sign, and the rest holds every digit of a `Whole`).
    for digit in text[1..].iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        at -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    at
}

/// Copies `src` to the start of `dst` (at least as long) with fixed-size
/// moves: 1 to 3 bytes one by one, up to 64 as two overlapping moves of 4, 8,
/// 16 or 32 bytes (the short sizes, the usual ones, tested first), beyond
/// that one `copy_from_slice`. A plain message's text is copied this way, and
/// emlog-std's line buffer copies its pieces with it too.
#[inline(always)]
pub fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n <= 16 {
        if n >= 8 {
            copy_fixed::<8>(dst, src, 0);
            copy_fixed::<8>(dst, src, n - 8);
        } else if n >= 4 {
            copy_fixed::<4>(dst, src, 0);
            copy_fixed::<4>(dst, src, n - 4);
        } else if n > 0 {
            for at in [0, n / 2, n - 1] {
                if let (Some(d), Some(s)) = (dst.get_mut(at), src.get(at)) {
                    *d = *s;
                }
            }
        }
    } else if n <= 32 {
        copy_fixed::<16>(dst, src, 0);
        copy_fixed::<16>(dst, src, n - 16);
    } else if n <= 64 {
        copy_fixed::<32>(dst, src, 0);
        copy_fixed::<32>(dst, src, n - 32);
    } else if let Some(dst) = dst.get_mut(..n) {
        dst.copy_from_slice(src);
    }
}

/// Copies the `N` bytes at `at` (both slices hold them: checked, never fails).
#[inline(always)]
fn copy_fixed<const N: usize>(dst: &mut [u8], src: &[u8], at: usize) {
    let end = at + N;
    if let (Some(d), Some(s)) = (dst.get_mut(at..end), src.get(at..end))
        && let (Ok(d), Ok(s)) = (<&mut [u8; N]>::try_from(d), <&[u8; N]>::try_from(s))
    {
        *d = *s;
    }
}

/// Borrows a macro argument so that [`ToArg::to_arg`] can pick the cheapest
/// way to write it by its type (autoref specialisation: the most specific
/// impl takes the most references).
pub struct Capture<'a, T: ?Sized>(pub &'a T);

/// How an argument is captured; the macros import the three impls' traits.
pub trait ToArg {
    /// The argument as a plain call carries it.
    fn to_arg(&self) -> Arg<'_>;
}

/// The fallback trait for arguments with `Display` (one reference fewer).
pub trait ToArgDisplay {
    /// The argument as a plain call carries it.
    fn to_arg(&self) -> Arg<'_>;
}

/// The last fallback: arguments that only a `core::fmt` call can take.
pub trait ToArgUnused {
    /// Never written (see [`Arg::Unused`]).
    fn to_arg(&self) -> Arg<'_>;
}

macro_rules! capture_as {
    ($variant:ident: $($t:ty),*) => {$(
        impl ToArg for &&Capture<'_, $t> {
            fn to_arg(&self) -> Arg<'_> {
                Arg::$variant(*self.0 as _)
            }
        }
    )*};
}

capture_as!(Unsigned: u8, u16, u32);
capture_as!(Signed: i8, i16, i32);
#[cfg(target_pointer_width = "64")]
capture_as!(Unsigned64: u64, usize);
#[cfg(target_pointer_width = "64")]
capture_as!(Signed64: i64, isize);
#[cfg(target_pointer_width = "64")]
capture_as!(F32: f32);
#[cfg(target_pointer_width = "64")]
capture_as!(F64: f64);
#[cfg(not(target_pointer_width = "64"))]
capture_as!(Unsigned: usize);
#[cfg(not(target_pointer_width = "64"))]
capture_as!(Signed: isize);

impl ToArg for &&Capture<'_, &str> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(self.0)
    }
}

impl ToArg for &&Capture<'_, str> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Str(self.0)
    }
}

impl<T: fmt::Display> ToArgDisplay for &Capture<'_, T> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Display(self.0)
    }
}

impl<T: ?Sized> ToArgUnused for Capture<'_, T> {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Unused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::string::ToString;

    #[test]
    fn plain_braces_accepts_only_positional_empty_or_precision_placeholders() {
        assert!(plain_braces("a {} b {}", 2));
        assert!(plain_braces("{}{}é", 2));
        assert!(plain_braces("request {} served in {:.3} ms", 2));
        assert!(plain_braces("{:.0}{:.17}{:.05}", 3));
        assert!(!plain_braces("a {} b {}", 1));
        assert!(!plain_braces("no placeholder", 0));
        for format in [
            "{x}", "{:5}", "{0}", "{:?}", "{", "}", "{{}} {}", "a } b {}", "{}{", "{:.18}",
            "{:.123}", "{:.}", "{:.*}", "{:5.3}", "{:.3e}", "{:.3?}", "{:.3", "{:.", "{:",
            "{0:.3}", "{:+.3}", "{:.x}",
        ] {
            assert!(!plain_braces(format, 1), "{format}");
        }
    }

    #[test]
    fn plain_pieces_split_around_placeholders() {
        const PIECES: [&str; 4] = plain_pieces::<4>("{}é {:.3}{} end");
        assert_eq!(PIECES, ["", "é ", "", " end"]);
        assert_eq!(plain_pieces::<2>("{x}"), ["", ""]);
        assert_eq!(plain_pieces::<2>("[{:.12}]"), ["[", "]"]);
    }

    #[test]
    fn precisions_are_found_and_left_out_when_there_are_none() {
        const FOUND: [u8; 3] = placeholder_precisions::<3>("{:.3} {} {:.17}");
        assert_eq!(FOUND, [3, NO_PRECISION, 17]);
        assert_eq!(plain_precisions(&FOUND), &FOUND);
        const NONE: [u8; 2] = placeholder_precisions::<2>("{} {}");
        assert_eq!(plain_precisions(&NONE), &[] as &[u8]);
        assert_eq!(placeholder_precisions::<1>("{:5}"), [NO_PRECISION]);
    }

    #[test]
    fn plain_message_writes_pieces_and_arguments_in_turn() {
        let args = [
            Arg::Unsigned(0),
            Arg::Signed(i32::MIN),
            Arg::Str("s"),
            Arg::Display(&'c'),
            Arg::Unsigned(u32::MAX),
        ];
        const PIECES: [&str; 6] = plain_pieces::<6>("<{}> {} {}{} ^{}");
        let message = PlainMessage::new(&PIECES, &args);
        assert_eq!(message.to_string(), "<0> -2147483648 sc ^4294967295");
    }

    /// The writer of each number of arguments writes what `format!` and
    /// the shared writer do: empty pieces anywhere, text, `Display`, edge
    /// integers, one to four arguments.
    #[test]
    fn plain_args_match_the_shared_writer_and_core_fmt() {
        use std::format;
        use std::string::String;
        fn check<const A: usize, const P: usize>(
            pieces: &'static [&'static str; P],
            args: [Arg<'_>; A],
            expected: &str,
        ) {
            let message = PlainArgs { pieces, args };
            assert_eq!(message.to_string(), expected);
            let mut shared = String::new();
            PlainMessage::new(pieces, &message.args)
                .write_direct(&mut shared)
                .unwrap();
            assert_eq!(shared, expected);
            let mut through_message = String::new();
            Message::plain(&message)
                .write_to_sink(&mut through_message)
                .unwrap();
            assert_eq!(through_message, expected);
        }
        const ONE: [&str; 2] = plain_pieces::<2>("request served, count={}");
        for n in [0, 9, 10, 10_000, u32::MAX] {
            check(
                &ONE,
                [Arg::Unsigned(n)],
                &format!("request served, count={n}"),
            );
        }
        const AROUND: [&str; 2] = plain_pieces::<2>("{}");
        check(&AROUND, [Arg::Signed(i32::MIN)], &format!("{}", i32::MIN));
        check(&AROUND, [Arg::Str("")], "");
        const TWO: [&str; 3] = plain_pieces::<3>("<{}{}> end");
        check(&TWO, [Arg::Str("é"), Arg::Display(&'c')], "<éc> end");
        const FOUR: [&str; 5] = plain_pieces::<5>("{} {}, {}:{}");
        check(
            &FOUR,
            [
                Arg::Signed(-7),
                Arg::Unsigned(42),
                Arg::Display(&"text"),
                Arg::Str("last"),
            ],
            "-7 42, text:last",
        );
    }

    /// A `Display` argument that fails stops the message there, with the
    /// error, as the shared writer does: nothing after it is written.
    #[test]
    fn plain_args_stop_at_a_failing_argument() {
        struct Fails;
        impl fmt::Display for Fails {
            fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                Err(fmt::Error)
            }
        }
        const PIECES: [&str; 3] = plain_pieces::<3>("a {} b {} c");
        let message = PlainArgs {
            pieces: &PIECES,
            args: [Arg::Display(&Fails), Arg::Unsigned(1)],
        };
        let mut out = std::string::String::new();
        assert!(message.write_message(&mut out).is_err());
        assert_eq!(out, "a ");
    }

    /// The queue's report of dropped records is a plain message of one count.
    #[test]
    fn count_message_is_its_pieces_around_the_count() {
        for (count, expected) in [
            (0, "--- 0 records dropped ---"),
            (u32::MAX, "--- 4294967295 records dropped ---"),
        ] {
            let text =
                with_count_message(&["--- ", " records dropped ---"], count, |m| m.to_string());
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn precisions_apply_to_their_own_argument() {
        let args = [Arg::Str("abcdef"), Arg::Str("abcdef"), Arg::Unsigned(7)];
        const PIECES: [&str; 4] = plain_pieces::<4>("{:.2} {} {:.3}");
        const PRECISIONS: [u8; 3] = placeholder_precisions::<3>("{:.2} {} {:.3}");
        let message = PlainMessage::with_precisions(&PIECES, &PRECISIONS[..], &args);
        assert_eq!(message.to_string(), "ab abcdef 7");
    }

    /// A queue sees a plain call's parts, and the message they make again
    /// is the call's own; no other message shows parts.
    #[cfg(feature = "queue-capture")]
    #[test]
    fn plain_parts_give_back_the_call_and_make_the_same_message() {
        use std::string::String;
        let args = [Arg::Str("disk"), Arg::Unsigned(93), Arg::Display(&'%')];
        const PIECES: [&str; 4] = plain_pieces::<4>("{} at {:.1}{}");
        const PRECISIONS: [u8; 3] = placeholder_precisions::<3>("{} at {:.1}{}");
        for precisions in [&PRECISIONS[..], &[]] {
            let message = PlainMessage::with_precisions(&PIECES, precisions, &args);
            let original = Message::plain(&message);
            let Some(parts) = original.plain_parts() else {
                panic!("a plain message shows its parts");
            };
            assert_eq!(parts.pieces, &PIECES);
            assert_eq!(parts.precisions, precisions);
            assert_eq!(parts.args.len(), 3);
            let again = with_plain_message(parts, |m| m.to_string());
            assert_eq!(again, original.to_string());
            assert_eq!(again, "disk at 93%");
        }
        let unset = PlainMessage::new(&PIECES, &args);
        assert_eq!(
            Message::plain(&unset)
                .plain_parts()
                .map(|p| p.precisions.len()),
            Some(0)
        );
        assert!(Message::new(format_args!("{}", 1)).plain_parts().is_none());
        let text = "text";
        assert!(Message::text(&text).plain_parts().is_none());
        let mut out = String::new();
        Message::text(&text).write_to_sink(&mut out).unwrap();
        assert_eq!(out, "text");
    }

    /// `<{}>` (or `<{:.N}>` with `precision`) of `arg`, through the path the
    /// target takes and through the direct one.
    fn both_paths(arg: Arg<'_>, precision: u8) -> (std::string::String, std::string::String) {
        use std::string::String;
        let args = [arg];
        let precisions = [precision];
        let message = PlainMessage::with_precisions(&["<", ">"], &precisions, &args);
        let mut direct = String::new();
        message.write_direct(&mut direct).unwrap();
        (message.to_string(), direct)
    }

    #[test]
    fn integers_match_core_fmt_on_edge_values() {
        use std::format;
        let mut unsigned = std::vec![0u64, 9, 10, 99, 100, 101, 999, 1000, u64::MAX, u64::MAX - 1];
        for k in 1..20 {
            unsigned.extend([10u64.pow(k) - 1, 10u64.pow(k), 10u64.pow(k) + 1]);
        }
        for n in unsigned {
            let expected = format!("<{n}>");
            #[cfg(target_pointer_width = "64")]
            assert_eq!(
                both_paths(Arg::Unsigned64(n), NO_PRECISION),
                (expected.clone(), expected.clone())
            );
            if let Ok(n) = u32::try_from(n) {
                assert_eq!(
                    both_paths(Arg::Unsigned(n), NO_PRECISION),
                    (expected.clone(), expected)
                );
            }
        }
        for n in [
            0i64,
            -1,
            1,
            -9,
            -10,
            -99,
            -100,
            i64::MIN,
            i64::MAX,
            i64::from(i32::MIN),
            -1_000_000,
        ] {
            let expected = format!("<{n}>");
            #[cfg(target_pointer_width = "64")]
            assert_eq!(
                both_paths(Arg::Signed64(n), NO_PRECISION),
                (expected.clone(), expected.clone())
            );
            if let Ok(n) = i32::try_from(n) {
                assert_eq!(
                    both_paths(Arg::Signed(n), NO_PRECISION),
                    (expected.clone(), expected)
                );
            }
        }
        // A precision leaves integers as they are; it cuts text.
        assert_eq!(both_paths(Arg::Unsigned(42), 3).0, "<42>");
        assert_eq!(both_paths(Arg::Str("abcdef"), 3).0, "<abc>");
        assert_eq!(both_paths(Arg::Display(&"abcdef"), 2).0, "<ab>");
    }

    /// The 32-bit targets' integers: a sign written on its own, then the
    /// digits, as `format!` writes every edge value.
    #[test]
    fn integers_of_32_bit_targets_match_core_fmt() {
        use std::format;
        use std::string::String;
        let mut values = std::vec![0i64, 1, -1, 9, -9, 10, -10, 99, -100];
        values.extend([
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            i64::from(u32::MAX),
        ]);
        values.extend((1..10).flat_map(|k| {
            let p = 10i64.pow(k);
            [p - 1, p, p + 1, -p, -(p - 1)]
        }));
        for n in values {
            let mut out = String::new();
            write_decimal32(&mut out, n.unsigned_abs() as u32, n < 0).unwrap();
            assert_eq!(out, format!("{n}"));
        }
    }

    /// Floats, with and without a precision, at ties, tiny, huge, negative
    /// and non-finite values: the quick path or the fallback, always
    /// `core::fmt`'s text.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn floats_match_core_fmt_on_edge_values() {
        use std::format;
        let mut values = std::vec![
            0.0,
            -0.0,
            0.0005,
            0.0015,
            0.0025,
            -0.0005,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            9.995,
            99.5,
            1e15,
            1e15 + 0.5,
            -1e15,
            1e16,
            1e17,
            1e300,
            -1e300,
            1e-300,
            5e-324,
            1234.5678,
            -2.76,
            16_777_215.0,
            16_777_216.0,
            -16_777_215.0,
            4_503_599_627_370_496.5,
            9_007_199_254_740_992.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        values.extend((0..2000).map(|i| f64::from(i) * 0.001));
        values.extend((0..2000).map(|i| -f64::from(i) * 0.0125));
        for x in values {
            let expected = format!("<{x}>");
            assert_eq!(
                both_paths(Arg::F64(x), NO_PRECISION),
                (expected.clone(), expected),
                "{x}"
            );
            for precision in 0..=17u8 {
                let p = usize::from(precision);
                let expected = format!("<{x:.p$}>");
                assert_eq!(
                    both_paths(Arg::F64(x), precision),
                    (expected.clone(), expected),
                    "{x} .{p}"
                );
            }
            let y = x as f32;
            let expected = format!("<{y}>");
            assert_eq!(
                both_paths(Arg::F32(y), NO_PRECISION),
                (expected.clone(), expected),
                "{y}"
            );
            for precision in [0u8, 1, 3, 6, 9] {
                let p = usize::from(precision);
                let expected = format!("<{y:.p$}>");
                assert_eq!(
                    both_paths(Arg::F32(y), precision),
                    (expected.clone(), expected),
                    "{y} .{p}"
                );
            }
        }
    }

    /// Messages longer than the gathering room, text and arguments across
    /// its end, and `Display` arguments between gathered text.
    #[test]
    fn long_messages_and_display_arguments_are_whole_and_in_order() {
        use std::format;
        use std::string::String;
        let long: String = "é-".repeat(100);
        const PIECES: [&str; 8] = plain_pieces::<8>("{} middle piece {}{}é{:.3} {} [{}] {}");
        const PRECISIONS: [u8; 7] =
            placeholder_precisions::<7>("{} middle piece {}{}é{:.3} {} [{}] {}");
        for count in 0..150 {
            let text: String = long.chars().take(count).collect();
            let text = text.as_str();
            let args = [
                Arg::Str(text),
                Arg::Unsigned(u32::MAX),
                Arg::Display(&'c'),
                Arg::Str(text),
                #[cfg(target_pointer_width = "64")]
                Arg::F64(-1.0625),
                #[cfg(not(target_pointer_width = "64"))]
                Arg::Signed(-1),
                Arg::Display(&text),
                Arg::Signed(i32::MIN),
            ];
            let message = PlainMessage::with_precisions(&PIECES, &PRECISIONS[..], &args);
            let tail = &text[..text.char_indices().nth(3).map_or(text.len(), |(at, _)| at)];
            #[cfg(target_pointer_width = "64")]
            let number = "-1.0625";
            #[cfg(not(target_pointer_width = "64"))]
            let number = "-1";
            let expected = format!(
                "{text} middle piece {}cé{tail} {number} [{text}] -2147483648",
                u32::MAX
            );
            assert_eq!(message.to_string(), expected, "{count}");
            let mut direct = String::new();
            message.write_direct(&mut direct).unwrap();
            assert_eq!(direct, expected, "{count}");
        }
    }

    /// A sink that lends `lend` bytes of room at a time (more when asked
    /// for more), and records what it was given and how.
    #[cfg(target_pointer_width = "64")]
    struct Lender {
        text: std::string::String,
        room: [u8; 512],
        lend: usize,
        commits: usize,
        written_through: usize,
    }

    #[cfg(target_pointer_width = "64")]
    impl ByteSink for Lender {
        fn room(&mut self, min: usize) -> Result<&mut [u8], fmt::Error> {
            let n = self.lend.max(min);
            self.room.get_mut(..n).ok_or(fmt::Error)
        }

        fn commit(&mut self, n: usize) -> fmt::Result {
            let bytes = self.room.get(..n).ok_or(fmt::Error)?;
            self.text
                .push_str(core::str::from_utf8(bytes).map_err(|_| fmt::Error)?);
            self.commits += 1;
            Ok(())
        }
    }

    #[cfg(target_pointer_width = "64")]
    impl fmt::Write for Lender {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.text.push_str(s);
            self.written_through += 1;
            Ok(())
        }
    }

    /// Written into lent room of every size from none to more than the
    /// message, a message is the same text as `format!` makes: pieces and
    /// numbers that do not fit wait for more room, long text and what only
    /// `core::fmt` writes go through the sink, in order.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn messages_in_lent_room_of_any_size_match_core_fmt() {
        use std::format;
        use std::string::String;
        let long: String = "ü-long text-".repeat(12);
        const SOURCE: &str =
            "{} é{:.3}|{}{} [{:.0}] {} {:.2} {}{} end of the message, a long piece of it {}";
        const PIECES: [&str; 11] = plain_pieces::<11>(SOURCE);
        const PRECISIONS: [u8; 10] = placeholder_precisions::<10>(SOURCE);
        for lend in 0..400 {
            let args = [
                Arg::Unsigned64(u64::MAX),
                Arg::F64(-1234.5678),
                Arg::Str(&long),
                Arg::Display(&'c'),
                Arg::F64(2.5),
                Arg::F64(0.1),
                Arg::Str("abc"),
                Arg::Signed64(i64::MIN),
                Arg::F32(1.5),
                Arg::Signed(-7),
            ];
            let message = PlainMessage::with_precisions(&PIECES, &PRECISIONS[..], &args);
            let expected = format!(
                "{} é{:.3}|{}{} [{:.0}] {} {:.2} {}{} end of the message, a long piece of it {}",
                u64::MAX,
                -1234.5678,
                long,
                'c',
                2.5,
                0.1,
                "abc",
                i64::MIN,
                1.5f32,
                -7,
            );
            let mut lender = Lender {
                text: String::new(),
                room: [0; 512],
                lend,
                commits: 0,
                written_through: 0,
            };
            message.write_bytes(&mut lender).unwrap();
            assert_eq!(lender.text, expected, "lending {lend}");
            // Five items go through the sink (`core::fmt`): the `Display`
            // `'c'`, the tie 2.5 to no places, `{}` of 0.1 and of 1.5f32
            // (not integral), and "abc" cut to two characters. With room for
            // everything, the room is lent once more after each of them and
            // never for want of room: six commits.
            assert!(lender.written_through >= 5, "lending {lend}");
            if lend >= expected.len() {
                assert_eq!(lender.commits, 6, "lending {lend}");
            }
        }
    }

    /// Printable text written earlier reads back as itself, into a sink and
    /// into a room, where it says it is printable (and no room too short
    /// takes part of it).
    #[cfg(all(feature = "queue-capture", target_pointer_width = "64"))]
    #[test]
    fn printable_text_writes_itself_and_says_it_is_printable() {
        for text in ["", "request 7 served in 0.007 ms", "~ !"] {
            let printable = PrintableText::new(text);
            let message = printable.message();
            assert_eq!(message.to_string(), text);
            let mut room = [0u8; 64];
            assert_eq!(
                write_message_into(&message, &mut room),
                Some((text.len(), true))
            );
            assert_eq!(&room[..text.len()], text.as_bytes());
            if let Some(short) = text.len().checked_sub(1) {
                assert_eq!(write_message_into(&message, &mut room[..short]), None);
            }
        }
    }

    /// Text formatted earlier reads back whole into a room of any length
    /// from none to twice its own (the fixed-size moves of `copy_short`
    /// for every length up to 100), and never says it is printable.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn text_written_into_a_room_is_whole_at_every_length() {
        let source: std::string::String = (0..100u8).map(|k| char::from(b'!' + k % 90)).collect();
        for len in 0..=source.len() {
            let text = &source[..len];
            let message = Message::text(&text);
            for room_len in [len, len + 1, 2 * len] {
                let mut room = [0xffu8; 200];
                assert_eq!(
                    write_message_into(&message, &mut room[..room_len]),
                    Some((len, false)),
                    "{len} in {room_len}"
                );
                assert_eq!(&room[..len], text.as_bytes(), "{len} in {room_len}");
                assert!(
                    room[len..].iter().all(|&b| b == 0xff),
                    "{len}: past the text"
                );
            }
            if let Some(short) = len.checked_sub(1) {
                let mut room = [0u8; 200];
                assert_eq!(write_message_into(&message, &mut room[..short]), None);
            }
        }
    }

    /// A text that is not printable ASCII is refused in debug builds.
    #[cfg(all(
        feature = "queue-capture",
        target_pointer_width = "64",
        debug_assertions
    ))]
    #[test]
    #[should_panic(expected = "not printable ASCII")]
    fn printable_text_refuses_a_control_character_in_debug_builds() {
        let _ = PrintableText::new("a\nb");
    }
}
