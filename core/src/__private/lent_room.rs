//! A plain call's message written into room its sink lends (64-bit targets).
//!
//! emlog-std's line buffer lends the end of its line ([`ByteSink`]), so the
//! message lands where it stays: each piece of text is copied there and each
//! argument written there by the code for its kind, digits two at a time,
//! with no dynamic call and no `core::fmt`. This is the shared writer, which
//! takes the arguments as [`Arg`]s (a queue's listener, and every message the
//! writer of a call's argument types leaves, see `signature`); that writer
//! writes its numbers and text with the functions here, and reports a message
//! whose pieces (checked at compile time) are printable ASCII and whose
//! arguments are numbers as printable ASCII, so that an escaping sink need
//! not scan it (this writer does not check its pieces, and reports none so).
//!
//! What needs more (text longer than the room, an argument only `core::fmt`
//! writes, a float whose quick rounding cannot be proved exact) goes through
//! the sink itself, in order, once what the room holds is committed. A sink
//! that lends no room gets a buffer on the stack, handed over in one
//! `write_str`.

use core::fmt;

use super::{Arg, ByteSink, NO_PRECISION, PlainParts, copy_short};
use crate::format::Sink;
use crate::message::{Written, write_args};

/// The stack buffer of a sink that lends no room.
const STACK_ROOM: usize = 128;

/// Room for the longest number written here: a sign, 20 whole digits
/// (`u64::MAX`), a point and 17 places.
const NUMBER_ROOM: usize = 40;

/// The highest `{:.N}` precision written here: any the plain path takes.
const MAX_PLACES: usize = super::MAX_PRECISION as usize;

/// Precision `k` of `parts`: [`NO_PRECISION`] when there are none.
#[inline(always)]
fn precision(parts: &PlainParts<'_>, k: usize) -> u8 {
    match parts.precisions.get(k) {
        Some(&precision) => precision,
        None => NO_PRECISION,
    }
}

/// Writes the message of `parts` at the start of `room` if all of it fits
/// there and nothing needs `core::fmt` (not reported printable: see the
/// module). `None` leaves nothing of worth in `room`.
#[inline]
pub(super) fn write_into(parts: &PlainParts<'_>, room: &mut [u8]) -> Option<Written> {
    let (first, rest) = parts.pieces.split_first()?;
    if rest.len() != parts.args.len() {
        return None;
    }
    let mut at = put_text(room, 0, first)?;
    for (k, (arg, piece)) in parts.args.iter().zip(rest).enumerate() {
        at = put_arg(room, at, arg, precision(parts, k))?;
        at = put_text(room, at, piece)?;
    }
    Some(Written {
        len: at,
        printable: false,
    })
}

/// Writes a message that `fill` writes into room (as
/// [`WriteMessage::write_into`](crate::message::WriteMessage::write_into)
/// does: UTF-8 text at the start of the room) into `out`, gathered on the
/// stack and handed over in one `write_str`; `None` when `fill` cannot, and
/// then nothing is written.
#[inline(always)]
pub(super) fn write_gathered(
    out: &mut dyn Sink,
    fill: impl FnOnce(&mut [u8]) -> Option<Written>,
) -> Option<fmt::Result> {
    let mut room = [0; STACK_ROOM];
    let written = fill(&mut room)?;
    let text = room.get(..written.len)?;
    // SAFETY: `fill` writes as `WriteMessage::write_into` does (its callers
    // here pass exactly that: the writer of a call's argument types, which
    // copies whole `str`s and writes ASCII digits, signs and points): UTF-8
    // text, from the start of the room, `written.len` bytes of it.
    Some(out.write_str(unsafe { core::str::from_utf8_unchecked(text) }))
}

/// Writes the message of `parts` into `out`, gathered on the stack and
/// handed over in one `write_str` when it fits there. Out of line, as
/// [`write_stacked`].
#[inline(never)]
pub(super) fn write(parts: &PlainParts<'_>, out: &mut dyn Sink) -> fmt::Result {
    let mut room = [0; STACK_ROOM];
    if let Some(written) = write_into(parts, &mut room)
        && let Some(text) = room.get(..written.len)
    {
        return out.write_str(ascii_or_text(text)?);
    }
    write_stacked(parts, out)
}

/// Writes the message of `parts` into `out` a stack buffer at a time, for
/// a message that [`write_into`] cannot write whole. Out of line: the writer
/// of every argument list, whose own attempt found that out already, calls
/// this one copy.
#[inline(never)]
pub(super) fn write_stacked(parts: &PlainParts<'_>, out: &mut dyn Sink) -> fmt::Result {
    write_bytes(
        parts,
        &mut Stacked {
            bytes: [0; STACK_ROOM],
            out,
        },
    )
}

