//! A plain call's message written into room checked once, up front, to be
//! large enough for the longest text its pieces and argument types can
//! make (64-bit targets).
//!
//! The writer of a call's argument types (`signature`) adds up the widths
//! of its items (a piece's length, an argument's [`Value::width`]) and
//! [`SLACK`]; when the room holds that much, it writes each item here with
//! no bounds check of its own: a piece as one copy of its padded bytes, a
//! number below 10^8 as one store of its eight digits, a float's places as
//! one store with their point. Each writer keeps to its item's width plus
//! [`SLACK`] and moves the end by at most the width, so the whole message
//! stays inside the room (the proof is [`Ample`]'s). The rest (larger
//! numbers, text arguments, rare precisions) is written by `lent_room`'s
//! checked code, which the room then always satisfies.
//!
//! [`Value::width`]: super::Value::width

use super::copy_short;
use super::lent_room::{PAIRS, put_decimal, put_float, put_text, scaled_rounded};

/// Bytes past its width that an item's writer may write (and the items
/// after it, or nothing, overwrite): a padded piece, eight digits.
pub(super) const SLACK: usize = 16;

/// Bytes of a piece's padded copy: pieces up to this long are copied whole.
pub(super) const PADDED: usize = SLACK;

/// Most bytes an integer writes: a sign and 20 digits (`u64::MAX`).
pub(super) const INTEGER_WIDTH: usize = 21;

/// Most bytes a float writes: a sign, 16 whole digits (the quick rounding
/// takes products below 2^52), a point and 17 places.
pub(super) const FLOAT_WIDTH: usize = 35;

/// Room that holds `at + need` bytes, of which a writer has yet to write
/// items whose widths and [`SLACK`] add up to no more than `need`.
///
/// Each `put_*` takes an item of width `w`, writes only in
/// `room[at..at + w + SLACK]` and moves `at` by at most `w`; so the room
/// holds `at + need - w` bytes past the new end, for the items after it.
pub struct Ample<'r> {
    room: &'r mut [u8],
    at: usize,
}

impl<'r> Ample<'r> {
    /// `room`, if it holds `need` bytes (the widths of every item to be
    /// written, and [`SLACK`]).
    #[inline(always)]
    pub(super) fn new(room: &'r mut [u8], need: usize) -> Option<Ample<'r>> {
        if room.len() < need {
            return None;
        }
        Some(Ample { room, at: 0 })
    }

    /// Bytes written.
    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.at
    }

    /// Stores `bytes` at the end, not moving it.
    ///
    /// # Safety
    ///
    /// `M` is at most the width of the item being written, and
    /// [`SLACK`]: the room holds `at + M` bytes (the type's invariant).
    #[inline(always)]
    unsafe fn store<const M: usize>(&mut self, bytes: [u8; M]) {
        debug_assert!(self.at + M <= self.room.len());
        // SAFETY: `at + M <= room.len()` (the contract), and `[u8; M]` needs
        // no alignment.
        unsafe {
            self.room
                .as_mut_ptr()
                .add(self.at)
                .cast::<[u8; M]>()
                .write_unaligned(bytes);
        }
    }

    /// Appends `piece`, whose padded copy (its bytes, then zeros, when it
    /// is at most [`PADDED`] long) is `padded`.
    ///
    /// # Safety
    ///
    /// `piece.len()` is counted in the type's `need`, and `padded` starts
    /// with `piece` when `piece` is at most [`PADDED`] bytes.
    #[inline(always)]
    pub(super) unsafe fn put_piece(&mut self, piece: &str, padded: &[u8; PADDED]) {
        let len = piece.len();
        if len <= PADDED {
            // SAFETY: `PADDED` is `SLACK`; the bytes past `len` are
            // overwritten by what follows, or left past the message's end.
            unsafe { self.store(*padded) };
        } else {
            let end = self.at + len;
            // SAFETY: `end <= room.len()`: `len` is this item's width.
            let place = unsafe { self.room.get_unchecked_mut(self.at..end) };
            copy_short(place, piece.as_bytes());
        }
        self.at += len;
    }

    /// Moves the end to `end`, which checked code wrote up to, if that
    /// keeps within `width` (always, as the callers' widths are counted;
    /// checked here so that no proof rests on their arithmetic).
    #[inline(always)]
    fn advance(&mut self, end: Option<usize>, width: usize) -> Option<()> {
        let end = end?;
        if end.checked_sub(self.at)? > width {
            return None;
        }
        self.at = end;
        Some(())
    }

    /// Appends `text` (an argument, whose width is its length).
    #[inline(always)]
    pub(super) fn put_text(&mut self, text: &str) -> Option<()> {
        let end = put_text(self.room, self.at, text);
        self.advance(end, text.len())
    }

