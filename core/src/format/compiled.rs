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
use crate::level::{NAME_ENDS, NAMES};

/// A formatter whose pieces the compiler knows: `FORMATTER` is a constant.
/// Implemented by the type each [`formatter!`](crate::formatter!) defines.
#[doc(hidden)]
pub trait Compiled<const N: usize> {
    /// The formatter, with `render` (for this very type) as its renderer.
    const FORMATTER: &'static Formatter<N>;
    /// The level names, each followed by the literal that follows
    /// `levelname` in the template ([`Formatter::level_text`]), or empty.
    const LEVEL_TEXT: &'static str;
}

/// Piece `I` of a compiled formatter, found by the compiler.
struct At<C, const N: usize, const I: usize>(PhantomData<C>);

impl<C: Compiled<N>, const N: usize, const I: usize> At<C, N, I> {
    const PIECE: Option<Piece> = if I < N {
        Some(C::FORMATTER.pieces[I])
    } else {
        None
    };
    /// This piece is the `levelname` written with the literal after it.
    const WITH_NEXT: bool = matches!(C::FORMATTER.level_pair(), Some((at, _)) if at == I);
    /// This piece is that literal, already written.
    const WITH_PREVIOUS: bool = matches!(C::FORMATTER.level_pair(), Some((at, _)) if at + 1 == I);
    /// The literal after this piece, if it is one (else empty).
    const NEXT_LITERAL: (u16, u16) = match C::FORMATTER.template().pieces {
        pieces if I + 1 < pieces.len() => match pieces[I + 1] {
            Piece::Literal { start, len } => (start, len),
            Piece::Field { .. } => (0, 0),
        },
        _ => (0, 0),
    };
    /// This piece's text if it is a literal of at most [`SHORT_LITERAL`]
    /// bytes (else empty), as text of its own: see [`short_bytes`].
    const SHORT: &'static str = short_text(&Self::SHORT_ARRAY, Self::SHORT_BYTES.1);
    const SHORT_ARRAY: [u8; SHORT_LITERAL] = Self::SHORT_BYTES.0;
    const SHORT_BYTES: ([u8; SHORT_LITERAL], usize) = match Self::PIECE {
        Some(Piece::Literal { start, len }) => short_bytes(C::FORMATTER.source(), start, len),
        _ => ([0; SHORT_LITERAL], 0),
    };
    /// The same for the literal after this piece.
    const NEXT_SHORT: &'static str = short_text(&Self::NEXT_ARRAY, Self::NEXT_BYTES.1);
    const NEXT_ARRAY: [u8; SHORT_LITERAL] = Self::NEXT_BYTES.0;
    const NEXT_BYTES: ([u8; SHORT_LITERAL], usize) = short_bytes(
        C::FORMATTER.source(),
        Self::NEXT_LITERAL.0,
        Self::NEXT_LITERAL.1,
    );
    /// Each level slot's run of `C::LEVEL_TEXT` (its name and the literal
    /// after it), as its start and its length times 256: one load gives
    /// both, and a length of zero says the slot has no name.
    const LEVEL_RUNS: [u16; 11] = match C::FORMATTER.level_pair() {
        Some((_, literal)) => level_runs(level_ends(literal)),
        None => [0; 11],
    };
    /// Checked by the compiler, whoever implemented `Compiled`: every run
    /// of `LEVEL_RUNS` is in bounds of `C::LEVEL_TEXT` and on char
    /// boundaries.
    const LEVEL_RUNS_FIT: () = if Self::WITH_NEXT {
        let (text, runs) = (C::LEVEL_TEXT, Self::LEVEL_RUNS);
        let mut k = 0;
        while k < runs.len() {
            let (start, end) = (
                (runs[k] & 0xFF) as usize,
                ((runs[k] & 0xFF) + (runs[k] >> 8)) as usize,
            );
            assert!(
                end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end),
                "LEVEL_TEXT is the formatter's level_text"
            );
            k += 1;
        }
    };
}

