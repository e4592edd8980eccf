//! How one field is to be rendered: the parsed `[flags][width][.precision]conv`
//! (%-style) or `[[fill]align][sign][#][0][width][.precision][type]` ({}-style),
//! resolved at parse time into one compact form both styles share.

/// How a value becomes text. Resolved against the field's kind when the
/// format string is parsed, so rendering never meets a mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Conv {
    /// The text as it is (`s`).
    Str,
    /// Python's `repr()` of a string: quoted, escapes for control characters (`r`).
    Repr,
    /// Python's `ascii()`: `repr()` with non-ASCII escaped too (`a`).
    Ascii,
    /// Decimal integer (`d`, `i`, `u`; `s` and `r` on an integer field).
    Int,
    /// Hexadecimal, lower case (`x`).
    Hex,
    /// Hexadecimal, upper case (`X`).
    HexUpper,
    /// Octal (`o`).
    Octal,
    /// Fixed point (`f`, `F`), precision 6 unless given.
    Fixed,
    /// Exponent form (`e`), precision 6 unless given.
    Exp,
    /// Exponent form with `E`.
    ExpUpper,
    /// Python's `repr()` of a float: every digit there is, at least one after the point.
    Shortest,
}

/// Alignment within the width.
pub(crate) const ALIGN_MASK: u8 = 0b11;
pub(crate) const ALIGN_LEFT: u8 = 0;
pub(crate) const ALIGN_RIGHT: u8 = 1;
pub(crate) const ALIGN_CENTER: u8 = 2;
/// Padding goes between the sign (or `0x`) and the digits (`=`, or the `0` flag).
pub(crate) const ALIGN_AFTER_SIGN: u8 = 3;
/// `+`: a plus sign on non-negative numbers.
pub(crate) const PLUS: u8 = 1 << 2;
/// space: a space where a minus sign would go.
pub(crate) const SPACE: u8 = 1 << 3;
/// `#`: `0x`/`0o` prefixes, a decimal point even with precision 0.
pub(crate) const ALT: u8 = 1 << 4;
/// A precision was given.
pub(crate) const HAS_PRECISION: u8 = 1 << 5;
/// The value is rendered as a number, then formatted as text (`%5s` on an
/// integer, `{lineno!s:>5}`): precision cuts, no sign or zero padding.
pub(crate) const AS_TEXT: u8 = 1 << 6;

/// Five bytes per field: the formatter's RAM is mostly these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spec {
    pub(crate) flags: u8,
    /// ASCII fill character.
    pub(crate) fill: u8,
    pub(crate) width: u8,
    pub(crate) precision: u8,
    pub(crate) conv: Conv,
}

impl Spec {
    pub(crate) const PLAIN_TEXT: Spec = Spec {
        flags: ALIGN_RIGHT,
        fill: b' ',
        width: 0,
        precision: 0,
        conv: Conv::Str,
    };

    /// Text as it is: no width, precision or conversion.
    pub(crate) const fn is_plain_text(self) -> bool {
        self.width == 0
            && matches!(self.conv, Conv::Str)
            && self.flags & (HAS_PRECISION | AS_TEXT) == 0
    }

    pub(crate) fn align(self) -> u8 {
        self.flags & ALIGN_MASK
    }

    pub(crate) fn has(self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The precision, if one was given.
    pub(crate) fn precision(self) -> Option<usize> {
        self.has(HAS_PRECISION)
            .then_some(usize::from(self.precision))
    }
}
