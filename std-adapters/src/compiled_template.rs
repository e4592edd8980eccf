//! A formatter's template compiled once, when the renderer is made, into a
//! few steps, so that a record costs a copy or two and its message rather
//! than a walk over every piece.
//!
//! Runs of pieces that depend on the level, the logger name and the second
//! at most (literal text, `levelname`, `name`, an `asctime` without `%f`)
//! are rendered once into kept text and copied for every later record with
//! the same three. Text is kept for four such combinations at once, so that
//! records of a few loggers, interleaved, each find theirs (three loggers in
//! turn: 431 instructions a line, against 1,599 when one level and name was
//! kept). The millisecond digits inside a run (`%(msecs)03d`, the end of a
//! default-layout `asctime`) are three bytes written into the copy. A plain
//! `%(message)s` is written straight into the line
//! ([`emlog::__private::write_message_bytes`]). Only the other pieces go
//! through the formatter, for every record. In
//! `%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s` with a
//! `datefmt`, a line is one copy of `"2026-12-02 14:00:00.000 INFO bench: "`,
//! three digits, and the message.

use std::fmt::{self, Write};
use std::ops::Range;

use emlog::format::{DependsOn, Shortcut};
use emlog::{Formatter, Record, Timestamp};

use crate::line_buf::{LineBuf, may_need_escape};

/// One step of rendering a line, after the kept text it starts with.
#[derive(Debug)]
enum Step {
    /// The kept text of a run (an index into the runs).
    Kept(usize),
    /// The message, written into the line directly.
    Message,
    /// Pieces the formatter renders for every record.
    Render(Range<usize>),
}

/// The text of a run of pieces for one level, name and second, with the
/// millisecond digits written per record.
#[derive(Debug)]
struct Kept {
    /// Up to [`BLOCK`] bytes of text in a block copied whole (into the
    /// line buffer's padding, when it has that much: [`LineBuf::push_block`]);
    /// `text` is the same.
    block: [u8; BLOCK],
    text: String,
    /// Where in the text the record's three millisecond digits go: the
    /// first place, and any others.
    millis: Option<usize>,
    more_millis: Vec<usize>,
    /// For [`CompiledTemplate::render_kept_then_message`]: the text's
    /// length if it fits the block with room for a 4-byte store of the
    /// digits, else `usize::MAX` (one compare for both); where in the block
    /// the digits go ([`NO_PLACE`] if nowhere; a `u8`, so that the place's
    /// end needs no overflow check); and the byte after them, in the last
    /// byte of a word.
    block_len: usize,
    millis_at: u8,
    after_millis: u32,
}

/// [`Kept::millis_at`] of text without millisecond digits in its block.
const NO_PLACE: u8 = BLOCK as u8;

/// The size of a kept block.
const BLOCK: usize = 64;

impl Kept {
    fn new() -> Kept {
        Kept {
            block: [0; BLOCK],
            text: String::with_capacity(BLOCK),
            millis: None,
            more_millis: Vec::new(),
            block_len: usize::MAX,
            millis_at: NO_PLACE,
            after_millis: 0,
        }
    }

    /// Renders `pieces` for the level, logger name and second of
    /// `at_second` (a record at a whole second), `000` where the
    /// milliseconds go; returns whether the text holds a byte escaping may rewrite.
    fn renew(
        &mut self,
        formatter: &Formatter,
        pieces: Range<usize>,
        at_second: &Record<'_>,
    ) -> Result<bool, fmt::Error> {
        // Everything is cleared and refilled in place: renewing allocates
        // nothing after the first time.
        self.text.clear();
        self.millis = None;
        self.more_millis.clear();
        for at in pieces {
            let place = if formatter.piece_shortcut(at) == Some(Shortcut::ThreeDigitMsecs) {
                let place = self.text.len();
                self.text.push_str("000");
                place
            } else {
                formatter.render_range_with_asctime(
                    at..at + 1,
                    at_second,
                    &mut self.text,
                    &mut |t, out| formatter.write_asctime(t, out),
                )?;
                if formatter.piece_depends_on(at) != DependsOn::SecondThenMillis {
                    continue;
                }
                // The default layout ends in the three digits of the
                // milliseconds: `000` at a whole second.
                self.text.len().checked_sub(3).ok_or(fmt::Error)?
            };
            match self.millis {
                None => self.millis = Some(place),
                Some(_) => self.more_millis.push(place),
            }
        }
        if let Some(block) = self.block.get_mut(..self.text.len()) {
            block.copy_from_slice(self.text.as_bytes());
        }
        // The digits are stored as a word of four bytes, the last the text's
        // byte after them (or the block's, past the text's end).
        let len = self.text.len();
        let (fits, at) = match self.millis {
            None => (len <= BLOCK, NO_PLACE),
            Some(at) => (
                at + 4 <= BLOCK && len <= BLOCK,
                u8::try_from(at).unwrap_or(NO_PLACE),
            ),
        };
        self.block_len = if fits { len } else { usize::MAX };
        self.millis_at = at;
        let after = self.block.get(usize::from(self.millis_at) + 3).copied();
        self.after_millis = u32::from(after.unwrap_or(0)) << 24;
        Ok(self.text.bytes().any(may_need_escape))
    }

