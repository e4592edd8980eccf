//! Which rendering code a formatter uses, chosen from its template.
//!
//! A template is data, so a formatter that could meet any field must link the
//! code for every field: `asctime`'s calendar, decimal digits for `created`,
//! `repr()` escaping. Instead the constructors pick, from what the template
//! actually uses, the functions it needs, and `None` for the others. A
//! formatter built in a `const` item is built by the compiler, so only the
//! functions it chose reach the firmware: a
//! `%(levelname)s:%(name)s:%(message)s` formatter carries no calendar. A
//! formatter parsed at run time names every table and links everything.

use core::fmt;

use super::field::{Field, Kind, Value};
use super::number::{self, Number};
use super::render::{self, Context};
use super::spec::{Conv, Spec};
use super::{Piece, Sink, Template};
use crate::{Record, Timestamp};

pub(crate) type Renderer = fn(&Template<'_>, &Record<'_>, &mut dyn Sink) -> fmt::Result;
pub(crate) type AscTime = fn(&Context, Timestamp, &mut dyn Sink) -> fmt::Result;
pub(crate) type Decimal = fn(&mut dyn Sink, Number, Spec) -> fmt::Result;
pub(crate) type Repr = fn(&Context, Value<'_>, bool, &mut dyn Sink) -> fmt::Result;

/// The functions one formatter renders with: `None` where its template
/// has no such field or conversion (then nothing calls it).
#[doc(hidden)]
#[derive(Debug)]
pub struct Parts {
    pub(crate) render: Renderer,
    /// The formatter's own renderer, for one that
    /// [`formatter!`](crate::formatter!) compiled (`render` then runs it too).
    pub(crate) compiled: Option<super::compiled::Render>,
    pub(crate) asctime: Option<AscTime>,
    pub(crate) decimal: Option<Decimal>,
    pub(crate) repr: Option<Repr>,
}

/// `%(message)s` alone: no template walk at all.
fn message(_: &Template<'_>, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
    record.args.write_to_sink(out)
}

/// A template whose fields are all plain `name`, `levelname` and `message`
/// (Python's BASIC_FORMAT and its like): a walk that links no field table, no
/// padding and no number code.
fn plain(formatter: &Template<'_>, record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
    for piece in formatter.pieces() {
        // One `write_str` call for the text pieces keeps the walk small.
        let text = match *piece {
            Piece::Literal { start, len } => formatter.literal(start, len),
            Piece::Field {
                field: Field::Name, ..
            } => record.logger,
            Piece::Field {
                field: Field::LevelName,
                ..
            } => {
                render::write_level_name(record.level, out)?;
                continue;
            }
            // `for_template` picks this renderer only when the other fields are `message`.
            Piece::Field { .. } => {
                record.args.write_to_sink(out)?;
                continue;
            }
        };
        out.write_str(text)?;
    }
    Ok(())
}

/// Any other template: the general renderer.
fn render_template(
    template: &Template<'_>,
    record: &Record<'_>,
    out: &mut dyn Sink,
) -> fmt::Result {
    template.render_template(record, out)
}

/// `%(message)s` alone.
pub(crate) const MESSAGE_ONLY: Parts = text_parts(message);

/// Python's BASIC_FORMAT and other templates of plain name, levelname and message.
const PLAIN: Parts = text_parts(plain);

const fn text_parts(render: Renderer) -> Parts {
    Parts {
        render,
        compiled: None,
        asctime: None,
        decimal: None,
        repr: None,
    }
}

macro_rules! template_parts {
    ($($name:ident = $asctime:expr, $decimal:expr, $repr:expr;)*) => {
        $(const $name: Parts = Parts {
            render: render_template,
            compiled: None,
            asctime: $asctime,
            decimal: $decimal,
            repr: $repr,
        };)*
    };
}

template_parts! {
    TEXT = None, None, None;
    TEXT_REPR = None, None, Some(render::write_repr);
    DECIMAL = None, Some(number::write_decimal), None;
    DECIMAL_REPR = None, Some(number::write_decimal), Some(render::write_repr);
    ASCTIME = Some(render::write_asctime), None, None;
    ASCTIME_REPR = Some(render::write_asctime), None, Some(render::write_repr);
    ASCTIME_DECIMAL = Some(render::write_asctime), Some(number::write_decimal), None;
    ALL = Some(render::write_asctime), Some(number::write_decimal), Some(render::write_repr);
}

/// The parts a template needs.
pub(crate) const fn for_template(pieces: &[Piece]) -> &'static Parts {
    let (mut asctime, mut decimal, mut repr) = (false, false, false);
    let mut plain_fields = true;
    let mut i = 0;
    while i < pieces.len() {
        if let Piece::Field { field, spec } = pieces[i] {
            plain_fields &= spec.is_plain_text()
                && matches!(field, Field::Name | Field::LevelName | Field::Message);
            asctime |= matches!(field, Field::AscTime);
            decimal |= matches!(field.kind(), Kind::Decimal)
                || matches!(spec.conv, Conv::Fixed | Conv::Exp | Conv::ExpUpper);
            repr |= matches!(spec.conv, Conv::Repr | Conv::Ascii);
        }
        i += 1;
    }
    if plain_fields {
        return &PLAIN;
    }
    match (asctime, decimal, repr) {
        (false, false, false) => &TEXT,
        (false, false, true) => &TEXT_REPR,
        (false, true, false) => &DECIMAL,
        (false, true, true) => &DECIMAL_REPR,
        (true, false, false) => &ASCTIME,
        (true, false, true) => &ASCTIME_REPR,
        (true, true, false) => &ASCTIME_DECIMAL,
        (true, true, true) => &ALL,
    }
}
