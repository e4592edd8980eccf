//! A plain call's arguments by type (64-bit targets): one writer for each
//! list of argument types, shared by every call with that list.
//!
//! The macro captures a plain call's arguments as a list of typed values
//! ([`Values`], `(first, (second, ... ()))`) and passes its text
//! ([`PlainText`], a constant) to [`log_values`], which is compiled once for
//! each list of types: each argument is written by the code for its type
//! only, with no look-up of its kind. A call site costs the capture of its
//! values and one call; a program has as many writers as it has argument
//! lists (`(u64, f64)`, `(&str,)`, ...), not as many as calls. The numbers
//! and text are written by `lent_room`'s code, and whatever it leaves
//! (text longer than the room, an argument only `core::fmt` writes, a float
//! whose quick rounding cannot be proved exact) makes this writer give up
//! before anything is kept: the shared writer then writes the whole message
//! from the same arguments, as `Arg`s. Both write the same text.

use core::cell::OnceCell;
use core::fmt;

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
        PlainText {
            pieces,
            precisions,
            precise,
            printable: super::printable_pieces(&pieces),
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

/// One argument of a plain call, by its type.
pub trait Value<'a>: Copy {
    /// Whether [`put`](Self::put) writes it as printable ASCII whenever it
    /// writes it (digits, a sign, a point).
    const PRINTABLE: bool;

    /// Writes the argument as `{}` (`precision` [`NO_PRECISION`]) or
    /// `{:.N}` writes it at `room[at..]`; the new end, or `None` when it
    /// does not fit or is left to the shared writer.
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize>;

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
pub trait Values<'a>: Copy {
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

    fn write_into(&self, room: &mut [u8]) -> Option<Written> {
        let at = put_text(room, 0, self.text.piece(0))?;
        let len = self.values.put(self.text, room, at, 0)?;
        Some(Written {
            len,
            printable: self.text.printable && V::PRINTABLE,
        })
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
#[cfg(feature = "queue-capture")]
type Replay = for<'d> unsafe fn(*const (), &'d [u8], &'d mut ReplayRoom) -> Option<Message<'d>>;

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
) -> Option<Message<'d>> {
    if !fits_replay_room::<Typed<'d, V::At<'d>, N, P>>() {
        return None;
    }
    // SAFETY: the contract.
    let text: &'static PlainText<N, P> = unsafe { &*text.cast::<PlainText<N, P>>() };
    let mut texts = N * WORD;
    // SAFETY: the contract: `data` holds what `V::pack` wrote.
    let values = unsafe { V::unpack(data, 0, &mut texts)? };
    let place = room.0.as_mut_ptr().cast::<Typed<'d, V::At<'d>, N, P>>();
    // SAFETY: the room is large and aligned enough for the message (checked
    // above) and borrowed for `'d`, as the message is; the message needs no
    // drop (its values and cell hold `Copy` data), so the room may simply
    // be forgotten.
    let message = unsafe {
        place.write(Typed {
            text,
            values,
            args: OnceCell::new(),
        });
        &*place
    };
    Some(Message::plain(message))
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
        impl<'a> Value<'a> for $t {
            const PRINTABLE: bool = true;

            /// A precision changes nothing (`{:.3}` of 7 is `7`).
            #[inline(always)]
            fn put(&self, room: &mut [u8], at: usize, _: u8) -> Option<usize> {
                let (magnitude, negative) = self.magnitude();
                put_decimal(room, at, magnitude, negative)
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

impl<'a> Value<'a> for f64 {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, *self, precision)
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

impl<'a> Value<'a> for f32 {
    const PRINTABLE: bool = true;

    /// As the `f64` of the same value: every `f32` is one exactly, and
    /// `core::fmt` writes the exact value either way.
    #[inline(always)]
    fn put(&self, room: &mut [u8], at: usize, precision: u8) -> Option<usize> {
        put_float(room, at, f64::from(*self), precision)
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

impl<'a> Value<'a> for &'a dyn DisplayArg {
    const PRINTABLE: bool = false;

    /// Written through `core::fmt`: left to the shared writer.
    #[inline(always)]
    fn put(&self, _: &mut [u8], _: usize, _: u8) -> Option<usize> {
        None
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

impl<'a> Value<'a> for Unused {
    const PRINTABLE: bool = true;

    #[inline(always)]
    fn put(&self, _: &mut [u8], at: usize, _: u8) -> Option<usize> {
        Some(at)
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
