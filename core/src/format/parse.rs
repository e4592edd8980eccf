//! Parsing both styles of format string into the formatter's fixed-capacity
//! list of pieces. Every check happens here, so rendering cannot fail on the
//! template itself.

use super::field::{Field, Kind, unavailable_reason};
use super::spec::{
    ALIGN_AFTER_SIGN, ALIGN_CENTER, ALIGN_LEFT, ALIGN_RIGHT, ALT, AS_TEXT, Conv, HAS_PRECISION,
    PLUS, SPACE, Spec,
};
use super::{FormatError, FormatErrorKind, MAX_PIECES, Piece};

/// The template as it is being built.
pub(crate) struct Pieces {
    pub(crate) items: [Piece; MAX_PIECES],
    pub(crate) len: u8,
    fields: usize,
}

fn error(position: usize, kind: FormatErrorKind) -> FormatError {
    FormatError { position, kind }
}

impl Pieces {
    fn new() -> Pieces {
        Pieces {
            items: [Piece::EMPTY; MAX_PIECES],
            len: 0,
            fields: 0,
        }
    }

    fn push(&mut self, piece: Piece, at: usize) -> Result<(), FormatError> {
        let slot = self
            .items
            .get_mut(usize::from(self.len))
            .ok_or(error(at, FormatErrorKind::TooManyPieces))?;
        *slot = piece;
        self.len += 1;
        if matches!(piece, Piece::Field { .. }) {
            self.fields += 1;
        }
        Ok(())
    }

    /// Adds the literal text `start..end` unless it is empty.
    fn literal(&mut self, start: usize, end: usize) -> Result<(), FormatError> {
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

    fn finish(self) -> Result<Pieces, FormatError> {
        if self.fields == 0 {
            return Err(error(0, FormatErrorKind::NoFields));
        }
        Ok(self)
    }
}

fn check_length(source: &str) -> Result<(), FormatError> {
    if source.len() > usize::from(u16::MAX) {
        return Err(error(usize::from(u16::MAX), FormatErrorKind::TooLong));
    }
    Ok(())
}

/// The record field `name` (at byte `at`), or the error saying why not.
fn field(name: &'static str, at: usize) -> Result<Field, FormatError> {
    Field::parse(name).ok_or_else(|| {
        let kind = match unavailable_reason(name) {
            Some(reason) => FormatErrorKind::UnavailableField { name, reason },
            None => FormatErrorKind::UnknownField { name },
        };
        error(at, kind)
    })
}

fn char_at(source: &str, at: usize) -> char {
    source
        .get(at..)
        .and_then(|s| s.chars().next())
        .unwrap_or('\0')
}

/// Reads decimal digits from `at`; returns the value (at most 255) and where they end.
fn number(source: &str, at: usize) -> Result<(u8, usize), FormatError> {
    let bytes = source.as_bytes();
    let mut end = at;
    let mut value: u32 = 0;
    while let Some(&d) = bytes.get(end).filter(|d| d.is_ascii_digit()) {
        value = value * 10 + u32::from(d - b'0');
        if value > 255 {
            return Err(error(at, FormatErrorKind::NumberTooLarge));
        }
        end += 1;
    }
    Ok((value as u8, end))
}

/// Parses Python's %-style: `%(field)[flags][width][.precision]conv` and `%%`.
pub(crate) fn percent(source: &'static str) -> Result<Pieces, FormatError> {
    check_length(source)?;
    let bytes = source.as_bytes();
    let mut pieces = Pieces::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            None => return Err(error(i, FormatErrorKind::DanglingPercent)),
            Some(b'%') => {
                // Keep the first '%' in the literal, skip the second.
                pieces.literal(literal_start, i + 1)?;
                i += 2;
                literal_start = i;
            }
            Some(b'(') => {
                pieces.literal(literal_start, i)?;
                let (piece, end) = percent_field(source, i)?;
                pieces.push(piece, i)?;
                i = end;
                literal_start = i;
            }
            Some(_) => {
                let found = char_at(source, i + 1);
                return Err(error(i, FormatErrorKind::LonePercent { found }));
            }
        }
    }
    pieces.literal(literal_start, bytes.len())?;
    pieces.finish()
}