    /// Appends `n` in decimal, after a `-` when `negative`.
    ///
    /// # Safety
    ///
    /// [`INTEGER_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    pub(super) unsafe fn put_integer(&mut self, n: u64, negative: bool) -> Option<()> {
        // Always stored, kept only when negative: the digits overwrite it.
        // SAFETY: 1 byte, within the width.
        unsafe { self.store([b'-']) };
        self.at += usize::from(negative);
        // SAFETY: the sign and 20 digits make `INTEGER_WIDTH`.
        unsafe { self.put_digits(n) }
    }

    /// Appends the decimal digits of `n` (at most 20).
    ///
    /// # Safety
    ///
    /// The room holds `at + 20 + SLACK` bytes.
    #[inline(always)]
    unsafe fn put_digits(&mut self, n: u64) -> Option<()> {
        if n >= EIGHT_DIGITS {
            let end = put_decimal(self.room, self.at, n, false);
            return self.advance(end, 20);
        }
        let digits = eight_digits(n as u32);
        // The leading zeros are the low bytes (the first digits); the top
        // bit keeps at least the last digit (`0` is one digit).
        let zeros = (digits | 1 << 63).trailing_zeros() / 8;
        let ascii = (digits + ASCII_ZEROS) >> (zeros * 8);
        // SAFETY: 8 bytes: within 20 and `SLACK`.
        unsafe { self.store(ascii.to_le_bytes()) };
        self.at += 8 - zeros as usize;
        Some(())
    }

    /// Appends a float as `{}` (`precision` [`NO_PRECISION`]) or `{:.N}`
    /// writes it, when that is quick and exact (as `lent_room`'s
    /// `put_float`).
    ///
    /// # Safety
    ///
    /// [`FLOAT_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    pub(super) unsafe fn put_float(&mut self, x: f64, precision: u8) -> Option<()> {
        // SAFETY (each): `FLOAT_WIDTH` is counted for this item.
        // `{:.3}` first: the usual one.
        if precision == 3 {
            return unsafe { self.put_fixed::<3>(x) };
        }
        match precision {
            1 => unsafe { self.put_fixed::<1>(x) },
            2 => unsafe { self.put_fixed::<2>(x) },
            precision => {
                let end = put_float(self.room, self.at, x, precision);
                self.advance(end, FLOAT_WIDTH)
            }
        }
    }

    /// `{:.P}` of `x`, `P` from 1 to 3, as `lent_room`'s `put_fixed`
    /// writes it: below 10^8 once scaled, the digits of whole part and
    /// places together in one store, then the places again after their
    /// point in another; above, the whole part as an integer, then the
    /// point and places.
    ///
    /// # Safety
    ///
    /// [`FLOAT_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    unsafe fn put_fixed<const P: u8>(&mut self, x: f64) -> Option<()> {
        let rounded = scaled_rounded(x, P)?;
        // Always stored, kept only when negative (as in `put_integer`).
        // SAFETY: 1 byte, within the width.
        unsafe { self.store([b'-']) };
        self.at += usize::from(x.is_sign_negative());
        let places = u32::from(P);
        if rounded < EIGHT_DIGITS {
            let digits = eight_digits(rounded as u32);
            // Leading zeros, keeping one whole digit: the top bit of the
            // last whole digit's byte stops the count there.
            let zeros = (digits | 1 << (63 - 8 * places)).trailing_zeros() / 8;
            let ascii = digits + ASCII_ZEROS;
            // SAFETY: 8 bytes after the sign, within `FLOAT_WIDTH`.
            unsafe { self.store((ascii >> (zeros * 8)).to_le_bytes()) };
            self.at += (8 - places - zeros) as usize;
            let point = u32::from(b'.') | ((ascii >> (64 - 8 * places)) as u32) << 8;
            // SAFETY: 4 bytes at most 7 past the sign, within `FLOAT_WIDTH`.
            unsafe { self.store(point.to_le_bytes()) };
            self.at += 1 + places as usize;
            return Some(());
        }
        let scale = match P {
            1 => 10,
            2 => 100,
            _ => 1000,
        };
        // `rounded` is below 2^52: 16 whole digits at most.
        // SAFETY: within `FLOAT_WIDTH` (a sign and 20 digits, then 4 bytes
        // for the point and places, with `SLACK` after).
        unsafe { self.put_digits(rounded / scale)? };
        let places = (rounded % scale) as usize;
        let point = match P {
            1 => [b'.', b'0' + places as u8, 0, 0],
            2 => {
                let pair = PAIRS[places % 100];
                [b'.', pair[0], pair[1], 0]
            }
            _ => {
                let pair = PAIRS[places / 10 % 100];
                [b'.', pair[0], pair[1], b'0' + (places % 10) as u8]
            }
        };
        // SAFETY: 4 bytes at the end, within `FLOAT_WIDTH` (above).
        unsafe { self.store(point) };
        self.at += 1 + usize::from(P);
        Some(())
    }
}

/// The first number with nine digits.
const EIGHT_DIGITS: u64 = 100_000_000;

/// Eight `0` digits.
const ASCII_ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);

/// The eight decimal digits of `n` (below 10^8), leading zeros included,
/// as byte values 0 to 9, the first digit in the low byte: split in lanes
/// of one `u64` (two of four digits, four of two, eight of one), each
/// lane's quotient by a multiplication and a shift that are exact for its
/// range (`x × 10486 >> 20` is `x / 100` below 10^4, `x × 103 >> 10` is
/// `x / 10` below 100), with no lane overflowing into the next.
#[inline(always)]
fn eight_digits(n: u32) -> u64 {
    let quads = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    let hundreds = (quads * 10_486 >> 20) & 0x0000_007f_0000_007f;
    let pairs = hundreds | (quads - hundreds * 100) << 16;
    let tens = (pairs * 103 >> 10) & 0x000f_000f_000f_000f;
    tens | (pairs - tens * 10) << 8
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;

    /// The lanes' quotients are exact over their whole ranges: every
    /// number below 10^6, and from there on in steps that leave no digit
    /// pattern untried, with every power of ten's neighbours.
    #[test]
    fn eight_digits_are_the_decimal_digits_of_every_number_below_ten_to_the_eight() {
        let mut numbers: std::vec::Vec<u32> = (0..1_000_000).collect();
        numbers.extend((1_000_000..100_000_000).step_by(997));
        for k in 1..=8 {
            let power = 10u32.pow(k);
            numbers.extend([power - 1, power.saturating_add(1).min(99_999_999)]);
        }
        for n in numbers {
            let digits = eight_digits(n).to_le_bytes().map(|d| b'0' + d);
            assert_eq!(digits, *std::format!("{n:08}").as_bytes(), "{n}");
        }
    }
}
