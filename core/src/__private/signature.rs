//! A plain call's arguments by type (64-bit targets): one writer for each
//! list of argument types, shared by every call with that list.
//!
//! The macro captures a plain call's arguments as a list of typed values
//! ([`Values`], `(first, (second, ... ()))`) and passes its text
//! ([`PlainText`], a constant) to [`log_values`], which is compiled once for
//! each list of types: each argument is written by the code for its type
//! only, with no look-up of its kind. A call site costs the capture of its
//! values and one call; a program has as many writers as it has argument
//! lists (`(u64, f64)`, `(&str,)`, ...), not as many as calls. The numbers
//! and text are written by `lent_room`'s code, and whatever it leaves
//! (text longer than the room, an argument only `core::fmt` writes, a float
//! whose quick rounding cannot be proved exact) makes this writer give up
//! before anything is kept: the shared writer then writes the whole message
//! from the same arguments, as `Arg`s. Both write the same text.

use core::cell::OnceCell;
use core::fmt;

use super::lent_room::{self, put_decimal, put_float, put_text};
use super::{Arg, ByteSink, Capture, DisplayArg, NO_PRECISION, PlainParts, emit};
use crate::format::Sink;
use crate::message::{WriteMessage, Written};
use crate::{Level, Location, Message};

/// A plain call's text, as the macro finds it at compile time: the `P`
/// pieces around its `N` placeholders (`P` is `N + 1`) and their precisions.
/// Arrays of known length, so that the writer looks nothing up by index.
pub struct PlainText<const N: usize, const P: usize> {
    pieces: [&'static str; P],
    /// One per placeholder ([`NO_PRECISION`] for `{}`).
    precisions: [u8; N],
    /// Whether any placeholder has a precision.
    precise: bool,
    /// Whether every piece is printable ASCII, which no escaping rewrites.
    printable: bool,
}

impl<const N: usize, const P: usize> PlainText<N, P> {
    /// The text of `format`, a format string that
    /// [`plain_braces`](super::plain_braces) accepts with `N` arguments.
    pub const fn new(format: &'static str) -> Self {
        let pieces = super::plain_pieces::<P>(format);
        let precisions = super::placeholder_precisions::<N>(format);
        let mut precise = false;
        let mut k = 0;
        while k < N {
            precise |= precisions[k] != NO_PRECISION;
            k += 1;
        }
        PlainText {
            pieces,
            precisions,
            precise,
            printable: super::printable_pieces(&pieces),
        }
    }

    /// Piece `k` (empty past the end).
    #[inline(always)]
    fn piece(&self, k: usize) -> &'static str {
        match self.pieces.get(k) {
            Some(piece) => piece,
            None => "",
        }
    }

    /// The precision of argument `k` ([`NO_PRECISION`] when it has none).
    #[inline(always)]
    fn precision(&self, k: usize) -> u8 {
        match self.precisions.get(k) {
            Some(&precision) => precision,
            None => NO_PRECISION,
        }
    }
}

/// One argument of a plain call, by its type.
pub trait Value<'a>: Copy {
    /// Whether [`put`](Self::put) writes it as printable ASCII whenever it
    /// writes it (digits, a sign, a point).
    const PRINTABLE: bool;

    /// Writes the argument as `{}` (`precision` [`NO_PRECISION`]) or
    /// `{:.N}` writes it at `room[at..]`; the new end, or `None` when it
    /// does not fit or is left to the shared writer.
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize>;

    /// The argument as the shared writer takes it.
    fn arg(&self) -> Arg<'a>;
}