    /// Writes the text into `out`, `digits` where the milliseconds go.
    #[inline(always)]
    fn write<const L: bool>(&mut self, out: &mut LineBuf<L>, digits: [u8; 3]) -> fmt::Result {
        let len = self.text.len();
        if len > BLOCK {
            return self.write_long(out, digits);
        }
        if let Some(at) = self.millis
            && let Some(place) = self.block.get_mut(at..at + 3)
        {
            place.copy_from_slice(&digits);
        }
        for &at in &self.more_millis {
            if let Some(place) = self.block.get_mut(at..at + 3) {
                place.copy_from_slice(&digits);
            }
        }
        out.push_block(&self.block, len)
    }

    /// [`write`](Self::write) of text longer than a block.
    #[cold]
    fn write_long<const L: bool>(&self, out: &mut LineBuf<L>, digits: [u8; 3]) -> fmt::Result {
        let start = out.len();
        out.write_str(&self.text)?;
        for &at in self.millis.iter().chain(&self.more_millis) {
            out.set_digits(start + at, digits);
        }
        Ok(())
    }
}

/// How many level, name and second combinations keep their text at once:
/// records of a few loggers, interleaved, each find theirs.
const ENTRIES: usize = 4;

/// The kept text of every run for one level, logger name and second.
#[derive(Debug)]
struct Entry {
    /// The level's number; `NO_LEVEL` while the entry is empty.
    level: u16,
    /// The second (masked: see [`CompiledTemplate::second_mask`]).
    second: u64,
    name: String,
    /// The text of run 0 (in place: the usual line starts with it), and of
    /// the runs after it.
    first: Kept,
    others: Vec<Kept>,
    /// Whether some text holds a byte that escaping may rewrite (a logger
    /// name with a control character).
    may_need_escape: bool,
}

/// [`Entry::level`] of an empty entry.
const NO_LEVEL: u16 = u16::MAX;

impl Entry {
    fn new(runs: usize) -> Entry {
        Entry {
            level: NO_LEVEL,
            second: 0,
            name: String::with_capacity(64),
            first: Kept::new(),
            others: (1..runs).map(|_| Kept::new()).collect(),
            may_need_escape: false,
        }
    }

    /// The text of run `run`.
    #[inline(always)]
    fn text(&mut self, run: usize) -> Option<&mut Kept> {
        match run {
            0 => Some(&mut self.first),
            _ => self.others.get_mut(run - 1),
        }
    }

    /// Whether the entry is for `record`'s level, logger name and second.
    #[inline(always)]
    fn is_for(&self, record: &Record<'_>, second_mask: u64) -> bool {
        self.level == u16::from(record.level.number())
            && self.second == record.timestamp.secs & second_mask
            && same_text(&self.name, record.logger)
    }
}

/// A template compiled into runs of kept text and [`Step`]s.
#[derive(Debug)]
pub(crate) struct CompiledTemplate {
    /// The pieces of each run that is kept.
    runs: Vec<Range<usize>>,
    /// Whether the template starts with run 0.
    head: bool,
    /// The rest; never starts with kept text.
    body: Vec<Step>,
    /// Whether the template is one run of kept text with at most one place
    /// for millisecond digits, then `%(message)s`: the usual layout, which
    /// [`render_kept_then_message`](Self::render_kept_then_message) writes
    /// without walking the steps.
    kept_then_message: bool,
    /// All ones when some run depends on the record's second, else zero:
    /// an entry's second is the record's, masked.
    second_mask: u64,
    /// The kept text for [`ENTRIES`] level, name and second combinations,
    /// the last one used, and the next to be replaced.
    entries: [Entry; ENTRIES],
    current: usize,
    replace: usize,
}

