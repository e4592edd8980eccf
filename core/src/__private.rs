//! What the macros expand to. Not a public API: it may change in any release.
//!
//! A call whose format string has only plain `{}` placeholders (the common
//! case: `info!("served {} in {} ms", n, t)`) skips `core::fmt`'s argument
//! machinery: the macro hands the text around the placeholders (split at
//! compile time) and the arguments to
//! [`log_plain`], and integers and strings are written by [`PlainMessage`]
//! with a few instructions and no `core::fmt` integer or padding code. Which
//! path a call takes is decided at compile time; both write the same text.

use core::fmt;

use crate::{Level, Location, Record, STATIC_MIN_LEVEL};

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
pub fn log(level: Level, logger: &str, args: fmt::Arguments<'_>, location: &Location<'static>) {
    emit(level, logger, args, location);
}

/// A call whose format string has only `{}` placeholders (see [`plain_braces`]):
/// `pieces` is the text around them, split at compile time by [`plain_pieces`].
#[inline(never)]
pub fn log_plain(
    level: Level,
    logger: &str,
    pieces: &'static [&'static str],
    args: &[Arg<'_>],
    location: &Location<'static>,
) {
    let message = PlainMessage { pieces, args };
    emit(level, logger, format_args!("{}", message), location);
}

#[inline(always)]
fn emit(level: Level, logger: &str, args: fmt::Arguments<'_>, location: &Location<'static>) {
    let record = Record::capture(level, logger, args, *location);
    crate::dispatch(&record);
}

/// Whether `format` has exactly `args` placeholders, every one a plain `{}`,
/// and no other brace (escapes `{{` `}}` take the `core::fmt` path).
/// Evaluated at compile time.
pub const fn plain_braces(format: &str, args: usize) -> bool {
    let bytes = format.as_bytes();
    let (mut i, mut found) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'{' if i + 1 < bytes.len() && bytes[i + 1] == b'}' => {
                found += 1;
                i += 2;
            }
            b'{' | b'}' => return false,
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
        if rest[i] == b'{' {
            let (head, tail) = rest.split_at(i);
            pieces[k] = ascii_cut(head);
            k += 1;
            rest = tail.split_at(2).1;
            i = 0;
        } else {
            i += 1;
        }
    }
    pieces[k] = ascii_cut(rest);
    pieces
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
    /// An unsigned integer of at most 32 bits.
    Unsigned(u32),
    /// A signed integer of at most 32 bits.
    Signed(i32),
    /// Text.
    Str(&'a str),
    /// Anything else with `Display`.
    Display(&'a dyn fmt::Display),
    /// A type without `Display`: only in calls that take the `core::fmt` path,
    /// so never written.
    Unused,
}

/// The message of a plain call: each piece of text, then the next argument.
pub struct PlainMessage<'a> {
    pieces: &'static [&'static str],
    args: &'a [Arg<'a>],
}

impl<'a> PlainMessage<'a> {
    /// Pieces of text with an argument after each but the last.
    pub(crate) const fn new(pieces: &'static [&'static str], args: &'a [Arg<'a>]) -> Self {
        PlainMessage { pieces, args }
    }
}

impl fmt::Display for PlainMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut args = self.args.iter();
        for piece in self.pieces {
            if !piece.is_empty() {
                f.write_str(piece)?;
            }
            if let Some(arg) = args.next() {
                arg.write(f)?;
            }
        }
        Ok(())
    }
}

impl Arg<'_> {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Arg::Unsigned(n) => write_decimal(f, n, false),
            Arg::Signed(n) => write_decimal(f, n.unsigned_abs(), n < 0),
            Arg::Str(s) => f.write_str(s),
            Arg::Display(d) => d.fmt(f),
            Arg::Unused => Ok(()),
        }
    }
}

fn write_decimal(f: &mut fmt::Formatter<'_>, mut n: u32, negative: bool) -> fmt::Result {
    let mut digits = [b'-'; 11];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        at -= 1;
    }
    f.write_str(crate::format::number::ascii(
        digits.get(at..).unwrap_or(&[]),
    ))
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
                Arg::$variant((*self.0).into())
            }
        }
    )*};
}

capture_as!(Unsigned: u8, u16, u32);
capture_as!(Signed: i8, i16, i32);

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

    #[test]
    fn plain_braces_accepts_only_positional_empty_placeholders() {
        assert!(plain_braces("a {} b {}", 2));
        assert!(plain_braces("{}{}é", 2));
        assert!(!plain_braces("a {} b {}", 1));
        assert!(!plain_braces("no placeholder", 0));
        for format in [
            "{x}", "{:5}", "{0}", "{:?}", "{", "}", "{{}} {}", "a } b {}", "{}{",
        ] {
            assert!(!plain_braces(format, 1), "{format}");
        }
    }

    #[test]
    fn plain_pieces_split_around_placeholders() {
        const PIECES: [&str; 4] = plain_pieces::<4>("{}é {}{} end");
        assert_eq!(PIECES, ["", "é ", "", " end"]);
        assert_eq!(plain_pieces::<2>("{x}"), ["", ""]);
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
        let message = PlainMessage {
            pieces: &PIECES,
            args: &args,
        };
        extern crate std;
        use std::string::ToString;
        assert_eq!(message.to_string(), "<0> -2147483648 sc ^4294967295");
    }
}
