//! Rendering one field straight into the writer: widths need the rendered
//! length first, so a padded field is rendered twice, once into a counter.
//! That costs time only for padded fields and saves any buffer.

use core::fmt;

use super::Sink;
use super::field::Value;
use super::number::{self, Number};
use super::parts::Parts;
use super::spec::{ALIGN_AFTER_SIGN, ALIGN_CENTER, ALIGN_LEFT, AS_TEXT, Conv, Spec};
use crate::civil::{self, DateTime};

/// What rendering needs beyond the pieces: how to write `asctime`, and the
/// rendering code this formatter links.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Context {
    pub(crate) datefmt: &'static str,
    /// `None` for UTC.
    pub(crate) utc_offset: Option<fn(crate::Timestamp) -> i32>,
    pub(crate) parts: &'static Parts,
}

/// `levelname`: the level's name, or `Level N` for a level without one (as
/// Python's `getLevelName`), its number written by the digit loop that plain
/// messages use on 32-bit targets.
pub(crate) fn write_level_name(level: crate::Level, out: &mut dyn Sink) -> fmt::Result {
    match level.name() {
        Some(name) => out.write_str(name),
        None => write_level_number(level, out),
    }
}

/// `Level N`: the `levelname` of a level without a name.
pub(crate) fn write_level_number(level: crate::Level, out: &mut dyn Sink) -> fmt::Result {
    out.write_str("Level ")?;
    number::write_u32(out, level.number().into())
}

/// `asctime`: the default layout or the `datefmt`, at the offset in force.
pub(crate) fn write_asctime(
    context: &Context,
    timestamp: crate::Timestamp,
    out: &mut dyn Sink,
) -> fmt::Result {
    let offset = match context.utc_offset {
        Some(utc_offset) => utc_offset(timestamp),
        None => 0,
    };
    let time = DateTime::from_timestamp(timestamp, offset);
    if context.datefmt.is_empty() {
        civil::write_default(&time, out)
    } else {
        civil::write_strftime(context.datefmt, &time, out)
    }
}

/// Python's `repr()` (or with `ascii`, `ascii()`) of a text value.
pub(crate) fn write_repr(
    context: &Context,
    value: Value<'_>,
    ascii: bool,
    out: &mut dyn Sink,
) -> fmt::Result {
    let mut quotes = Quotes::default();
    let _ = context.write_raw(value, &mut quotes);
    // Python quotes with ' unless the text has ' and no ".
    let quote = if quotes.single && !quotes.double {
        "\""
    } else {
        "'"
    };
    out.write_str(quote)?;
    let mut repr = Repr {
        inner: out,
        quote,
        ascii,
    };
    context.write_raw(value, &mut repr)?;
    out.write_str(quote)
}

/// Counts characters (Python's widths count code points, not bytes).
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // Each character has exactly one byte that is not a continuation byte.
        self.0 += s.bytes().filter(|&b| b & 0xc0 != 0x80).count();
        Ok(())
    }
}

/// Passes on the first `left` characters and drops the rest (precision on text).
struct Truncate<'w> {
    inner: &'w mut dyn Sink,
    left: usize,
}

impl fmt::Write for Truncate<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.left == 0 {
            return Ok(());
        }
        let mut cut = s.len();
        for (index, (at, _)) in s.char_indices().enumerate() {
            if index == self.left {
                cut = at;
                break;
            }
        }
        let kept = s.get(..cut).unwrap_or(s);
        self.left -= kept
            .bytes()
            .filter(|&b| b & 0xc0 != 0x80)
            .count()
            .min(self.left);
        self.inner.write_str(kept)
    }
}

/// Records which quote characters text contains, to pick repr's quote.
#[derive(Default)]
struct Quotes {
    single: bool,
    double: bool,
}

impl fmt::Write for Quotes {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.single |= s.contains('\'');
        self.double |= s.contains('"');
        Ok(())
    }
}

