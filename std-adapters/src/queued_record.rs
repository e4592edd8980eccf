//! A record as the queue's ring holds it: its fields, its strings copied, and
//! its message either as text (formatted on the caller's thread) or, for a
//! plain call (`info!("served {} in {:.3} ms", n, t)`), as the call's
//! `'static` text pieces and its arguments in binary, formatted on the
//! listener's thread into the line its handler writes.
//!
//! Layout of [`QueuedRecord::data`]: the arguments' values (eight bytes
//! each: a number's bits, or where a text argument is), then the logger
//! name, file, module path, thread name and process name, then the message
//! text or the text arguments. A record whose data does not fit inline keeps
//! all of it in a heap block of its slot's instead (its *spill*), made the
//! first time the slot needs one that large and kept for later laps while it
//! is at most [`KEEP_SPILL`] bytes: a queue whose records are of a steady
//! size allocates nothing once every slot has been used.

use std::fmt::{self, Write as _};

use emlog::__private::{Arg, NO_PRECISION, PlainParts, copy_short, with_plain_message};
use emlog::{Formatter, Level, Location, Message, Record, ThreadInfo, Timestamp};

/// Bytes of data kept in the slot itself: with the fields, a slot is four
/// cache lines.
pub(crate) const INLINE: usize = 140;

/// The most arguments a plain message carries in binary; a call with more is
/// formatted on the caller's thread.
pub(crate) const MAX_ARGS: usize = 8;

/// The largest spill a slot keeps for its next lap: the ring holds at most
/// `capacity × (256 + KEEP_SPILL)` bytes once warm.
pub(crate) const KEEP_SPILL: usize = 512;

/// A spill is made at least this large, so a slot whose records vary a
/// little in size makes one.
const MIN_SPILL: usize = 256;

/// Bytes per argument value.
const VALUE: usize = 8;

// What the message part holds.
const TEXT: u8 = 0;
const PLAIN: u8 = 1;
/// Set in `kind` when the data is in the spill.
const SPILLED: u8 = 0x80;

// An argument's kind.
const UNSIGNED: u8 = 0;
const SIGNED: u8 = 1;
const UNSIGNED64: u8 = 2;
const SIGNED64: u8 = 3;
const F32: u8 = 4;
const F64: u8 = 5;
const STR: u8 = 6;
const UNUSED: u8 = 7;

/// One queued record: plain integers only, so that zeroed memory is a valid
/// (empty) record and the ring can be allocated zeroed, its pages touched
/// only as it fills.
#[repr(C)]
pub(crate) struct QueuedRecord {
    secs: u64,
    thread_id: u64,
    /// A plain message's pieces: a `&'static [&'static str]` as address and length.
    pieces: [usize; 2],
    /// The slot's heap block for data that does not fit inline: a
    /// `Box<[u8]>` as address and length; `[0, 0]` when there is none.
    spill: [usize; 2],
    nanos: u32,
    sequence: u32,
    process_id: u32,
    line: u32,
    /// The lengths of the logger name, file, module path, thread name and
    /// process name, and of the message text (or of the text arguments).
    lens: [u32; 6],
    level: u8,
    /// [`TEXT`] or [`PLAIN`], with [`SPILLED`] when the data is in the spill.
    kind: u8,
    /// How many arguments.
    args: u8,
    /// Whether `precisions` applies (some placeholder had one).
    precise: bool,
    kinds: [u8; MAX_ARGS],
    precisions: [u8; MAX_ARGS],
    data: [u8; INLINE],
}

/// A record's message made ready to copy: text (in the handler's buffer) or
/// a plain call's parts, every argument a number or text.
#[derive(Clone, Copy)]
pub(crate) enum Prepared<'a> {
    Text(&'a str),
    Plain(PlainParts<'a>),
}

/// How to fill a [`QueuedRecord`]: the record, its prepared message, and how
/// many data bytes they take.
pub(crate) struct Capture<'a> {
    record: &'a Record<'a>,
    message: Prepared<'a>,
    len: usize,
}

