//! Parsing both styles of format string into the formatter's fixed-capacity
//! list of pieces. Every check happens here, so rendering cannot fail on the
//! template itself.
//!
//! Everything here is a `const fn`, so a formatter built in a `const` item is
//! parsed (and its errors reported) by the compiler, and firmware carries no
//! parsing code at all. That is why the code uses `while` loops, byte
//! indexing and a local `tri!` instead of iterators, `str` slicing and `?`.

use super::field::{Field, Kind, unavailable_reason};
use super::spec::{
    ALIGN_AFTER_SIGN, ALIGN_CENTER, ALIGN_LEFT, ALIGN_RIGHT, ALT, AS_TEXT, Conv, HAS_PRECISION,
    PLUS, SPACE, Spec,
};
use super::{FormatError, FormatErrorKind, MAX_PIECES, Piece};

/// `?` for `const fn`.
macro_rules! tri {
    ($result:expr) => {
        match $result {
            Ok(value) => value,
            Err(err) => return Err(err),
        }
    };
}

/// The template as it is being built.
pub(crate) struct Pieces {
    pub(crate) items: [Piece; MAX_PIECES],
    pub(crate) len: u8,
    fields: usize,
}

const fn error(position: usize, kind: FormatErrorKind) -> FormatError {
    FormatError { position, kind }
}

