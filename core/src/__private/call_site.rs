//! The message writer made for each plain call site (64-bit targets).
//!
//! The macro knows a plain call's text and the types of its arguments at
//! compile time. It gives the text to a type of the call's own
//! ([`PlainCall`]) and the arguments as a list of typed values
//! ([`Values`]), so that the writer of this one message ([`Typed`]) is
//! compiled for it: each piece of text is a copy of a known length, each
//! argument is written by the code for its type only (a `{:.3}` float by a
//! division by the constant 1000), and no piece, argument kind or precision
//! is looked up while writing. It writes into room the sink lends
//! ([`write_into`](WriteMessage::write_into)) and says whether the text
//! is printable ASCII (numbers and such pieces), which an escaping sink
//! then need not scan.
//!
//! Whatever this writer leaves (text longer than the room, an argument only
//! `core::fmt` writes, a float whose quick rounding cannot be proved exact)
//! makes it give up before anything is kept, and the general plain path
//! ([`PlainMessage`]) writes the whole message from the same arguments, as
//! `Arg`s. Both write the same text: the tests compare them with `format!`.
//!
//! Firmware (32-bit targets) keeps the general path: a writer per call site
//! would cost flash for every call.

use core::cell::OnceCell;
use core::fmt;
use core::marker::PhantomData;

use super::float::{POWERS_OF_TEN, scaled_rounded};
use super::staged::{self, PAIRS};
use super::{
    Arg, ByteSink, Capture, DisplayArg, NO_PRECISION, PlainMessage, copy_short, log_message,
};
use crate::format::Sink;
use crate::message::{WriteMessage, Written};
use crate::{Level, Location};

/// The text of one plain call, as constants of a type the macro defines
/// for the call.
pub trait PlainCall {
    /// The text around the placeholders (one more than the arguments).
    const PIECES: &'static [&'static str];
    /// The placeholders' precisions, or empty when none has one (see
    /// [`plain_precisions`](super::plain_precisions)).
    const PRECISIONS: &'static [u8];
    /// Whether every piece is printable ASCII, which no escaping rewrites.
    const PRINTABLE: bool = all_printable(Self::PIECES);
}

/// Piece `k` of call `C` (a constant once `k` is).
#[inline(always)]
fn piece<C: PlainCall>(k: usize) -> &'static str {
    match C::PIECES.get(k) {
        Some(piece) => piece,
        None => "",
    }
}

/// The precision of argument `k` of call `C` (a constant once `k` is).
#[inline(always)]
fn precision<C: PlainCall>(k: usize) -> u8 {
    match C::PRECISIONS.get(k) {
        Some(&precision) => precision,
        None => NO_PRECISION,
    }
}