impl CompiledTemplate {
    /// The steps for `formatter`'s template.
    pub(crate) fn new(formatter: &Formatter) -> CompiledTemplate {
        let count = formatter.piece_count();
        let mut runs = Vec::new();
        let mut steps: Vec<Step> = Vec::new();
        let mut by_second = false;
        let mut at = 0;
        while at < count {
            let start = at;
            while at < count && kept_piece(formatter, at) {
                by_second |= matches!(
                    formatter.piece_depends_on(at),
                    DependsOn::Second | DependsOn::SecondThenMillis
                );
                at += 1;
            }
            if at > start {
                steps.push(Step::Kept(runs.len()));
                runs.push(start..at);
                continue;
            }
            if formatter.piece_shortcut(at) == Some(Shortcut::Message) {
                steps.push(Step::Message);
            } else if let Some(Step::Render(pieces)) = steps.last_mut() {
                pieces.end = at + 1;
            } else {
                steps.push(Step::Render(at..at + 1));
            }
            at += 1;
        }
        let head = matches!(steps.first(), Some(Step::Kept(0)));
        if head {
            steps.remove(0);
        }
        let kept_then_message = head
            && matches!(steps.as_slice(), [Step::Message])
            && runs.len() == 1
            && runs
                .iter()
                .flat_map(Range::clone)
                .filter(|&at| millis_place(formatter, at))
                .count()
                <= 1;
        CompiledTemplate {
            kept_then_message,
            entries: std::array::from_fn(|_| Entry::new(runs.len())),
            runs,
            head,
            body: steps,
            second_mask: if by_second { u64::MAX } else { 0 },
            current: 0,
            replace: 0,
        }
    }

    /// Renders `record` into `out` as `formatter.render_with_asctime` (with
    /// the formatter's own `asctime`) would. Returns where the text that may
    /// need escaping starts, if any does: the first step that is not kept
    /// text or a message of printable ASCII, unless kept text holds a
    /// candidate byte.
    #[inline(always)]
    pub(crate) fn render<const L: bool>(
        &mut self,
        formatter: &Formatter,
        record: &Record<'_>,
        out: &mut LineBuf<L>,
    ) -> Result<Option<usize>, fmt::Error> {
        if self.kept_then_message
            && let Some(scan_from) = self.render_kept_then_message(record, out)
        {
            return scan_from;
        }
        self.render_steps(formatter, record, out)
    }

    /// [`render`](Self::render) of a template that is kept text then the
    /// message, into an empty `out`, when the kept entry in use is the
    /// record's and its text fits a block: one copy of the block, the
    /// millisecond digits, and the message. `None` otherwise (then the
    /// steps write the line, renewing an entry if need be).
    #[inline(always)]
    fn render_kept_then_message<const L: bool>(
        &self,
        record: &Record<'_>,
        out: &mut LineBuf<L>,
    ) -> Option<Result<Option<usize>, fmt::Error>> {
        let digits = *MILLIS.get(record.timestamp.millis() as usize)?;
        let entry = &self.entries[self.current % ENTRIES];
        if !entry.is_for(record, self.second_mask) {
            return None;
        }
        let kept = &entry.first;
        let len = kept.block_len;
        if !out.start_with_block(&kept.block, len, kept.millis_at, digits | kept.after_millis) {
            return None;
        }
        let may_need_escape = entry.may_need_escape;
        Some(
            out.push_message(&record.args)
                .map(|printable| match (may_need_escape, printable) {
                    (true, _) => Some(0),
                    (false, true) => None,
                    (false, false) => Some(len),
                }),
        )
    }

