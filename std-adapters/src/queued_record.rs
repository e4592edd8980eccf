//! A record as the queue's ring holds it: its fields, its strings, and its
//! message either as text or, for a plain call (`info!("served {} in {:.3}
//! ms", n, t)`), as the call's `'static` text pieces and its arguments in
//! binary, formatted on the listener's thread into the line its handler
//! writes.
//!
//! Strings that live for the whole program are carried as references, not
//! copied: the call's location when the record's file and module path are
//! the very strings the macro wrote ([`Message::static_location`]), and the
//! thread and process names when they are the ones the installed
//! [`emlog::Environment`] gives (`&'static str`s: emlog-std interns thread
//! names). Each is recognised by address and length against a `'static`
//! string held here, so a string that merely reads the same (a `String`
//! dropped once `handle` returns) is always copied.
//!
//! A record's fixed fields, and where its thread and process names are,
//! take the first cache line of its slot, with the slot's turn; three
//! lengths and its data ([`INLINE`] bytes) the second (see [`QueuedRecord`]
//! for the data's order). A
//! record whose data does not fit inline keeps all of it in a heap block of
//! its slot's instead (its *spill*, kept beside the ring), made the first
//! time the slot needs one that large and kept for later laps while it is at
//! most [`KEEP_SPILL`] bytes: a queue whose records are of a steady size
//! allocates nothing once every slot has been used.

use std::fmt::{self, Write as _};

use emlog::__private::{Arg, NO_PRECISION, PlainParts, copy_short, with_plain_message};
#[cfg(target_pointer_width = "64")]
use emlog::__private::{ByteSink, Packed, ReplayRoom, write_message_bytes};
use emlog::{Formatter, Level, Location, Message, Record, ThreadInfo, Timestamp};

/// Bytes of one slot of the ring: its turn, a record's fields and
/// [`INLINE`] bytes of data. Two cache lines: a plain call's record with a
/// short logger name, or a message of about forty characters, fits.
pub(crate) const SLOT: usize = 128;

/// Bytes of a slot before the data: the turn and the record's fields.
const FIELDS: usize = 72;

/// Bytes at the start of the data that say what the message is: a plain
/// message's pieces and its arguments' kinds, or a text message's length.
const PLAIN_HEAD: usize = 16;
const TEXT_HEAD: usize = 8;

/// Bytes of data kept in the slot itself.
pub(crate) const INLINE: usize = SLOT - FIELDS;

/// The most arguments a plain message carries in binary; a call with more is
/// formatted on the caller's thread.
pub(crate) const MAX_ARGS: usize = 8;

/// The largest spill a slot keeps for its next lap: the ring holds at most
/// `capacity × (SLOT + 16 + KEEP_SPILL)` bytes once warm (16: the spill's
/// place in the table beside the ring).
pub(crate) const KEEP_SPILL: usize = 512;

/// A spill is made at least this large, so a slot whose records vary a
/// little in size makes one.
const MIN_SPILL: usize = 256;

/// Bytes per argument value.
const VALUE: usize = 8;

/// The most data a record has: its lengths and places are kept in 32 bits.
const LIMIT: usize = u32::MAX as usize;

// `kind`: what the message part holds, and where the strings are.
/// A plain call's parts (else text).
const PLAIN: u8 = 1;
/// The data is in the spill.
const SPILLED: u8 = 2;
/// Some argument has a precision.
const PRECISE: u8 = 4;
/// `location` is a `&'static Location<'static>`.
const STATIC_LOCATION: u8 = 8;
/// The thread name is in the data (else a `&'static str`).
const THREAD_COPIED: u8 = 16;
/// The process name is in the data (else a `&'static str`).
const PROCESS_COPIED: u8 = 32;
/// A plain call's arguments packed by the writer of their types (see
/// [`Packed`]): its two words are the head, the packed bytes come last.
/// (Only 64-bit targets pack.)
const PACKED: u8 = 64;
/// With [`STATIC_LOCATION`] alone (a [`TextInline`]): the text is
/// printable ASCII, as the writer that made it said, and the listener's
/// renderers need not scan it for characters to escape.
const PRINTABLE: u8 = 128;

// An argument's kind: the low three bits of its byte in `kinds`; the
// precision plus one, or 0 for none, in the high five.
const UNSIGNED: u8 = 0;
const SIGNED: u8 = 1;
const UNSIGNED64: u8 = 2;
const SIGNED64: u8 = 3;
const F32: u8 = 4;
const F64: u8 = 5;
const STR: u8 = 6;
const UNUSED: u8 = 7;

/// The highest precision an argument's byte holds.
const MAX_PRECISION: u8 = 30;

/// Eight bytes at any alignment, so that the record's fields pack after the
/// slot's four-byte turn.
type Word = [u8; 8];

/// A [`StringPlaces`] of a record's own fields, to assign to (they are
/// apart from its data, which is borrowed meanwhile).
macro_rules! places {
    ($record:ident) => {
        StringPlaces {
            kind: $record.kind,
            logger_len: $record.logger_len,
            location: $record.location,
            thread_name: ($record.thread_name, $record.thread_name_len),
            process_name: ($record.process_name, $record.process_name_len),
        }
    };
}

/// One queued record: plain integers and bytes only, so that zeroed memory
/// is a valid (empty) record and the ring can be allocated zeroed. With the
/// slot's turn, the fields up to `process_name` are the slot's first cache
/// line.
///
/// The data: for a plain message the address of its `'static` pieces and
/// a byte per argument (its kind, and its precision plus one or 0 for none),
/// then the arguments' values; for text its length. Then the logger name,
/// the file and module path and the names not carried by reference, in
/// that order, and last the text arguments or the text.
#[repr(C)]
pub(crate) struct QueuedRecord {
    level: u8,
    /// [`PLAIN`], [`SPILLED`], [`PRECISE`], [`STATIC_LOCATION`],
    /// [`THREAD_COPIED`], [`PROCESS_COPIED`], [`PACKED`].
    kind: u8,
    /// How many arguments.
    args: u8,
    /// How many pieces of text a plain message has.
    pieces_len: u8,
    line: u32,
    sequence: u32,
    nanos: u32,
    process_id: u32,
    secs: Word,
    thread_id: Word,
    /// With [`STATIC_LOCATION`] the address of a `&'static Location<'static>`;
    /// else the file's length, and the module path's in the high half.
    location: Word,
    /// A `&'static str`'s address (its length in `thread_name_len`), or
    /// with [`THREAD_COPIED`] its length (it is in the data).
    thread_name: Word,
    /// As `thread_name`, with [`PROCESS_COPIED`].
    process_name: Word,
    thread_name_len: u16,
    process_name_len: u16,
    logger_len: u32,
    data: [u8; INLINE],
}

/// A slot's heap block for data that does not fit inline.
pub(crate) type Spill = Option<Box<[u8]>>;

/// A record's message made ready to copy.
#[derive(Clone, Copy)]
pub(crate) enum Prepared<'a> {
    /// Text formatted before (in the handler's buffer).
    Text(&'a str),
    /// A plain call's parts, every argument a number or text, copied in
    /// binary; `texts`: the text arguments' bytes.
    Plain { parts: PlainParts<'a>, texts: usize },
    /// A plain call's message, every argument a number or text, that the
    /// slot cannot carry in binary: formatted into the slot.
    Format(&'a Message<'a>),
    /// A plain call's arguments packed by the writer of their types into
    /// `bytes` (see [`Packed`]).
    #[cfg(target_pointer_width = "64")]
    Packed { packed: Packed, bytes: &'a [u8] },
}

/// The `'static` thread and process names a producer saw last, against
/// which a record's names are recognised (see the module's description).
#[derive(Clone, Copy, Debug)]
pub(crate) struct KnownNames {
    thread: &'static str,
    process: &'static str,
}

impl KnownNames {
    pub(crate) const fn new() -> KnownNames {
        KnownNames {
            thread: "",
            process: "",
        }
    }

    /// `name` as a `&'static str`, if it is the calling thread's name.
    #[inline(always)]
    fn thread(&mut self, name: &str) -> Option<&'static str> {
        known(&mut self.thread, name, || {
            (emlog::environment().thread)().name
        })
    }

    /// `name` as a `&'static str`, if it is the environment's process name.
    #[inline(always)]
    fn process(&mut self, name: &str) -> Option<&'static str> {
        known(&mut self.process, name, || {
            emlog::environment().process_name
        })
    }
}

