//! What can be wrong with a format string or a `datefmt`, and where.

use core::fmt;

use super::MAX_PIECES;
use super::field::{EXPECTED_FIELDS, Field, Kind};
use crate::civil::DIRECTIVES;

/// A format string or `datefmt` that cannot be used, found when the
/// [`Formatter`](super::Formatter) is built, never while a record is rendered.
///
/// Its `Display` says what is wrong, at which byte, and what was expected:
///
/// ```
/// let err = emlog::Formatter::new("%(lvl)s").unwrap_err();
/// assert_eq!(err.position, 2);
/// assert!(err.to_string().starts_with(
///     "unknown field 'lvl' at byte 2: expected one of name, levelno, levelname, message"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// Byte offset of the problem in the format string (or in the `datefmt`
    /// for [`FormatErrorKind::UnknownDirective`] and errors from `with_datefmt`).
    pub position: usize,
    /// What was wrong.
    pub kind: FormatErrorKind,
}

/// The kinds of [`FormatError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatErrorKind {
    /// A field name that is no record field (`position` is the name's first byte).
    UnknownField {
        /// The name as written.
        name: &'static str,
    },
    /// A Python `LogRecord` attribute that emlog records do not have.
    UnavailableField {
        /// The name as written.
        name: &'static str,
        /// Why there is no such field.
        reason: &'static str,
    },
    /// `%(` without `)`, or `{` without `}` (`position` is the opening byte).
    Unterminated,
    /// `%(field)` at the end of the string, with no conversion character.
    MissingConversion,
    /// A conversion or type character that is not supported.
    BadConversion {
        /// The character found.
        found: char,
    },
    /// A conversion that does not fit the field's type, such as `d` on a string
    /// (Python raises when the record is emitted; emlog rejects it up front).
    ConversionMismatch {
        /// The field.
        field: &'static str,
        /// The conversion character.
        conversion: char,
    },
    /// A `{}`-style option not allowed for this field's type (`position` is the option).
    SpecMismatch {
        /// The field.
        field: &'static str,
        /// The option character (`+`, `=`, `#`, `.`).
        found: char,
    },
    /// A character in a `{}`-style spec or `%`-style flags that is not understood
    /// (nested `{}` fields, `*` widths and `,`/`_` grouping are not supported,
    /// and a fill character must be ASCII).
    BadSpec {
        /// The character found.
        found: char,
    },
    /// A width or precision over 255.
    NumberTooLarge,
    /// `%` followed by something other than `(` or `%`.
    LonePercent {
        /// The character after `%`.
        found: char,
    },
    /// `%` as the last character.
    DanglingPercent,
    /// A single `}` in a `{}`-style string.
    LoneBrace,
    /// More pieces (literal runs and fields) than [`MAX_PIECES`](super::MAX_PIECES).
    TooManyPieces,
    /// A format string without any field (Python rejects it too).
    NoFields,
    /// A format string longer than 65,535 bytes.
    TooLong,
    /// A `datefmt` directive that is not supported.
    UnknownDirective {
        /// The character after `%`.
        found: char,
    },
}

impl FormatErrorKind {
    /// What is wrong, in a few words, for a build that fails on it
    /// ([`formatter!`](crate::formatter!)): a constant's panic can show a
    /// `&str`, not a `Display`.
    pub(crate) const fn summary(self) -> &'static str {
        match self {
            FormatErrorKind::UnknownField { .. } => "an unknown field name",
            FormatErrorKind::UnavailableField { .. } => "a field emlog records do not have",
            FormatErrorKind::Unterminated => "an unterminated field",
            FormatErrorKind::MissingConversion => "a field without a conversion character",
            FormatErrorKind::BadConversion { .. } => "an unsupported conversion",
            FormatErrorKind::ConversionMismatch { .. } => {
                "a conversion that does not fit its field"
            }
            FormatErrorKind::SpecMismatch { .. } => "a spec option that does not fit its field",
            FormatErrorKind::BadSpec { .. } => "an unexpected character in a field's spec",
            FormatErrorKind::NumberTooLarge => "a width or precision over 255",
            FormatErrorKind::LonePercent { .. } => "a '%' not followed by '(' or '%'",
            FormatErrorKind::DanglingPercent => "a '%' at the end",
            FormatErrorKind::LoneBrace => "a single '}'",
            FormatErrorKind::TooManyPieces => "more pieces than MAX_PIECES",
            FormatErrorKind::NoFields => "no field at all",
            FormatErrorKind::TooLong => "more than 65,535 bytes",
            FormatErrorKind::UnknownDirective { .. } => "an unsupported datefmt directive",
        }
    }
}