    /// [`render`](Self::render) step by step.
    #[inline(never)]
    fn render_steps<const L: bool>(
        &mut self,
        formatter: &Formatter,
        record: &Record<'_>,
        out: &mut LineBuf<L>,
    ) -> Result<Option<usize>, fmt::Error> {
        let Some(&digits) = MILLIS.get(record.timestamp.millis() as usize) else {
            // Not a time a clock gives (nanoseconds past a second).
            return render_whole(formatter, record, out);
        };
        let digits = three(digits);
        let mut current = self.current % ENTRIES;
        if !self.runs.is_empty() && !self.entries[current].is_for(record, self.second_mask) {
            current = self.find(formatter, record)?;
        }
        let entry = &mut self.entries[current];
        if self.head {
            entry.first.write(out, digits)?;
        }
        let mut scan_from = if entry.may_need_escape { Some(0) } else { None };
        for step in &self.body {
            let start = out.len();
            let printable = match step {
                Step::Kept(run) => {
                    entry.text(*run).ok_or(fmt::Error)?.write(out, digits)?;
                    true
                }
                Step::Message => out.push_message(&record.args)?,
                Step::Render(pieces) => {
                    render_pieces(formatter, pieces.clone(), record, out)?;
                    false
                }
            };
            if !printable && scan_from.is_none() {
                scan_from = Some(start);
            }
        }
        Ok(scan_from)
    }

    /// The entry for `record`'s level, logger name and second: one that
    /// has it, else the next to replace, renewed for it.
    #[cold]
    #[inline(never)]
    fn find(&mut self, formatter: &Formatter, record: &Record<'_>) -> Result<usize, fmt::Error> {
        let second_mask = self.second_mask;
        if let Some(found) = self
            .entries
            .iter()
            .position(|entry| entry.is_for(record, second_mask))
        {
            self.current = found;
            return Ok(found);
        }
        let index = self.replace % ENTRIES;
        self.replace = (index + 1) % ENTRIES;
        let entry = &mut self.entries[index];
        entry.level = NO_LEVEL;
        let at_second = Record {
            timestamp: Timestamp::new(record.timestamp.secs, 0),
            ..*record
        };
        let mut may_need_escape_here = false;
        let texts = std::iter::once(&mut entry.first).chain(&mut entry.others);
        for (kept, pieces) in texts.zip(&self.runs) {
            may_need_escape_here |= kept.renew(formatter, pieces.clone(), &at_second)?;
        }
        entry.may_need_escape = may_need_escape_here;
        entry.name.clear();
        entry.name.push_str(record.logger);
        entry.second = record.timestamp.secs & second_mask;
        entry.level = u16::from(record.level.number());
        self.current = index;
        Ok(index)
    }
}

/// The whole line as the formatter writes it; the scan starts at 0.
#[cold]
#[inline(never)]
fn render_whole<const L: bool>(
    formatter: &Formatter,
    record: &Record<'_>,
    out: &mut LineBuf<L>,
) -> Result<Option<usize>, fmt::Error> {
    formatter.render_with_asctime(record, out, &mut |t, out| formatter.write_asctime(t, out))?;
    Ok(Some(0))
}

/// `pieces` as the formatter writes them (out of line: most templates have
/// no such step, and the rest of a line is a few copies).
#[inline(never)]
fn render_pieces<const L: bool>(
    formatter: &Formatter,
    pieces: Range<usize>,
    record: &Record<'_>,
    out: &mut LineBuf<L>,
) -> fmt::Result {
    formatter.render_range_with_asctime(pieces, record, out, &mut |t, out| {
        formatter.write_asctime(t, out)
    })
}

/// Whether piece `at` puts millisecond digits in kept text (see [`Kept::renew`]).
fn millis_place(formatter: &Formatter, at: usize) -> bool {
    formatter.piece_shortcut(at) == Some(Shortcut::ThreeDigitMsecs)
        || formatter.piece_depends_on(at) == DependsOn::SecondThenMillis
}

/// Whether piece `at` can be kept: its text depends on the level, the logger
/// name and the second at most, but for millisecond digits written per record.
fn kept_piece(formatter: &Formatter, at: usize) -> bool {
    formatter.piece_depends_on(at) != DependsOn::Record
        || formatter.piece_shortcut(at) == Some(Shortcut::ThreeDigitMsecs)
}

/// The three digits of every millisecond, 000 to 999, as the first three
/// bytes of a little-endian word whose last byte is zero (so that one store
/// writes them with the byte after them: [`Kept::after_millis`]).
const MILLIS: [u32; 1000] = {
    let mut digits = [0; 1000];
    let mut m = 0;
    while m < 1000 {
        digits[m] = u32::from_le_bytes([
            b'0' + (m / 100) as u8,
            b'0' + (m / 10 % 10) as u8,
            b'0' + (m % 10) as u8,
            0,
        ]);
        m += 1;
    }
    digits
};

/// The three digits in a [`MILLIS`] word.
fn three(word: u32) -> [u8; 3] {
    let [a, b, c, _] = word.to_le_bytes();
    [a, b, c]
}

