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
//! stays inside the room (the proof is [`Ample`]'s). Integers from 10^8 and
//! `{}` floats are written by `lent_room`'s checked code, which the room
//! then always satisfies; `{:.0}` and `{:.8}` on, and whatever the quick
//! rounding cannot prove, make this writer give up, and the checked writer
//! writes the message again, item by item. Nothing here calls a function,
//! so that the writer of a call's argument types saves few registers.
//!
//! [`Value::width`]: super::Value::width

use super::lent_room::{POWERS_OF_TEN, put_decimal, put_float, scaled_rounded};
use super::{NO_PRECISION, copy_short};

/// Bytes past its width that an item's writer may write (and the items
/// after it, or nothing, overwrite): a padded piece, eight digits.
pub(super) const SLACK: usize = 16;

/// Bytes of a piece's padded copy: pieces up to this long are copied whole.
pub(super) const PADDED: usize = SLACK;

/// Most bytes an integer writes: a sign and 20 digits (`u64::MAX`).
pub(super) const INTEGER_WIDTH: usize = 21;

/// Most bytes a float writes: a sign, 16 whole digits (the quick rounding
/// takes products below 2^51), a point and [`MAX_FIXED`] places (`{}`
/// writes at most 9).
pub(super) const FLOAT_WIDTH: usize = 1 + 16 + 1 + MAX_FIXED as usize;

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

    /// Stores `bytes` at `room[at..]`.
    ///
    /// # Safety
    ///
    /// The room holds `at + M` bytes: `at + M` is at most the end plus the
    /// width of the item being written and [`SLACK`] (the type's
    /// invariant).
    #[inline(always)]
    unsafe fn store_at<const M: usize>(&mut self, at: usize, bytes: [u8; M]) {
        debug_assert!(at + M <= self.room.len());
        // SAFETY: `at + M <= room.len()` (the contract), and `[u8; M]` needs
        // no alignment.
        unsafe {
            self.room
                .as_mut_ptr()
                .add(at)
                .cast::<[u8; M]>()
                .write_unaligned(bytes);
        }
    }

    /// Stores `bytes` at the end, not moving it.
    ///
    /// # Safety
    ///
    /// As [`store_at`](Self::store_at) at the end.
    #[inline(always)]
    unsafe fn store<const M: usize>(&mut self, bytes: [u8; M]) {
        // SAFETY: the contract.
        unsafe { self.store_at(self.at, bytes) };
    }

    /// Appends `bytes`, whose width is their length: up to 16 by
    /// `copy_short`, longer in 16-byte moves, the last one overlapping (no
    /// call to `memcpy`, which would make the whole writer save registers).
    ///
    /// # Safety
    ///
    /// `bytes.len()` is counted in the type's `need` for this item.
    #[inline(always)]
    unsafe fn put_bytes(&mut self, bytes: &[u8]) {
        let len = bytes.len();
        if len <= 16 {
            // SAFETY: `at + len <= room.len()`: `len` is this item's width.
            let place = unsafe { self.room.get_unchecked_mut(self.at..self.at + len) };
            copy_short(place, bytes);
        } else {
            let mut done = 0;
            while done + 16 < len {
                if let Some(chunk) = bytes.get(done..).and_then(<[u8]>::first_chunk::<16>) {
                    // SAFETY: 16 bytes that end before `at + len`.
                    unsafe { self.store_at(self.at + done, *chunk) };
                }
                done += 16;
            }
            if let Some(last) = bytes.last_chunk::<16>() {
                // SAFETY: the last 16 of the `len` bytes.
                unsafe { self.store_at(self.at + len - 16, *last) };
            }
        }
        self.at += len;
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
        if piece.len() <= PADDED {
            // SAFETY: `PADDED` is `SLACK`; the bytes past the piece are
            // overwritten by what follows, or left past the message's end.
            unsafe { self.store(*padded) };
            self.at += piece.len();
        } else {
            core::hint::cold_path();
            // SAFETY: the contract.
            unsafe { self.put_bytes(piece.as_bytes()) };
        }
    }

    /// Appends `text`, an argument.
    ///
    /// # Safety
    ///
    /// `text.len()` is counted in the type's `need` for this item.
    #[inline(always)]
    pub(super) unsafe fn put_text(&mut self, text: &str) {
        // SAFETY: the contract.
        unsafe { self.put_bytes(text.as_bytes()) };
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

    /// Appends `n` in decimal, after a `-` when `negative`.
    ///
    /// # Safety
    ///
    /// [`INTEGER_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    pub(super) unsafe fn put_integer(&mut self, n: u64, negative: bool) -> Option<()> {
        // SAFETY: the sign and 20 digits make `INTEGER_WIDTH`.
        unsafe {
            self.put_sign(negative);
            self.put_digits(n, 20)
        }
    }

    /// Appends a `-` when `negative`.
    ///
    /// # Safety
    ///
    /// The room holds `at + 1` bytes.
    #[inline(always)]
    unsafe fn put_sign(&mut self, negative: bool) {
        if negative {
            // SAFETY: 1 byte (the contract).
            unsafe { self.store([b'-']) };
            self.at += 1;
        }
    }

    /// Appends the decimal digits of `n`, if they are at most `width`
    /// (8 or more).
    ///
    /// # Safety
    ///
    /// The room holds `at + width + SLACK` bytes.
    #[inline(always)]
    unsafe fn put_digits(&mut self, n: u64, width: usize) -> Option<()> {
        if n >= EIGHT_DIGITS {
            core::hint::cold_path();
            let end = put_decimal(self.room, self.at, n, false);
            return self.advance(end, width);
        }
        let digits = eight_digits(n as u32);
        // The leading zeros are the low bytes (the first digits); the top
        // bit keeps at least the last digit (`0` is one digit).
        let zeros = (digits | 1 << 63).trailing_zeros() / 8;
        let ascii = (digits + ASCII_ZEROS) >> (zeros * 8);
        // SAFETY: 8 bytes: within `width` and `SLACK`.
        unsafe { self.store(ascii.to_le_bytes()) };
        self.at += 8 - zeros as usize;
        Some(())
    }

    /// Appends a float as `{}` (`precision` [`NO_PRECISION`]) or `{:.N}`
    /// writes it, when that is quick and exact (as `lent_room`'s
    /// `put_float`); `None` for `{:.0}` and above `{:.7}` (the checked
    /// writer writes those).
    ///
    /// # Safety
    ///
    /// [`FLOAT_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    pub(super) unsafe fn put_float(&mut self, x: f64, precision: u8) -> Option<()> {
        // The precisions first: `{}` writes only integral values here.
        if precision.wrapping_sub(1) < MAX_FIXED {
            // SAFETY: `FLOAT_WIDTH` is counted for this item.
            return unsafe { self.put_fixed(x, precision) };
        }
        if precision != NO_PRECISION {
            return None;
        }
        let end = put_float(self.room, self.at, x, NO_PRECISION);
        self.advance(end, FLOAT_WIDTH)
    }

    /// `{:.N}` of `x`, `places` N from 1 to [`MAX_FIXED`], as `lent_room`'s
    /// `put_fixed` writes it: below 10^8 once scaled, the digits of whole
    /// part and places together in one store, then the places again after
    /// their point in another; above, the whole part as an integer, then
    /// the point and places.
    ///
    /// # Safety
    ///
    /// [`FLOAT_WIDTH`] is counted in the type's `need` for this item.
    #[inline(always)]
    unsafe fn put_fixed(&mut self, x: f64, places: u8) -> Option<()> {
        let rounded = scaled_rounded(x, places)?;
        let fixed = FIXED.get(usize::from(places))?;
        // SAFETY: 1 byte, within the width.
        unsafe { self.put_sign(x.is_sign_negative()) };
        let point = |ascii: u64| u64::from(b'.') | (ascii >> fixed.places_shift) << 8;
        if rounded < EIGHT_DIGITS {
            let digits = eight_digits(rounded as u32);
            // Leading zeros, keeping one whole digit.
            let zeros = (digits | fixed.stop).trailing_zeros() / 8;
            let ascii = digits + ASCII_ZEROS;
            // SAFETY: 8 bytes after the sign, within `FLOAT_WIDTH`.
            unsafe { self.store((ascii >> (zeros * 8)).to_le_bytes()) };
            // Eight digits less the zeros, and the point.
            let end = self.at + 9 - zeros as usize;
            // SAFETY: 8 bytes from the point, which is at most 8 past the
            // sign (`zeros` is at most 7 less the places): within
            // `FLOAT_WIDTH` and `SLACK`.
            unsafe { self.store_at(end - fixed.tail, point(ascii).to_le_bytes()) };
            self.at = end;
            return Some(());
        }
        core::hint::cold_path();
        let scale = *POWERS_OF_TEN.get(usize::from(places))?;
        // `rounded` is below 2^51: 16 whole digits at most (and fewer).
        // SAFETY: a sign and 16 digits, within `FLOAT_WIDTH`.
        unsafe { self.put_digits(rounded / scale, 16)? };
        let ascii = eight_digits((rounded % scale) as u32) + ASCII_ZEROS;
        // SAFETY: 8 bytes, at most 17 past the start, of which the point
        // and places (at most 8) are kept: within `FLOAT_WIDTH` and
        // `SLACK`.
        unsafe { self.store(point(ascii).to_le_bytes()) };
        self.at += fixed.tail;
        Some(())
    }
}