/// `name` as a `&'static str` if it is `*last`, or else (out of line) the
/// name `current` gives now, which `*last` then keeps.
#[inline(always)]
fn known(
    last: &mut &'static str,
    name: &str,
    current: impl FnOnce() -> &'static str,
) -> Option<&'static str> {
    match same(last, name) {
        true => Some(*last),
        false => learn(last, name, current),
    }
}

#[cold]
#[inline(never)]
fn learn(
    last: &mut &'static str,
    name: &str,
    current: impl FnOnce() -> &'static str,
) -> Option<&'static str> {
    let current = current();
    // A record keeps a name's length in 16 bits: a longer one is copied.
    *last = match current.len() <= usize::from(u16::MAX) {
        true => current,
        false => "",
    };
    same(last, name).then_some(*last)
}

/// Whether `s` is `known` itself (the same bytes in memory): then it lives
/// as long as `known` does.
#[inline(always)]
fn same(known: &'static str, s: &str) -> bool {
    known.as_ptr() == s.as_ptr() && known.len() == s.len()
}

/// How to fill a [`QueuedRecord`]: the record, its prepared message, which
/// strings go by reference, and how many data bytes they take.
pub(crate) struct Capture<'a> {
    record: &'a Record<'a>,
    message: Prepared<'a>,
    location: Option<&'static Location<'static>>,
    thread_name: Option<&'static str>,
    process_name: Option<&'static str>,
    /// Data bytes of the strings (the logger, the location and names not
    /// carried by reference).
    strings: usize,
    /// Data bytes of the message as prepared: a plain message's head,
    /// values and text arguments, or a text's head and text (but for text
    /// formatted into the slot).
    message_len: usize,
}

impl<'a> Capture<'a> {
    /// What copying `record` with `message` takes; `None` if it is too
    /// long to describe (4 GiB).
    #[inline(always)]
    pub(crate) fn new(
        record: &'a Record<'a>,
        message: Prepared<'a>,
        known: &mut KnownNames,
    ) -> Option<Capture<'a>> {
        let location = record.args.static_location().filter(|l| {
            same(l.file, record.location.file) && same(l.module_path, record.location.module_path)
        });
        let thread_name = known.thread(record.thread.name);
        let process_name = known.process(record.process.1);
        let mut strings = record.logger.len();
        if location.is_none() {
            strings += record.location.file.len() + record.location.module_path.len();
        }
        if thread_name.is_none() {
            strings += record.thread.name.len();
        }
        if process_name.is_none() {
            strings += record.process.1.len();
        }
        let message_len = match message {
            Prepared::Text(text) => TEXT_HEAD + text.len(),
            Prepared::Plain { parts, texts, .. } => PLAIN_HEAD + parts.args.len() * VALUE + texts,
            Prepared::Format(_) => TEXT_HEAD,
            #[cfg(target_pointer_width = "64")]
            Prepared::Packed { bytes, .. } => PLAIN_HEAD + bytes.len(),
        };
        (strings.saturating_add(message_len) <= LIMIT).then_some(Capture {
            record,
            message,
            location,
            thread_name,
            process_name,
            strings,
            message_len,
        })
    }

    /// Data bytes the record takes (but for text formatted into the slot,
    /// which takes more as it is written).
    #[inline(always)]
    fn len(&self) -> usize {
        self.strings + self.message_len
    }
}

/// A record whose message is text, the short way (see
/// [`QueuedRecord::fill_inline`]): its location and thread and process
/// names by reference, its logger name and text inline after the text's
/// length ([`TEXT_HEAD`]). A packed plain call goes the way of
/// [`PackInPlace`]; any other record takes [`Capture`].
pub(crate) struct TextInline<'a> {
    record: &'a Record<'a>,
    location: &'static Location<'static>,
    thread_name: &'static str,
    process_name: &'static str,
    text: &'a str,
    /// Whether `text` is printable ASCII (then marked [`PRINTABLE`]).
    printable: bool,
}

impl<'a> TextInline<'a> {
    /// `record` with `text` as its message, if it goes the short way;
    /// `printable` only if the text is known to be printable ASCII (as
    /// [`write_message_into`](emlog::__private::write_message_into) says
    /// of what it wrote): the listener then does not scan it for escaping.
    #[inline(always)]
    pub(crate) fn text(
        record: &'a Record<'a>,
        text: &'a str,
        printable: bool,
        known: &mut KnownNames,
    ) -> Option<TextInline<'a>> {
        let (location, [thread_name, process_name]) =
            by_reference(record, TEXT_HEAD, text.len(), known)?;
        Some(TextInline {
            record,
            location,
            thread_name,
            process_name,
            text,
            printable,
        })
    }
}

/// The location and the thread and process names of `record`, if they all
/// go by reference and its logger name fits inline after a message head of
/// `head` bytes and `len` bytes of message: what the short ways need.
#[inline(always)]
fn by_reference(
    record: &Record<'_>,
    head: usize,
    len: usize,
    known: &mut KnownNames,
) -> Option<(&'static Location<'static>, [&'static str; 2])> {
    let location = record.args.static_location()?;
    if !same(location.file, record.location.file)
        || !same(location.module_path, record.location.module_path)
    {
        return None;
    }
    let thread_name = known.thread(record.thread.name)?;
    let process_name = known.process(record.process.1)?;
    // No overflow: a `str` is at most isize::MAX bytes, and `len` is the
    // size of room a message takes.
    if head + record.logger.len() + len.min(INLINE) > INLINE {
        return None;
    }
    Some((location, [thread_name, process_name]))
}

/// A plain call's record that goes into its slot the shortest way: its
/// location and names by reference (as a [`TextInline`]'s), its logger name
/// and message inline after the [`Packed`] words ([`PLAIN_HEAD`]), packed
/// straight into the slot ([`QueuedRecord::fill_packing`]), the room it
/// takes known beforehand ([`Message::packed_len`]).
#[cfg(target_pointer_width = "64")]
pub(crate) struct PackInPlace<'a> {
    record: &'a Record<'a>,
    location: &'static Location<'static>,
    /// Its thread and process names (the producer's known ones: read
    /// from there, not kept here, which takes fewer registers).
    names: &'a KnownNames,
}

#[cfg(target_pointer_width = "64")]
impl<'a> PackInPlace<'a> {
    /// `record`, whose message packs into `len` bytes, if it goes this way.
    #[inline(always)]
    pub(crate) fn new(
        record: &'a Record<'a>,
        len: usize,
        known: &'a mut KnownNames,
    ) -> Option<PackInPlace<'a>> {
        // The names returned are `known`'s own.
        let (location, _) = by_reference(record, PLAIN_HEAD, len, known)?;
        Some(PackInPlace {
            record,
            location,
            names: known,
        })
    }
}

/// Where a record's data is written: bytes put one after the other.
trait Put {
    /// Appends `bytes`; returns where they start.
    fn put(&mut self, bytes: &[u8]) -> usize;
}

/// Data of a known length, in room that holds it all.
struct Cursor<'b> {
    bytes: &'b mut [u8],
    at: usize,
}

impl Put for Cursor<'_> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) -> usize {
        let at = self.at;
        if let Some(to) = self.bytes.get_mut(at..) {
            copy_short(to, bytes);
        }
        self.at = at + bytes.len();
        at
    }
}

/// The slot's spill, at least `len` bytes long (made now if need be).
#[cold]
#[inline(never)]
fn spill_of(spill: &mut Spill, len: usize) -> &mut [u8] {
    if spill.as_deref().is_none_or(|s| s.len() < len) {
        *spill = Some(vec![0u8; len.max(MIN_SPILL)].into_boxed_slice());
    }
    spill.as_deref_mut().unwrap_or_default()
}

/// Room for a record's `len` bytes of data, written from `at`: inline if
/// they fit, else the slot's spill (made now if need be); and the `kind`
/// bit that says which ([`SPILLED`] or none).
#[inline(always)]
fn place<'b>(
    inline: &'b mut [u8; INLINE],
    spill: &'b mut Spill,
    len: usize,
    at: usize,
) -> (Cursor<'b>, u8) {
    match len > INLINE {
        false => (Cursor { bytes: inline, at }, 0),
        true => (
            Cursor {
                bytes: spill_of(spill, len),
                at,
            },
            SPILLED,
        ),
    }
}

/// A record's data as a message formatted into the slot writes it: inline,
/// or in the slot's spill from the moment it does not fit (what was written
/// moves along).
struct Data<'s> {
    inline: &'s mut [u8; INLINE],
    spill: &'s mut Spill,
    spilled: bool,
    len: usize,
}