/// `a == b`, a logger name of up to 16 bytes compared with two overlapping
/// 8-byte (or 4-byte) loads instead of a `memcmp` call.
#[inline(always)]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn word<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
        bytes.get(at..at + N)?.try_into().ok()
    }
    match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=7 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        8..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a compiled template: `K` kept text, `M` the message,
    /// `R` pieces rendered by the formatter.
    fn shape(source: &str, datefmt: &'static str) -> String {
        let source: &'static str = Box::leak(source.to_string().into_boxed_str());
        let formatter = Formatter::new(source)
            .unwrap()
            .with_datefmt(datefmt)
            .unwrap();
        let template = CompiledTemplate::new(&formatter);
        let mut shape = String::from(if template.head { "K" } else { "" });
        for step in &template.body {
            shape.push(match step {
                Step::Kept(_) => 'K',
                Step::Message => 'M',
                Step::Render(_) => 'R',
            });
        }
        if template.kept_then_message {
            shape.push('!');
        }
        shape
    }

    #[test]
    fn templates_compile_into_kept_text_the_message_and_the_rest() {
        let bench = "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s";
        assert_eq!(shape(bench, "%Y-%m-%d %H:%M:%S"), "KM!");
        assert_eq!(
            shape(bench, ""),
            "KM",
            "the default layout keeps its second, and has its own milliseconds"
        );
        assert_eq!(shape("%(asctime)s %(name)s: %(message)s", ""), "KM!");
        assert_eq!(shape("%(levelname)s:%(name)s:%(message)s", ""), "KM!");
        assert_eq!(
            shape("%(msecs)03d %(asctime)s %(message)s", ""),
            "KM",
            "two places for the milliseconds: written step by step"
        );
        assert_eq!(
            shape(bench, "%H:%M:%S.%f"),
            "RKM",
            "microseconds: per record"
        );
        assert_eq!(shape("%(message)s", ""), "M");
        assert_eq!(
            shape("%(message)-9s", ""),
            "R",
            "a padded message is rendered"
        );
        assert_eq!(shape("%(levelname)s %(message)s %(lineno)d!", ""), "KMKRK");
        assert_eq!(shape("%(msecs)d %(message)s%(thread)d", ""), "RKMR");
    }

    /// Once its kept text is made, a record of the benchmark's layout is
    /// written by the one-copy path, as the steps would write it.
    #[test]
    fn the_usual_layout_takes_the_one_copy_path() {
        let formatter =
            Formatter::new("%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s")
                .unwrap()
                .with_datefmt("%Y-%m-%d %H:%M:%S")
                .unwrap();
        let mut template = CompiledTemplate::new(&formatter);
        let mut out = LineBuf::<false>::with_capacity(256);
        for (name, nanos) in [
            ("bench", 5_000_000),
            ("a", 999_999_999),
            (&"n".repeat(28), 0),
        ] {
            let mut check = |record: &Record<'_>| {
                out.clear();
                template.render_steps(&formatter, record, &mut out).unwrap();
                let steps = out.as_bytes().to_vec();
                out.clear();
                let fast = template.render_kept_then_message(record, &mut out);
                assert!(matches!(fast, Some(Ok(_))), "{name}");
                assert_eq!(out.as_bytes(), steps, "{name}");
            };
            check(
                &Record::new(emlog::Level::INFO, name, format_args!("x {}", 1))
                    .with_timestamp(Timestamp::new(1_700_000_000, nanos)),
            );
        }
    }

    #[test]
    fn short_names_compare_as_equal_exactly_when_they_are() {
        let names: Vec<String> = (0..20)
            .flat_map(|n| {
                let base: String = "abcdefghijklmnopqrst"[..n].to_string();
                let mut variants = vec![base.clone()];
                for at in 0..n {
                    let mut changed = base.clone().into_bytes();
                    changed[at] = b'X';
                    variants.push(String::from_utf8(changed).unwrap());
                }
                variants
            })
            .collect();
        for a in &names {
            for b in &names {
                assert_eq!(same_text(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn millisecond_digits_are_every_three_digit_number() {
        for (m, &digits) in MILLIS.iter().enumerate() {
            assert_eq!(digits.to_le_bytes()[3], 0);
            assert_eq!(
                std::str::from_utf8(&three(digits)).unwrap(),
                format!("{m:03}")
            );
        }
    }
}