/// Writes the message of `parts` into the room `out` lends, item after item
/// (piece 0, argument 0, piece 1, ...): what fits, then the item that does
/// not (or needs `core::fmt`) through the sink itself, then the rest into
/// the room lent anew. Out of line, as [`write`].
#[inline(never)]
pub(super) fn write_bytes(parts: &PlainParts<'_>, out: &mut dyn ByteSink) -> fmt::Result {
    let items = 2 * parts.pieces.len();
    let mut item = 0;
    while item < items {
        let room = out.room(0)?;
        let mut at = 0;
        while item < items {
            match put_item(parts, room, at, item) {
                Some(end) => at = end,
                None => break,
            }
            item += 1;
        }
        out.commit(at)?;
        if item < items {
            write_item(parts, item, out)?;
            item += 1;
        }
    }
    Ok(())
}

/// Item `item` of `parts` (piece `item / 2`, or the argument after it) at
/// `room[at..]`; the new end, or `None` as [`put_arg`].
#[inline(always)]
fn put_item(parts: &PlainParts<'_>, room: &mut [u8], at: usize, item: usize) -> Option<usize> {
    let k = item / 2;
    if item.is_multiple_of(2) {
        return put_text(room, at, parts.pieces.get(k)?);
    }
    match parts.args.get(k) {
        Some(arg) => put_arg_apart(room, at, arg, precision(parts, k)),
        None => Some(at),
    }
}

/// Item `item` of `parts` through the sink: text too long for the room, a
/// number (from a buffer of its own), or an argument only `core::fmt` writes.
#[inline(never)]
fn write_item(parts: &PlainParts<'_>, item: usize, out: &mut dyn Sink) -> fmt::Result {
    let k = item / 2;
    if item.is_multiple_of(2) {
        return out.write_str(parts.pieces.get(k).copied().unwrap_or(""));
    }
    let Some(arg) = parts.args.get(k) else {
        return Ok(());
    };
    let precision = precision(parts, k);
    match *arg {
        Arg::Str(s) if precision == NO_PRECISION => return out.write_str(s),
        Arg::Display(d) if precision == NO_PRECISION => return d.write_text(out),
        _ => {}
    }
    let mut text = [0; NUMBER_ROOM];
    if let Some(len) = put_arg_apart(&mut text, 0, arg, precision)
        && let Some(text) = text.get(..len)
    {
        return out.write_str(ascii_or_text(text)?);
    }
    arg.write_fmt(out, precision)
}

/// The text a writer here put into room (whole `str`s and ASCII), as a `str`.
fn ascii_or_text(bytes: &[u8]) -> Result<&str, fmt::Error> {
    core::str::from_utf8(bytes).map_err(|_| fmt::Error)
}

/// Appends `text`, if it fits.
#[inline(always)]
pub(super) fn put_text(room: &mut [u8], at: usize, text: &str) -> Option<usize> {
    let end = at + text.len();
    copy_short(room.get_mut(at..end)?, text.as_bytes());
    Some(end)
}

/// Appends an argument as `{}` (`precision` [`NO_PRECISION`]) or `{:.N}`
/// writes it, if it fits and needs no `core::fmt`; the new end.
#[inline(always)]
fn put_arg(room: &mut [u8], at: usize, arg: &Arg<'_>, precision: u8) -> Option<usize> {
    match *arg {
        // A precision leaves integers as they are (`{:.3}` of 7 is `7`).
        Arg::Unsigned(n) => put_decimal(room, at, n.into(), false),
        Arg::Signed(n) => put_decimal(room, at, n.unsigned_abs().into(), n < 0),
        Arg::Unsigned64(n) => put_decimal(room, at, n, false),
        Arg::Signed64(n) => put_decimal(room, at, n.unsigned_abs(), n < 0),
        // Every `f32` is exactly an `f64`, and `core::fmt` writes the exact
        // value either way.
        Arg::F32(x) => put_float(room, at, x.into(), precision),
        Arg::F64(x) => put_float(room, at, x, precision),
        Arg::Str(s) if precision == NO_PRECISION => put_text(room, at, s),
        // `{:.N}` cuts text: `core::fmt` does.
        Arg::Str(_) | Arg::Display(_) => None,
        Arg::Unused => Some(at),
    }
}

/// [`put_arg`] out of line, for [`write_bytes`] and [`write_item`]: the
/// paths a message takes when it does not fit the room at once share this
/// one copy of the number code.
#[inline(never)]
fn put_arg_apart(room: &mut [u8], at: usize, arg: &Arg<'_>, precision: u8) -> Option<usize> {
    put_arg(room, at, arg, precision)
}

