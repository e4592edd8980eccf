//! A plain call's arguments by type (64-bit targets): one writer for each
//! list of argument types, shared by every call with that list.
//!
//! The macro captures a plain call's arguments as a list of typed values
//! ([`Values`], `(first, (second, ... ()))`) and passes its text
//! ([`PlainText`], a constant) to [`log_values`], which is compiled once for
//! each list of types: each argument is written by the code for its type
//! only, with no look-up of its kind. A call site costs the capture of its
//! values and one call; a program has as many writers as it has argument
//! lists (`(u64, f64)`, `(&str,)`, ...), not as many as calls. Room that
//! holds the longest text the pieces and argument types can make (checked
//! once) is written by `ample_room`'s code with no check of each item;
//! shorter room by `lent_room`'s, item by item. Whatever they leave
//! (text longer than the room, an argument only `core::fmt` writes, a float
//! whose quick rounding cannot be proved exact) makes this writer give up
//! before anything is kept: the shared writer then writes the whole message
//! from the same arguments, as `Arg`s. Both write the same text.

use core::cell::OnceCell;
use core::fmt;

use super::ample_room::{Ample, FLOAT_WIDTH, INTEGER_WIDTH, PADDED, SLACK};
use super::lent_room::{self, put_decimal, put_float, put_text};
use super::{Arg, ByteSink, Capture, DisplayArg, NO_PRECISION, PlainParts, emit};
use crate::format::Sink;
use crate::message::{WriteMessage, Written};
use crate::{Level, Location, Message};

/// A plain call's text, as the macro finds it at compile time: the `P`
/// pieces around its `N` placeholders (`P` is `N + 1`) and their precisions.
/// Arrays of known length, so that the writer looks nothing up by index.
pub struct PlainText<const N: usize, const P: usize> {
    pieces: [&'static str; P],
    /// One per placeholder ([`NO_PRECISION`] for `{}`).
    precisions: [u8; N],
    /// Whether any placeholder has a precision.
    precise: bool,
    /// Whether every piece is printable ASCII, which no escaping rewrites.
    printable: bool,
    /// Each piece up to [`PADDED`] bytes, then zeros, for one fixed copy.
    padded: [[u8; PADDED]; P],
    /// The pieces' bytes and [`SLACK`] (a `u32`, so that adding the
    /// arguments' widths needs no check when they are all numbers; exact,
    /// as [`new`](Self::new) refuses a longer text).
    base_need: u32,
}

impl<const N: usize, const P: usize> PlainText<N, P> {
    /// The text of `format`, a format string that
    /// [`plain_braces`](super::plain_braces) accepts with `N` arguments.
    pub const fn new(format: &'static str) -> Self {
        let pieces = super::plain_pieces::<P>(format);
        let precisions = super::placeholder_precisions::<N>(format);
        let mut precise = false;
        let mut k = 0;
        while k < N {
            precise |= precisions[k] != NO_PRECISION;
            k += 1;
        }
        let mut padded = [[0; PADDED]; P];
        let mut pieces_len = 0;
        let mut k = 0;
        while k < P {
            let bytes = pieces[k].as_bytes();
            pieces_len += bytes.len();
            let mut i = 0;
            while i < bytes.len() && i < PADDED {
                padded[k][i] = bytes[i];
                i += 1;
            }
            k += 1;
        }
        PlainText {
            pieces,
            precisions,
            precise,
            printable: super::printable_pieces(&pieces),
            padded,
            base_need: {
                // The macro makes the text at compile time: a format string
                // this long does not compile.
                assert!(
                    pieces_len + SLACK <= u32::MAX as usize,
                    "format string over 4 GiB"
                );
                (pieces_len + SLACK) as u32
            },
        }
    }

    /// Appends piece `k` (nothing past the end).
    ///
    /// # Safety
    ///
    /// The piece's length is counted in `out`'s need (as
    /// [`base_need`](Self::base_need) counts it).
    #[inline(always)]
    unsafe fn put_piece(&self, out: &mut Ample<'_>, k: usize) {
        if let (Some(piece), Some(padded)) = (self.pieces.get(k), self.padded.get(k)) {
            // SAFETY: the contract; `padded` is the piece's padded copy.
            unsafe { out.put_piece(piece, padded) };
        }
    }

    /// Piece `k` (empty past the end).
    #[inline(always)]
    fn piece(&self, k: usize) -> &'static str {
        match self.pieces.get(k) {
            Some(piece) => piece,
            None => "",
        }
    }

    /// The precision of argument `k` ([`NO_PRECISION`] when it has none).
    #[inline(always)]
    fn precision(&self, k: usize) -> u8 {
        match self.precisions.get(k) {
            Some(&precision) => precision,
            None => NO_PRECISION,
        }
    }
}

/// Keeps [`Value`] and [`Values`] to the types here: the writers take what
/// `put` writes for UTF-8 without a check (`lent_room::write_gathered`),
/// which only these implementations promise, and the traits are public (the
/// macros' expansions name them) so they must not be implementable outside.
mod sealed {
    pub trait Sealed {}
}

/// One argument of a plain call, by its type.
pub trait Value<'a>: Copy + sealed::Sealed {
    /// Whether [`put`](Self::put) writes it as printable ASCII whenever it
    /// writes it (digits, a sign, a point).
    const PRINTABLE: bool;

    /// Writes the argument as `{}` (`precision` [`NO_PRECISION`]) or
    /// `{:.N}` writes it at `room[at..]`; the new end, or `None` when it
    /// does not fit or is left to the shared writer.
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize>;

    /// The most bytes [`put_ample`](Self::put_ample) appends (it moves
    /// the end by no more, and writes at most `SLACK` bytes past that).
    fn width(&self) -> usize;

    /// As [`put`](Self::put), at the end of `out`, which was checked to
    /// hold this argument's [`width`](Self::width) among the rest; by
    /// default nothing, leaving the message to the checked writer.
    ///
    /// # Safety
    ///
    /// `width()` is counted in `out`'s need for this argument.
    #[inline(always)]
    unsafe fn put_ample(&self, out: &mut Ample<'_>, precision: u8) -> Option<()> {
        let _ = (out, precision);
        None
    }

    /// The argument as the shared writer takes it.
    fn arg(&self) -> Arg<'a>;

    /// Whether a queue carries it in binary ([`pack`](Self::pack)): numbers
    /// and text, not `Display` arguments (they run the caller's code).
    #[cfg(feature = "queue-capture")]
    const PACKS: bool;

    /// The same type with its text borrowed for `'d` (from a queue's copy).
    #[cfg(feature = "queue-capture")]
    type At<'d>: Value<'d> + 'd;

    /// Packs the argument for a queue: its word (a number's bits, a text's
    /// length) at `room[word..]`, a text's bytes at `room[texts..]`; the
    /// new end of the texts, or `None` when it does not fit (or does not
    /// pack).
    #[cfg(feature = "queue-capture")]
    fn pack(&self, room: &mut [u8], word: usize, texts: usize) -> Option<usize>;

    /// Bytes [`pack`](Self::pack) puts at the texts' end: a text's length.
    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn packed_text_len(&self) -> usize {
        0
    }

    /// The argument that [`pack`](Self::pack) packed into `data` (its word
    /// at `word`, a text at `*texts`, which moves past it).
    ///
    /// # Safety
    ///
    /// `data` holds what `pack` of this type wrote, at the same places.
    #[cfg(feature = "queue-capture")]
    unsafe fn unpack<'d>(data: &'d [u8], word: usize, texts: &mut usize) -> Option<Self::At<'d>>;
}