impl<'a> Capture<'a> {
    /// What copying `record` with `message` takes.
    #[inline(always)]
    pub(crate) fn new(record: &'a Record<'a>, message: Prepared<'a>) -> Capture<'a> {
        let message_len = match message {
            Prepared::Text(text) => text.len(),
            Prepared::Plain(parts) => parts.args.iter().fold(0, |len, arg| match arg {
                Arg::Str(s) => len + VALUE + s.len(),
                _ => len + VALUE,
            }),
        };
        let len = message_len
            + record.logger.len()
            + record.location.file.len()
            + record.location.module_path.len()
            + record.thread.name.len()
            + record.process.1.len();
        Capture {
            record,
            message,
            len,
        }
    }
}

impl QueuedRecord {
    /// Fills this (empty) record from `capture`: inline, or in the slot's
    /// spill (made or enlarged here if need be). Never panics (it runs while
    /// the record's slot is claimed).
    #[inline(always)]
    pub(crate) fn fill(&mut self, capture: &Capture<'_>) {
        let record = capture.record;
        self.secs = record.timestamp.secs;
        self.nanos = record.timestamp.nanos;
        self.thread_id = record.thread.id;
        self.sequence = record.sequence;
        self.process_id = record.process.0;
        self.line = record.location.line;
        self.level = record.level.number();
        let (data, spilled): (&mut [u8], u8) = match capture.len > INLINE {
            false => (&mut self.data, 0),
            true => (spill_of(&mut self.spill, capture.len), SPILLED),
        };
        // Everything put below adds up to `capture.len` (`Capture::new`), so
        // no piece is ever cut short (the reader takes the lengths as
        // whole `str`s).
        let total = data.len();
        if total < capture.len {
            // Not reached: the data is sized by `capture.len`.
            self.kind = TEXT;
            self.args = 0;
            self.lens = [0; 6];
            return;
        }
        let values_len = match capture.message {
            Prepared::Plain(parts) => parts.args.len().min(MAX_ARGS) * VALUE,
            Prepared::Text(_) => 0,
        };
        let (values, mut rest) = data.split_at_mut(values_len);
        let strings = [
            record.logger,
            record.location.file,
            record.location.module_path,
            record.thread.name,
            record.process.1,
        ];
        for (len, s) in self.lens.iter_mut().zip(strings) {
            put(&mut rest, s.as_bytes());
            *len = s.len() as u32;
        }
        match capture.message {
            Prepared::Text(text) => {
                self.kind = TEXT | spilled;
                self.args = 0;
                put(&mut rest, text.as_bytes());
                self.lens[5] = text.len() as u32;
            }
            Prepared::Plain(parts) => {
                self.kind = PLAIN | spilled;
                self.pieces = [parts.pieces.as_ptr() as usize, parts.pieces.len()];
                self.args = parts.args.len().min(MAX_ARGS) as u8;
                self.precise = !parts.precisions.is_empty();
                if self.precise {
                    for (to, &from) in self.precisions.iter_mut().zip(parts.precisions) {
                        *to = from;
                    }
                }
                let texts_start = total - rest.len();
                for ((arg, value), kind) in parts
                    .args
                    .iter()
                    .zip(values.chunks_exact_mut(VALUE))
                    .zip(&mut self.kinds)
                {
                    let bits;
                    (*kind, bits) = match *arg {
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
                            let at = total - rest.len();
                            put(&mut rest, s.as_bytes());
                            (STR, (at as u64) | ((s.len() as u64) << 32))
                        }
                        // Formatted into text before (see `prepare`); never
                        // reached, and written as nothing if it were.
                        Arg::Display(_) | Arg::Unused => (UNUSED, 0),
                    };
                    if let Ok(value) = <&mut [u8; VALUE]>::try_from(value) {
                        *value = bits.to_le_bytes();
                    }
                }
                self.lens[5] = (total - rest.len() - texts_start) as u32;
            }
        }
    }

    /// The data: inline, or in the spill.
    #[inline(always)]
    fn data(&self) -> &[u8] {
        match (self.kind & SPILLED, self.spill) {
            (SPILLED, [address, len]) if address != 0 => {
                // SAFETY: as in `spill_of`.
                unsafe { std::slice::from_raw_parts(address as *const u8, len) }
            }
            _ => &self.data,
        }
    }

    /// The record's data is no longer needed: frees the slot's spill if it
    /// is too large to keep.
    #[inline(always)]
    pub(crate) fn release(&mut self) {
        if self.spill[1] > KEEP_SPILL {
            self.free_spill();
        }
    }

    /// Frees the slot's spill, if it has one (and when the ring is dropped).
    #[cold]
    pub(crate) fn free_spill(&mut self) {
        free(&mut self.spill);
    }