/// Appends `n` in decimal, after a `-` when `negative`.
#[inline(always)]
pub(super) fn put_decimal(room: &mut [u8], at: usize, n: u64, negative: bool) -> Option<usize> {
    let at = if negative {
        put_byte(room, at, b'-')?
    } else {
        at
    };
    let end = at + decimal_len(n);
    fill_digits(room.get_mut(at..end)?, n);
    Some(end)
}

/// Appends one ASCII byte, if it fits.
#[inline(always)]
fn put_byte(room: &mut [u8], at: usize, byte: u8) -> Option<usize> {
    *room.get_mut(at)? = byte;
    Some(at + 1)
}

/// Appends a float as `{}` (`precision` [`NO_PRECISION`]) or `{:.N}`
/// writes it, when that is quick and exact.
#[inline(always)]
pub(super) fn put_float(room: &mut [u8], at: usize, x: f64, precision: u8) -> Option<usize> {
    // The usual precisions get a writer each, whose scaling and splitting
    // are multiplications by constants; the others divide.
    match precision {
        NO_PRECISION => put_shortest(room, at, x),
        1 => put_fixed(room, at, x, 1, POWERS_OF_TEN[1]),
        2 => put_fixed(room, at, x, 2, POWERS_OF_TEN[2]),
        3 => put_fixed(room, at, x, 3, POWERS_OF_TEN[3]),
        precision => put_fixed_any(room, at, x, precision),
    }
}

/// `{:.N}` of `x` for any `N` (see [`put_fixed`]).
#[inline(never)]
fn put_fixed_any(room: &mut [u8], at: usize, x: f64, precision: u8) -> Option<usize> {
    let scale = *POWERS_OF_TEN.get(usize::from(precision))?;
    put_fixed(room, at, x, precision, scale)
}

/// `{}` of a float: an integral value below 2^24 (exact in `f32` too) is
/// its digits (`-0` for -0.0), as `core::fmt` writes it; anything else is
/// left to `core::fmt` (its shortest form).
#[inline(always)]
fn put_shortest(room: &mut [u8], at: usize, x: f64) -> Option<usize> {
    let magnitude = x.abs();
    if magnitude < 16_777_216.0 && (magnitude as u64) as f64 == magnitude {
        return put_decimal(room, at, magnitude as u64, x.is_sign_negative());
    }
    None
}

/// `{:.N}` of `x` (`scale` is 10^N): rounded as `core::fmt` rounds the
/// exact binary value (`-` for every negative value and -0.0, as it
/// writes); left to `core::fmt` when [`scaled_rounded`] cannot tell.
#[inline(always)]
fn put_fixed(room: &mut [u8], at: usize, x: f64, precision: u8, scale: u64) -> Option<usize> {
    let rounded = scaled_rounded(x, precision)?;
    let at = put_decimal(room, at, rounded / scale, x.is_sign_negative())?;
    if precision == 0 {
        return Some(at);
    }
    let at = put_byte(room, at, b'.')?;
    let end = at + usize::from(precision);
    fill_digits(room.get_mut(at..end)?, rounded % scale);
    Some(end)
}

/// Fills `digits` with the decimal digits of `n`, leading zeros included,
/// two at a time from the end; `n` has at most `digits.len()` digits (what
/// is left for an odd first digit is below 10).
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
        *first = b'0'.wrapping_add(n as u8);
    }
}

/// `00`, `01`, ..., `99`.
pub(super) const PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

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