/// A plain call's arguments as a list: `(first, (second, ... ()))`.
pub trait Values<'a>: Copy + sealed::Sealed {
    /// Whether every argument is written as printable ASCII.
    const PRINTABLE: bool;

    /// Writes argument `k` (this list's head) and piece `k + 1` at
    /// `room[at..]`, then the rest; the new end, or `None` as [`Value::put`].
    fn put<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        room: &mut [u8],
        at: usize,
        k: usize,
    ) -> Option<usize>;

    /// The most bytes the arguments take of what
    /// [`put_ample`](Self::put_ample) appends: their [`Value::width`]s (the
    /// pieces it appends too are counted apart).
    fn width(&self) -> usize;

    /// As [`put`](Self::put), at the end of `out`.
    ///
    /// # Safety
    ///
    /// `out` was checked to hold the [`width`](Self::width) of these
    /// arguments, the length of pieces `k + 1` on, and `SLACK`.
    unsafe fn put_ample<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        out: &mut Ample<'_>,
        k: usize,
    ) -> Option<()>;

    /// Puts the arguments as `Arg`s into `args`, this list's head at `k`.
    fn fill(&self, args: &mut [Arg<'a>], k: usize);

    /// Whether a queue carries every argument in binary.
    #[cfg(feature = "queue-capture")]
    const PACKS: bool;

    /// The same list with its text borrowed for `'d`.
    #[cfg(feature = "queue-capture")]
    type At<'d>: Values<'d> + 'd;

    /// Packs the arguments from this list's head, argument `k`, on (see
    /// [`Value::pack`]); the new end of the texts.
    #[cfg(feature = "queue-capture")]
    fn pack(&self, room: &mut [u8], k: usize, texts: usize) -> Option<usize>;

    /// Bytes [`pack`](Self::pack) puts at the texts' end for the arguments.
    #[cfg(feature = "queue-capture")]
    fn packed_texts_len(&self) -> usize;

    /// The arguments that [`pack`](Self::pack) packed, from argument `k` on.
    ///
    /// # Safety
    ///
    /// As [`Value::unpack`].
    #[cfg(feature = "queue-capture")]
    unsafe fn unpack<'d>(data: &'d [u8], k: usize, texts: &mut usize) -> Option<Self::At<'d>>;
}

impl sealed::Sealed for () {}
impl<H, T> sealed::Sealed for (H, T) {}

impl<'a> Values<'a> for () {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put<const N: usize, const P: usize>(
        &self,
        _: &PlainText<N, P>,
        _: &mut [u8],
        at: usize,
        _: usize,
    ) -> Option<usize> {
        Some(at)
    }

    #[inline(always)]
    fn width(&self) -> usize {
        0
    }

    #[inline(always)]
    unsafe fn put_ample<const N: usize, const P: usize>(
        &self,
        _: &PlainText<N, P>,
        _: &mut Ample<'_>,
        _: usize,
    ) -> Option<()> {
        Some(())
    }

    #[inline(always)]
    fn fill(&self, _: &mut [Arg<'a>], _: usize) {}

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = true;

    #[cfg(feature = "queue-capture")]
    type At<'d> = ();

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, _: &mut [u8], _: usize, texts: usize) -> Option<usize> {
        Some(texts)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn packed_texts_len(&self) -> usize {
        0
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack(_: &[u8], _: usize, _: &mut usize) -> Option<()> {
        Some(())
    }
}

impl<'a, H: Value<'a>, T: Values<'a>> Values<'a> for (H, T) {
    const PRINTABLE: bool = H::PRINTABLE && T::PRINTABLE;

    #[inline(always)]
    fn put<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        room: &mut [u8],
        at: usize,
        k: usize,
    ) -> Option<usize> {
        let at = self.0.put(room, at, text.precision(k))?;
        let at = put_text(room, at, text.piece(k + 1))?;
        self.1.put(text, room, at, k + 1)
    }

    #[inline(always)]
    fn width(&self) -> usize {
        self.0.width().saturating_add(self.1.width())
    }

    #[inline(always)]
    unsafe fn put_ample<const N: usize, const P: usize>(
        &self,
        text: &PlainText<N, P>,
        out: &mut Ample<'_>,
        k: usize,
    ) -> Option<()> {
        // SAFETY: the head's width, piece `k + 1` and the rest are counted
        // in `out`'s need (the contract), each moving its end by at most
        // what was counted for it.
        unsafe {
            self.0.put_ample(out, text.precision(k))?;
            text.put_piece(out, k + 1);
            self.1.put_ample(text, out, k + 1)
        }
    }

    #[inline(always)]
    fn fill(&self, args: &mut [Arg<'a>], k: usize) {
        if let Some(arg) = args.get_mut(k) {
            *arg = self.0.arg();
        }
        self.1.fill(args, k + 1);
    }

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = H::PACKS && T::PACKS;

    #[cfg(feature = "queue-capture")]
    type At<'d> = (H::At<'d>, T::At<'d>);

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, room: &mut [u8], k: usize, texts: usize) -> Option<usize> {
        let texts = self.0.pack(room, k * WORD, texts)?;
        self.1.pack(room, k + 1, texts)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn packed_texts_len(&self) -> usize {
        self.0
            .packed_text_len()
            .saturating_add(self.1.packed_texts_len())
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack<'d>(data: &'d [u8], k: usize, texts: &mut usize) -> Option<Self::At<'d>> {
        // SAFETY: as this function's contract; the head first, as `pack`.
        let head = unsafe { H::unpack(data, k * WORD, texts)? };
        Some((head, unsafe { T::unpack(data, k + 1, texts)? }))
    }
}

/// The message of a plain call with `N` arguments of the types in `V`; the
/// same arguments as `Arg`s are made only if the shared writer needs them.
struct Typed<'a, V, const N: usize, const P: usize> {
    text: &'static PlainText<N, P>,
    values: V,
    args: OnceCell<[Arg<'a>; N]>,
}

impl<'a, V: Values<'a>, const N: usize, const P: usize> Typed<'a, V, N, P> {
    /// [`write_into`](WriteMessage::write_into) for room that may be too
    /// short: each item checked. Out of line, so that the quick writer
    /// calls nothing (and saves no registers).
    #[cold]
    #[inline(never)]
    fn write_checked(&self, room: &mut [u8]) -> Option<Written> {
        let at = put_text(room, 0, self.text.piece(0))?;
        let len = self.values.put(self.text, room, at, 0)?;
        Some(Written {
            len,
            printable: self.text.printable && V::PRINTABLE,
        })
    }

    /// The text, precisions and arguments, for the shared writer.
    fn parts(&self) -> PlainParts<'_> {
        let args = self.args.get_or_init(|| {
            let mut args = [Arg::Unused; N];
            self.values.fill(&mut args, 0);
            args
        });
        let text: &'static PlainText<N, P> = self.text;
        PlainParts {
            pieces: &text.pieces,
            precisions: if text.precise { &text.precisions } else { &[] },
            args,
        }
    }
}

