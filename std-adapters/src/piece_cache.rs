//! The text of template pieces that depend only on the record's level and
//! logger name, kept between records: in
//! `%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s` the five
//! pieces ` `, `levelname`, ` `, `name`, `: ` are one copy of `" INFO app: "`
//! for every record of the same level and logger, instead of five writes.
//! With a `datefmt` without `%f`, `asctime` and the literal text next to it
//! are kept the same way for as long as the second stays the same.

use std::fmt;
use std::ops::Range;

use emlog::format::{AscTimeWriter, DependsOn};
use emlog::{Formatter, Level, Record};

use crate::asctime_cache::three_digits;

/// One step of rendering a line.
#[derive(Debug, Clone)]
enum Step {
    /// Pieces rendered for every record.
    Render(Range<usize>),
    /// Pieces whose text is kept: `(pieces, index into the texts)`.
    Kept(Range<usize>, usize),
}

/// How a formatter's template is rendered with kept text, and the text kept
/// for the last level and logger name seen.
#[derive(Debug)]
pub(crate) struct PieceCache {
    steps: Vec<Step>,
    /// The text of each `Kept` step for `level` and `name`.
    texts: Vec<Kept>,
    /// Whether a kept run depends on the record's second ([`DependsOn::Second`]).
    by_second: bool,
    /// The second the texts are for, when `by_second`.
    second: u64,
    /// The level and logger name the texts are for; `None` when there are none.
    level: Option<Level>,
    name: String,
}

impl PieceCache {
    /// The plan for `formatter`; `None` when no run of at least two pieces
    /// depends on the level and name only (then there is nothing to gain).
    pub(crate) fn new(formatter: &Formatter) -> Option<PieceCache> {
        let count = formatter.piece_count();
        let mut steps = Vec::new();
        let mut texts = Vec::new();
        let mut at = 0;
        let mut rendered_from = 0;
        // Whether a kept run holds `asctime` (then a new second renews it).
        let mut by_second = false;
        while at < count {
            if formatter.piece_depends_on(at) == DependsOn::Record {
                at += 1;
                continue;
            }
            let start = at;
            let mut varies = false;
            // At most one default-layout `asctime` per run; a second starts the next run.
            let mut millis_piece = None;
            while at < count {
                match formatter.piece_depends_on(at) {
                    DependsOn::Record => break,
                    DependsOn::LevelAndName => varies = true,
                    DependsOn::Second => {
                        varies = true;
                        by_second = true;
                    }
                    DependsOn::SecondThenMillis if millis_piece.is_some() => break,
                    DependsOn::SecondThenMillis => {
                        varies = true;
                        by_second = true;
                        millis_piece = Some(at);
                    }
                    DependsOn::Nothing => {}
                }
                at += 1;
            }
            if varies && at - start >= 2 {
                if rendered_from < start {
                    steps.push(Step::Render(rendered_from..start));
                }
                steps.push(Step::Kept(start..at, texts.len()));
                texts.push(Kept {
                    text: String::with_capacity(64),
                    millis_at: None,
                    millis_piece,
                });
                rendered_from = at;
            }
        }
        if texts.is_empty() {
            return None;
        }
        if rendered_from < count {
            steps.push(Step::Render(rendered_from..count));
        }
        Some(PieceCache {
            steps,
            texts,
            by_second,
            second: 0,
            level: None,
            name: String::with_capacity(64),
        })
    }

    /// Renders `record` as `formatter.render_with_asctime` would, into `out`.
    pub(crate) fn render(
        &mut self,
        formatter: &Formatter,
        record: &Record<'_>,
        out: &mut dyn fmt::Write,
        asctime: &mut AscTimeWriter<'_>,
    ) -> fmt::Result {
        let fresh = self.level == Some(record.level)
            && (!self.by_second || self.second == record.timestamp.secs)
            && same_text(&self.name, record.logger);
        if !fresh {
            self.level = None;
            for (pieces, index) in self.steps.iter().filter_map(|step| match step {
                Step::Kept(pieces, text) => Some((pieces, *text)),
                Step::Render(_) => None,
            }) {
                let Kept {
                    text,
                    millis_at,
                    millis_piece,
                } = self.texts.get_mut(index).ok_or(fmt::Error)?;
                text.clear();
                *millis_at = None;
                match *millis_piece {
                    Some(m) => {
                        formatter.render_range_with_asctime(
                            pieces.start..m,
                            record,
                            text,
                            asctime,
                        )?;
                        formatter.render_range_with_asctime(m..m + 1, record, text, asctime)?;
                        // The layout ends in the three digits of the milliseconds.
                        *millis_at = text.len().checked_sub(3);
                        formatter.render_range_with_asctime(
                            m + 1..pieces.end,
                            record,
                            text,
                            asctime,
                        )?;
                    }
                    None => formatter.render_range_with_asctime(
                        pieces.clone(),
                        record,
                        text,
                        asctime,
                    )?,
                }
            }
            self.name.clear();
            self.name.push_str(record.logger);
            self.second = record.timestamp.secs;
            self.level = Some(record.level);
        }
        for step in &self.steps {
            match step {
                Step::Render(pieces) => {
                    formatter.render_range_with_asctime(pieces.clone(), record, out, asctime)?;
                }
                Step::Kept(pieces, index) => {
                    let Kept {
                        text, millis_at, ..
                    } = self.texts.get(*index).ok_or(fmt::Error)?;
                    match *millis_at {
                        None => out.write_str(text)?,
                        Some(at) if record.timestamp.millis() < 1000 => {
                            out.write_str(text.get(..at).ok_or(fmt::Error)?)?;
                            out.write_str(three_digits(record.timestamp.millis()))?;
                            out.write_str(text.get(at + 3..).ok_or(fmt::Error)?)?;
                        }
                        Some(_) => formatter.render_range_with_asctime(
                            pieces.clone(),
                            record,
                            out,
                            asctime,
                        )?,
                    }
                }
            }
        }
        Ok(())
    }
}