/// 10^0 ..= 10^19, every power of ten a `u64` holds (up to 10^17 each exact
/// as an `f64` too).
pub(super) const POWERS_OF_TEN: [u64; 20] = {
    let mut powers = [1; 20];
    let mut i = 1;
    while i < powers.len() {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// [`POWERS_OF_TEN`] up to 10^17 as `f64`s (each exact): the precisions
/// written here.
const POWERS_OF_TEN_F64: [f64; MAX_PLACES + 1] = {
    let mut powers = [1.0; MAX_PLACES + 1];
    let mut i = 0;
    while i < powers.len() {
        powers[i] = POWERS_OF_TEN[i] as f64;
        i += 1;
    }
    powers
};

/// 2^52: from here up to 2^53 the `f64`s are exactly the integers.
const INTEGER_STEP: f64 = 4_503_599_627_370_496.0;

/// `|x| × 10^precision` rounded to the nearest integer, when the one
/// rounding of the `f64` multiplication provably cannot change which
/// integer that is; `None` otherwise (and for NaN and infinities).
///
/// The product is the exact value rounded to the nearest `f64`, and that
/// rounding is monotonic: below 2^52, where every half-way point `n + 0.5`
/// is an `f64`, the product lies on the same side of each as the exact
/// value, or on it. So a product whose fraction is not 0.5 rounds to the
/// exact value's nearest integer, and since the exact value is then no tie,
/// half-to-even never comes into it. As a safety allowance, a product
/// within twice the multiplication's worst error (`product × 2^-52`) of a
/// half-way point is left to `core::fmt` as well, which leaves out every
/// product from 2^51 up (the allowance is then at least 0.5, more than any
/// distance from a half-way point) and so needs no compare of its own.
#[inline(always)]
pub(super) fn scaled_rounded(x: f64, precision: u8) -> Option<u64> {
    let power = *POWERS_OF_TEN_F64.get(usize::from(precision))?;
    let product = x.abs() * power;
    // Below 2^51 (the only products kept), `product + 2^52` lies in
    // [2^52, 2^53), where the `f64`s are the integers: the addition
    // rounds `product` to its nearest integer, which is the sum's bits
    // less those of 2^52 (no float-to-integer conversion, which saturates
    // in several instructions).
    let shifted = product + INTEGER_STEP;
    let nearest = shifted - INTEGER_STEP;
    // Exact (Sterbenz): `product` is within half of `nearest`, and both
    // are below one or within a factor of two of each other. A tie has
    // `from_half` exactly 0. NaN (from a NaN or infinite `x`) fails the
    // compare, as do products from 2^51 up, whose allowance is at least
    // 0.5 while `from_half` is at most 0.5.
    let from_half = 0.5 - (product - nearest).abs();
    let clear = from_half > product * f64::EPSILON;
    if !clear {
        return None;
    }
    Some(shifted.to_bits() - INTEGER_STEP.to_bits())
}

/// A sink that lends no room: the room is this stack buffer, passed on
/// with one `write_str` when committed.
struct Stacked<'o> {
    bytes: [u8; STACK_ROOM],
    out: &'o mut dyn Sink,
}

impl ByteSink for Stacked<'_> {
    fn room(&mut self, min: usize) -> Result<&mut [u8], fmt::Error> {
        if min > STACK_ROOM {
            return Err(fmt::Error);
        }
        Ok(&mut self.bytes)
    }

    fn commit(&mut self, n: usize) -> fmt::Result {
        if n == 0 {
            return Ok(());
        }
        let text = self.bytes.get(..n).ok_or(fmt::Error)?;
        self.out.write_str(ascii_or_text(text)?)
    }
}

impl fmt::Write for Stacked<'_> {
    /// Text written through the sink, after a commit: passed straight on.
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.out.write_str(s)
    }
}

impl Arg<'_> {
    /// Writes the argument through `core::fmt`, as `{}` (`precision`
    /// [`NO_PRECISION`]) or `{:.N}` writes it.
    fn write_fmt(&self, out: &mut dyn Sink, precision: u8) -> fmt::Result {
        let shown;
        let value: &dyn fmt::Display = match self {
            Arg::Unsigned(n) => n,
            Arg::Signed(n) => n,
            Arg::Unsigned64(n) => n,
            Arg::Signed64(n) => n,
            Arg::F32(x) => x,
            Arg::F64(x) => x,
            Arg::Str(s) => s,
            Arg::Display(d) => {
                shown = super::Shown(*d);
                &shown
            }
            Arg::Unused => return Ok(()),
        };
        match precision {
            NO_PRECISION => write_args(out, format_args!("{value}")),
            precision => write_args(out, format_args!("{value:.*}", usize::from(precision))),
        }
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

    /// The benchmark's values (`i × 0.001` to 3 places) never need `core::fmt`.
    #[test]
    fn fixed_floats_take_the_quick_rounding_for_ordinary_values() {
        for i in 0..200_000u32 {
            let x = f64::from(i) * 0.001;
            assert_eq!(scaled_rounded(x, 3), Some(u64::from(i)), "{x}");
        }
        assert_eq!(scaled_rounded(-2.76, 1), Some(28));
        assert_eq!(scaled_rounded(1e-300, 17), Some(0));
    }

    /// Ties and products too close to one, or too large, are left to `core::fmt`.
    #[test]
    fn fixed_floats_leave_ties_and_large_products_to_core_fmt() {
        for (x, precision) in [
            (2.5, 0),
            (0.125, 2),
            (0.5, 0),
            (9_007_199_254_740_992.0, 0),
            (1e16, 1),
            (f64::NAN, 3),
            (f64::INFINITY, 3),
            (f64::NEG_INFINITY, 0),
            (f64::MAX, 17),
            (1e300, 0),
            (4_503_599_627_370_496.0, 0),
            (2_251_799_813_685_248.0, 0),
            (225_179_981_368_524.8, 1),
        ] {
            assert_eq!(scaled_rounded(x, precision), None, "{x} .{precision}");
        }
        assert_eq!(scaled_rounded(1.0, 18), None);
    }
}