impl<'a, V: Values<'a>, const N: usize, const P: usize> WriteMessage for Typed<'a, V, N, P> {
    /// Written by this writer on the stack, then handed over whole (a queue
    /// formatting on the caller's thread writes a message so), unless it
    /// leaves the message to the shared writer, which then cannot write it
    /// whole either (its arguments write as these do) and writes it a
    /// stack buffer at a time.
    fn write_message(&self, out: &mut dyn Sink) -> fmt::Result {
        match lent_room::write_gathered(out, |room| self.write_into(room)) {
            Some(written) => written,
            None => lent_room::write_stacked(&self.parts(), out),
        }
    }

    fn write_bytes(&self, out: &mut dyn ByteSink) -> fmt::Result {
        lent_room::write_bytes(&self.parts(), out)
    }

    /// Checks once that the room holds the longest text these pieces and
    /// argument types can make, then writes with no check of each item;
    /// room shorter than that, and what the quick writers leave (see
    /// [`Ample`]), is written again with a check of each item.
    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        let text = self.text;
        let need = (text.base_need as usize).saturating_add(self.values.width());
        if let Some(mut out) = Ample::new(room, need) {
            // SAFETY: `need` counts every piece, every argument's width
            // and `SLACK`.
            let written = unsafe {
                text.put_piece(&mut out, 0);
                self.values.put_ample(text, &mut out, 0)
            };
            if written.is_some() {
                return Some(Written {
                    len: out.len(),
                    printable: text.printable && V::PRINTABLE,
                });
            }
        }
        self.write_checked(room)
    }

    #[cfg(feature = "queue-capture")]
    fn plain_parts(&self) -> Option<PlainParts<'_>> {
        Some(self.parts())
    }

    #[cfg(feature = "queue-capture")]
    fn pack(&self, room: &mut [u8]) -> Option<Packed> {
        if !V::PACKS || !fits_replay_room::<Self>() {
            return None;
        }
        let len = self.values.pack(room, 0, N * WORD)?;
        let text: *const PlainText<N, P> = self.text;
        Some(Packed {
            replay: replay::<V, N, P>,
            text: text.cast(),
            len,
        })
    }

    #[cfg(feature = "queue-capture")]
    fn packed_len(&self) -> Option<usize> {
        if !V::PACKS || !fits_replay_room::<Self>() {
            return None;
        }
        Some((N * WORD).saturating_add(self.values.packed_texts_len()))
    }
}

/// Bytes of a packed argument's word.
#[cfg(feature = "queue-capture")]
const WORD: usize = 8;

/// Puts `bits` at `room[at..]`, if they fit.
#[cfg(feature = "queue-capture")]
#[inline(always)]
fn put_word(room: &mut [u8], at: usize, bits: u64) -> Option<()> {
    room.get_mut(at..at + WORD)?
        .copy_from_slice(&bits.to_ne_bytes());
    Some(())
}

/// The word at `data[at..]`.
#[cfg(feature = "queue-capture")]
#[inline(always)]
fn word_at(data: &[u8], at: usize) -> Option<u64> {
    let bytes = data.get(at..at + WORD)?;
    Some(u64::from_ne_bytes(bytes.try_into().ok()?))
}

/// Makes the message a [`Packed`] was packed from, from the packed bytes,
/// in the room given.
/// The writer is returned rather than a [`Message`], so that it comes back
/// in two registers and the caller builds the message in place (a returned
/// `Option<Message>` went through memory and was moved again); data not as
/// packed give [`NOT_REPLAYED`] rather than `None`, so that a queue's
/// listener need not choose between two messages at every record.
#[cfg(feature = "queue-capture")]
type Replay = for<'d> unsafe fn(*const (), &'d [u8], &'d mut ReplayRoom) -> &'d dyn WriteMessage;

/// What [`Replay`] gives for data not as packed: an empty text, told from
/// any replayed message by its address.
#[cfg(feature = "queue-capture")]
static NOT_REPLAYED: &str = "";

/// Bytes of a [`ReplayRoom`].
#[cfg(feature = "queue-capture")]
const REPLAY_ROOM: usize = 512;

/// Room on the stack for the message [`Packed::replay`] makes (the writer
/// of its argument types, with its arguments). A call whose writer is
/// larger (some 15 arguments and more) is not packed.
#[cfg(feature = "queue-capture")]
#[repr(C, align(8))]
pub struct ReplayRoom([core::mem::MaybeUninit<u8>; REPLAY_ROOM]);

#[cfg(feature = "queue-capture")]
impl ReplayRoom {
    /// Room, not written yet.
    #[inline(always)]
    pub fn new() -> ReplayRoom {
        ReplayRoom([core::mem::MaybeUninit::uninit(); REPLAY_ROOM])
    }
}