/// One `%(...)...` field starting at `start`; returns it and the byte after it.
fn percent_field(source: &'static str, start: usize) -> Result<(Piece, usize), FormatError> {
    let bytes = source.as_bytes();
    let name_start = start + 2;
    let close = source[name_start..]
        .find(')')
        .ok_or(error(start, FormatErrorKind::Unterminated))?
        + name_start;
    let name = &source[name_start..close];
    let field = field(name, name_start)?;

    let mut flags = 0;
    let (mut left, mut zero) = (false, false);
    let mut j = close + 1;
    while let Some(&flag) = bytes.get(j) {
        match flag {
            b'-' => left = true,
            b'0' => zero = true,
            b'+' => flags |= PLUS,
            b' ' => flags |= SPACE,
            b'#' => flags |= ALT,
            _ => break,
        }
        j += 1;
    }
    if bytes.get(j) == Some(&b'*') {
        return Err(error(j, FormatErrorKind::BadSpec { found: '*' }));
    }
    let (width, after_width) = number(source, j)?;
    j = after_width;
    let mut precision = 0;
    if bytes.get(j) == Some(&b'.') {
        if bytes.get(j + 1) == Some(&b'*') {
            return Err(error(j + 1, FormatErrorKind::BadSpec { found: '*' }));
        }
        // Python reads a bare '.' as precision 0.
        let (value, end) = number(source, j + 1)?;
        precision = value;
        flags |= HAS_PRECISION;
        j = end;
    }
    if j >= bytes.len() {
        return Err(error(j, FormatErrorKind::MissingConversion));
    }
    let conversion = char_at(source, j);
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
        if kind != Kind::Text {
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
pub(crate) fn brace(source: &'static str) -> Result<Pieces, FormatError> {
    check_length(source)?;
    let bytes = source.as_bytes();
    let mut pieces = Pieces::new();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                pieces.literal(literal_start, i + 1)?;
                i += 2;
                literal_start = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                pieces.literal(literal_start, i + 1)?;
                i += 2;
                literal_start = i;
            }
            b'}' => return Err(error(i, FormatErrorKind::LoneBrace)),
            b'{' => {
                pieces.literal(literal_start, i)?;
                let close = source[i + 1..]
                    .find('}')
                    .ok_or(error(i, FormatErrorKind::Unterminated))?
                    + i
                    + 1;
                pieces.push(brace_field(source, i + 1, close)?, i)?;
                i = close + 1;
                literal_start = i;
            }
            _ => i += 1,
        }
    }
    pieces.literal(literal_start, bytes.len())?;
    pieces.finish()
}

/// The field between `{` (before `start`) and `}` (at `end`).
fn brace_field(source: &'static str, start: usize, end: usize) -> Result<Piece, FormatError> {
    let inner = &source[start..end];
    if let Some(nested) = inner.find('{') {
        return Err(error(
            start + nested,
            FormatErrorKind::BadSpec { found: '{' },
        ));
    }
    let name_end = inner.find(['!', ':']).map_or(end, |k| start + k);
    let name = &source[start..name_end];
    let field = field(name, start)?;
    let bytes = source.as_bytes();
    let mut j = name_end;
    let mut conversion = None;
    if bytes.get(j) == Some(&b'!') {
        let c = char_at(source, j + 1);
        if !matches!(c, 'r' | 's' | 'a') {
            return Err(error(j + 1, FormatErrorKind::BadConversion { found: c }));
        }
        conversion = Some(c);
        j += 2;
        if j < end && bytes[j] != b':' {
            return Err(error(
                j,
                FormatErrorKind::BadSpec {
                    found: char_at(source, j),
                },
            ));
        }
    }
    let spec_start = (j + 1).min(end);
    let spec = brace_spec(source, spec_start, end, field, name, conversion)?;
    Ok(Piece::Field { field, spec })
}

