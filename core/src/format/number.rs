//! Numbers as Python's `%` operator and `format()` write them, with integer
//! arithmetic only: `created` is whole seconds plus nanoseconds, so `%f` and
//! `%e` come from its exact decimal digits, rounded half to even. No float
//! code and none of `core::fmt`'s integer or padding machinery is linked.
//!
//! Python formats the nearest binary double instead, so in rare ties (a
//! `created` whose digits end exactly on a rounding `5`) the last digit may
//! differ from Python's; and where Python prints binary noise past the
//! 17th significant digit, emlog prints the exact zeros.

use core::fmt;
use core::mem::MaybeUninit;

use super::Sink;
use super::parts::Parts;
use super::spec::{ALT, Conv, HAS_PRECISION, PLUS, SPACE, Spec};

/// A non-negative number: whole part and nanoseconds.
#[derive(Clone, Copy)]
pub(crate) struct Number {
    pub(crate) whole: u64,
    pub(crate) nanos: u32,
}

/// Writes `count` copies of the ASCII byte `fill`.
pub(crate) fn write_fill(out: &mut dyn Sink, fill: u8, mut count: usize) -> fmt::Result {
    const CHUNK: usize = 16;
    let chunk = [if fill.is_ascii() { fill } else { b' ' }; CHUNK];
    while count > 0 {
        let n = count.min(CHUNK);
        out.write_str(ascii(&chunk[..n]))?;
        count -= n;
    }
    Ok(())
}

/// Bytes this module produced (digits, letters, ASCII fill) as text.
///
/// `from_utf8` would link a validator of several hundred bytes on every
/// target for text that is ASCII by construction.
pub(crate) fn ascii(bytes: &[u8]) -> &str {
    debug_assert!(bytes.is_ascii());
    // SAFETY: every caller passes ASCII bytes only (digits from the digit
    // tables, fill checked with `is_ascii`), and ASCII is valid UTF-8.
    unsafe { core::str::from_utf8_unchecked(bytes) }
}

/// `value / divisor` and the remainder, for a divisor below 2^16, with 32-bit
/// divisions only: 64-bit division is a library routine of nearly 1 kB on
/// 32-bit cores.
pub(crate) fn div_small(value: u64, divisor: u32) -> (u64, u32) {
    debug_assert!(divisor > 0 && divisor < 1 << 16);
    let high = (value >> 32) as u32;
    let (q_high, r) = (high / divisor, high % divisor);
    // r < divisor < 2^16, so each step's dividend fits in 32 bits.
    let mid = (r << 16) | (value >> 16 & 0xffff) as u32;
    let (q_mid, r) = (mid / divisor, mid % divisor);
    let low = (r << 16) | (value & 0xffff) as u32;
    let (q_low, r) = (low / divisor, low % divisor);
    let quotient = (u64::from(q_high) << 32) + (u64::from(q_mid) << 16) + u64::from(q_low);
    (quotient, r)
}

/// Writes `value` in `radix` (8, 10 or 16) into the end of `buf`; returns where it starts.
pub(crate) fn digits(mut value: u64, radix: u32, upper: bool, buf: &mut [u8; 22]) -> usize {
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut at = buf.len();
    while value > u64::from(u32::MAX) {
        let (quotient, digit) = div_small(value, radix);
        at -= 1;
        buf[at] = table[digit as usize];
        value = quotient;
    }
    let mut small = value as u32;
    loop {
        at -= 1;
        buf[at] = table[(small % radix) as usize];
        small /= radix;
        if small == 0 {
            return at;
        }
    }
}

/// `n` in decimal, with 32-bit division only: the integers of plain
/// messages on 32-bit targets (a negative one's sign written before), and
/// the number of a custom level's name.
pub(crate) fn write_u32(out: &mut dyn Sink, mut n: u32) -> fmt::Result {
    // Room for the ten digits of `u32::MAX`, filled from the end (left
    // uninitialised before: only the bytes written are read).
    let mut text = [MaybeUninit::<u8>::uninit(); 10];
    let end = text.as_mut_ptr_range().end.cast::<u8>();
    // A pointer down from the end, not an index: one register for both
    // the place and the count, stored to with a decrement.
    let mut at = end;
    // The last digit before the loop, which then tests the quotient it has
    // just made (tested on `n` instead, the compiler keeps a copy of it).
    let mut rest = n / 10;
    // SAFETY: a u32 has at most ten digits, so `at` goes down at most ten
    // times from the end of `text` (here and in the loop), to `text`.
    unsafe {
        at = at.sub(1);
        at.write(b'0' + (n - rest * 10) as u8);
    }
    // Two digits a turn, each its own test: no move of the quotient back
    // into the register the turn starts from, and half the jumps back.
    while rest != 0 {
        n = rest;
        rest = n / 10;
        // SAFETY: as above.
        unsafe {
            at = at.sub(1);
            at.write(b'0' + (n - rest * 10) as u8);
        }
        if rest == 0 {
            break;
        }
        n = rest;
        rest = n / 10;
        // SAFETY: as above.
        unsafe {
            at = at.sub(1);
            at.write(b'0' + (n - rest * 10) as u8);
        }
    }
    // SAFETY: `at` is within `text` (see above) and every byte from `at` to
    // the end was written, with digits, which are ASCII.
    let written = unsafe { core::slice::from_raw_parts(at, end.offset_from_unsigned(at)) };
    out.write_str(ascii(written))
}