const PERCENT_CONVERSIONS: &str = "s, r, a, d, i, u, f, F, e, E, x, X, o";
const BRACE_TYPES: &str = "s, d, x, X, o, e, E, f, F or none";

/// What kind of value `field` is, and the conversions each style allows for it.
fn kind_name(field: &str) -> (&'static str, &'static str) {
    match Field::parse(field).map(Field::kind) {
        Some(Kind::Integer) => (
            "an integer",
            "s, r, a, d, i, u, x, X, o, e, E, f, F (%-style) or d, x, X, o, e, E, f, F or none \
             ({}-style)",
        ),
        Some(Kind::Decimal) => (
            "a number",
            "s, r, a, d, i, u, e, E, f, F (%-style) or d, e, E, f, F or none ({}-style)",
        ),
        _ => (
            "a string",
            "s, r or a (%-style) or s or none, after !r or !a if wanted ({}-style)",
        ),
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.position;
        match self.kind {
            FormatErrorKind::UnknownField { name } => write!(
                f,
                "unknown field '{name}' at byte {at}: expected one of {EXPECTED_FIELDS}"
            ),
            FormatErrorKind::UnavailableField { name, reason } => write!(
                f,
                "field '{name}' at byte {at} is not available: {reason}; expected one of \
                 {EXPECTED_FIELDS}"
            ),
            FormatErrorKind::Unterminated => write!(
                f,
                "unterminated field at byte {at}: expected ')' after '%(name' or '}}' after '{{name'"
            ),
            FormatErrorKind::MissingConversion => write!(
                f,
                "format string ends at byte {at} inside a field: expected a conversion \
                 character ({PERCENT_CONVERSIONS})"
            ),
            FormatErrorKind::BadConversion { found } => write!(
                f,
                "unsupported conversion '{found}' at byte {at}: expected one of \
                 {PERCENT_CONVERSIONS} (%-style) or {BRACE_TYPES} ({{}}-style)"
            ),
            FormatErrorKind::ConversionMismatch { field, conversion } => {
                let (kind, allowed) = kind_name(field);
                write!(
                    f,
                    "conversion '{conversion}' at byte {at} cannot format field '{field}', \
                     which is {kind}: expected one of {allowed}"
                )
            }
            FormatErrorKind::SpecMismatch { field, found } => {
                let (kind, _) = kind_name(field);
                let rule = match found {
                    '.' => "a precision is for strings and the f, F, e, E types only",
                    '=' => "'=' alignment is for numbers only",
                    '#' => "'#' is for numbers only",
                    _ => "a sign is for numbers only",
                };
                write!(
                    f,
                    "'{found}' at byte {at} is not allowed for field '{field}', which is {kind} \
                     ({rule}): expected the spec without it"
                )
            }
            FormatErrorKind::BadSpec { found } => write!(
                f,
                "unexpected '{found}' at byte {at} in a field's spec: expected \
                 [[fill]align][sign][#][0][width][.precision][type] or %(name)[flags][width][.precision]conv \
                 (nested fields, '*' widths and grouping are not supported; a fill must be ASCII)"
            ),
            FormatErrorKind::NumberTooLarge => write!(
                f,
                "width or precision at byte {at} is too large: expected at most 255"
            ),
            FormatErrorKind::LonePercent { found } => write!(
                f,
                "'%' followed by '{found}' at byte {at}: expected '%(name)' or '%%' for a \
                 literal percent sign"
            ),
            FormatErrorKind::DanglingPercent => write!(
                f,
                "'%' at byte {at} ends the string: expected a field, a directive or '%%' after it"
            ),
            FormatErrorKind::LoneBrace => write!(
                f,
                "single '}}' at byte {at}: expected '}}}}' for a literal brace"
            ),
            FormatErrorKind::TooManyPieces => write!(
                f,
                "too many pieces at byte {at}: expected at most {MAX_PIECES} literal runs and \
                 fields"
            ),
            FormatErrorKind::NoFields => write!(
                f,
                "format string has no field: expected at least one, such as %(message)s or {{message}}"
            ),
            FormatErrorKind::TooLong => write!(
                f,
                "format string is too long at byte {at}: expected at most 65535 bytes"
            ),
            FormatErrorKind::UnknownDirective { found } => write!(
                f,
                "unknown datefmt directive '%{found}' at byte {at}: expected one of {DIRECTIVES}"
            ),
        }
    }
}

impl core::error::Error for FormatError {}