/// `[[fill]align][sign][#][0][width][.precision][type]` in `start..end`.
fn brace_spec(
    source: &'static str,
    start: usize,
    end: usize,
    field: Field,
    name: &'static str,
    conversion: Option<char>,
) -> Result<Spec, FormatError> {
    let bytes = &source.as_bytes()[..end];
    let is_align = |b: Option<&u8>| matches!(b, Some(b'<' | b'>' | b'=' | b'^'));
    let mut j = start;
    let mut fill = None;
    let mut align = None;
    let first = char_at(&source[..end], j);
    if !first.is_ascii() && is_align(bytes.get(j + first.len_utf8())) {
        // A fill is one byte in the template; say so rather than misread it.
        return Err(error(j, FormatErrorKind::BadSpec { found: first }));
    }
    if is_align(bytes.get(j + 1)) && bytes[j].is_ascii() {
        fill = Some(bytes[j]);
        align = Some((bytes[j + 1], j + 1));
        j += 2;
    } else if is_align(bytes.get(j)) {
        align = Some((bytes[j], j));
        j += 1;
    }
    // After a conversion the value is a string, whatever the field is.
    let kind = if conversion.is_some() {
        Kind::Text
    } else {
        field.kind()
    };
    let mismatch =
        |at: usize, found: char| error(at, FormatErrorKind::SpecMismatch { field: name, found });
    let mut flags = 0;
    match bytes.get(j) {
        Some(b'+') => flags |= PLUS,
        Some(b' ') => flags |= SPACE,
        _ => {}
    }
    if matches!(bytes.get(j), Some(b'+' | b'-' | b' ')) {
        if kind == Kind::Text {
            return Err(mismatch(j, char::from(bytes[j])));
        }
        j += 1;
    }
    if bytes.get(j) == Some(&b'#') {
        if kind == Kind::Text {
            return Err(mismatch(j, '#'));
        }
        flags |= ALT;
        j += 1;
    }
    let zero = bytes.get(j) == Some(&b'0');
    if zero {
        j += 1;
    }
    let (width, after_width) = number(source, j)?;
    j = after_width.min(end);
    let mut precision = 0;
    let mut precision_at = None;
    if bytes.get(j) == Some(&b'.') {
        if !bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
            return Err(error(
                j + 1,
                FormatErrorKind::BadSpec {
                    found: char_at(&source[..end], j + 1),
                },
            ));
        }
        let (value, after) = number(source, j + 1)?;
        precision = value;
        precision_at = Some(j);
        flags |= HAS_PRECISION;
        j = after;
    }
    let type_at = j;
    let ty = (j < end).then(|| char_at(source, j));
    if let Some(c) = ty {
        j += c.len_utf8();
    }
    if j < end {
        let found = char_at(source, j);
        return Err(error(j, FormatErrorKind::BadSpec { found }));
    }
    let bad_type = |c: char| match c {
        's' | 'd' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' => {
            FormatErrorKind::ConversionMismatch {
                field: name,
                conversion: c,
            }
        }
        found => FormatErrorKind::BadConversion { found },
    };
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
        (_, Some(c)) => return Err(error(type_at, bad_type(c))),
    };
    if let Some(at) = precision_at {
        let allowed = matches!(
            conv,
            Conv::Str | Conv::Repr | Conv::Ascii | Conv::Fixed | Conv::Exp | Conv::ExpUpper
        );
        if !allowed {
            return Err(mismatch(at, '.'));
        }
    }
    if kind == Kind::Text && field.kind() != Kind::Text {
        flags |= AS_TEXT;
    }
    let align = match align {
        Some((b'<', _)) => ALIGN_LEFT,
        Some((b'>', _)) => ALIGN_RIGHT,
        Some((b'^', _)) => ALIGN_CENTER,
        Some((_, at)) if kind == Kind::Text => return Err(mismatch(at, '=')),
        Some(_) => ALIGN_AFTER_SIGN,
        // Python 3.10+: '0' on a string pads with zeros on the right.
        None if zero && kind != Kind::Text => ALIGN_AFTER_SIGN,
        None if kind == Kind::Text => ALIGN_LEFT,
        None => ALIGN_RIGHT,
    };
    let fill = fill.unwrap_or(if zero { b'0' } else { b' ' });
    Ok(Spec {
        flags: flags | align,
        fill,
        width,
        precision,
        conv,
    })
}