/// Whether two byte strings are equal.
pub(crate) const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The first `byte` at or after `from`.
const fn find(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == byte {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `source[start..end]`, where both ends are next to ASCII delimiters
/// (`(`, `)`, `{`, `}`, `!`, `:`), so on char boundaries.
const fn sub(source: &'static str, start: usize, end: usize) -> &'static str {
    let (head, _) = source.as_bytes().split_at(end);
    let (_, middle) = head.split_at(start);
    // SAFETY: `source` is UTF-8 and both cuts are at char boundaries (every
    // caller cuts just after or just before an ASCII byte), so `middle` is
    // UTF-8 too. `from_utf8` would link a validator into every firmware that
    // parses at run time.
    unsafe { core::str::from_utf8_unchecked(middle) }
}

/// The character starting at byte `at`, or `'\0'` past the end or inside a character.
pub(crate) const fn char_at(bytes: &[u8], at: usize) -> char {
    if at >= bytes.len() {
        return '\0';
    }
    let first = bytes[at] as u32;
    let (len, mut code) = match first {
        0x00..=0x7f => return first as u8 as char,
        0xc0..=0xdf => (2, first & 0x1f),
        0xe0..=0xef => (3, first & 0x0f),
        0xf0..=0xf7 => (4, first & 0x07),
        _ => return '\0',
    };
    if at + len > bytes.len() {
        return '\0';
    }
    let mut i = 1;
    while i < len {
        code = (code << 6) | (bytes[at + i] as u32 & 0x3f);
        i += 1;
    }
    match char::from_u32(code) {
        Some(c) => c,
        None => '\0',
    }
}

impl Pieces {
    const fn new() -> Pieces {
        Pieces {
            items: [Piece::EMPTY; MAX_PIECES],
            len: 0,
            fields: 0,
        }
    }

    const fn push(&mut self, piece: Piece, at: usize) -> Result<(), FormatError> {
        if self.len as usize >= MAX_PIECES {
            return Err(error(at, FormatErrorKind::TooManyPieces));
        }
        self.items[self.len as usize] = piece;
        self.len += 1;
        if matches!(piece, Piece::Field { .. }) {
            self.fields += 1;
        }
        Ok(())
    }

    /// Adds the literal text `start..end` unless it is empty.
    const fn literal(&mut self, start: usize, end: usize) -> Result<(), FormatError> {
        if end == start {
            return Ok(());
        }
        // Both fit: the whole source is at most u16::MAX bytes long.
        let piece = Piece::Literal {
            start: start as u16,
            len: (end - start) as u16,
        };
        self.push(piece, start)
    }

    const fn finish(self) -> Result<Pieces, FormatError> {
        if self.fields == 0 {
            return Err(error(0, FormatErrorKind::NoFields));
        }
        Ok(self)
    }
}

const fn check_length(source: &str) -> Result<(), FormatError> {
    if source.len() > u16::MAX as usize {
        return Err(error(u16::MAX as usize, FormatErrorKind::TooLong));
    }
    Ok(())
}

/// The record field `name` (at byte `at`), or the error saying why not.
const fn field(name: &'static str, at: usize) -> Result<Field, FormatError> {
    if let Some(field) = Field::parse(name) {
        return Ok(field);
    }
    let kind = match unavailable_reason(name) {
        Some(reason) => FormatErrorKind::UnavailableField { name, reason },
        None => FormatErrorKind::UnknownField { name },
    };
    Err(error(at, kind))
}

/// Reads decimal digits from `at`, up to `end`; returns the value (at most 255)
/// and where the digits end.
const fn number(bytes: &[u8], at: usize, end: usize) -> Result<(u8, usize), FormatError> {
    let mut i = at;
    let mut value: u32 = 0;
    while i < end && bytes[i].is_ascii_digit() {
        value = value * 10 + (bytes[i] - b'0') as u32;
        if value > 255 {
            return Err(error(at, FormatErrorKind::NumberTooLarge));
        }
        i += 1;
    }
    Ok((value as u8, i))
}

/// Parses Python's %-style: `%(field)[flags][width][.precision]conv` and `%%`.
pub(crate) const fn percent(source: &'static str) -> Result<Pieces, FormatError> {
    tri!(check_length(source));
    let bytes = source.as_bytes();
    let mut pieces = Pieces::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        if i + 1 >= bytes.len() {
            return Err(error(i, FormatErrorKind::DanglingPercent));
        }
        match bytes[i + 1] {
            b'%' => {
                // Keep the first '%' in the literal, skip the second.
                tri!(pieces.literal(literal_start, i + 1));
                i += 2;
                literal_start = i;
            }
            b'(' => {
                tri!(pieces.literal(literal_start, i));
                let (piece, end) = tri!(percent_field(source, i));
                tri!(pieces.push(piece, i));
                i = end;
                literal_start = i;
            }
            _ => {
                let found = char_at(bytes, i + 1);
                return Err(error(i, FormatErrorKind::LonePercent { found }));
            }
        }
    }
    tri!(pieces.literal(literal_start, bytes.len()));
    pieces.finish()
}

/// One `%(...)...` field starting at `start`; returns it and the byte after it.
const fn percent_field(source: &'static str, start: usize) -> Result<(Piece, usize), FormatError> {
    let bytes = source.as_bytes();
    let name_start = start + 2;
    let Some(close) = find(bytes, name_start, b')') else {
        return Err(error(start, FormatErrorKind::Unterminated));
    };
    let name = sub(source, name_start, close);
    let field = tri!(field(name, name_start));

    let mut flags = 0;
    let (mut left, mut zero) = (false, false);
    let mut j = close + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'-' => left = true,
            b'0' => zero = true,
            b'+' => flags |= PLUS,
            b' ' => flags |= SPACE,
            b'#' => flags |= ALT,
            _ => break,
        }
        j += 1;
    }
    if j < bytes.len() && bytes[j] == b'*' {
        return Err(error(j, FormatErrorKind::BadSpec { found: '*' }));
    }
    let (width, after_width) = tri!(number(bytes, j, bytes.len()));
    j = after_width;
    let mut precision = 0;
    if j < bytes.len() && bytes[j] == b'.' {
        if j + 1 < bytes.len() && bytes[j + 1] == b'*' {
            return Err(error(j + 1, FormatErrorKind::BadSpec { found: '*' }));
        }
        // Python reads a bare '.' as precision 0.
        let (value, end) = tri!(number(bytes, j + 1, bytes.len()));
        precision = value;
        flags |= HAS_PRECISION;
        j = end;
    }
    if j >= bytes.len() {
        return Err(error(j, FormatErrorKind::MissingConversion));
    }
    let conversion = char_at(bytes, j);
    let kind = field.kind();
    let conv = match (conversion, kind) {
        ('s', Kind::Text) => Conv::Str,
        ('r', Kind::Text) => Conv::Repr,
        ('a', Kind::Text) => Conv::Ascii,
        ('s' | 'r' | 'a', Kind::Integer) => Conv::Int,
        ('s' | 'r' | 'a', Kind::Decimal) => Conv::Shortest,
        ('d' | 'i' | 'u', Kind::Integer | Kind::Decimal) => Conv::Int,
        ('x', Kind::Integer) => Conv::Hex,
        ('X', Kind::Integer) => Conv::HexUpper,
        ('o', Kind::Integer) => Conv::Octal,
        ('f' | 'F', Kind::Integer | Kind::Decimal) => Conv::Fixed,
        ('e', Kind::Integer | Kind::Decimal) => Conv::Exp,
        ('E', Kind::Integer | Kind::Decimal) => Conv::ExpUpper,
        ('d' | 'i' | 'u' | 'x' | 'X' | 'o' | 'f' | 'F' | 'e' | 'E', _) => {
            return Err(error(
                j,
                FormatErrorKind::ConversionMismatch {
                    field: name,
                    conversion,
                },
            ));
        }
        (found, _) => return Err(error(j, FormatErrorKind::BadConversion { found })),
    };
    let text = matches!(conversion, 's' | 'r' | 'a');
    if text {
        // str() of the value, then string formatting: no sign, no zeros.
        flags &= !(PLUS | SPACE | ALT);
        if !matches!(kind, Kind::Text) {
            flags |= AS_TEXT;
        }
    }
    let (align, fill) = if left {
        (ALIGN_LEFT, b' ')
    } else if zero && !text {
        (ALIGN_AFTER_SIGN, b'0')
    } else {
        (ALIGN_RIGHT, b' ')
    };
    let spec = Spec {
        flags: flags | align,
        fill,
        width,
        precision,
        conv,
    };
    Ok((Piece::Field { field, spec }, j + conversion.len_utf8()))
}