/// A plain call's arguments as a list: `(first, (second, ... ()))`.
pub trait Values<'a>: Copy {
    /// Whether every argument is written as printable ASCII.
    const PRINTABLE: bool;

    /// Writes argument `k` (this list's head) and piece `k + 1` at
    /// `room[at..]`, then the rest; the new end, or `None` as [`Value::put`].
    fn put<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        room: &mut [u8],
        at: usize,
        k: usize,
    ) -> Option<usize>;

    /// Puts the arguments as `Arg`s into `args`, this list's head at `k`.
    fn fill(&self, args: &mut [Arg<'a>], k: usize);
}

impl<'a> Values<'a> for () {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put<const N: usize, const P: usize>(
        &self,
        _: &PlainText<N, P>,
        _: &mut [u8],
        at: usize,
        _: usize,
    ) -> Option<usize> {
        Some(at)
    }

    #[inline(always)]
    fn fill(&self, _: &mut [Arg<'a>], _: usize) {}
}

impl<'a, H: Value<'a>, T: Values<'a>> Values<'a> for (H, T) {
    const PRINTABLE: bool = H::PRINTABLE && T::PRINTABLE;

    #[inline(always)]
    fn put<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        room: &mut [u8],
        at: usize,
        k: usize,
    ) -> Option<usize> {
        let at = self.0.put(room, at, text.precision(k))?;
        let at = put_text(room, at, text.piece(k + 1))?;
        self.1.put(text, room, at, k + 1)
    }

    #[inline(always)]
    fn fill(&self, args: &mut [Arg<'a>], k: usize) {
        if let Some(arg) = args.get_mut(k) {
            *arg = self.0.arg();
        }
        self.1.fill(args, k + 1);
    }
}

/// The message of a plain call with `N` arguments of the types in `V`; the
/// same arguments as `Arg`s are made only if the shared writer needs them.
struct Typed<'a, V, const N: usize, const P: usize> {
    text: &'static PlainText<N, P>,
    values: V,
    args: OnceCell<[Arg<'a>; N]>,
}

impl<'a, V: Values<'a>, const N: usize, const P: usize> Typed<'a, V, N, P> {
    /// The text, precisions and arguments, for the shared writer.
    fn parts(&self) -> PlainParts<'_> {
        let args = self.args.get_or_init(|| {
            let mut args = [Arg::Unused; N];
            self.values.fill(&mut args, 0);
            args
        });
        let text: &'static PlainText<N, P> = self.text;
        PlainParts {
            pieces: &text.pieces,
            precisions: if text.precise { &text.precisions } else { &[] },
            args,
        }
    }
}

impl<'a, V: Values<'a>, const N: usize, const P: usize> WriteMessage for Typed<'a, V, N, P> {
    /// Written by this writer on the stack, then handed over whole (a queue
    /// formatting on the caller's thread writes a message so), unless it
    /// leaves the message to the shared writer.
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        match lent_room::write_gathered(out, |room| self.write_into(room)) {
            Some(written) => written,
            None => lent_room::write(&self.parts(), out),
        }
    }

    fn write_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        lent_room::write_bytes(&self.parts(), out)
    }

    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        let at = put_text(room, 0, self.text.piece(0))?;
        let len = self.values.put(self.text, room, at, 0)?;
        Some(Written {
            len,
            printable: self.text.printable && V::PRINTABLE,
        })
    }

    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<PlainParts<'_>> {
        Some(self.parts())
    }
}

/// Makes and dispatches the record of a plain call with `N` arguments of
/// the types in `V` and the text `text`. Out of line, like [`log`](super::log): compiled once
/// for each list of argument types.
#[inline(never)]
pub fn log_values<'a, V: Values<'a>, const N: usize, const P: usize>(
    level: Level,
    logger: &str,
    text: &'static PlainText<N, P>,
    values: V,
    location: &'static Location<'static>,
) {
    let message = Typed::<V, N, P> {
        text,
        values,
        args: OnceCell::new(),
    };
    emit(level, logger, Message::plain(&message), location);
}

macro_rules! integer_values {
    ($($t:ty => $variant:ident),*) => {$(
        impl<'a> Value<'a> for $t {
            const PRINTABLE: bool = true;

            /// A precision changes nothing (`{:.3}` of 7 is `7`).
            #[inline(always)]
            fn put(&self, room: &mut [u8], at: usize, _: u8) -> Option<usize> {
                let (magnitude, negative) = self.magnitude();
                put_decimal(room, at, magnitude, negative)
            }

            fn arg(&self) -> Arg<'a> {
                Arg::$variant(*self)
            }
        }
    )*};
}