impl Data<'_> {
    #[inline(always)]
    fn bytes(&mut self) -> &mut [u8] {
        match (self.spilled, self.spill.as_deref_mut()) {
            (true, Some(spill)) => spill,
            _ => self.inline,
        }
    }

    #[inline(always)]
    fn capacity(&self) -> usize {
        match (self.spilled, self.spill.as_deref()) {
            (true, Some(spill)) => spill.len(),
            _ => INLINE,
        }
    }

    /// Makes room for `n` more bytes.
    #[inline(always)]
    fn reserve(&mut self, n: usize) {
        let end = self.len.saturating_add(n);
        if end > self.capacity() {
            self.grow(end);
        }
    }

    /// Moves the data into a spill of at least `end` bytes (made now if the
    /// slot has none that large).
    #[cold]
    #[inline(never)]
    fn grow(&mut self, end: usize) {
        let len = self.len;
        if self.spill.as_deref().is_none_or(|s| s.len() < end) {
            // Twice what is needed: the text goes on growing.
            let mut block = vec![0u8; end.saturating_mul(2).max(MIN_SPILL)].into_boxed_slice();
            if let (Some(to), Some(from)) = (block.get_mut(..len), self.bytes().get(..len)) {
                to.copy_from_slice(from);
            }
            *self.spill = Some(block);
        } else if let (false, Some(spill)) = (self.spilled, self.spill.as_deref_mut())
            && let (Some(to), Some(from)) = (spill.get_mut(..len), self.inline.get(..len))
        {
            to.copy_from_slice(from);
        }
        self.spilled = true;
    }
}

impl Put for Data<'_> {
    fn put(&mut self, bytes: &[u8]) -> usize {
        self.reserve(bytes.len());
        let at = self.len;
        if let Some(to) = self.bytes().get_mut(at..) {
            copy_short(to, bytes);
        }
        self.len = at + bytes.len();
        at
    }
}

/// A plain message formatted into the slot: the room lent is the data's.
#[cfg(target_pointer_width = "64")]
impl ByteSink for Data<'_> {
    fn room(&mut self, min: usize) -> Result<&mut [u8], fmt::Error> {
        self.reserve(min);
        let at = self.len;
        self.bytes().get_mut(at..).ok_or(fmt::Error)
    }

    /// Takes the text only if it is UTF-8 (the reader takes it as `str`).
    fn commit(&mut self, n: usize) -> fmt::Result {
        let at = self.len;
        let end = at
            .checked_add(n)
            .filter(|&end| end <= LIMIT)
            .ok_or(fmt::Error)?;
        let written = self.bytes().get(at..end).ok_or(fmt::Error)?;
        if !is_ascii(written) && std::str::from_utf8(written).is_err() {
            return Err(fmt::Error);
        }
        self.len = end;
        Ok(())
    }
}

/// Whether `bytes` are all ASCII: eight at a time (the last eight
/// overlapping), for the short text of a message.
#[inline(always)]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(HIGH, u64::from_ne_bytes)
    };
    let len = bytes.len();
    if len < 8 {
        return bytes.iter().fold(0, |high, &b| high | b) < 0x80;
    }
    let mut high = word(len - 8);
    let mut at = 0;
    while at + 8 < len {
        high |= word(at);
        at += 8;
    }
    high & HIGH == 0
}

impl fmt::Write for Data<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len.saturating_add(s.len()) > LIMIT {
            return Err(fmt::Error);
        }
        self.put(s.as_bytes());
        Ok(())
    }
}

impl QueuedRecord {
    /// Fills this record (and the slot's `spill` if it does not fit inline)
    /// from `capture`. Never panics (it runs while the record's slot is
    /// claimed). `false` if a message formatted here failed (not reached:
    /// the slot takes any text), its record then carrying the text written.
    #[inline(always)]
    pub(crate) fn fill(&mut self, spill: &mut Spill, capture: &Capture<'_>) -> bool {
        self.fill_fields(capture.record);
        self.fill_message(spill, capture)
    }

    /// [`fill`](Self::fill) for a message of [`Prepared::Packed`] (which
    /// `fill` takes too, less directly).
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    pub(crate) fn fill_packed(&mut self, spill: &mut Spill, capture: &Capture<'_>) -> bool {
        let Prepared::Packed { packed, bytes } = capture.message else {
            return self.fill(spill, capture);
        };
        self.fill_fields(capture.record);
        self.fill_packed_message(spill, capture, packed, bytes)
    }

    /// Fills this record from `p`: as [`fill`](Self::fill) would (the
    /// same layout, which [`with_record`](Self::with_record) reads), without
    /// looking at what the short way rules out.
    #[inline(always)]
    pub(crate) fn fill_inline(&mut self, p: &TextInline<'_>) {
        let printable = if p.printable { PRINTABLE } else { 0 };
        self.fill_by_reference(
            p.record,
            STATIC_LOCATION | printable,
            p.location,
            [p.thread_name, p.process_name],
        );
        let logger = p.record.logger.as_bytes();
        let (head, rest) = self.data.split_at_mut(TEXT_HEAD);
        head.copy_from_slice(&(p.text.len() as u64).to_ne_bytes());
        // Both fit (`TextInline::text`): neither copy is cut.
        copy_short(rest, logger);
        if let Some(to) = rest.get_mut(logger.len()..) {
            copy_short(to, p.text.as_bytes());
        }
    }

    /// Fills this record from `p` as [`fill`](Self::fill) would a
    /// [`Prepared::Packed`] message (the same layout), without looking at
    /// what the short way rules out, its message packed here.
    /// `false` if a message formatted here failed (not reached), as
    /// [`fill`](Self::fill).
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    pub(crate) fn fill_packing(&mut self, spill: &mut Spill, p: &PackInPlace<'_>) -> bool {
        let record = p.record;
        let names = [p.names.thread, p.names.process];
        self.fill_by_reference(record, PACKED | STATIC_LOCATION, p.location, names);
        let logger = record.logger.as_bytes();
        let (head, rest) = self.data.split_at_mut(PLAIN_HEAD);
        // It fits (`PackInPlace::new`): not cut.
        copy_short(rest, logger);
        let packed = rest
            .get_mut(logger.len()..)
            .and_then(|room| record.args.pack(room));
        let Some(packed) = packed else {
            return self.fill_formatted(spill, p);
        };
        for (to, word) in head.chunks_exact_mut(VALUE).zip(packed.words()) {
            to.copy_from_slice(&word.to_ne_bytes());
        }
        true
    }

    /// The message of `p` formatted here after all: reached only if it did
    /// not pack into the room its `packed_len` gave. It packs, so it has no
    /// `Display` argument: formatting it runs none of the caller's code.
    #[cfg(target_pointer_width = "64")]
    #[cold]
    #[inline(never)]
    fn fill_formatted(&mut self, spill: &mut Spill, p: &PackInPlace<'_>) -> bool {
        let (thread_name, process_name) = (p.names.thread, p.names.process);
        let capture = Capture {
            record: p.record,
            message: Prepared::Format(&p.record.args),
            location: Some(p.location),
            thread_name: Some(thread_name),
            process_name: Some(process_name),
            strings: p.record.logger.len(),
            message_len: TEXT_HEAD,
        };
        self.fill(spill, &capture)
    }