/// Writes `value` in decimal.
pub(crate) fn write_u64(out: &mut dyn Sink, value: u64) -> fmt::Result {
    let mut buf = [0; 22];
    let at = digits(value, 10, false, &mut buf);
    out.write_str(ascii(&buf[at..]))
}

/// Writes `number` as `spec.conv` says, with `pad` fill characters between
/// the sign or prefix and the digits (`=` alignment, the `0` flag).
pub(crate) fn write(
    out: &mut dyn Sink,
    number: Number,
    spec: Spec,
    pad: usize,
    parts: &Parts,
) -> fmt::Result {
    if spec.has(PLUS) {
        out.write_str("+")?;
    } else if spec.has(SPACE) {
        out.write_str(" ")?;
    }
    if spec.has(ALT) {
        match spec.conv {
            Conv::Hex => out.write_str("0x")?,
            Conv::HexUpper => out.write_str("0X")?,
            Conv::Octal => out.write_str("0o")?,
            _ => {}
        }
    }
    write_fill(out, spec.fill, pad)?;
    let precision = spec.precision();
    match spec.conv {
        Conv::Hex | Conv::HexUpper | Conv::Octal | Conv::Int => {
            let (radix, upper) = match spec.conv {
                Conv::Hex => (16, false),
                Conv::HexUpper => (16, true),
                Conv::Octal => (8, false),
                _ => (10, false),
            };
            let mut buf = [0; 22];
            let at = digits(number.whole, radix, upper, &mut buf);
            // %-style precision on an integer is a minimum digit count.
            write_fill(
                out,
                b'0',
                precision.unwrap_or(0).saturating_sub(buf.len() - at),
            )?;
            out.write_str(ascii(&buf[at..]))
        }
        Conv::Shortest | Conv::Fixed | Conv::Exp | Conv::ExpUpper => match parts.decimal {
            Some(decimal) => decimal(out, number, spec),
            None => Ok(()),
        },
        // Text conversions never reach here: the parser sends them to the text path.
        Conv::Str | Conv::Repr | Conv::Ascii => write_u64(out, number.whole),
    }
}

/// The digits of `f`, `e` and `repr(float)`: everything after the sign and padding.
pub(crate) fn write_decimal(out: &mut dyn Sink, number: Number, spec: Spec) -> fmt::Result {
    let precision = spec.precision();
    match spec.conv {
        Conv::Shortest => {
            write_u64(out, number.whole)?;
            let mut frac = [0; 22];
            let at = digits(
                u64::from(number.nanos) + 1_000_000_000,
                10,
                false,
                &mut frac,
            );
            // Skip the leading '1' that kept the zeros; drop trailing zeros but one.
            let mut end = frac.len();
            while end > at + 2 && frac[end - 1] == b'0' {
                end -= 1;
            }
            out.write_str(".")?;
            out.write_str(ascii(&frac[at + 1..end]))
        }
        Conv::Fixed => {
            let mut d = DecimalDigits::new(number);
            let precision = precision.unwrap_or(6);
            let kept = precision.min(9);
            d.round(d.point + kept);
            let start = usize::from(d.digits[0] == 0);
            d.write(out, start, d.point)?;
            if precision > 0 || spec.has(ALT) {
                out.write_str(".")?;
            }
            d.write(out, d.point, d.point + kept)?;
            write_fill(out, b'0', precision - kept)
        }
        Conv::Exp | Conv::ExpUpper => {
            let precision = precision.unwrap_or(6);
            let mut d = DecimalDigits::new(number);
            let (lead, exponent, kept) = match d.digits[1..d.len].iter().position(|&x| x != 0) {
                None => (1, 0, 0),
                Some(p) => {
                    let first = p + 1;
                    let kept = precision.min(d.len - first - 1);
                    d.round(first + 1 + kept);
                    if d.digits[first - 1] != 0 {
                        // Rounding carried into a new leading digit: 9.99 -> 10.0.
                        (first - 1, d.point as i32 - first as i32, kept)
                    } else {
                        (first, d.point as i32 - 1 - first as i32, kept)
                    }
                }
            };
            d.write(out, lead, lead + 1)?;
            if precision > 0 || spec.has(ALT) {
                out.write_str(".")?;
            }
            d.write(out, lead + 1, lead + 1 + kept)?;
            write_fill(out, b'0', precision - kept)?;
            out.write_str(match (spec.conv, exponent < 0) {
                (Conv::ExpUpper, false) => "E+",
                (Conv::ExpUpper, true) => "E-",
                (_, false) => "e+",
                (_, true) => "e-",
            })?;
            let magnitude = u64::from(exponent.unsigned_abs());
            if magnitude < 10 {
                out.write_str("0")?;
            }
            write_u64(out, magnitude)
        }
        _ => write_u64(out, number.whole),
    }
}

