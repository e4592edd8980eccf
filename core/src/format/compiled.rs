//! Templates compiled into code: [`formatter!`](crate::formatter!) gives
//! each formatter it builds a renderer of its own, in which the compiler has
//! already walked the pieces. What is left is the writes themselves, one
//! after the other: a literal is a `write_str` of text whose place and length
//! are constants, a plain `name` or `levelname` one `write_str` of the
//! record's text, and every other field the same code the general renderer
//! runs for it (padding, conversions, `asctime`), without the walk, the
//! match on each piece's kind or the look-up of its text.
//!
//! A formatter built at run time (or in a `const` item without the macro)
//! renders with the walk of [`parts`](super::parts), as before.

use core::fmt;
use core::marker::PhantomData;

use super::field::Field;
use super::{Formatter, Piece, Sink, Template, parts::Parts, render};
use crate::Record;
use crate::message::SinkWrite;

/// A formatter whose pieces the compiler knows: `FORMATTER` is a constant.
/// Implemented by the type each [`formatter!`](crate::formatter!) defines.
#[doc(hidden)]
pub trait Compiled<const N: usize> {
    /// The formatter, with `render` (for this very type) as its renderer.
    const FORMATTER: &'static Formatter<N>;
}

/// Piece `I` of a compiled formatter, found by the compiler.
struct At<C, const N: usize, const I: usize>(PhantomData<C>);

impl<C: Compiled<N>, const N: usize, const I: usize> At<C, N, I> {
    const PIECE: Option<Piece> = if I < N {
        Some(C::FORMATTER.pieces[I])
    } else {
        None
    };
}

/// A compiled formatter's renderer.
pub(crate) type Render = fn(&Record<'_>, &mut dyn Sink) -> fmt::Result;

impl Formatter {
    /// This formatter, fitted to its `M` pieces, rendering with `parts`
    /// (those of [`compiled_parts`](Self::compiled_parts)): what
    /// [`formatter!`](crate::formatter!) keeps.
    #[doc(hidden)]
    pub const fn compiled<const M: usize>(&self, parts: &'static Parts) -> Formatter<M> {
        let mut fitted = self.fitted::<M>();
        fitted.head.context.parts = parts;
        fitted
    }

    /// The parts of the compiled formatter `C`: its own renderer (also as
    /// the walk, so that rendering through the formatter links no walk),
    /// and for its other fields the code this formatter's template chose.
    #[doc(hidden)]
    pub const fn compiled_parts<C: Compiled<M>, const M: usize>(&self) -> Parts {
        let chosen = self.head.context.parts;
        Parts {
            render: render_template::<C, M>,
            compiled: Some(render::<C, M>),
            asctime: chosen.asctime,
            decimal: chosen.decimal,
            repr: chosen.repr,
        }
    }
}

/// The renderer of the compiled formatter `C`: each of its pieces in turn
/// (up to [`MAX_PIECES`](super::MAX_PIECES); the steps past its last piece
/// are empty and vanish).
fn render<C: Compiled<N>, const N: usize>(record: &Record<'_>, out: &mut dyn Sink) -> fmt::Result {
    macro_rules! pieces {
        ($($i:literal)*) => {
            $(piece::<C, N, $i>(record, out)?;)*
        };
    }
    pieces!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
    const _: () = assert!(super::MAX_PIECES == 24, "a step for every piece");
    Ok(())
}

/// [`render`] with the signature of a walk.
fn render_template<C: Compiled<N>, const N: usize>(
    _: &Template<'_>,
    record: &Record<'_>,
    out: &mut dyn Sink,
) -> fmt::Result {
    render::<C, N>(record, out)
}

/// Piece `I` of `C`, if it has one.
#[inline(always)]
fn piece<C: Compiled<N>, const N: usize, const I: usize>(
    record: &Record<'_>,
    out: &mut dyn Sink,
) -> fmt::Result {
    let Some(piece) = At::<C, N, I>::PIECE else {
        return Ok(());
    };
    let template = C::FORMATTER.template();
    match piece {
        Piece::Literal { start, len } => out.write_str(template.literal(start, len)),
        Piece::Field { field, spec } if spec.is_plain_text() => match field {
            Field::Name => out.write_str(record.logger),
            Field::LevelName => render::write_level_name(record.level, out),
            Field::Message => record.args.write_to_sink(out),
            _ => template.render_piece(piece, record, &mut SinkWrite(out), &mut None),
        },
        Piece::Field { .. } => template.render_piece(piece, record, &mut SinkWrite(out), &mut None),
    }
}