    /// The fields of a record whose location and names go by reference:
    /// its fixed fields, `kind`, the references and the logger's length
    /// (its name and message are the caller's to write).
    #[inline(always)]
    fn fill_by_reference(
        &mut self,
        record: &Record<'_>,
        kind: u8,
        location: &'static Location<'static>,
        [thread_name, process_name]: [&'static str; 2],
    ) {
        self.fill_fields(record);
        self.kind = kind;
        self.args = 0;
        self.location = address(location).to_ne_bytes();
        self.thread_name = address(thread_name).to_ne_bytes();
        self.process_name = address(process_name).to_ne_bytes();
        // Below 2^16: `learn` keeps no longer name.
        self.thread_name_len = thread_name.len() as u16;
        self.process_name_len = process_name.len() as u16;
        // Below INLINE (`by_reference`).
        self.logger_len = record.logger.len() as u32;
    }

    /// The message and strings of a [`Prepared::Packed`] message (for
    /// [`fill_packed`](Self::fill_packed) and `fill`): its head, the
    /// strings, then its bytes.
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    fn fill_packed_message(
        &mut self,
        spill: &mut Spill,
        capture: &Capture<'_>,
        packed: Packed,
        bytes: &[u8],
    ) -> bool {
        let (mut data, spilled) = place(&mut self.data, spill, capture.len(), PLAIN_HEAD);
        self.args = 0;
        places!(self) = put_strings(&mut data, capture, PACKED | spilled);
        put_packed(&mut data, packed, bytes);
        true
    }

    /// The record's fixed fields.
    #[inline(always)]
    fn fill_fields(&mut self, record: &Record<'_>) {
        self.level = record.level.number();
        self.line = record.location.line;
        self.sequence = record.sequence;
        self.nanos = record.timestamp.nanos;
        self.process_id = record.process.0;
        self.secs = record.timestamp.secs.to_ne_bytes();
        self.thread_id = record.thread.id.to_ne_bytes();
    }

    /// The message and strings of [`fill`](Self::fill).
    #[inline(always)]
    fn fill_message(&mut self, spill: &mut Spill, capture: &Capture<'_>) -> bool {
        let message = capture.message;
        let (at, args, kind) = match message {
            Prepared::Plain { parts, .. } => {
                let args = parts.args.len().min(MAX_ARGS);
                let kind = match parts.precisions.is_empty() {
                    true => PLAIN,
                    false => PLAIN | PRECISE,
                };
                (PLAIN_HEAD + args * VALUE, args, kind)
            }
            #[cfg(target_pointer_width = "64")]
            Prepared::Packed { packed, bytes } => {
                return self.fill_packed_message(spill, capture, packed, bytes);
            }
            Prepared::Text(_) | Prepared::Format(_) => (TEXT_HEAD, 0, 0),
        };
        let (mut data, spilled) = place(&mut self.data, spill, capture.len(), at);
        self.args = args as u8;
        places!(self) = put_strings(&mut data, capture, kind | spilled);
        match message {
            Prepared::Text(text) => {
                data.put(text.as_bytes());
                if let Some(head) = data.bytes.get_mut(..TEXT_HEAD) {
                    head.copy_from_slice(&(text.len() as u64).to_ne_bytes());
                }
                true
            }
            Prepared::Plain { parts, .. } => {
                self.pieces_len = parts.pieces.len() as u8;
                // The head and values gathered here, then copied at once.
                let mut head = [0; PLAIN_HEAD + MAX_ARGS * VALUE];
                head[..VALUE].copy_from_slice(&address(parts.pieces).to_ne_bytes());
                for (k, arg) in parts.args.iter().enumerate().take(args) {
                    let (arg_kind, bits) = encode(arg, &mut data);
                    let precision = parts.precisions.get(k).copied().unwrap_or(NO_PRECISION);
                    if let Some(byte) = head.get_mut(VALUE + k) {
                        *byte = arg_kind | precision_code(precision) << 3;
                    }
                    let at = PLAIN_HEAD + k * VALUE;
                    if let Some(value) = head.get_mut(at..at + VALUE) {
                        value.copy_from_slice(&bits.to_ne_bytes());
                    }
                }
                let len = PLAIN_HEAD + args * VALUE;
                if let (Some(to), Some(from)) = (data.bytes.get_mut(..len), head.get(..len)) {
                    copy_short(to, from);
                }
                true
            }
            // Filled above.
            #[cfg(target_pointer_width = "64")]
            Prepared::Packed { .. } => true,
            Prepared::Format(message) => {
                // Formatted here, last: the text may not fit where the data
                // is; it moves on into a (larger) spill as it grows.
                let at = data.at;
                let mut data = Data {
                    inline: &mut self.data,
                    spill,
                    spilled: spilled != 0,
                    len: at,
                };
                #[cfg(target_pointer_width = "64")]
                let written = write_message_bytes(message, &mut data);
                #[cfg(not(target_pointer_width = "64"))]
                let written = message.write_to_sink(&mut data);
                if data.spilled {
                    self.kind |= SPILLED;
                }
                // At most `LIMIT`: `Data` takes no more.
                let len = (data.len - at) as u64;
                if let Some(head) = data.bytes().get_mut(..TEXT_HEAD) {
                    head.copy_from_slice(&len.to_ne_bytes());
                }
                written.is_ok()
            }
        }
    }

    /// The data: inline, or in the slot's spill.
    #[inline(always)]
    fn data<'s>(&'s self, spill: &'s Spill) -> &'s [u8] {
        // The spill is looked at only when the record has one.
        if self.kind & SPILLED != 0
            && let Some(spill) = spill.as_deref()
        {
            return spill;
        }
        &self.data
    }

    /// The record's data is no longer needed: frees the slot's spill if it
    /// is too large to keep.
    #[inline(always)]
    pub(crate) fn release(&self, spill: &mut Spill) {
        if self.kind & SPILLED != 0 && spill.as_deref().is_some_and(|s| s.len() > KEEP_SPILL) {
            *spill = None;
        }
    }

    /// Runs `f` with the record this holds (its data in `spill` if it
    /// spilled), its message a [`Message`] that writes what the call's own
    /// thread would have.
    #[inline(always)]
    pub(crate) fn with_record<R>(&self, spill: &Spill, mut f: impl FnMut(&Record<'_>) -> R) -> R {
        #[cfg(target_pointer_width = "64")]
        if self.kind == PACKED | STATIC_LOCATION {
            return self.with_packed_inline(f);
        }
        if self.kind & !PRINTABLE == STATIC_LOCATION {
            return self.with_text_inline(f);
        }
        let data = self.data(spill);
        let count = usize::from(self.args).min(MAX_ARGS);
        let mut at = match self.kind & (PLAIN | PACKED) {
            0 => TEXT_HEAD,
            _ => PLAIN_HEAD + count * VALUE,
        };
        let logger = text_at(data, &mut at, self.logger_len);
        let location = match self.kind & STATIC_LOCATION {
            0 => {
                let lens = u64::from_ne_bytes(self.location);
                let file = text_at(data, &mut at, lens as u32);
                let module_path = text_at(data, &mut at, (lens >> 32) as u32);
                Location {
                    file,
                    line: self.line,
                    module_path,
                }
            }
            _ => {
                // SAFETY: with STATIC_LOCATION, `location` was taken from a
                // `&'static Location<'static>` by `fill`.
                let location =
                    unsafe { &*(word_address(self.location) as *const Location<'static>) };
                Location {
                    line: self.line,
                    ..*location
                }
            }
        };
        let names = [
            self.name(
                data,
                &mut at,
                THREAD_COPIED,
                self.thread_name,
                self.thread_name_len,
            ),
            self.name(
                data,
                &mut at,
                PROCESS_COPIED,
                self.process_name,
                self.process_name_len,
            ),
        ];
        let word = |at: usize| {
            data.get(at..at + VALUE)
                .and_then(|w| <[u8; VALUE]>::try_from(w).ok())
                .map_or(0, u64::from_ne_bytes)
        };
        #[cfg(target_pointer_width = "64")]
        if self.kind & PACKED != 0 {
            let packed = data.get(at..).unwrap_or_default();
            let mut room = ReplayRoom::new();
            // Empty only if the data were not as packed (not reached): the
            // record still goes out.
            // SAFETY: with PACKED, `fill` put a `Packed`'s words at the
            // head and the bytes packed with it last, from `at`.
            let message =
                unsafe { Packed::replay_or_empty([word(0), word(VALUE)], packed, &mut room) };
            return f(&self.record(logger, location, names, message));
        }
        if self.kind & PLAIN == 0 {
            let len = data
                .get(..TEXT_HEAD)
                .and_then(|w| <[u8; TEXT_HEAD]>::try_from(w).ok())
                .map_or(0, u64::from_ne_bytes);
            let message = text_at(data, &mut at, len as u32);
            return f(&self.record(logger, location, names, Message::text(&message)));
        }
        let kinds = word(VALUE).to_ne_bytes();
        let mut args = [Arg::Unused; MAX_ARGS];
        let mut precisions = [NO_PRECISION; MAX_ARGS];
        for k in 0..count {
            if let (Some(arg), Some(precision), Some(&byte)) =
                (args.get_mut(k), precisions.get_mut(k), kinds.get(k))
            {
                *arg = decode(data, byte & 7, word(PLAIN_HEAD + k * VALUE));
                *precision = (byte >> 3).wrapping_sub(1);
            }
        }
        let parts = PlainParts {
            pieces: self.pieces(word(0) as usize),
            precisions: match self.kind & PRECISE {
                0 => &[],
                _ => precisions.get(..count).unwrap_or_default(),
            },
            args: args.get(..count).unwrap_or_default(),
        };
        with_plain_message(parts, |message| {
            f(&self.record(logger, location, names, message))
        })
    }

    /// [`with_record`](Self::with_record) of a record that
    /// [`fill_packing`](Self::fill_packing) filled (or `fill_packed`, the
    /// same way): nothing spilled or copied but the
    /// logger name, the location and names by reference.
    #[cfg(target_pointer_width = "64")]
    #[inline(always)]
    fn with_packed_inline<R>(&self, mut f: impl FnMut(&Record<'_>) -> R) -> R {
        let (head, logger, packed) = self.inline_data::<PLAIN_HEAD>();
        let word = |at: usize| {
            head.get(at..at + VALUE)
                .and_then(|w| <[u8; VALUE]>::try_from(w).ok())
                .map_or(0, u64::from_ne_bytes)
        };
        let mut room = ReplayRoom::new();
        // SAFETY: with PACKED, the head holds a `Packed`'s words and the
        // bytes packed with it follow the strings (here, the logger name).
        // As in `with_record`: empty only if the data were not as packed.
        let message = unsafe { Packed::replay_or_empty([word(0), word(VALUE)], packed, &mut room) };
        // Read after the replay, so that they need not be kept across it.
        let (location, names) = self.static_strings();
        f(&self.record(logger, location, names, message))
    }

    /// [`with_record`](Self::with_record) of a text message laid out as
    /// [`with_packed_inline`](Self::with_packed_inline)'s: the text's
    /// length as the head, the text after the logger name. Marked
    /// [`PRINTABLE`], the message says so to the renderers.
    #[inline(always)]
    fn with_text_inline<R>(&self, mut f: impl FnMut(&Record<'_>) -> R) -> R {
        let (head, logger, rest) = self.inline_data::<TEXT_HEAD>();
        let (location, names) = self.static_strings();
        let len = <[u8; TEXT_HEAD]>::try_from(head).map_or(0, u64::from_ne_bytes);
        let mut at = 0;
        let text = text_at(rest, &mut at, len as u32);
        #[cfg(target_pointer_width = "64")]
        let printable;
        let message = match self.kind & PRINTABLE {
            #[cfg(target_pointer_width = "64")]
            PRINTABLE => {
                printable = emlog::__private::PrintableText::new(text);
                printable.message()
            }
            _ => Message::text(&text),
        };
        f(&self.record(logger, location, names, message))
    }

    /// A record's data when nothing spilled (its `kind` [`STATIC_LOCATION`],
    /// with [`PACKED`] or not): its head (`HEAD` bytes), the logger name,
    /// and the data after it.
    #[inline(always)]
    fn inline_data<const HEAD: usize>(&self) -> (&[u8], &str, &[u8]) {
        let (head, rest) = self.data.split_at(HEAD);
        let (logger, after) = rest.split_at((self.logger_len as usize).min(rest.len()));
        // SAFETY: the logger name was copied whole from a `str` to here.
        let logger = unsafe { std::str::from_utf8_unchecked(logger) };
        (head, logger, after)
    }

    /// The location and the thread and process names of a record that
    /// carries them all by reference (its `kind` [`STATIC_LOCATION`],
    /// without [`THREAD_COPIED`] and [`PROCESS_COPIED`]).
    #[inline(always)]
    fn static_strings(&self) -> (Location<'static>, [&'static str; 2]) {
        // SAFETY: with STATIC_LOCATION, `location` was taken from a
        // `&'static Location<'static>` when filled.
        let location = unsafe { &*(word_address(self.location) as *const Location<'static>) };
        // SAFETY: without THREAD_COPIED and PROCESS_COPIED the names are
        // `&'static str`s' addresses and lengths.
        let names = unsafe {
            [
                static_str(self.thread_name, self.thread_name_len),
                static_str(self.process_name, self.process_name_len),
            ]
        };
        let location = Location {
            line: self.line,
            ..*location
        };
        (location, names)
    }

    /// The record with these fields, its strings and `message`.
    #[inline(always)]
    fn record<'a>(
        &self,
        logger: &'a str,
        location: Location<'a>,
        [thread_name, process_name]: [&'a str; 2],
        message: Message<'a>,
    ) -> Record<'a> {
        Record {
            level: Level::new(self.level),
            logger,
            args: message,
            location,
            timestamp: Timestamp {
                secs: u64::from_ne_bytes(self.secs),
                nanos: self.nanos,
            },
            sequence: self.sequence,
            thread: ThreadInfo {
                id: u64::from_ne_bytes(self.thread_id),
                name: thread_name,
            },
            process: (self.process_id, process_name),
        }
    }

    /// A thread or process name: the next text in the data (`copied` set in
    /// `kind`; `word` its length), or a `&'static str`.
    #[inline(always)]
    fn name<'d>(
        &self,
        data: &'d [u8],
        at: &mut usize,
        copied: u8,
        word: Word,
        len: u16,
    ) -> &'d str {
        match self.kind & copied {
            // SAFETY: without `copied`, `fill` took the address and length
            // from a `&'static str` (`put_name`).
            0 => unsafe { static_str(word, len) },
            _ => text_at(data, at, u64::from_ne_bytes(word) as u32),
        }
    }

    /// A plain message's pieces, at `address`.
    #[inline(always)]
    fn pieces(&self, address: usize) -> &'static [&'static str] {
        match address {
            0 => &[],
            // SAFETY: a plain message's head has the address of a
            // `&'static [&'static str]` of `pieces_len` pieces (`fill`).
            address => unsafe {
                std::slice::from_raw_parts(
                    address as *const &'static str,
                    usize::from(self.pieces_len),
                )
            },
        }
    }
}

/// A packed message's head (its [`Packed::words`]) and, after the strings,
/// its bytes.
#[cfg(target_pointer_width = "64")]
#[inline(always)]
fn put_packed(data: &mut Cursor<'_>, packed: Packed, bytes: &[u8]) {
    let [replay, text] = packed.words();
    if let Some(head) = data.bytes.get_mut(..PLAIN_HEAD) {
        head[..VALUE].copy_from_slice(&replay.to_ne_bytes());
        head[VALUE..].copy_from_slice(&text.to_ne_bytes());
    }
    data.put(bytes);
}

/// Where a record's strings are: its fields that say so.
struct StringPlaces {
    /// The record's `kind`, with the strings' flags.
    kind: u8,
    logger_len: u32,
    location: Word,
    thread_name: (Word, u16),
    process_name: (Word, u16),
}

/// Puts the record's strings into `data`, but those carried by reference;
/// where they are, `kind` with their flags added.
#[inline(always)]
fn put_strings(data: &mut Cursor<'_>, capture: &Capture<'_>, mut kind: u8) -> StringPlaces {
    let record = capture.record;
    data.put(record.logger.as_bytes());
    let location = match capture.location {
        Some(location) => {
            kind |= STATIC_LOCATION;
            address(location).to_ne_bytes()
        }
        None => {
            let (file, module_path) = (record.location.file, record.location.module_path);
            data.put(file.as_bytes());
            data.put(module_path.as_bytes());
            (file.len() as u64 | (module_path.len() as u64) << 32).to_ne_bytes()
        }
    };
    let thread_name = put_name(
        data,
        record.thread.name,
        capture.thread_name,
        &mut kind,
        THREAD_COPIED,
    );
    let process_name = put_name(
        data,
        record.process.1,
        capture.process_name,
        &mut kind,
        PROCESS_COPIED,
    );
    StringPlaces {
        kind,
        // The lengths fit: `Capture::new` checked their sum.
        logger_len: record.logger.len() as u32,
        location,
        thread_name,
        process_name,
    }
}

/// A precision as an argument's byte keeps it: plus one, or 0 for none.
#[inline(always)]
fn precision_code(precision: u8) -> u8 {
    match precision {
        NO_PRECISION => 0,
        // At most `MAX_PRECISION` (see `prepare`): five bits.
        p => (p + 1) & 0x1F,
    }
}

/// The `&'static str` at the address `word`, `len` bytes long.
///
/// # Safety
///
/// `word` and `len` were taken from a `&'static str` (its address and
/// length).
#[inline(always)]
unsafe fn static_str(word: Word, len: u16) -> &'static str {
    // SAFETY: the contract.
    unsafe {
        let bytes = std::slice::from_raw_parts(word_address(word) as *const u8, usize::from(len));
        std::str::from_utf8_unchecked(bytes)
    }
}

/// A `'static` item's address, as a record keeps it.
#[inline(always)]
fn address<T: ?Sized>(item: &'static T) -> u64 {
    (item as *const T).cast::<u8>() as usize as u64
}

/// An address a record keeps.
#[inline(always)]
fn word_address(word: Word) -> usize {
    u64::from_ne_bytes(word) as usize
}

/// A thread or process name: by reference when `known` (it is `name`
/// itself), else copied into `data` (`copied`
/// set in `kind`, its length in the word).
#[inline(always)]
fn put_name(
    data: &mut impl Put,
    name: &str,
    known: Option<&'static str>,
    kind: &mut u8,
    copied: u8,
) -> (Word, u16) {
    match known {
        // Below 2^16: `learn` keeps no longer name.
        Some(known) => (address(known).to_ne_bytes(), known.len() as u16),
        None => {
            *kind |= copied;
            data.put(name.as_bytes());
            // The length fits: `Capture::new` checked the data's.
            ((name.len() as u64).to_ne_bytes(), 0)
        }
    }
}

/// An argument's kind and value bits; a text argument's bytes are put in
/// `data` (its value says where).
#[inline(always)]
fn encode(arg: &Arg<'_>, data: &mut Cursor<'_>) -> (u8, u64) {
    match *arg {
        Arg::Unsigned(n) => (UNSIGNED, u64::from(n)),
        Arg::Signed(n) => (SIGNED, n as u64),
        #[cfg(target_pointer_width = "64")]
        Arg::Unsigned64(n) => (UNSIGNED64, n),
        #[cfg(target_pointer_width = "64")]
        Arg::Signed64(n) => (SIGNED64, n as u64),
        #[cfg(target_pointer_width = "64")]
        Arg::F32(x) => (F32, u64::from(x.to_bits())),
        #[cfg(target_pointer_width = "64")]
        Arg::F64(x) => (F64, x.to_bits()),
        Arg::Str(s) => {
            let at = data.put(s.as_bytes());
            (STR, (at as u64) | ((s.len() as u64) << 32))
        }
        // Formatted into text before (see `prepare`); never reached, and
        // written as nothing if it were.
        Arg::Display(_) | Arg::Unused => (UNUSED, 0),
    }
}

/// The argument of kind `kind` with value `bits` (text arguments in `data`).
#[inline(always)]
fn decode(data: &[u8], kind: u8, bits: u64) -> Arg<'_> {
    match kind {
        UNSIGNED => Arg::Unsigned(bits as u32),
        SIGNED => Arg::Signed(bits as i32),
        #[cfg(target_pointer_width = "64")]
        UNSIGNED64 => Arg::Unsigned64(bits),
        #[cfg(target_pointer_width = "64")]
        SIGNED64 => Arg::Signed64(bits as i64),
        #[cfg(target_pointer_width = "64")]
        F32 => Arg::F32(f32::from_bits(bits as u32)),
        #[cfg(target_pointer_width = "64")]
        F64 => Arg::F64(f64::from_bits(bits)),
        STR => Arg::Str(text_at(
            data,
            &mut ((bits as u32) as usize),
            (bits >> 32) as u32,
        )),
        _ => Arg::Unused,
    }
}

/// The `len` bytes of `data` at `*at` as text; `*at` moves past them.
#[inline(always)]
fn text_at<'d>(data: &'d [u8], at: &mut usize, len: u32) -> &'d str {
    let start = *at;
    let end = start.saturating_add(len as usize);
    *at = end;
    // SAFETY: `fill` puts only whole `str`s (and UTF-8 checked text, see
    // `Data::commit`), each at the place and with the length it records
    // (its offset, a value, or the running order the reader follows here),
    // and this reads exactly those ranges: each holds one whole `str`.
    data.get(start..end)
        .map_or("", |bytes| unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// How a plain call's message (see [`PlainParts`]) goes into the slot.
pub(crate) enum Shape {
    /// In binary; its text arguments take `texts` bytes.
    Binary { texts: usize },
    /// Formatted into the slot (numbers and text only, but more than the
    /// binary form holds).
    Format,
    /// A `Display` argument, which runs the caller's code: formatted first
    /// (see [`prepare`]), the rest in binary; its text arguments take
    /// `texts` bytes.
    Displays { texts: usize },
    /// A `Display` argument, and more than the binary form holds: formatted
    /// whole on the caller's thread.
    Text,
}

/// How `parts` go into the slot.
#[inline(always)]
pub(crate) fn shape(parts: &PlainParts<'_>) -> Shape {
    let (mut displays, mut texts, mut precise) = (false, 0, true);
    for (k, arg) in parts.args.iter().enumerate() {
        match arg {
            Arg::Display(_) => displays = true,
            Arg::Str(s) => texts += s.len(),
            _ => {}
        }
        if let Some(&p) = parts.precisions.get(k) {
            precise &= p <= MAX_PRECISION || p == NO_PRECISION;
        }
    }
    let binary = precise && parts.args.len() <= MAX_ARGS && parts.pieces.len() <= 0xFF;
    match (displays, binary) {
        (true, true) => Shape::Displays { texts },
        (true, false) => Shape::Text,
        (false, true) => Shape::Binary { texts },
        (false, false) => Shape::Format,
    }
}

/// Makes a record's message ready to copy, as the caller's thread must:
/// with `formatter` (a QueueHandler's own, Python's `prepare`) into
/// `scratch`; while the queue is `busy`, or for a message that is not a
/// plain call's or is [`Shape::Text`], formatted into `scratch`; else a
/// plain call's parts as they are (see [`shape`]), its
/// `Display` arguments formatted into `scratch` first (they may borrow
/// anything, and run the caller's code: never while a slot is claimed).
/// Then runs `f` with it.
pub(crate) fn prepare<'r, R>(
    record: &'r Record<'r>,
    formatter: Option<&Formatter>,
    scratch: &mut String,
    busy: bool,
    f: impl FnOnce(Prepared<'_>) -> R,
) -> Result<R, fmt::Error> {
    let plain = match (formatter, busy) {
        (None, false) => record.args.plain_parts(),
        _ => None,
    };
    let parts = match plain {
        Some(parts) => parts,
        _ => {
            scratch.clear();
            match formatter {
                Some(formatter) => formatter.render_to(record, scratch)?,
                None => record.args.write_to_sink(scratch)?,
            }
            return Ok(f(Prepared::Text(scratch)));
        }
    };
    let texts = match shape(&parts) {
        Shape::Binary { texts } => return Ok(f(Prepared::Plain { parts, texts })),
        Shape::Format => return Ok(f(Prepared::Format(&record.args))),
        Shape::Displays { texts } => texts,
        Shape::Text => {
            scratch.clear();
            record.args.write_to_sink(scratch)?;
            return Ok(f(Prepared::Text(scratch)));
        }
    };
    // `Display` arguments are formatted here (with their precision, which
    // is then spent), each into its own range of `scratch`.
    scratch.clear();
    let mut ranges = [(0, 0); MAX_ARGS];
    for ((k, arg), range) in parts.args.iter().enumerate().zip(&mut ranges) {
        if let Arg::Display(d) = arg {
            let start = scratch.len();
            match parts.precisions.get(k).copied().unwrap_or(NO_PRECISION) {
                NO_PRECISION => d.write_text(scratch)?,
                precision => write!(scratch, "{:.*}", usize::from(precision), Shown(*d))?,
            }
            *range = (start, scratch.len());
        }
    }
    let mut args = [Arg::Unused; MAX_ARGS];
    let mut precisions = [NO_PRECISION; MAX_ARGS];
    for (k, ((copy, precision), (arg, range))) in args
        .iter_mut()
        .zip(&mut precisions)
        .zip(parts.args.iter().zip(&ranges))
        .enumerate()
    {
        *copy = match *arg {
            Arg::Display(_) => Arg::Str(scratch.get(range.0..range.1).unwrap_or("")),
            other => {
                *precision = parts.precisions.get(k).copied().unwrap_or(NO_PRECISION);
                other
            }
        };
    }
    let count = parts.args.len();
    // Never formatted into the slot: its message runs the caller's code.
    Ok(f(Prepared::Plain {
        parts: PlainParts {
            pieces: parts.pieces,
            precisions: match parts.precisions.is_empty() {
                true => &[],
                false => precisions.get(..count).unwrap_or(&[]),
            },
            args: args.get(..count).unwrap_or(&[]),
        },
        texts: texts + scratch.len(),
    }))
}

/// A `Display` argument with the formatter's options (its precision).
struct Shown<'a>(&'a dyn emlog::__private::DisplayArg);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.display(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emlog::__private::DisplayArg;

    /// A record with every field set, and `message` as its message.
    fn record<'a>(logger: &'a str, names: &'a str, message: Message<'a>) -> Record<'a> {
        Record {
            level: Level::new(27),
            logger,
            args: message,
            location: Location {
                file: names,
                line: 4_000_000_000,
                module_path: names,
            },
            timestamp: Timestamp::new(1_700_000_000, 999_999_999),
            sequence: u32::MAX,
            thread: ThreadInfo {
                id: u64::MAX - 1,
                name: names,
            },
            process: (77, names),
        }
    }

    /// Where the short ways' test records come from, with their thread
    /// and process names: all `'static`, as those ways carry them by
    /// reference.
    static LOCATION: Location<'static> = Location {
        file: "src/static.rs",
        line: 0,
        module_path: "app::static",
    };
    const THREAD: &str = "caller-thread";
    const PROCESS: &str = "the-process";

    /// [`record`] from [`LOCATION`], on [`THREAD`] of [`PROCESS`].
    fn static_record<'a>(logger: &'a str, message: Message<'a>) -> Record<'a> {
        let mut r = record(logger, "", message);
        r.location.file = LOCATION.file;
        r.location.module_path = LOCATION.module_path;
        r.thread.name = THREAD;
        r.process.1 = PROCESS;
        r
    }

    /// Every field of `r` (its message as its `Display` writes it).
    fn fields(r: &Record<'_>) -> String {
        format!("{r:?}")
    }

    /// A slot's record and spill, as the ring holds them.
    struct TestSlot {
        record: Box<QueuedRecord>,
        spill: Spill,
        names: KnownNames,
    }

    impl TestSlot {
        fn new() -> TestSlot {
            // SAFETY: every field is an integer or a byte array: zeroed is
            // an empty record, as the ring allocates it.
            let record = Box::new(unsafe { std::mem::zeroed::<QueuedRecord>() });
            TestSlot {
                record,
                spill: None,
                names: KnownNames::new(),
            }
        }

        /// Copies `r` in as the caller's thread does; whether it was whole.
        fn fill(&mut self, r: &Record<'_>, format_here: bool) -> bool {
            let mut scratch = String::new();
            let (record, spill, names) = (&mut self.record, &mut self.spill, &mut self.names);
            prepare(r, None, &mut scratch, format_here, |message| {
                let capture = Capture::new(r, message, names).unwrap();
                record.fill(spill, &capture)
            })
            .unwrap()
        }

        /// Reads the record back as the listener does, then releases it.
        fn read(&mut self) -> String {
            let shown = self.record.with_record(&self.spill, fields);
            self.record.release(&mut self.spill);
            shown
        }
    }

    /// `r` copied into a slot (as the caller's thread does) and read back
    /// (as the listener's does), in a slot that has held `before` first.
    fn round_trip(r: &Record<'_>, format_here: bool, before: Option<&Record<'_>>) -> String {
        let mut slot = TestSlot::new();
        if let Some(before) = before {
            assert!(slot.fill(before, format_here));
            slot.read();
        }
        assert!(slot.fill(r, format_here));
        slot.read()
    }

    /// Arguments of every kind, with and without precisions.
    struct Custom;
    impl fmt::Display for Custom {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // Its own use of the precision: not a cut.
            write!(f, "custom(precision {:?})", f.precision())
        }
    }

    fn check_all_paths(parts: PlainParts<'_>, names: &str) {
        with_plain_message(parts, |message| {
            let r = record("app.net", names, message);
            let expected = fields(&r);
            for format_here in [false, true] {
                assert_eq!(round_trip(&r, format_here, None), expected, "{format_here}");
                let long = "é".repeat(200);
                let big = record(&long, &long, Message::text(&"x"));
                assert_eq!(
                    round_trip(&r, format_here, Some(&big)),
                    expected,
                    "after a spilled record, {format_here}"
                );
            }
        });
    }

    #[test]
    fn every_argument_kind_reads_back_as_the_callers_thread_writes_it() {
        let text = "é€😀 text";
        let custom = Custom;
        let args = [
            Arg::Unsigned(u32::MAX),
            Arg::Signed(i32::MIN),
            Arg::Unsigned64(u64::MAX),
            Arg::Signed64(i64::MIN),
            Arg::F32(-0.0),
            Arg::F64(1234.5678),
            Arg::Str(text),
            Arg::Display(&custom as &dyn DisplayArg),
        ];
        let pieces: &'static [&'static str] = &["<", "|", "|", "|", "|", "|", "|", "|", ">"];
        for names in ["", "src/a.rs", &"n".repeat(100)] {
            check_all_paths(
                PlainParts {
                    pieces,
                    precisions: &[],
                    args: &args,
                },
                names,
            );
            // Precisions: cut text, ignored by integers, spent by `Display`.
            check_all_paths(
                PlainParts {
                    pieces,
                    precisions: &[3, NO_PRECISION, 2, 0, 4, 1, 3, 2],
                    args: &args,
                },
                names,
            );
            // Without the `Display` argument: carried whole in binary.
            check_all_paths(
                PlainParts {
                    pieces: &pieces[1..],
                    precisions: &[NO_PRECISION, 2, 0, 4, 1, 3, 2],
                    args: &args[..7],
                },
                names,
            );
        }
        for x in [
            f64::NAN,
            f64::INFINITY,
            -1e300,
            0.0005,
            5e-324,
            16_777_216.0,
        ] {
            for precision in [NO_PRECISION, 0, 3, 17] {
                check_all_paths(
                    PlainParts {
                        pieces: &["took ", " ms"],
                        precisions: &[precision],
                        args: &[Arg::F64(x)],
                    },
                    "m",
                );
                check_all_paths(
                    PlainParts {
                        pieces: &["took ", " ms"],
                        precisions: &[precision],
                        args: &[Arg::F32(x as f32)],
                    },
                    "m",
                );
            }
        }
        check_all_paths(
            PlainParts {
                pieces: &["", "", ""],
                precisions: &[],
                args: &[Arg::Unused, Arg::Str("")],
            },
            "",
        );
    }

    #[test]
    fn a_message_of_format_args_and_long_text_read_back_whole() {
        let long = "€".repeat(2_000);
        let custom = Custom;
        for message in [
            format_args!("{custom:.3} and {:>8}|{:?}", 12, "q"),
            format_args!("{long}"),
            format_args!(""),
        ] {
            let r = record("app", "src/b.rs", Message::new(message));
            assert_eq!(round_trip(&r, false, None), fields(&r));
        }
        // A plain call whose text arguments overflow the slot: carried in
        // binary, or formatted into the slot, moving into a spill midway.
        let args = [Arg::Str(&long), Arg::Unsigned(7)];
        check_all_paths(
            PlainParts {
                pieces: &["[", "] ", ""],
                precisions: &[],
                args: &args,
            },
            "n",
        );
    }

    #[test]
    fn a_plain_call_with_more_arguments_than_a_slot_carries_is_formatted_into_it() {
        let args = [Arg::Unsigned(1); MAX_ARGS + 1];
        let pieces: &'static [&'static str] = &[" "; MAX_ARGS + 2];
        with_plain_message(
            PlainParts {
                pieces,
                precisions: &[],
                args: &args,
            },
            |message| {
                let r = record("app", "f", message);
                let mut scratch = String::new();
                let formatted = prepare(&r, None, &mut scratch, false, |m| {
                    matches!(m, Prepared::Format(_))
                });
                assert_eq!(formatted, Ok(true));
                assert_eq!(round_trip(&r, false, None), fields(&r));
            },
        );
    }

    #[test]
    fn a_plain_call_with_a_display_argument_the_binary_form_cannot_hold_is_formatted_whole() {
        let custom = Custom;
        let display = Arg::Display(&custom as &dyn DisplayArg);
        let many = [display; MAX_ARGS + 1];
        let pieces: &'static [&'static str] = &[" "; MAX_ARGS + 2];
        let two = [display, Arg::F64(1.5)];
        // More arguments than it holds; a precision above what it keeps,
        // on the `Display` argument and on another.
        for parts in [
            PlainParts {
                pieces,
                precisions: &[],
                args: &many,
            },
            PlainParts {
                pieces: &["<", "|", ">"],
                precisions: &[MAX_PRECISION + 1, NO_PRECISION],
                args: &two,
            },
            PlainParts {
                pieces: &["<", "|", ">"],
                precisions: &[NO_PRECISION, MAX_PRECISION + 1],
                args: &two,
            },
        ] {
            with_plain_message(parts, |message| {
                let r = record("app", "f", message);
                let mut scratch = String::new();
                let text = prepare(&r, None, &mut scratch, false, |m| match m {
                    Prepared::Text(text) => Some(text.to_owned()),
                    _ => None,
                });
                assert_eq!(text, Ok(Some(r.args.to_string())));
                assert_eq!(round_trip(&r, false, None), fields(&r));
            });
        }
    }

    #[test]
    fn a_message_formatted_into_the_slot_moves_to_a_spill_of_any_size_midway() {
        // A plain call of more arguments than the binary form holds, its text
        // outgrowing the inline data, an earlier lap's small spill, and a
        // large spill; the names (not 'static) copied before it move along.
        for len in [INLINE - 30, INLINE + 1, MIN_SPILL + 10, 3 * KEEP_SPILL] {
            let text = "ü".repeat(len / 2);
            let names = String::from("copied-name");
            let mut args = [Arg::Unsigned(9); MAX_ARGS + 1];
            args[0] = Arg::Str(&text);
            let pieces: &'static [&'static str] =
                &["<", "|", "|", "|", "|", "|", "|", "|", "|", ">"];
            let parts = PlainParts {
                pieces,
                precisions: &[],
                args: &args,
            };
            let mut slot = TestSlot::new();
            let small = record("s", "x", Message::text(&"m"));
            let mid = "m".repeat(INLINE);
            let spilled = record(&mid, "x", Message::text(&"m"));
            for before in [None, Some(&small), Some(&spilled)] {
                if let Some(before) = before {
                    assert!(slot.fill(before, false));
                    slot.read();
                }
                with_plain_message(parts, |message| {
                    let r = record("app", &names, message);
                    assert!(slot.fill(&r, false));
                    assert_eq!(slot.record.kind & PLAIN, 0, "formatted");
                    assert_eq!(
                        slot.read(),
                        fields(&r),
                        "{len} after {:?}",
                        before.is_some()
                    );
                });
            }
        }
    }

    #[test]
    fn the_environments_names_go_by_reference_and_others_are_copied() {
        let thread = (emlog::environment().thread)();
        let process = emlog::environment().process_name;
        let mut slot = TestSlot::new();
        let mut r = record("app", "f", Message::text(&"m"));
        r.thread = thread;
        r.process = (1, process);
        assert!(slot.fill(&r, false));
        assert_eq!(slot.record.kind & (THREAD_COPIED | PROCESS_COPIED), 0);
        assert_eq!(slot.read(), fields(&r));
        // The same text elsewhere in memory: copied.
        let (thread_copy, process_copy) = (thread.name.to_owned(), process.to_owned());
        r.thread.name = &thread_copy;
        r.process.1 = &process_copy;
        assert!(slot.fill(&r, false));
        assert_eq!(
            slot.record.kind & (THREAD_COPIED | PROCESS_COPIED),
            THREAD_COPIED | PROCESS_COPIED
        );
        assert_eq!(slot.read(), fields(&r));
    }

    #[test]
    fn a_record_of_borrowed_strings_reads_back_after_they_are_gone() {
        let mut slot = TestSlot::new();
        let expected;
        {
            let mut logger = String::from("app.borrowed");
            let mut names = String::from("src/borrowed.rs");
            let mut text = String::from("a message");
            let message = text.as_str();
            let r = record(&logger, &names, Message::text(&message));
            assert!(slot.fill(&r, false));
            expected = fields(&r);
            // Overwritten, then freed, before the listener reads it.
            for s in [&mut logger, &mut names, &mut text] {
                let len = s.len();
                s.clear();
                s.push_str(&"#".repeat(len));
            }
        }
        assert_eq!(slot.read(), expected);
    }

    #[test]
    fn a_small_spill_is_kept_for_the_next_lap_and_a_large_one_freed() {
        let mut slot = TestSlot::new();
        let names = "s".repeat(60);
        let r = record(&names, &names, Message::text(&"m"));
        assert!(slot.fill(&r, false));
        assert_ne!(slot.record.kind & SPILLED, 0, "spilled");
        let kept = slot.spill.as_deref().map(<[u8]>::as_ptr);
        assert!(kept.is_some());
        assert_eq!(slot.read(), fields(&r));
        assert_eq!(
            slot.spill.as_deref().map(<[u8]>::as_ptr),
            kept,
            "kept while small"
        );
        assert!(slot.fill(&r, false));
        assert_eq!(
            slot.spill.as_deref().map(<[u8]>::as_ptr),
            kept,
            "used again"
        );
        slot.read();
        let huge = "h".repeat(KEEP_SPILL);
        let huge = huge.as_str();
        let big = record(&names, &names, Message::text(&huge));
        assert!(slot.fill(&big, false));
        assert!(slot.spill.as_deref().is_some_and(|s| s.len() > KEEP_SPILL));
        assert_eq!(slot.read(), fields(&big));
        assert!(slot.spill.is_none(), "freed when large");
        // A record that fits goes inline again.
        let small = record("app", "n", Message::text(&""));
        assert!(slot.fill(&small, false));
        assert_eq!(slot.record.kind & SPILLED, 0);
        assert_eq!(slot.read(), fields(&small));
    }

    #[test]
    fn the_ascii_check_agrees_with_the_standard_one_at_every_length_and_place() {
        for len in 0..40 {
            let ascii = vec![b'a'; len];
            assert!(is_ascii(&ascii), "{len}");
            for at in 0..len {
                let mut bytes = ascii.clone();
                bytes[at] = 0xC3;
                assert!(!is_ascii(&bytes), "{len} {at}");
                bytes[at] = 0x7F;
                assert_eq!(is_ascii(&bytes), bytes.is_ascii(), "{len} {at}");
            }
        }
    }

    /// A text filled the short way ([`TextInline`]) reads back as it was,
    /// its text empty, short, and at the most a slot holds inline (the
    /// general way's `kind` then would be the same: nothing spilled or
    /// copied), marked [`PRINTABLE`] or not.
    #[test]
    fn a_text_filled_the_short_way_reads_back_whole_up_to_the_inline_limit() {
        let logger = "app.logg";
        let longest = "x".repeat(INLINE - TEXT_HEAD - logger.len());
        for (text, printable) in [
            ("", false),
            ("", true),
            ("é€😀", false),
            ("a\nb", false),
            (&longest, false),
            (&longest, true),
        ] {
            let message = text;
            let r = static_record(logger, Message::text(&message));
            let inline = TextInline {
                record: &r,
                location: &LOCATION,
                thread_name: THREAD,
                process_name: PROCESS,
                text: message,
                printable,
            };
            let mut slot = TestSlot::new();
            slot.record.fill_inline(&inline);
            let kind = match printable {
                true => STATIC_LOCATION | PRINTABLE,
                false => STATIC_LOCATION,
            };
            assert_eq!(slot.record.kind, kind, "{}", text.len());
            // The message says it is printable only when marked so, which
            // spares the listener's renderers their scan of it.
            #[cfg(target_pointer_width = "64")]
            slot.record.with_record(&slot.spill, |read| {
                let mut room = [0; INLINE];
                let written = emlog::__private::write_message_into(&read.args, &mut room);
                assert_eq!(written, Some((text.len(), printable)), "{text:?}");
            });
            assert_eq!(slot.read(), fields(&r), "{}", text.len());
        }
    }

    /// The fallback of a record packed into its slot (not reached while
    /// `packed_len` is right): the message formatted into the slot, its
    /// location and names still by reference, read back whole, at the
    /// inline limit and past it (spilled).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_record_that_did_not_pack_in_its_slot_is_formatted_there_instead() {
        for text in ["x".repeat(INLINE - TEXT_HEAD - 8), "y".repeat(300)] {
            let message = text.as_str();
            let r = static_record("app.logg", Message::text(&message));
            let known = KnownNames {
                thread: THREAD,
                process: PROCESS,
            };
            let in_place = PackInPlace {
                record: &r,
                location: &LOCATION,
                names: &known,
            };
            let mut slot = TestSlot::new();
            assert!(slot.record.fill_formatted(&mut slot.spill, &in_place));
            let spilled = slot.record.kind & SPILLED != 0;
            assert_eq!(spilled, text.len() > 40, "{}", text.len());
            assert_eq!(slot.read(), fields(&r));
        }
    }
}
