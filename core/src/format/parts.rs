//! Which rendering code a formatter uses, chosen from its template.
//!
//! A template is data, so a formatter that could meet any field must link the
//! code for every field: `asctime`'s calendar, decimal digits for `created`,
//! `repr()` escaping. Instead the constructors pick, from what the template
//! actually uses, a table of functions where the unused parts are stubs. A
//! formatter built in a `const` item is built by the compiler, so only the
//! table it chose, and the code that table names, reaches the firmware: a
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
pub(crate) type AscTime = fn(&Context, Timestamp, &mut dyn fmt::Write) -> fmt::Result;
pub(crate) type Decimal = fn(&mut dyn fmt::Write, Number, Spec) -> fmt::Result;
pub(crate) type Repr = fn(&Context, Value<'_>, bool, &mut dyn fmt::Write) -> fmt::Result;

/// The functions one formatter renders with.
#[doc(hidden)]
#[derive(Debug)]
pub struct Parts {
    pub(crate) render: Renderer,
    pub(crate) asctime: AscTime,
    pub(crate) decimal: Decimal,
    pub(crate) repr: Repr,
}

// The stubs stand where the template has no such field or conversion, so
// they are never called; they write nothing rather than panic.
fn no_asctime(_: &Context, _: Timestamp, _: &mut dyn fmt::Write) -> fmt::Result {
    Ok(())
}

fn no_decimal(_: &mut dyn fmt::Write, _: Number, _: Spec) -> fmt::Result {
    Ok(())
}

fn no_repr(_: &Context, _: Value<'_>, _: bool, _: &mut dyn fmt::Write) -> fmt::Result {
    Ok(())
}

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

/// Python's BASIC_FORMAT and other templates of plain name, levelname and message.
const PLAIN: Parts = Parts {
    render: plain,
    asctime: no_asctime,
    decimal: no_decimal,
    repr: no_repr,
};

/// `%(message)s` alone: no template walk at all.
pub(crate) const MESSAGE_ONLY: Parts = Parts {
    render: message,
    asctime: no_asctime,
    decimal: no_decimal,
    repr: no_repr,
};

macro_rules! template_parts {
    ($($name:ident = $asctime:expr, $decimal:expr, $repr:expr;)*) => {
        $(const $name: Parts = Parts {
            render: render_template,
            asctime: $asctime,
            decimal: $decimal,
            repr: $repr,
        };)*
    };
}

template_parts! {
    TEXT = no_asctime, no_decimal, no_repr;
    TEXT_REPR = no_asctime, no_decimal, render::write_repr;
    DECIMAL = no_asctime, number::write_decimal, no_repr;
    DECIMAL_REPR = no_asctime, number::write_decimal, render::write_repr;
    ASCTIME = render::write_asctime, no_decimal, no_repr;
    ASCTIME_REPR = render::write_asctime, no_decimal, render::write_repr;
    ASCTIME_DECIMAL = render::write_asctime, number::write_decimal, no_repr;
    ALL = render::write_asctime, number::write_decimal, render::write_repr;
}

/// The parts a template needs.
pub(crate) const fn for_template(pieces: &[Piece]) -> &'static Parts {
    let (mut asctime, mut decimal, mut repr) = (false, false, false);
    let mut plain = true;
    let mut i = 0;
    while i < pieces.len() {
        if let Piece::Field { field, spec } = pieces[i] {
            plain &= spec.is_plain_text()
                && matches!(field, Field::Name | Field::LevelName | Field::Message);
            asctime |= matches!(field, Field::AscTime);
            decimal |= matches!(field.kind(), Kind::Decimal)
                || matches!(spec.conv, Conv::Fixed | Conv::Exp | Conv::ExpUpper);
            repr |= matches!(spec.conv, Conv::Repr | Conv::Ascii);
        }
        i += 1;
    }
    if plain {
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