/// Whether every byte of every piece is printable ASCII (space to `~`).
const fn all_printable(pieces: &[&str]) -> bool {
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

/// One argument of a plain call, by its type.
pub trait Value<'a> {
    /// Whether it is written as printable ASCII whenever [`push`](Self::push)
    /// writes it (digits, a sign, a point).
    const PRINTABLE: bool;

    /// Writes the argument as `{}` (`precision` [`NO_PRECISION`]) or
    /// `{:.N}` writes it at `room[at..]`; the new end, or `None` when it
    /// does not fit or is left to the general path.
    fn push(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize>;

    /// The argument as the general path takes it.
    fn arg(&self) -> Arg<'a>;
}

/// A plain call's arguments as a list: `(first, (second, ... ()))`.
pub trait Values<'a> {
    /// Whether every argument is written as printable ASCII.
    const PRINTABLE: bool;

    /// Writes argument `k` (this list's head) and piece `k + 1` at
    /// `room[at..]`, then the rest; the new end, or `None` as [`Value::push`].
    fn push<C: PlainCall>(&self, room: &mut [u8], at: usize, k: usize) -> Option<usize>;

    /// Puts the arguments as `Arg`s into `args`, this list's head at `k`.
    fn fill(&self, args: &mut [Arg<'a>], k: usize);
}

impl<'a> Values<'a> for () {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn push<C: PlainCall>(&self, _: &mut [u8], at: usize, _: usize) -> Option<usize> {
        Some(at)
    }

    #[inline(always)]
    fn fill(&self, _: &mut [Arg<'a>], _: usize) {}
}

impl<'a, H: Value<'a>, T: Values<'a>> Values<'a> for (H, T) {
    const PRINTABLE: bool = H::PRINTABLE && T::PRINTABLE;

    #[inline(always)]
    fn push<C: PlainCall>(&self, room: &mut [u8], at: usize, k: usize) -> Option<usize> {
        let at = self.0.push(room, at, precision::<C>(k))?;
        let at = put_text(room, at, piece::<C>(k + 1))?;
        self.1.push::<C>(room, at, k + 1)
    }

    #[inline(always)]
    fn fill(&self, args: &mut [Arg<'a>], k: usize) {
        if let Some(arg) = args.get_mut(k) {
            *arg = self.0.arg();
        }
        self.1.fill(args, k + 1);
    }
}

/// The message of one plain call site: its text from `C`, its `N`
/// arguments in `values`, and the same as `Arg`s for the general path,
/// made only if it is taken.
pub struct Typed<'a, C, V, const N: usize> {
    values: V,
    args: OnceCell<[Arg<'a>; N]>,
    call: PhantomData<C>,
}

impl<'a, C: PlainCall, V: Values<'a>, const N: usize> Typed<'a, C, V, N> {
    /// The arguments as `Arg`s.
    fn args(&self) -> &[Arg<'a>] {
        self.args.get_or_init(|| {
            let mut args = [Arg::Unused; N];
            self.values.fill(&mut args, 0);
            args
        })
    }

    /// Runs `f` with the general path's message of the same call.
    fn with_general<R>(&self, f: impl FnOnce(&dyn WriteMessage) -> R) -> R {
        let args = self.args();
        if C::PRECISIONS.is_empty() {
            f(&PlainMessage::new(C::PIECES, args))
        } else {
            f(&PlainMessage {
                pieces: C::PIECES,
                precisions: C::PRECISIONS,
                args,
            })
        }
    }
}

impl<'a, C: PlainCall, V: Values<'a>, const N: usize> WriteMessage for Typed<'a, C, V, N> {
    /// Written by this call's own writer on the stack, then handed over
    /// whole (a queue formatting on the caller's thread writes a message
    /// so), unless it falls back.
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        match staged::write_gathered(out, |room| self.write_into(room)) {
            Some(written) => written,
            None => self.with_general(|message| message.write_message(out)),
        }
    }

    fn write_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        self.with_general(|message| message.write_bytes(out))
    }

    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        let at = put_text(room, 0, piece::<C>(0))?;
        let len = self.values.push::<C>(room, at, 0)?;
        Some(Written {
            len,
            printable: C::PRINTABLE && V::PRINTABLE,
        })
    }

    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<super::PlainParts<'_>> {
        Some(super::PlainParts {
            pieces: C::PIECES,
            precisions: C::PRECISIONS,
            args: self.args(),
        })
    }
}

/// Makes and dispatches the record of the plain call `C` with `values`
/// (its `N` arguments). Inlined into the call site, which builds the
/// message; the record is made out of line, as for every call.
#[inline(always)]
pub fn log_typed<'a, C: PlainCall, V: Values<'a>, const N: usize>(
    level: Level,
    logger: &str,
    values: V,
    location: &'static Location<'static>,
) {
    let message = Typed::<C, V, N> {
        values,
        args: OnceCell::new(),
        call: PhantomData,
    };
    log_message(level, logger, &message, location);
}

/// Appends `text`, if it fits.
#[inline(always)]
fn put_text(room: &mut [u8], at: usize, text: &str) -> Option<usize> {
    if text.is_empty() {
        return Some(at);
    }
    let end = at.checked_add(text.len())?;
    copy_short(room.get_mut(at..end)?, text.as_bytes());
    Some(end)
}

/// Appends one ASCII byte, if it fits.
#[inline(always)]
fn put_byte(room: &mut [u8], at: usize, byte: u8) -> Option<usize> {
    *room.get_mut(at)? = byte;
    Some(at + 1)
}