/// Parses Python's `str.format` style: `{field[!conv][:spec]}`, `{{`, `}}`.
pub(crate) const fn brace(source: &'static str) -> Result<Pieces, FormatError> {
    tri!(check_length(source));
    let bytes = source.as_bytes();
    let mut pieces = Pieces::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let doubled = i + 1 < bytes.len() && bytes[i + 1] == bytes[i];
        match bytes[i] {
            b'{' | b'}' if doubled => {
                tri!(pieces.literal(literal_start, i + 1));
                i += 2;
                literal_start = i;
            }
            b'}' => return Err(error(i, FormatErrorKind::LoneBrace)),
            b'{' => {
                tri!(pieces.literal(literal_start, i));
                let Some(close) = find(bytes, i + 1, b'}') else {
                    return Err(error(i, FormatErrorKind::Unterminated));
                };
                tri!(pieces.push(tri!(brace_field(source, i + 1, close)), i));
                i = close + 1;
                literal_start = i;
            }
            _ => i += 1,
        }
    }
    tri!(pieces.literal(literal_start, bytes.len()));
    pieces.finish()
}

/// The field between `{` (before `start`) and `}` (at `end`).
const fn brace_field(source: &'static str, start: usize, end: usize) -> Result<Piece, FormatError> {
    let bytes = source.as_bytes();
    if let Some(nested) = find(bytes, start, b'{')
        && nested < end
    {
        return Err(error(nested, FormatErrorKind::BadSpec { found: '{' }));
    }
    let mut name_end = start;
    while name_end < end && bytes[name_end] != b'!' && bytes[name_end] != b':' {
        name_end += 1;
    }
    let name = sub(source, start, name_end);
    let field = tri!(field(name, start));
    let mut j = name_end;
    let mut conversion = None;
    if j < end && bytes[j] == b'!' {
        let c = char_at(bytes, j + 1);
        if !matches!(c, 'r' | 's' | 'a') {
            return Err(error(j + 1, FormatErrorKind::BadConversion { found: c }));
        }
        conversion = Some(c);
        j += 2;
        if j < end && bytes[j] != b':' {
            let found = char_at(bytes, j);
            return Err(error(j, FormatErrorKind::BadSpec { found }));
        }
    }
    let spec_start = if j + 1 < end { j + 1 } else { end };
    let spec = tri!(brace_spec(bytes, spec_start, end, field, name, conversion));
    Ok(Piece::Field { field, spec })
}

const fn is_align(bytes: &[u8], at: usize, end: usize) -> bool {
    at < end && matches!(bytes[at], b'<' | b'>' | b'=' | b'^')
}