/// The text of a kept run.
#[derive(Debug)]
struct Kept {
    text: String,
    /// Where the milliseconds of a default-layout `asctime` in the text are
    /// ([`DependsOn::SecondThenMillis`]): written per record.
    millis_at: Option<usize>,
    /// Which piece is that `asctime`.
    millis_piece: Option<usize>,
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
    use emlog::Timestamp;

    use super::*;

    fn direct(f: &Formatter, record: &Record<'_>) -> String {
        let mut out = String::new();
        f.render_with_asctime(record, &mut out, &mut |t, out| f.write_asctime(t, out))
            .unwrap();
        out
    }

    #[test]
    fn kept_text_matches_the_formatter_across_levels_and_names() {
        let templates = [
            "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
            "%(levelname)-8s|%(name)10.3s|%(levelno)03d %(message)s [%(name)s %(levelname)s]",
            "%(name)s%(levelname)s",
            "[%(levelname)s] %(message)s %(lineno)d %(name)s:%(name)r",
            "{levelname:^9}{name!r}{message}{name:>6}",
            "%(asctime)s %(levelname)s %(asctime)-30s|%(message)s",
            "{asctime}|{message}",
            "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "%(asctime)s %(asctime)s|%(levelname)s %(asctime)s%(message)s%(asctime)s:%(name)s",
            "%(asctime)s%(asctime)s",
        ];
        // Same name and level across seconds, new ones within a second.
        let names = [
            "app",
            "app",
            "app",
            "app.net",
            "",
            "app",
            "ünï.côde",
            "app",
            "app",
        ];
        let levels = [
            Level::INFO,
            Level::INFO,
            Level::ERROR,
            Level::ERROR,
            Level::INFO,
            Level::new(25),
            Level::INFO,
            Level::INFO,
            Level::INFO,
        ];
        let offset = |t: Timestamp| if t.secs >= 1_700_000_003 { 3600 } else { 0 };
        for source in templates {
            let plain = if source.starts_with('{') {
                Formatter::brace(source)
            } else {
                Formatter::new(source)
            }
            .unwrap()
            .with_utc_offset(offset);
            let dated = plain.clone().with_datefmt("%Y-%m-%d %H:%M:%S").unwrap();
            for f in [plain, dated] {
                let Some(mut cache) = PieceCache::new(&f) else {
                    // Two default-layout `asctime`s: a run of one piece each.
                    assert_eq!((source, f.datefmt()), ("%(asctime)s%(asctime)s", ""));
                    continue;
                };
                for (i, (name, level)) in names.iter().zip(levels).enumerate() {
                    let seven = i * 7;
                    let args = format_args!("m{i} {seven}");
                    let t = Timestamp::new(
                        1_700_000_000 + i as u64 / 2,
                        (i as u32 * 37) % 1000 * 1_000_000,
                    );
                    let record = Record::new(level, name, args).with_timestamp(t);
                    let mut kept = String::new();
                    cache
                        .render(&f, &record, &mut kept, &mut |t, out| {
                            f.write_asctime(t, out)
                        })
                        .unwrap();
                    assert_eq!(
                        kept,
                        direct(&f, &record),
                        "{source} {} record {i}",
                        f.datefmt()
                    );
                }
            }
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
    fn templates_without_a_run_to_keep_have_no_cache() {
        for source in [
            "%(message)s",
            "%(name)s%(message)s",
            "%(levelname)s%(message)s%(name)s",
        ] {
            assert!(
                PieceCache::new(&Formatter::new(source).unwrap()).is_none(),
                "{source}"
            );
        }
        assert!(PieceCache::new(&Formatter::message_only()).is_none());
    }
}