/// Fills `digits` with the last `digits.len()` decimal digits of `n`,
/// leading zeros included, two at a time from the end.
#[inline(always)]
fn fill_digits(digits: &mut [u8], mut n: u64) {
    let mut end = digits.len();
    while end >= 2 {
        if let Some(pair) = digits.get_mut(end - 2..end) {
            pair.copy_from_slice(&PAIRS[(n % 100) as usize]);
        }
        n /= 100;
        end -= 2;
    }
    if end == 1
        && let Some(first) = digits.first_mut()
    {
        *first = b'0' + (n % 10) as u8;
    }
}

/// Appends `n` in decimal, after a `-` when `negative`.
#[inline(always)]
fn put_decimal(room: &mut [u8], at: usize, n: u64, negative: bool) -> Option<usize> {
    let at = if negative {
        put_byte(room, at, b'-')?
    } else {
        at
    };
    let end = at + decimal_len(n);
    fill_digits(room.get_mut(at..end)?, n);
    Some(end)
}

/// How many decimal digits `n` has (1 for 0): from its bit length, which
/// gives the digits or one fewer, and one compare. (`ilog10` takes a few
/// branches and twice the instructions.)
#[inline(always)]
fn decimal_len(n: u64) -> usize {
    let n = n | 1;
    let bits = (u64::BITS - n.leading_zeros()) as usize;
    // bits × log10(2), rounded down: 1233 / 4096 = 0.30102...
    let fewer = (bits * 1233) >> 12;
    match POWERS_OF_TEN.get(fewer) {
        Some(&power) if n < power => fewer,
        _ => fewer + 1,
    }
}

/// `{:.N}` of `x`, when [`scaled_rounded`] can round it (see
/// `staged::push_fixed`, which writes the same text).
#[inline(always)]
fn put_fixed(room: &mut [u8], at: usize, x: f64, precision: u8) -> Option<usize> {
    let rounded = scaled_rounded(x, precision)?;
    let places = usize::from(precision);
    let scale = *POWERS_OF_TEN.get(places)?;
    let at = put_decimal(room, at, rounded / scale, x.is_sign_negative())?;
    if places == 0 {
        return Some(at);
    }
    let at = put_byte(room, at, b'.')?;
    let end = at + places;
    fill_digits(room.get_mut(at..end)?, rounded % scale);
    Some(end)
}

/// `{}` of a float: its digits when it is integral and below 2^24 (see
/// `staged::push_shortest`); anything else is left to the general path.
#[inline(always)]
fn put_shortest(room: &mut [u8], at: usize, x: f64) -> Option<usize> {
    let magnitude = x.abs();
    if magnitude < 16_777_216.0 && (magnitude as u64) as f64 == magnitude {
        return put_decimal(room, at, magnitude as u64, x.is_sign_negative());
    }
    None
}

/// Integers: a precision changes nothing (`{:.3}` of 7 is `7`).
macro_rules! integer_values {
    ($($t:ty => $variant:ident),*) => {$(
        impl<'a> Value<'a> for $t {
            const PRINTABLE: bool = true;

            #[inline(always)]
            fn push(&self, room: &mut [u8], at: usize, _: u8) -> Option<usize> {
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
    fn push(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        match precision {
            NO_PRECISION => put_shortest(room, at, *self),
            precision => put_fixed(room, at, *self, precision),
        }
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
    fn push(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        f64::from(*self).push(room, at, precision)
    }

    fn arg(&self) -> Arg<'a> {
        Arg::F32(*self)
    }
}

impl<'a> Value<'a> for &'a str {
    const PRINTABLE: bool = false;

    /// `{:.N}` cuts text: left to `core::fmt`.
    #[inline(always)]
    fn push(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
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

    /// Written through `core::fmt`: left to the general path.
    #[inline(always)]
    fn push(&self, _: &mut [u8], _: usize, _: u8) -> Option<usize> {
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
    fn push(&self, _: &mut [u8], at: usize, _: u8) -> Option<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;

    #[test]
    fn decimal_lengths_match_the_digits_around_every_power_of_ten() {
        let mut values = std::vec![0u64, 1, 9, u64::MAX, u64::MAX - 1];
        for k in 1..20 {
            let power = 10u64.pow(k);
            values.extend([power - 1, power, power + 1]);
        }
        for bit in 0..64 {
            values.extend([1u64 << bit, (1u64 << bit) - 1]);
        }
        for n in values {
            assert_eq!(decimal_len(n), std::format!("{n}").len(), "{n}");
        }
    }
}