/// An integer as its magnitude and whether it is negative.
trait Magnitude {
    fn magnitude(&self) -> (u64, bool);
}

impl Magnitude for u32 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (u64::from(*self), false)
    }
}

impl Magnitude for u64 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (*self, false)
    }
}

impl Magnitude for i32 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (u64::from(self.unsigned_abs()), *self < 0)
    }
}

impl Magnitude for i64 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (self.unsigned_abs(), *self < 0)
    }
}

integer_values!(u32 => Unsigned, i32 => Signed, u64 => Unsigned64, i64 => Signed64);

impl<'a> Value<'a> for f64 {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, *self, precision)
    }

    fn arg(&self) -> Arg<'a> {
        Arg::F64(*self)
    }
}

impl<'a> Value<'a> for f32 {
    const PRINTABLE: bool = true;

    /// As the `f64` of the same value: every `f32` is one exactly, and
    /// `core::fmt` writes the exact value either way.
    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, f64::from(*self), precision)
    }

    fn arg(&self) -> Arg<'a> {
        Arg::F32(*self)
    }
}

impl<'a> Value<'a> for &'a str {
    const PRINTABLE: bool = false;

    /// `{:.N}` cuts text: left to `core::fmt`.
    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        match precision {
            NO_PRECISION => put_text(room, at, self),
            _ => None,
        }
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Str(self)
    }
}

impl<'a> Value<'a> for &'a dyn DisplayArg {
    const PRINTABLE: bool = false;

    /// Written through `core::fmt`: left to the shared writer.
    #[inline(always)]
    fn put(&self, _: &mut [u8], _: usize, _: u8) -> Option<usize> {
        None
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Display(*self)
    }
}

/// An argument without `Display`: only in calls that take the `core::fmt`
/// path, so never written.
#[derive(Clone, Copy)]
pub struct Unused;

impl<'a> Value<'a> for Unused {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, _: &mut [u8], at: usize, _: u8) -> Option<usize> {
        Some(at)
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Unused
    }
}

/// How an argument is captured by type; the macros import the three
/// traits (autoref specialisation, as [`ToArg`](super::ToArg)).
pub trait ToValue<'a> {
    /// The argument's type as a plain call writes it.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

/// The fallback for arguments with `Display` (one reference fewer).
pub trait ToValueDisplay<'a> {
    /// Written through `core::fmt`.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

/// The last fallback: arguments only a `core::fmt` call takes.
pub trait ToValueUnused<'a> {
    /// Never written.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

macro_rules! capture_value {
    ($value:ty: $($t:ty),*) => {$(
        impl<'a> ToValue<'a> for &&Capture<'a, $t> {
            type Value = $value;
            #[inline(always)]
            fn to_value(&self) -> $value {
                *self.0 as _
            }
        }
    )*};
}

capture_value!(u32: u8, u16, u32);
capture_value!(i32: i8, i16, i32);
capture_value!(u64: u64, usize);
capture_value!(i64: i64, isize);
capture_value!(f32: f32);
capture_value!(f64: f64);

impl<'a, 'b: 'a> ToValue<'a> for &&Capture<'a, &'b str> {
    type Value = &'a str;
    #[inline(always)]
    fn to_value(&self) -> &'a str {
        self.0
    }
}

impl<'a> ToValue<'a> for &&Capture<'a, str> {
    type Value = &'a str;
    #[inline(always)]
    fn to_value(&self) -> &'a str {
        self.0
    }
}

impl<'a, T: fmt::Display + 'a> ToValueDisplay<'a> for &Capture<'a, T> {
    type Value = &'a dyn DisplayArg;
    #[inline(always)]
    fn to_value(&self) -> &'a dyn DisplayArg {
        self.0
    }
}

impl<'a, T: ?Sized> ToValueUnused<'a> for Capture<'a, T> {
    type Value = Unused;
    #[inline(always)]
    fn to_value(&self) -> Unused {
        Unused
    }
}