    /// Runs `f` with the record this holds, its message a [`Message`] that
    /// writes what the call's own thread would have.
    #[inline(always)]
    pub(crate) fn with_record<R>(&self, f: impl FnOnce(&Record<'_>) -> R) -> R {
        let count = usize::from(self.args).min(MAX_ARGS);
        let (values, mut rest) = self
            .data()
            .split_at_checked(count * VALUE)
            .unwrap_or_default();
        let mut strings = [""; 5];
        for (s, &len) in strings.iter_mut().zip(&self.lens) {
            *s = text(split_front(&mut rest, len as usize));
        }
        if self.kind & !SPILLED == TEXT {
            let message = text(split_front(&mut rest, self.lens[5] as usize));
            return f(&self.record(strings, Message::text(&message)));
        }
        let data = self.data();
        let mut args = [Arg::Unused; MAX_ARGS];
        for ((arg, &kind), value) in args
            .iter_mut()
            .zip(&self.kinds)
            .zip(values.chunks_exact(VALUE))
        {
            if let Ok(&value) = <&[u8; VALUE]>::try_from(value) {
                *arg = decode(data, kind, u64::from_le_bytes(value));
            }
        }
        let parts = PlainParts {
            pieces: self.pieces(),
            precisions: match self.precise {
                true => self.precisions.get(..count).unwrap_or(&[]),
                false => &[],
            },
            args: args.get(..count).unwrap_or(&[]),
        };
        with_plain_message(parts, |message| f(&self.record(strings, message)))
    }

    /// The record with these fields, `strings` (logger, file, module path,
    /// thread name, process name) and `args`.
    #[inline(always)]
    fn record<'a>(&self, strings: [&'a str; 5], args: Message<'a>) -> Record<'a> {
        let [logger, file, module_path, thread_name, process_name] = strings;
        Record {
            level: Level::new(self.level),
            logger,
            args,
            location: Location {
                file,
                line: self.line,
                module_path,
            },
            timestamp: Timestamp {
                secs: self.secs,
                nanos: self.nanos,
            },
            sequence: self.sequence,
            thread: ThreadInfo {
                id: self.thread_id,
                name: thread_name,
            },
            process: (self.process_id, process_name),
        }
    }

    /// A plain message's pieces.
    #[inline(always)]
    fn pieces(&self) -> &'static [&'static str] {
        match self.pieces {
            [0, _] => &[],
            // SAFETY: a non-zero `pieces` was taken from a
            // `&'static [&'static str]` by `fill`.
            [address, len] => unsafe {
                std::slice::from_raw_parts(address as *const &'static str, len)
            },
        }
    }
}

/// The slot's spill, at least `len` bytes long (made now if need be).
#[cold]
#[inline(never)]
fn spill_of(spill: &mut [usize; 2], len: usize) -> &mut [u8] {
    if spill[1] < len {
        free(spill);
        let block = Box::into_raw(vec![0u8; len.max(MIN_SPILL)].into_boxed_slice());
        *spill = [block as *mut u8 as usize, block.len()];
    }
    // SAFETY: a non-zero `spill` is a block made from a `Box<[u8]>` of that
    // length just above (or on an earlier lap), owned by its slot until
    // `free` turns it back into its box.
    unsafe { std::slice::from_raw_parts_mut(spill[0] as *mut u8, spill[1]) }
}

/// Frees a spill, if there is one.
fn free(spill: &mut [usize; 2]) {
    let [address, len] = std::mem::take(spill);
    if address != 0 {
        // SAFETY: as in `spill_of`; `spill` is zeroed first, so the block is
        // turned back into its box exactly once.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(address as *mut u8, len)) });
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
        STR => {
            let (start, len) = ((bits as u32) as usize, (bits >> 32) as usize);
            Arg::Str(text(data.get(start..start + len).unwrap_or_default()))
        }
        _ => Arg::Unused,
    }
}

/// Copies `bytes` to the front of `rest`, which keeps what follows them.
/// `fill` sized the data for everything it puts: `rest` is never short.
#[inline(always)]
fn put(rest: &mut &mut [u8], bytes: &[u8]) {
    let data = std::mem::take(rest);
    let (head, tail) = data.split_at_mut(bytes.len().min(data.len()));
    copy_short(head, bytes);
    *rest = tail;
}

/// The first `n` bytes of `rest` (which keeps what follows).
#[inline(always)]
fn split_front<'d>(rest: &mut &'d [u8], n: usize) -> &'d [u8] {
    let (head, tail) = rest.split_at(n.min(rest.len()));
    *rest = tail;
    head
}

/// Text `fill` copied.
#[inline(always)]
fn text(bytes: &[u8]) -> &str {
    // SAFETY: `fill` copies only whole `str`s, each into the range its
    // length (or its argument's value) gives, and `with_record` and
    // `decode` read exactly those ranges: each holds one whole `str`.
    unsafe { std::str::from_utf8_unchecked(bytes) }
}