#[cfg(feature = "queue-capture")]
impl Default for ReplayRoom {
    fn default() -> ReplayRoom {
        ReplayRoom::new()
    }
}

/// Whether the message of the argument types `V` fits a [`ReplayRoom`].
#[cfg(feature = "queue-capture")]
const fn fits_replay_room<T>() -> bool {
    size_of::<T>() <= REPLAY_ROOM && align_of::<T>() <= align_of::<ReplayRoom>()
}

/// A plain call's message packed for a queue, which carries it to another
/// thread: its arguments packed at the start of the room
/// [`Message::pack`](crate::Message::pack) was given (`len` bytes: a word
/// each, a number's bits or a text's length, then the texts' bytes), and
/// the two words ([`words`](Self::words)) from which
/// [`replay`](Self::replay) makes the same message there, written by the
/// same writer of its argument types.
#[cfg(feature = "queue-capture")]
#[derive(Clone, Copy, Debug)]
pub struct Packed {
    replay: Replay,
    /// The call's `&'static PlainText<N, P>`, for `replay`.
    text: *const (),
    /// Bytes packed.
    pub len: usize,
}

#[cfg(feature = "queue-capture")]
impl Packed {
    /// What a queue keeps, besides the packed bytes, to make the message
    /// again ([`replay`](Self::replay)).
    #[inline(always)]
    pub fn words(&self) -> [u64; 2] {
        [self.replay as usize as u64, self.text as usize as u64]
    }

    /// The message packed into `data`, kept as `words`, made in `room`;
    /// `None` if `data` is shorter than what was packed.
    ///
    /// # Safety
    ///
    /// `words` are the [`words`](Self::words) of a `Packed` of this
    /// program, and `data` starts with the bytes packed with it.
    #[inline(always)]
    pub unsafe fn replay<'d>(
        words: [u64; 2],
        data: &'d [u8],
        room: &'d mut ReplayRoom,
    ) -> Option<Message<'d>> {
        // SAFETY: the contract, passed on.
        let writer = unsafe { Self::writer(words, data, room) };
        let not_replayed: &dyn WriteMessage = &NOT_REPLAYED;
        (!core::ptr::addr_eq(writer, not_replayed)).then(|| Message::plain(writer))
    }

    /// [`replay`](Self::replay)'s message, or an empty one where it gives
    /// `None` (data not as packed): for a queue, whose record goes out
    /// either way.
    ///
    /// # Safety
    ///
    /// As [`replay`](Self::replay)'s.
    #[inline(always)]
    pub unsafe fn replay_or_empty<'d>(
        words: [u64; 2],
        data: &'d [u8],
        room: &'d mut ReplayRoom,
    ) -> Message<'d> {
        // SAFETY: the contract, passed on.
        Message::plain(unsafe { Self::writer(words, data, room) })
    }

    /// The writer [`replay`](Self::replay) makes its message of, or
    /// [`NOT_REPLAYED`].
    ///
    /// # Safety
    ///
    /// As [`replay`](Self::replay)'s.
    #[inline(always)]
    unsafe fn writer<'d>(
        words: [u64; 2],
        data: &'d [u8],
        room: &'d mut ReplayRoom,
    ) -> &'d dyn WriteMessage {
        // SAFETY: `words[0]` is a `Replay` as an address (the contract).
        let replay =
            unsafe { core::mem::transmute::<*const (), Replay>(words[0] as usize as *const ()) };
        // SAFETY: `words[1]` is the text packed with it, `data` its bytes.
        unsafe { replay(words[1] as usize as *const (), data, room) }
    }
}

/// [`Replay`] for the argument types `V` and a text of `N` arguments.
///
/// # Safety
///
/// `text` is a `&'static PlainText<N, P>`, and `data` starts with what
/// `V::pack` packed for it (as [`Typed::pack`](WriteMessage::pack)).
#[cfg(feature = "queue-capture")]
unsafe fn replay<'a, 'd, V: Values<'a>, const N: usize, const P: usize>(
    text: *const (),
    data: &'d [u8],
    room: &'d mut ReplayRoom,
) -> &'d dyn WriteMessage {
    if !fits_replay_room::<Typed<'d, V::At<'d>, N, P>>() {
        return &NOT_REPLAYED;
    }
    // SAFETY: the contract.
    let text: &'static PlainText<N, P> = unsafe { &*text.cast::<PlainText<N, P>>() };
    let mut texts = N * WORD;
    // SAFETY: the contract: `data` holds what `V::pack` wrote.
    let Some(values) = (unsafe { V::unpack(data, 0, &mut texts) }) else {
        return &NOT_REPLAYED;
    };
    let place = room.0.as_mut_ptr().cast::<Typed<'d, V::At<'d>, N, P>>();
    // SAFETY: the room is large and aligned enough for the message (checked
    // above) and borrowed for `'d`, as the message is; the message needs no
    // drop (its values and cell hold `Copy` data), so the room may simply
    // be forgotten.
    unsafe {
        place.write(Typed {
            text,
            values,
            args: OnceCell::new(),
        });
        &*place
    }
}

/// Makes and dispatches the record of a plain call with `N` arguments of
/// the types in `V` and the text `text`. Out of line, like [`log`](super::log): compiled once
/// for each list of argument types.
#[inline(never)]
pub fn log_values<'a, V: Values<'a>, const N: usize, const P: usize>(
    level: Level,
    logger: &str,
    text: &'static PlainText<N, P>,
    values: V,
    location: &'static Location<'static>,
) {
    let message = Typed::<V, N, P> {
        text,
        values,
        args: OnceCell::new(),
    };
    emit(level, logger, Message::plain(&message), location);
}