/// The highest `{:.N}` written here (its places and point are one store).
const MAX_FIXED: u8 = 7;

/// What [`Ample::put_fixed`] needs to know of `N` places, worked out here
/// rather than on each call.
struct Fixed {
    /// Of the eight digits of the scaled value, the top bit of the last
    /// whole digit's byte: it stops the count of leading zeros there.
    stop: u64,
    /// The shift that brings the places down to the low bytes.
    places_shift: u32,
    /// Bytes of the point and places.
    tail: usize,
}

/// [`Fixed`] for each number of places up to [`MAX_FIXED`] (0 unused).
const FIXED: [Fixed; MAX_FIXED as usize + 1] = {
    let mut fixed = [const {
        Fixed {
            stop: 1 << 63,
            places_shift: 0,
            tail: 1,
        }
    }; MAX_FIXED as usize + 1];
    let mut places = 1;
    while places <= MAX_FIXED as usize {
        fixed[places] = Fixed {
            stop: 1 << (63 - 8 * places),
            places_shift: 64 - 8 * places as u32,
            tail: 1 + places,
        };
        places += 1;
    }
    fixed
};

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
    // `hundreds | (quads - hundreds × 100) << 16`, in fewer steps: the
    // same modulo 2^64, and no lane overflows.
    let hundreds = ((quads * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let pairs = (quads << 16).wrapping_add(hundreds.wrapping_mul(1u64.wrapping_sub(100 << 16)));
    let tens = ((pairs * 103) >> 10) & 0x000f_000f_000f_000f;
    (pairs << 8).wrapping_add(tens.wrapping_mul(1u64.wrapping_sub(10 << 8)))
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