/// `[[fill]align][sign][#][0][width][.precision][type]` in `start..end`.
const fn brace_spec(
    bytes: &[u8],
    start: usize,
    end: usize,
    field: Field,
    name: &'static str,
    conversion: Option<char>,
) -> Result<Spec, FormatError> {
    let mut j = start;
    let mut fill = None;
    let mut align = None;
    let first = if j < end { char_at(bytes, j) } else { '\0' };
    if !first.is_ascii() && is_align(bytes, j + first.len_utf8(), end) {
        // A fill is one byte in the template; say so rather than misread it.
        return Err(error(j, FormatErrorKind::BadSpec { found: first }));
    }
    if j < end && is_align(bytes, j + 1, end) {
        fill = Some(bytes[j]);
        align = Some((bytes[j + 1], j + 1));
        j += 2;
    } else if is_align(bytes, j, end) {
        align = Some((bytes[j], j));
        j += 1;
    }
    // After a conversion the value is a string, whatever the field is.
    let kind = if conversion.is_some() {
        Kind::Text
    } else {
        field.kind()
    };
    let is_text = matches!(kind, Kind::Text);
    let mut flags = 0;
    if j < end && matches!(bytes[j], b'+' | b'-' | b' ') {
        if is_text {
            return Err(mismatch(j, name, bytes[j] as char));
        }
        flags |= match bytes[j] {
            b'+' => PLUS,
            b' ' => SPACE,
            _ => 0,
        };
        j += 1;
    }
    if j < end && bytes[j] == b'#' {
        if is_text {
            return Err(mismatch(j, name, '#'));
        }
        flags |= ALT;
        j += 1;
    }
    let zero = j < end && bytes[j] == b'0';
    if zero {
        j += 1;
    }
    let (width, after_width) = tri!(number(bytes, j, end));
    j = after_width;
    let mut precision = 0;
    let mut precision_at = None;
    if j < end && bytes[j] == b'.' {
        if !(j + 1 < end && bytes[j + 1].is_ascii_digit()) {
            let found = if j + 1 < end {
                char_at(bytes, j + 1)
            } else {
                '}'
            };
            return Err(error(j + 1, FormatErrorKind::BadSpec { found }));
        }
        let (value, after) = tri!(number(bytes, j + 1, end));
        precision = value;
        precision_at = Some(j);
        flags |= HAS_PRECISION;
        j = after;
    }
    let type_at = j;
    let ty = if j < end {
        let c = char_at(bytes, j);
        j += c.len_utf8();
        Some(c)
    } else {
        None
    };
    if j < end {
        let found = char_at(bytes, j);
        return Err(error(j, FormatErrorKind::BadSpec { found }));
    }
    let conv = match (kind, ty) {
        // repr() of a number is its str().
        (Kind::Text, None | Some('s')) => match (conversion, field.kind()) {
            (Some('r'), Kind::Text) => Conv::Repr,
            (Some('a'), Kind::Text) => Conv::Ascii,
            _ => Conv::Str,
        },
        (_, Some(found @ (',' | '_'))) => {
            return Err(error(type_at, FormatErrorKind::BadSpec { found }));
        }
        (Kind::Integer, None | Some('d')) => Conv::Int,
        (Kind::Integer, Some('x')) => Conv::Hex,
        (Kind::Integer, Some('X')) => Conv::HexUpper,
        (Kind::Integer, Some('o')) => Conv::Octal,
        (Kind::Decimal, None) => Conv::Shortest,
        // `{msecs:03d}`: Python refuses 'd' on its float fields; emlog
        // truncates, which is what such a format string means.
        (Kind::Decimal, Some('d')) => Conv::Int,
        (Kind::Integer | Kind::Decimal, Some('f' | 'F')) => Conv::Fixed,
        (Kind::Integer | Kind::Decimal, Some('e')) => Conv::Exp,
        (Kind::Integer | Kind::Decimal, Some('E')) => Conv::ExpUpper,
        (_, Some(c @ ('s' | 'd' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F'))) => {
            let kind = FormatErrorKind::ConversionMismatch {
                field: name,
                conversion: c,
            };
            return Err(error(type_at, kind));
        }
        (_, Some(found)) => {
            return Err(error(type_at, FormatErrorKind::BadConversion { found }));
        }
    };
    if let Some(at) = precision_at {
        let allowed = matches!(
            conv,
            Conv::Str | Conv::Repr | Conv::Ascii | Conv::Fixed | Conv::Exp | Conv::ExpUpper
        );
        if !allowed {
            return Err(mismatch(at, name, '.'));
        }
    }
    if is_text && !matches!(field.kind(), Kind::Text) {
        flags |= AS_TEXT;
    }
    let align = match align {
        Some((b'<', _)) => ALIGN_LEFT,
        Some((b'>', _)) => ALIGN_RIGHT,
        Some((b'^', _)) => ALIGN_CENTER,
        Some((_, at)) if is_text => return Err(mismatch(at, name, '=')),
        Some(_) => ALIGN_AFTER_SIGN,
        // Python 3.10+: '0' on a string pads with zeros on the right.
        None if zero && !is_text => ALIGN_AFTER_SIGN,
        None if is_text => ALIGN_LEFT,
        None => ALIGN_RIGHT,
    };
    let fill = match fill {
        Some(fill) => fill,
        None if zero => b'0',
        None => b' ',
    };
    Ok(Spec {
        flags: flags | align,
        fill,
        width,
        precision,
        conv,
    })
}

const fn mismatch(at: usize, field: &'static str, found: char) -> FormatError {
    error(at, FormatErrorKind::SpecMismatch { field, found })
}