/// The decimal digits of a number: a spare leading zero for a rounding carry,
/// the whole part, then nine digits of nanoseconds.
struct DecimalDigits {
    digits: [u8; 30],
    len: usize,
    /// Index of the first fractional digit.
    point: usize,
}

impl DecimalDigits {
    fn new(number: Number) -> DecimalDigits {
        let mut whole = [0; 22];
        let at = digits(number.whole, 10, false, &mut whole);
        let mut digits = [0; 30];
        let point = 1 + whole.len() - at;
        for (slot, d) in digits[1..point].iter_mut().zip(&whole[at..]) {
            *slot = d - b'0';
        }
        let mut nanos = number.nanos % 1_000_000_000;
        for slot in digits[point..point + 9].iter_mut().rev() {
            *slot = (nanos % 10) as u8;
            nanos /= 10;
        }
        DecimalDigits {
            digits,
            len: point + 9,
            point,
        }
    }

    /// Keeps the first `keep` digits, rounding half to even on the rest.
    fn round(&mut self, keep: usize) {
        if keep >= self.len || keep == 0 {
            return;
        }
        let next = self.digits[keep];
        let rest_nonzero = self.digits[keep + 1..self.len].iter().any(|&d| d != 0);
        let odd = self.digits[keep - 1] % 2 == 1;
        let up = next > 5 || (next == 5 && (rest_nonzero || odd));
        self.digits[keep..self.len].fill(0);
        if up {
            // The spare leading zero stops the carry.
            for d in self.digits[..keep].iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    break;
                }
            }
        }
    }

    fn write(&self, out: &mut dyn Sink, from: usize, to: usize) -> fmt::Result {
        let mut text = [0; 30];
        let (from, to) = (from.min(self.len), to.min(self.len));
        if from >= to {
            return Ok(());
        }
        for (t, d) in text[from..to].iter_mut().zip(&self.digits[from..to]) {
            *t = b'0' + d;
        }
        out.write_str(ascii(&text[from..to]))
    }
}

/// Plain decimal or `repr(float)` of a number, for the text path.
pub(crate) fn write_plain(
    out: &mut dyn Sink,
    number: Number,
    conv: Conv,
    parts: &Parts,
) -> fmt::Result {
    let spec = Spec {
        flags: 0,
        fill: b' ',
        width: 0,
        precision: 0,
        conv,
    };
    debug_assert!(!spec.has(HAS_PRECISION));
    write(out, number, spec, 0, parts)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::string::{String, ToString};

    use super::{div_small, write_u32};

    #[test]
    fn write_u32_agrees_with_display() {
        let mut values = std::vec![0, 1, 9, 10, 99, 100, 255, 65_535, u32::MAX - 1, u32::MAX];
        values.extend((0..10).map(|k| 10u32.pow(k)));
        values.extend((1..10).map(|k| 10u32.pow(k) - 1));
        for n in values {
            let mut out = String::new();
            write_u32(&mut out, n).unwrap();
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn div_small_agrees_with_64_bit_division() {
        let values = [
            0,
            1,
            9,
            10,
            65_535,
            1 << 32,
            u64::from(u32::MAX) + 7,
            1 << 63,
            u64::MAX,
        ];
        for value in values {
            for divisor in [1, 7, 8, 10, 16, 675, 65_535] {
                let expected = (
                    value / u64::from(divisor),
                    (value % u64::from(divisor)) as u32,
                );
                assert_eq!(div_small(value, divisor), expected, "{value} / {divisor}");
            }
        }
    }
}