/// The longest literal a compiled renderer writes from text of its own
/// rather than from the format string: the separators (`:`, ` - `) of
/// most formats. A format whose literals are all this short (or written
/// with the level name) keeps no copy of its format string in flash.
const SHORT_LITERAL: usize = 4;

/// Bytes `start..start + len` of `source` and their count, if at most
/// [`SHORT_LITERAL`] (else none), to be kept as a constant of their own: a
/// slice of `source` would keep all of `source`.
const fn short_bytes(source: &'static str, start: u16, len: u16) -> ([u8; SHORT_LITERAL], usize) {
    let (start, len) = (start as usize, len as usize);
    let mut bytes = [0; SHORT_LITERAL];
    if len > SHORT_LITERAL || start + len > source.len() {
        return (bytes, 0);
    }
    let mut k = 0;
    while k < len {
        bytes[k] = source.as_bytes()[start + k];
        k += 1;
    }
    (bytes, len)
}

/// The text of [`short_bytes`].
const fn short_text(bytes: &'static [u8; SHORT_LITERAL], len: usize) -> &'static str {
    match core::str::from_utf8(bytes.split_at(len).0) {
        Ok(text) => text,
        // The parsers cut literals next to ASCII bytes only.
        Err(_) => panic!("a literal is whole characters"),
    }
}

/// The longest literal written together with the level name before it: a
/// name and its literal cost a byte of flash each per named level (7), so
/// longer literals are written on their own.
const MAX_LEVEL_LITERAL: usize = 4;

/// The runs between `ends` (as `level::NAME_ENDS`), each as its start and
/// its length times 256.
const fn level_runs(ends: [u8; 12]) -> [u16; 11] {
    let mut runs = [0; 11];
    let mut slot = 0;
    while slot < runs.len() {
        runs[slot] = ends[slot] as u16 | ((ends[slot + 1] - ends[slot]) as u16) << 8;
        slot += 1;
    }
    runs
}

/// `level::NAME_ENDS` for names each followed by `literal` bytes.
const fn level_ends(literal: usize) -> [u8; 12] {
    let mut ends = NAME_ENDS;
    let mut named = 0;
    let mut slot = 1;
    while slot < ends.len() {
        if NAME_ENDS[slot] != NAME_ENDS[slot - 1] {
            named += 1;
        }
        ends[slot] += (named * literal) as u8;
        slot += 1;
    }
    ends
}

impl<const N: usize> Formatter<N> {
    /// The first plain `levelname` followed by a literal of at most
    /// [`MAX_LEVEL_LITERAL`] bytes: its index and the literal's length.
    const fn level_pair(&self) -> Option<(usize, usize)> {
        let pieces = self.template().pieces;
        let mut i = 0;
        while i + 1 < pieces.len() {
            if let (
                Piece::Field {
                    field: Field::LevelName,
                    spec,
                },
                Piece::Literal { len, .. },
            ) = (pieces[i], pieces[i + 1])
                && spec.is_plain_text()
                && len as usize <= MAX_LEVEL_LITERAL
            {
                return Some((i, len as usize));
            }
            i += 1;
        }
        None
    }

    /// The length of [`level_text`](Self::level_text).
    #[doc(hidden)]
    pub const fn level_text_len(&self) -> usize {
        match self.level_pair() {
            Some((_, literal)) => NAMES.len() + 7 * literal,
            None => 0,
        }
    }

    /// Every level name followed by the literal after the template's
    /// `levelname` ([`Compiled::LEVEL_TEXT`]): `"NOTSET:TRACE:…CRITICAL:"`
    /// for `%(levelname)s:%(name)s`, so that a record's name and that
    /// literal are one write.
    #[doc(hidden)]
    pub const fn level_text<const M: usize>(&self) -> [u8; M] {
        let mut text = [0; M];
        let Some((at, _)) = self.level_pair() else {
            return text;
        };
        let Piece::Literal { start, len } = self.pieces[at + 1] else {
            return text;
        };
        let source = self.head.source.as_bytes();
        let ends = level_ends(len as usize);
        let mut slot = 0;
        while slot + 1 < NAME_ENDS.len() {
            let (from, to) = (NAME_ENDS[slot] as usize, NAME_ENDS[slot + 1] as usize);
            let mut out = ends[slot] as usize;
            let mut j = from;
            while j < to {
                text[out] = NAMES[j];
                out += 1;
                j += 1;
            }
            if from != to {
                let mut k = 0;
                while k < len as usize {
                    text[out] = source[start as usize + k];
                    out += 1;
                    k += 1;
                }
            }
            slot += 1;
        }
        text
    }
}

/// A handler's renderer ([`Rendering`](super::Rendering)): a compiled
/// formatter's own, which ignores the rendering it is given.
pub(crate) type Render = fn(&super::Rendering<'_>, &Record<'_>, &mut dyn Sink) -> fmt::Result;

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
            compiled: Some(render_rendering::<C, M>),
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
            $(
                // The last piece's result is the renderer's: a tail call.
                if $i + 1 == N {
                    return piece::<C, N, $i>(record, out);
                }
                piece::<C, N, $i>(record, out)?;
            )*
        };
    }
    pieces!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23);
    const _: () = assert!(super::MAX_PIECES == 24, "a step for every piece");
    Ok(())
}