macro_rules! integer_values {
    ($($t:ty => $variant:ident),*) => {$(
        impl sealed::Sealed for $t {}

        impl<'a> Value<'a> for $t {
            const PRINTABLE: bool = true;

            /// A precision changes nothing (`{:.3}` of 7 is `7`).
            #[inline(always)]
            fn put(&self, room: &mut [u8], at: usize, _: u8) -> Option<usize> {
                let (magnitude, negative) = self.magnitude();
                put_decimal(room, at, magnitude, negative)
            }

            #[inline(always)]
            fn width(&self) -> usize {
                INTEGER_WIDTH
            }

            #[inline(always)]
            unsafe fn put_ample(&self, out: &mut Ample<'_>, _: u8) -> Option<()> {
                let (magnitude, negative) = self.magnitude();
                // SAFETY: `INTEGER_WIDTH` is counted (the contract).
                unsafe { out.put_integer(magnitude, negative) }
            }

            fn arg(&self) -> Arg<'a> {
                Arg::$variant(*self)
            }

            #[cfg(feature = "queue-capture")]
            const PACKS: bool = true;

            #[cfg(feature = "queue-capture")]
            type At<'d> = $t;

            /// Its bits, sign-extended (`as` takes them back).
            #[cfg(feature = "queue-capture")]
            #[inline(always)]
            fn pack(&self, room: &mut [u8], word: usize, texts: usize) -> Option<usize> {
                put_word(room, word, *self as u64)?;
                Some(texts)
            }

            #[cfg(feature = "queue-capture")]
            #[inline(always)]
            unsafe fn unpack(data: &[u8], word: usize, _: &mut usize) -> Option<$t> {
                Some(word_at(data, word)? as $t)
            }
        }
    )*};
}

/// An integer as its magnitude and whether it is negative.
trait Magnitude {
    fn magnitude(&self) -> (u64, bool);
}

impl Magnitude for u32 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (u64::from(*self), false)
    }
}

impl Magnitude for u64 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (*self, false)
    }
}

impl Magnitude for i32 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (u64::from(self.unsigned_abs()), *self < 0)
    }
}

impl Magnitude for i64 {
    #[inline(always)]
    fn magnitude(&self) -> (u64, bool) {
        (self.unsigned_abs(), *self < 0)
    }
}

integer_values!(u32 => Unsigned, i32 => Signed, u64 => Unsigned64, i64 => Signed64);

impl sealed::Sealed for f64 {}

impl<'a> Value<'a> for f64 {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, *self, precision)
    }

    #[inline(always)]
    fn width(&self) -> usize {
        FLOAT_WIDTH
    }

    #[inline(always)]
    unsafe fn put_ample(&self, out: &mut Ample<'_>, precision: u8) -> Option<()> {
        // SAFETY: `FLOAT_WIDTH` is counted (the contract).
        unsafe { out.put_float(*self, precision) }
    }

    fn arg(&self) -> Arg<'a> {
        Arg::F64(*self)
    }

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = true;

    #[cfg(feature = "queue-capture")]
    type At<'d> = f64;

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, room: &mut [u8], word: usize, texts: usize) -> Option<usize> {
        put_word(room, word, self.to_bits())?;
        Some(texts)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack(data: &[u8], word: usize, _: &mut usize) -> Option<f64> {
        Some(f64::from_bits(word_at(data, word)?))
    }
}

impl sealed::Sealed for f32 {}

impl<'a> Value<'a> for f32 {
    const PRINTABLE: bool = true;

    /// As the `f64` of the same value: every `f32` is one exactly, and
    /// `core::fmt` writes the exact value either way.
    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, f64::from(*self), precision)
    }

    #[inline(always)]
    fn width(&self) -> usize {
        FLOAT_WIDTH
    }

    #[inline(always)]
    unsafe fn put_ample(&self, out: &mut Ample<'_>, precision: u8) -> Option<()> {
        // SAFETY: `FLOAT_WIDTH` is counted (the contract).
        unsafe { out.put_float(f64::from(*self), precision) }
    }

    fn arg(&self) -> Arg<'a> {
        Arg::F32(*self)
    }

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = true;

    #[cfg(feature = "queue-capture")]
    type At<'d> = f32;

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, room: &mut [u8], word: usize, texts: usize) -> Option<usize> {
        put_word(room, word, u64::from(self.to_bits()))?;
        Some(texts)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack(data: &[u8], word: usize, _: &mut usize) -> Option<f32> {
        Some(f32::from_bits(word_at(data, word)? as u32))
    }
}

impl sealed::Sealed for &str {}

impl<'a> Value<'a> for &'a str {
    const PRINTABLE: bool = false;

    /// `{:.N}` cuts text: left to `core::fmt`.
    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        match precision {
            NO_PRECISION => put_text(room, at, self),
            _ => None,
        }
    }

    #[inline(always)]
    fn width(&self) -> usize {
        self.len()
    }

    #[inline(always)]
    unsafe fn put_ample(&self, out: &mut Ample<'_>, precision: u8) -> Option<()> {
        match precision {
            // SAFETY: its length is its width (the contract).
            NO_PRECISION => unsafe { out.put_text(self) },
            _ => return None,
        }
        Some(())
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Str(self)
    }

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = true;

    #[cfg(feature = "queue-capture")]
    type At<'d> = &'d str;

    /// Its length as its word, its bytes at the texts' end.
    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, room: &mut [u8], word: usize, texts: usize) -> Option<usize> {
        put_word(room, word, self.len() as u64)?;
        put_text(room, texts, self)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn packed_text_len(&self) -> usize {
        self.len()
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack<'d>(data: &'d [u8], word: usize, texts: &mut usize) -> Option<&'d str> {
        let start = *texts;
        let end = start.checked_add(usize::try_from(word_at(data, word)?).ok()?)?;
        let bytes = data.get(start..end)?;
        *texts = end;
        // SAFETY: `pack` copied a whole `str` here, this long (the
        // contract: `data` holds what it wrote, at the same places).
        Some(unsafe { core::str::from_utf8_unchecked(bytes) })
    }
}

impl sealed::Sealed for &dyn DisplayArg {}

impl<'a> Value<'a> for &'a dyn DisplayArg {
    const PRINTABLE: bool = false;

    /// Written through `core::fmt`: left to the shared writer.
    #[inline(always)]
    fn put(&self, _: &mut [u8], _: usize, _: u8) -> Option<usize> {
        None
    }

    #[inline(always)]
    fn width(&self) -> usize {
        0
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Display(*self)
    }

    /// Formatted on the caller's thread instead (it may borrow anything).
    #[cfg(feature = "queue-capture")]
    const PACKS: bool = false;

    #[cfg(feature = "queue-capture")]
    type At<'d> = &'d dyn DisplayArg;

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, _: &mut [u8], _: usize, _: usize) -> Option<usize> {
        None
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack<'d>(_: &'d [u8], _: usize, _: &mut usize) -> Option<Self::At<'d>> {
        None
    }
}

/// An argument without `Display`: only in calls that take the `core::fmt`
/// path, so never written.
#[derive(Clone, Copy)]
pub struct Unused;

impl sealed::Sealed for Unused {}