/// Makes a record's message ready to copy, as the caller's thread must:
/// with `formatter` (a QueueHandler's own, Python's `prepare`), or for a
/// plain call its arguments with `Display` formatted into `scratch` (they
/// may borrow anything; numbers and text are copied as they are), or else
/// (and whenever `format_here`) the whole message formatted into `scratch`.
/// Then runs `f` with it.
pub(crate) fn prepare<R>(
    record: &Record<'_>,
    formatter: Option<&Formatter>,
    format_here: bool,
    scratch: &mut String,
    f: impl FnOnce(Prepared<'_>) -> R,
) -> Result<R, fmt::Error> {
    let plain = match format_here {
        true => None,
        false => record.args.plain_parts(),
    };
    let parts = match (formatter, plain) {
        (None, Some(parts)) if parts.args.len() <= MAX_ARGS => parts,
        _ => {
            scratch.clear();
            match formatter {
                Some(formatter) => formatter.render_to(record, scratch)?,
                None => record.args.write_to_sink(scratch)?,
            }
            return Ok(f(Prepared::Text(scratch)));
        }
    };
    if !parts.args.iter().any(|a| matches!(a, Arg::Display(_))) {
        return Ok(f(Prepared::Plain(parts)));
    }
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
    Ok(f(Prepared::Plain(PlainParts {
        pieces: parts.pieces,
        precisions: match parts.precisions.is_empty() {
            true => &[],
            false => precisions.get(..count).unwrap_or(&[]),
        },
        args: args.get(..count).unwrap_or(&[]),
    })))
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

    /// Every field of `r`, its message as its `Display` writes it.
    fn fields(r: &Record<'_>) -> String {
        format!(
            "{:?} {} [{}] {}:{} {} {:?} #{} {}/{} {}/{}",
            r.level,
            r.logger,
            r.args,
            r.location.file,
            r.location.line,
            r.location.module_path,
            r.timestamp,
            r.sequence,
            r.thread.id,
            r.thread.name,
            r.process.0,
            r.process.1
        )
    }

    /// `r` copied into a slot (as the caller's thread does) and read back
    /// (as the listener's does), in a slot that has held `before` first.
    fn round_trip(r: &Record<'_>, format_here: bool, before: Option<&Record<'_>>) -> String {
        let mut slot: Box<QueuedRecord> = Box::new(unsafe_free_zeroed());
        let mut scratch = String::new();
        for r in before.into_iter().chain([r]) {
            prepare(r, None, format_here, &mut scratch, |message| {
                slot.fill(&Capture::new(r, message))
            })
            .unwrap();
        }
        let shown = slot.with_record(fields);
        slot.release();
        slot.free_spill();
        shown
    }

    /// A zeroed record, as the ring allocates it.
    fn unsafe_free_zeroed() -> QueuedRecord {
        // SAFETY: every field is an integer or a byte array.
        unsafe { std::mem::zeroed() }
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
        // A plain call whose text arguments overflow the slot.
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
    fn a_plain_call_with_more_arguments_than_a_slot_carries_is_formatted_here() {
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
                let text = prepare(&r, None, false, &mut scratch, |m| {
                    matches!(m, Prepared::Text(_))
                });
                assert_eq!(text, Ok(true));
                assert_eq!(round_trip(&r, false, None), fields(&r));
            },
        );
    }

    #[test]
    fn a_small_spill_is_kept_for_the_next_lap_and_a_large_one_freed() {
        let mut slot: Box<QueuedRecord> = Box::new(unsafe_free_zeroed());
        let names = "s".repeat(60);
        let r = record(&names, &names, Message::text(&"m"));
        slot.fill(&Capture::new(&r, Prepared::Text("m")));
        let kept = slot.spill;
        assert_ne!(kept[0], 0, "spilled");
        slot.release();
        assert_eq!(slot.spill, kept, "kept while small");
        slot.fill(&Capture::new(&r, Prepared::Text("m")));
        assert_eq!(slot.spill, kept, "used again");
        let huge = "h".repeat(KEEP_SPILL);
        slot.fill(&Capture::new(&r, Prepared::Text(&huge)));
        assert!(slot.spill[1] > KEEP_SPILL);
        assert_eq!(slot.with_record(|r| r.args.to_string()), huge);
        slot.release();
        assert_eq!(slot.spill, [0, 0], "freed when large");
        // A record that fits goes inline again.
        let small = record("app", "n", Message::text(&""));
        slot.fill(&Capture::new(&small, Prepared::Text("")));
        assert_eq!(slot.kind & SPILLED, 0);
        assert_eq!(slot.with_record(fields), fields(&small));
    }
}