/// Piece `I` of `C`, `levelname`, and the literal after it: one write for a
/// named level.
fn write_level_and_literal<C: Compiled<N>, const N: usize, const I: usize>(
    record: &Record<'_>,
    out: &mut dyn Sink,
) -> fmt::Result {
    let () = At::<C, N, I>::LEVEL_RUNS_FIT;
    if let Some(slot) = record.level.slot() {
        // `slot <= 10`: in bounds, no check.
        let run = At::<C, N, I>::LEVEL_RUNS[slot];
        let (start, len) = (usize::from(run & 0xFF), usize::from(run >> 8));
        if len != 0 {
            // SAFETY: `LEVEL_RUNS_FIT` (evaluated by the compiler above)
            // proved each run in bounds of `LEVEL_TEXT` and on char boundaries.
            return out.write_str(unsafe { C::LEVEL_TEXT.get_unchecked(start..start + len) });
        }
    }
    render::write_level_number(record.level, out)?;
    let (start, len) = At::<C, N, I>::NEXT_LITERAL;
    out.write_str(literal::<C, N>(At::<C, N, I>::NEXT_SHORT, start, len))
}

/// [`render`] with the signature of a handler's renderer.
fn render_rendering<C: Compiled<N>, const N: usize>(
    _: &super::Rendering<'_>,
    record: &Record<'_>,
    out: &mut dyn Sink,
) -> fmt::Result {
    render::<C, N>(record, out)
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
    if At::<C, N, I>::WITH_PREVIOUS {
        return Ok(());
    }
    let template = C::FORMATTER.template();
    if At::<C, N, I>::WITH_NEXT {
        return write_level_and_literal::<C, N, I>(record, out);
    }
    match piece {
        Piece::Literal { start, len } => {
            out.write_str(literal::<C, N>(At::<C, N, I>::SHORT, start, len))
        }
        Piece::Field { field, spec } if spec.is_plain_text() => match field {
            Field::Name => out.write_str(record.logger),
            Field::LevelName => render::write_level_name(record.level, out),
            Field::Message => record.args.write_to_sink(out),
            _ => template.render_piece(piece, record, out, &mut None),
        },
        Piece::Field { .. } => template.render_piece(piece, record, out, &mut None),
    }
}

/// A literal of `C`: `short` (its text of its own) when it is short, else
/// its place in the format string (a choice the compiler makes).
#[inline(always)]
fn literal<C: Compiled<N>, const N: usize>(
    short: &'static str,
    start: u16,
    len: u16,
) -> &'static str {
    if usize::from(len) <= SHORT_LITERAL {
        short
    } else {
        C::FORMATTER.template().literal(start, len)
    }
}