/// Escapes text as Python's `repr()` (and, with `ascii`, `ascii()`) does
/// inside the quotes: backslash, the quote, `\t \n \r`, other control
/// characters as `\xNN`; `ascii` also escapes everything beyond ASCII
/// (`\xNN`, `\uNNNN`, `\UNNNNNNNN`). Python's `repr()` also escapes the
/// non-printable characters beyond Latin-1 (such as U+200B); emlog keeps them.
struct Repr<'w> {
    inner: &'w mut dyn Sink,
    quote: &'static str,
    ascii: bool,
}

impl fmt::Write for Repr<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut clean = 0;
        for (at, c) in s.char_indices() {
            let code = u32::from(c);
            let escape = c == '\\'
                || self.quote.starts_with(c)
                || code < 0x20
                || (0x7f..0xa0).contains(&code)
                || (self.ascii && code > 0x7f);
            if !escape {
                continue;
            }
            self.inner.write_str(s.get(clean..at).unwrap_or(""))?;
            clean = at + c.len_utf8();
            match c {
                '\\' => self.inner.write_str("\\\\")?,
                '\'' => self.inner.write_str("\\'")?,
                '"' => self.inner.write_str("\\\"")?,
                '\t' => self.inner.write_str("\\t")?,
                '\n' => self.inner.write_str("\\n")?,
                '\r' => self.inner.write_str("\\r")?,
                _ => {
                    let (prefix, digits) = match code {
                        0..=0xff => ("\\x", 2),
                        0x100..=0xffff => ("\\u", 4),
                        _ => ("\\U", 8),
                    };
                    self.inner.write_str(prefix)?;
                    let mut hex = [0; 8];
                    for (i, digit) in hex[..digits].iter_mut().enumerate() {
                        let nibble = (code >> ((digits - 1 - i) * 4)) & 0xf;
                        *digit = b"0123456789abcdef"[nibble as usize];
                    }
                    self.inner.write_str(number::ascii(&hex[..digits]))?;
                }
            }
        }
        self.inner.write_str(s.get(clean..).unwrap_or(""))
    }
}

impl Context {
    /// The value as plain text: what `%s` writes.
    pub(crate) fn write_raw(&self, value: Value<'_>, out: &mut dyn Sink) -> fmt::Result {
        match value {
            Value::Text(text) => out.write_str(text),
            Value::Level(level) => write_level_name(level, out),
            Value::Args(args) => args.write_to_sink(out),
            Value::AscTime(timestamp) => match self.parts.asctime {
                Some(asctime) => asctime(self, timestamp, out),
                None => Ok(()),
            },
            Value::Integer(whole) => {
                number::write_plain(out, Number { whole, nanos: 0 }, Conv::Int, self.parts)
            }
            Value::Decimal(whole, nanos) => {
                number::write_plain(out, Number { whole, nanos }, Conv::Shortest, self.parts)
            }
        }
    }

    /// The value without padding: text with precision and repr applied, or a
    /// number with `pad` fill characters after its sign.
    fn write_body(
        &self,
        value: Value<'_>,
        spec: Spec,
        pad: usize,
        out: &mut dyn Sink,
    ) -> fmt::Result {
        let number = match value {
            Value::Integer(whole) => Some(Number { whole, nanos: 0 }),
            Value::Decimal(whole, nanos) => Some(Number { whole, nanos }),
            _ => None,
        };
        if let Some(number) = number.filter(|_| !spec.has(AS_TEXT)) {
            return number::write(out, number, spec, pad, self.parts);
        }
        let mut truncate;
        let out: &mut dyn Sink = match spec.precision() {
            Some(left) => {
                truncate = Truncate { inner: out, left };
                &mut truncate
            }
            _ => out,
        };
        let ascii = match spec.conv {
            Conv::Repr => false,
            Conv::Ascii => true,
            _ => return self.write_raw(value, out),
        };
        match self.parts.repr {
            Some(repr) => repr(self, value, ascii, out),
            None => Ok(()),
        }
    }