impl<'a> Value<'a> for Unused {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, _: &mut [u8], at: usize, _: u8) -> Option<usize> {
        Some(at)
    }

    #[inline(always)]
    fn width(&self) -> usize {
        0
    }

    #[inline(always)]
    unsafe fn put_ample(&self, _: &mut Ample<'_>, _: u8) -> Option<()> {
        Some(())
    }

    fn arg(&self) -> Arg<'a> {
        Arg::Unused
    }

    #[cfg(feature = "queue-capture")]
    const PACKS: bool = true;

    #[cfg(feature = "queue-capture")]
    type At<'d> = Unused;

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    fn pack(&self, _: &mut [u8], _: usize, texts: usize) -> Option<usize> {
        Some(texts)
    }

    #[cfg(feature = "queue-capture")]
    #[inline(always)]
    unsafe fn unpack(_: &[u8], _: usize, _: &mut usize) -> Option<Unused> {
        Some(Unused)
    }
}

/// How an argument is captured by type; the macros import the three
/// traits (autoref specialisation, as [`ToArg`](super::ToArg)).
pub trait ToValue<'a> {
    /// The argument's type as a plain call writes it.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

/// The fallback for arguments with `Display` (one reference fewer).
pub trait ToValueDisplay<'a> {
    /// Written through `core::fmt`.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

/// The last fallback: arguments only a `core::fmt` call takes.
pub trait ToValueUnused<'a> {
    /// Never written.
    type Value: Value<'a>;
    /// The argument, captured.
    fn to_value(&self) -> Self::Value;
}

macro_rules! capture_value {
    ($value:ty: $($t:ty),*) => {$(
        impl<'a> ToValue<'a> for &&Capture<'a, $t> {
            type Value = $value;
            #[inline(always)]
            fn to_value(&self) -> $value {
                *self.0 as _
            }
        }
    )*};
}

capture_value!(u32: u8, u16, u32);
capture_value!(i32: i8, i16, i32);
capture_value!(u64: u64, usize);
capture_value!(i64: i64, isize);
capture_value!(f32: f32);
capture_value!(f64: f64);

impl<'a, 'b: 'a> ToValue<'a> for &&Capture<'a, &'b str> {
    type Value = &'a str;
    #[inline(always)]
    fn to_value(&self) -> &'a str {
        self.0
    }
}

impl<'a> ToValue<'a> for &&Capture<'a, str> {
    type Value = &'a str;
    #[inline(always)]
    fn to_value(&self) -> &'a str {
        self.0
    }
}

impl<'a, T: fmt::Display + 'a> ToValueDisplay<'a> for &Capture<'a, T> {
    type Value = &'a dyn DisplayArg;
    #[inline(always)]
    fn to_value(&self) -> &'a dyn DisplayArg {
        self.0
    }
}