    /// One field with its width, alignment and fill.
    pub(crate) fn write_field(
        &self,
        value: Value<'_>,
        spec: Spec,
        out: &mut dyn Sink,
    ) -> fmt::Result {
        let width = usize::from(spec.width);
        if width == 0 {
            return self.write_body(value, spec, 0, out);
        }
        // Hosts only: on firmware the general path is smaller (about 1 KiB).
        #[cfg(target_pointer_width = "64")]
        if let Some(padded) = padded_decimal(value, spec) {
            return padded.write(out);
        }
        let mut counter = Counter(0);
        // A counter never fails; a message whose Display fails is counted as far as it got.
        let _ = self.write_body(value, spec, 0, &mut counter);
        let pad = width.saturating_sub(counter.0);
        if pad == 0 {
            return self.write_body(value, spec, 0, out);
        }
        let (before, after) = match spec.align() {
            ALIGN_LEFT => (0, pad),
            ALIGN_CENTER => (pad / 2, pad - pad / 2),
            ALIGN_AFTER_SIGN => return self.write_body(value, spec, pad, out),
            _ => (pad, 0),
        };
        number::write_fill(out, spec.fill, before)?;
        self.write_body(value, spec, 0, out)?;
        number::write_fill(out, spec.fill, after)
    }
}

/// On 64-bit targets, a right-aligned decimal (`%(msecs)03d`, `%(lineno)5d`, `{process:>6d}`)
/// made in one buffer: fill and digits, written at once, without measuring
/// the value first as the general path does.
#[cfg(target_pointer_width = "64")]
struct PaddedDecimal {
    buf: [u8; 22],
    at: usize,
}

#[cfg(target_pointer_width = "64")]
impl PaddedDecimal {
    fn write(&self, out: &mut dyn Sink) -> fmt::Result {
        out.write_str(number::ascii(self.buf.get(self.at..).unwrap_or(&[])))
    }
}

/// The spec of `%(msecs)03d` (and `{msecs:03d}`), which 64-bit targets
/// write with [`write_three_digits`] (and host renderers with their own digits).
pub(crate) const MSECS_03D: Spec = match super::parse::percent("%(msecs)03d") {
    Ok(pieces) => match pieces.items[0] {
        super::Piece::Field { spec, .. } => spec,
        super::Piece::Literal { .. } => panic!("a field"),
    },
    Err(_) => panic!("a valid template"),
};

/// `n` (below 1000) as exactly three digits: what `%03d` writes for it.
#[cfg(target_pointer_width = "64")]
pub(crate) fn write_three_digits(n: u32, out: &mut dyn Sink) -> fmt::Result {
    let digits = [
        b'0' + (n / 100 % 10) as u8,
        b'0' + (n / 10 % 10) as u8,
        b'0' + (n % 10) as u8,
    ];
    out.write_str(number::ascii(&digits))
}

/// The value as a [`PaddedDecimal`] when `spec` asks for nothing but a width
/// that fits, an ASCII fill and right alignment (the values are never negative,
/// so after the sign is the same place).
#[cfg(target_pointer_width = "64")]
fn padded_decimal(value: Value<'_>, spec: Spec) -> Option<PaddedDecimal> {
    use super::spec::{ALIGN_RIGHT, ALT, HAS_PRECISION, PLUS, SPACE};
    let (Value::Integer(whole) | Value::Decimal(whole, _)) = value else {
        return None;
    };
    let width = usize::from(spec.width);
    if !matches!(spec.conv, Conv::Int)
        || spec.has(PLUS | SPACE | ALT | HAS_PRECISION | AS_TEXT)
        || !matches!(spec.align(), ALIGN_RIGHT | ALIGN_AFTER_SIGN)
        || !spec.fill.is_ascii()
        || width > 22
    {
        return None;
    }
    let mut padded = PaddedDecimal {
        buf: [spec.fill; 22],
        at: 0,
    };
    let digits = number::digits(whole, 10, false, &mut padded.buf);
    padded.at = digits.min(22 - width);
    Some(padded)
}