impl<'a, T: ?Sized> ToValueUnused<'a> for Capture<'a, T> {
    type Value = Unused;
    #[inline(always)]
    fn to_value(&self) -> Unused {
        Unused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::string::String;
    use std::vec::Vec;
    use std::{format, vec};

    /// What the writer of `values`' types writes into room of every length
    /// from none to well past what checking once up front needs: the text
    /// of `expected` wherever it fits (up front or item by item), nothing
    /// where it does not; or, for what it leaves to `core::fmt`, nothing at
    /// any length, and the shared writer writes `expected`. Whether it
    /// wrote the message itself.
    fn check_every_room<'a, V: Values<'a>, const N: usize, const P: usize>(
        text: &'static PlainText<N, P>,
        values: V,
        expected: &str,
    ) -> bool {
        check_rooms(text, values, expected, |need, _| (0..need + 64).collect())
    }

    /// As [`check_every_room`], for the room lengths `lengths` gives of the
    /// need and the expected text's length; the bytes past each room are
    /// checked untouched.
    fn check_rooms<'a, V: Values<'a>, const N: usize, const P: usize>(
        text: &'static PlainText<N, P>,
        values: V,
        expected: &str,
        lengths: impl FnOnce(usize, usize) -> Vec<usize>,
    ) -> bool {
        let message = Typed::<V, N, P> {
            text,
            values,
            args: OnceCell::new(),
        };
        let need = text.base_need as usize + values.width();
        let quick = message.write_into(&mut vec![0; need]).is_some();
        for len in lengths(need, expected.len()) {
            let mut bytes = vec![b'#'; len + 64];
            let (room, past) = bytes.split_at_mut(len);
            let written = message.write_into(room).map(|written| {
                assert_eq!(written.printable, V::PRINTABLE && text.printable);
                String::from_utf8(room[..written.len].to_vec()).expect("UTF-8")
            });
            assert!(past.iter().all(|&b| b == b'#'), "written past {len}");
            let wanted = (quick && len >= expected.len()).then(|| String::from(expected));
            assert_eq!(written, wanted, "room of {len}, need {need}");
        }
        let mut out = String::new();
        assert!(message.write_message(&mut out).is_ok());
        assert_eq!(out, expected);
        quick
    }

    static REQUEST: PlainText<2, 3> = PlainText::new("request {} served in {:.3} ms");
    static SIGNED: PlainText<2, 3> = PlainText::new("{} and {}");
    static PLACES: PlainText<3, 4> = PlainText::new("{:.1}|{:.2}|{:.3}");
    static OTHER: PlainText<2, 3> = PlainText::new("{} {:.5}");
    static LONG: PlainText<2, 3> =
        PlainText::new("a piece longer than sixteen bytes {} and é {} at the end, long too");
    static TEXT: PlainText<2, 3> = PlainText::new("<{}> {}.");
    static MORE_PLACES: PlainText<4, 5> = PlainText::new("{:.4} {:.5} {:.6} {:.7}");
    static CHECKED_PLACES: PlainText<2, 3> = PlainText::new("{:.0} {:.8}");
    static ONE_PLACE: PlainText<1, 2> = PlainText::new("[{:.1}]");

    /// Integers around every power of ten and at the ends of their types,
    /// and the benchmark's message across the digit counts.
    #[test]
    fn integers_and_fixed_floats_match_format_at_every_room_length() {
        let mut numbers: Vec<u64> = vec![0, 1, 9, u64::MAX, u64::MAX - 1];
        for k in 1..20 {
            let power = 10u64.pow(k);
            numbers.extend([power - 1, power, power + 1]);
        }
        for n in numbers {
            let x = n as f64 * 0.001;
            let expected = format!("request {n} served in {x:.3} ms");
            let quick = check_every_room(&REQUEST, (n, (x, ())), &expected);
            let expected = format!("request {n} served in {:.3} ms", -x);
            assert_eq!(check_every_room(&REQUEST, (n, (-x, ())), &expected), quick);
            assert!(quick || n > 1 << 50, "{n}");
            let (i, j) = (n as i64, (n as i64).wrapping_neg());
            assert!(check_every_room(
                &SIGNED,
                (i, (j, ())),
                &format!("{i} and {j}")
            ));
            let (u, w) = (n as u32, n as i32);
            assert!(check_every_room(
                &SIGNED,
                (u, (w, ())),
                &format!("{u} and {w}")
            ));
        }
        for (a, b) in [
            (i64::MIN, i64::MAX),
            (i32::MIN.into(), i32::MAX.into()),
            (0, -1),
        ] {
            check_every_room(&SIGNED, (a, (b, ())), &format!("{a} and {b}"));
        }
        check_every_room(
            &SIGNED,
            (i32::MIN, (u32::MAX, ())),
            &format!("{} and {}", i32::MIN, u32::MAX),
        );
    }

    /// Rounding at each quick precision, signs, -0.0, and values whose
    /// whole part has more than eight digits.
    #[test]
    fn fixed_floats_match_format_at_every_room_length() {
        let values = [
            0.0,
            -0.0,
            0.0005,
            0.0004,
            0.0006,
            999.9995,
            999.9994,
            999.9996,
            0.04,
            0.96,
            9.96,
            99.995,
            1.25e-7,
            123_456.789,
            99_999_999.999_6,
            99_999_999.999_4,
            1e8,
            123_456_789.123,
            // Scaled, about 10^8 at one of the precisions.
            99_999.999,
            99_999.999_4,
            99_999.999_6,
            100_000.0,
            999_999.99,
            999_999.994,
            999_999.996,
            1_000_000.0,
            9_999_999.9,
            9_999_999.94,
            9_999_999.96,
            10_000_000.0,
            4.5e12,
            4.5e14,
            -1.5e11,
            -7.0 / 3.0,
            2.675,
            1.005,
        ];
        for x in values {
            for x in [x, -x] {
                check_every_room(&PLACES, (x, (x, (x, ()))), &format!("{x:.1}|{x:.2}|{x:.3}"));
                let f = x as f32;
                check_every_room(&PLACES, (f, (f, (f, ()))), &format!("{f:.1}|{f:.2}|{f:.3}"));
            }
        }
        check_every_room(
            &OTHER,
            (16_777_215.0f64, (0.123_456_78, ())),
            "16777215 0.12346",
        );
        for x in [
            0.0,
            -0.0,
            1.0,
            0.123_456_789,
            -0.000_012_345,
            9.999_999_95,
            99.999_999_96,
            1_234.567_891_23,
            -98_765.432_1,
            4.5e8,
            123_456_789.012_345_6,
        ] {
            let f = x as f32;
            let expected = format!("{x:.4} {x:.5} {x:.6} {x:.7}");
            check_every_room(&MORE_PLACES, (x, (x, (x, (x, ())))), &expected);
            let expected = format!("{f:.4} {f:.5} {f:.6} {f:.7}");
            check_every_room(&MORE_PLACES, (f, (f, (f, (f, ())))), &expected);
            // Left by the quick writers to the checked one.
            check_every_room(&CHECKED_PLACES, (x, (x, ())), &format!("{x:.0} {x:.8}"));
        }
        for x in [0.123_456_789, -1_234.567_891_23, 4.5e7] {
            let expected = format!("{x:.4} {x:.5} {x:.6} {x:.7}");
            assert!(check_every_room(
                &MORE_PLACES,
                (x, (x, (x, (x, ())))),
                &expected
            ));
        }
        // The most whole digits the quick rounding keeps (below 2^51 once
        // scaled): fifteen.
        for x in [
            123_456_789_012_345.6,
            -123_456_789_012_345.6,
            99_999_999_999_999.9,
        ] {
            assert!(check_every_room(&ONE_PLACE, (x, ()), &format!("[{x:.1}]")));
        }
        let x = -1_234.567_891_23;
        assert!(check_every_room(
            &CHECKED_PLACES,
            (x, (x, ())),
            &format!("{x:.0} {x:.8}")
        ));
    }

    /// Pieces longer than the padded copies, UTF-8 in them, and text
    /// arguments (their widths their lengths).
    #[test]
    fn long_pieces_and_text_arguments_match_format_at_every_room_length() {
        check_every_room(
            &LONG,
            (7u64, (-2.5f64, ())),
            &format!(
                "a piece longer than sixteen bytes {} and é {} at the end, long too",
                7, -2.5
            ),
        );
        let long = "0123456789abcdef".repeat(7);
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 48, 49, 64, 65, 100, 112] {
            let text = &long[..len];
            let expected = format!("<{text}> 42.");
            assert!(check_every_room(&TEXT, (text, (42u32, ())), &expected));
        }
        for text in ["", "x", "sixteen bytes!!!", "more than sixteen bytes, é"] {
            check_every_room(&TEXT, (text, (42u32, ())), &format!("<{text}> 42."));
            check_every_room(&TEXT, (3.5f64, (text, ())), &format!("<3.5> {text}."));
        }
    }

    /// A fixed sequence of pseudo-random numbers (SplitMix64).
    struct Numbers(u64);

    impl Numbers {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        /// Below `n`.
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// An integer of any length from none to 64 bits.
        fn integer(&mut self) -> u64 {
            self.next() >> self.below(64)
        }

        /// A float of any kind: any bits (NaN, infinities, subnormals), a
        /// decimal of a few places, close to a tie at one of the quick
        /// precisions, integral, near 2^51 once scaled, an `f32`'s value.
        fn float(&mut self) -> f64 {
            let power = |k: u64| 10f64.powi(k as i32);
            let x = match self.below(7) {
                0 => f64::from_bits(self.next()),
                1 => self.integer() as f64 / power(self.below(12)),
                2 => {
                    let scale = power(1 + self.below(7));
                    let mut x = ((self.next() >> (11 + self.below(53))) as f64 + 0.5) / scale;
                    for _ in 0..self.below(4) {
                        x = if self.below(2) == 0 {
                            x.next_up()
                        } else {
                            x.next_down()
                        };
                    }
                    x
                }
                3 => self.integer() as f64,
                4 => 2f64.powi(51) / power(self.below(8)) + (self.below(9) as f64 - 4.0),
                5 => f64::from(f32::from_bits(self.next() as u32)),
                _ => self.next() as f64 / 2f64.powi(64) * power(self.below(20)),
            };
            if self.below(2) == 0 { -x } else { x }
        }
    }

    /// The text the unchecked writer alone writes of `values` into room of
    /// exactly its need (`None` where it leaves the message), with the
    /// bytes past that room checked untouched.
    fn ample_text<'a, V: Values<'a>, const N: usize, const P: usize>(
        text: &'static PlainText<N, P>,
        values: V,
    ) -> Option<String> {
        let need = text.base_need as usize + values.width();
        let mut bytes = vec![b'#'; need + 64];
        let (room, past) = bytes.split_at_mut(need);
        let mut out = Ample::new(room, need).expect("room of the need");
        // SAFETY: `need` counts every piece, every argument's width and
        // `SLACK`, as `write_into`'s does, and the room holds it.
        let written = unsafe {
            text.put_piece(&mut out, 0);
            values.put_ample(text, &mut out, 0)
        };
        let len = out.len();
        assert!(past.iter().all(|&b| b == b'#'), "written past the need");
        written.map(|()| String::from_utf8(bytes[..len].to_vec()).expect("UTF-8"))
    }

    /// As [`check_every_room`], for room of the need and the lengths about
    /// it and about the text's (for many values); and the unchecked
    /// writer's text, where it writes one. Whether it does.
    fn check_near_need<'a, V: Values<'a>, const N: usize, const P: usize>(
        text: &'static PlainText<N, P>,
        values: V,
        expected: &str,
    ) -> bool {
        let ample = ample_text(text, values);
        if let Some(ample) = &ample {
            assert_eq!(ample, expected, "unchecked writer");
        }
        let kept = check_rooms(text, values, expected, |need, len| {
            vec![
                0,
                len.saturating_sub(1),
                len,
                len + 1,
                need - 2,
                need - 1,
                need,
                need + 1,
            ]
        });
        assert!(kept || ample.is_none());
        ample.is_some()
    }

    /// One placeholder each: `{}`, then `{:.0}` to `{:.9}`, and `{:.17}`.
    static ONE: [PlainText<1, 2>; 12] = [
        PlainText::new("{}"),
        PlainText::new("{:.0}"),
        PlainText::new("{:.1}"),
        PlainText::new("{:.2}"),
        PlainText::new("{:.3}"),
        PlainText::new("{:.4}"),
        PlainText::new("{:.5}"),
        PlainText::new("{:.6}"),
        PlainText::new("{:.7}"),
        PlainText::new("{:.8}"),
        PlainText::new("{:.9}"),
        PlainText::new("{:.17}"),
    ];

    /// The precision of each of [`ONE`].
    const ONE_PRECISIONS: [u8; 12] = [NO_PRECISION, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 17];

    /// Pieces of 16 bytes (the padded copy) and 17 (the copy of longer
    /// ones), UTF-8 in the last.
    static MIXED: PlainText<5, 6> =
        PlainText::new("a{:.3}bc {} {}|sixteen bytes!!{:.7}seventeen bytes!!{}sixteen: é end");

    /// Many pseudo-random values of every argument type, alone (room of
    /// exactly the need leaves the unchecked writer only its own width and
    /// `SLACK`) at every precision, and mixed, against `format!`. The
    /// unchecked writer takes every integer and text, and most floats at
    /// `{:.1}`-`{:.7}`.
    #[test]
    fn random_arguments_match_format_about_the_need() {
        let rounds = if cfg!(debug_assertions) {
            10_000
        } else {
            50_000
        };
        let mut numbers = Numbers(0x5eed);
        let (mut fixed, mut fixed_ample) = (0, 0);
        let long = "0123456789abcdef é ü ".repeat(5);
        for _ in 0..rounds {
            let x = numbers.float();
            let f = numbers.float() as f32;
            for (text, &precision) in ONE.iter().zip(&ONE_PRECISIONS) {
                let (expected_x, expected_f) = match precision {
                    NO_PRECISION => (format!("{x}"), format!("{f}")),
                    _ => {
                        let places = usize::from(precision);
                        (format!("{x:.places$}"), format!("{f:.places$}"))
                    }
                };
                let took_x = check_near_need(text, (x, ()), &expected_x);
                let took_f = check_near_need(text, (f, ()), &expected_f);
                if (1..=7).contains(&precision) {
                    fixed += 2;
                    fixed_ample += usize::from(took_x) + usize::from(took_f);
                }
            }
            let n = numbers.integer();
            let (i, j, u) = (n as i64, n as i32, n as u32);
            let i = if numbers.below(8) == 0 { i64::MIN } else { i };
            let j = if numbers.below(8) == 0 { i32::MIN } else { j };
            assert!(check_near_need(&ONE[0], (n, ()), &format!("{n}")));
            assert!(check_near_need(&ONE[4], (i, ()), &format!("{i}")));
            assert!(check_near_need(&ONE[0], (j, ()), &format!("{j}")));
            assert!(check_near_need(&ONE[9], (u, ()), &format!("{u}")));
            let mut cut = numbers.below(long.len() as u64 + 1) as usize;
            while !long.is_char_boundary(cut) {
                cut -= 1;
            }
            let s = &long[..cut];
            assert!(check_near_need(&ONE[0], (s, ()), s));
            let expected = format!(
                "a{x:.3}bc {i} {s}|sixteen bytes!!{f:.7}seventeen bytes!!{j}sixteen: é end"
            );
            check_near_need(&MIXED, (x, (i, (s, (f, (j, ()))))), &expected);
        }
        assert!(fixed_ample * 2 > fixed, "{fixed_ample} of {fixed}");
    }

    /// NaN, infinities, ties and products too large for the quick rounding
    /// are left to `core::fmt`, which writes them as `format!` does.
    #[test]
    fn floats_the_quick_writers_leave_are_written_by_core_fmt() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e12, 1e20] {
            let expected = format!("1 {x:.5}");
            assert!(!check_every_room(&OTHER, (1u32, (x, ())), &expected));
        }
        // Ties at one of the precisions (2.5, 12.5, 0.5 once scaled).
        for x in [f64::NAN, f64::INFINITY, 0.25, 0.125, 0.0005, 1e16] {
            let expected = format!("{x:.1}|{x:.2}|{x:.3}");
            assert!(!check_every_room(&PLACES, (x, (x, (x, ()))), &expected));
        }
    }
}
