//! RotatingFileHandler: a new file when the current one would reach a size.

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

use emlog::{Handler, HandlerStats, Level, Record};

use crate::file::{
    FileBuilder, FileHandler, file_builder_methods, render_line, with_path, write_line,
};
use crate::log_file::LogFile;
use crate::rotation::{
    Namer, RotationHooks, Rotator, exists_not_regular, remove_if_exists, with_suffix,
};
use crate::{Clock, RolloverSchedule};

/// Builds a [`RotatingFileHandler`].
#[derive(Debug)]
pub struct RotatingFileHandlerBuilder {
    file: FileBuilder,
    max_bytes: u64,
    backup_count: u32,
    hooks: RotationHooks,
    time: Option<(RolloverSchedule, Clock)>,
}

impl RotatingFileHandlerBuilder {
    file_builder_methods!();

    /// Roll over before a record would make the file reach this many bytes;
    /// 0 never rolls.
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Keep this many old files (`.1` newest … `.N` oldest); 0 never rolls.
    pub fn backup_count(mut self, backup_count: u32) -> Self {
        self.backup_count = backup_count;
        self
    }

    /// Names rotated files (Python's `namer`).
    pub fn namer(mut self, namer: impl Fn(&Path) -> std::path::PathBuf + Send + 'static) -> Self {
        self.hooks.namer = Some(Box::new(namer) as Namer);
        self
    }

    /// Moves the live file to its rotated name (Python's `rotator`).
    pub fn rotator(mut self, rotator: impl Rotator + 'static) -> Self {
        self.hooks.rotator = Some(Box::new(rotator));
        self
    }

    /// Also rolls at the boundaries of `schedule` (read from `clock`): a
    /// size-or-time policy in one handler, beyond Python. Backups keep the
    /// numbered names; the first boundary is computed from the file's
    /// modification time, as for [`TimedRotatingFileHandler`](crate::TimedRotatingFileHandler).
    /// An empty file is not rolled at a boundary either.
    ///
    /// ```
    /// use emlog::{Handler, Level, Record};
    /// use emlog_std::{ManualClock, RolloverSchedule, RotatingFileHandler, When};
    /// let dir = tempfile::tempdir().unwrap();
    /// let clock = ManualClock::at_secs(1_700_000_000);
    /// let mut h = RotatingFileHandler::builder(dir.path().join("app.log"))
    ///     .max_bytes(1 << 20).backup_count(3)
    ///     .also_every(RolloverSchedule::new(When::Hours, 1).unwrap().utc(), clock.clock())
    ///     .open().unwrap();
    /// h.handle(&Record::new(Level::INFO, "app", format_args!("small")));
    /// clock.advance_secs(3600);
    /// h.handle(&Record::new(Level::INFO, "app", format_args!("an hour later")));
    /// assert_eq!(std::fs::read_to_string(dir.path().join("app.log.1")).unwrap(), "small\n");
    /// ```
    pub fn also_every(mut self, schedule: RolloverSchedule, clock: Clock) -> Self {
        self.time = Some((schedule, clock));
        self
    }

    /// Opens the file (unless delayed).
    pub fn open(mut self) -> io::Result<RotatingFileHandler> {
        if self.max_bytes > 0 {
            // Python forces append when rolling by size: truncating at start
            // would destroy the file the first rollover should keep.
            self.file.options.append = true;
        }
        let path = self.file.path.clone();
        let time = self.time.map(|(schedule, clock)| {
            let start = crate::timed_rotating_file::start_time(&path, &clock);
            let at = schedule.next_rollover(start);
            TimeRule {
                schedule,
                clock,
                rollover_at: at,
            }
        });
        let inner = self.file.build().map_err(|e| with_path(e, &path))?;
        let backups = (1..=self.backup_count)
            .map(|i| with_suffix(inner.path(), &i.to_string()))
            .collect();
        Ok(RotatingFileHandler {
            time,
            inner,
            backups,
            max_bytes: self.max_bytes,
            backup_count: self.backup_count,
            hooks: self.hooks,
            rollovers: 0,
        })
    }
}

/// Python's `RotatingFileHandler`: before a record that would make the file
/// reach `max_bytes`, the file becomes `.1`, `.1` becomes `.2` … up to
/// `backup_count`, and a new file starts.
///
/// As in Python: an empty file is never rolled (a single record larger than
/// `max_bytes` goes into the empty file instead of leaving an empty backup), a
/// file that is not regular (`/dev/null`, a FIFO) is never rolled, and with
/// `max_bytes` 0 or `backup_count` 0 nothing ever rolls (without Python's
/// close-and-reopen on every record past the size in the latter case).
///
/// **Deliberate difference:** the size counts the **bytes** of the encoded
/// line (record plus `"\n"`), where Python counts characters, so `max_bytes`
/// really bounds the file's size with non-ASCII text.
///
/// **Safer on failure:** if moving any backup fails (permissions, a full
/// disk), the rollover stops at that step, so no existing backup is removed
/// or overwritten; the error is reported and counted, the record still goes
/// to the live file, and the next record tries again.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("app.log");
/// let mut h = emlog_std::RotatingFileHandler::builder(&path).max_bytes(10).backup_count(2).open().unwrap();
/// for i in 0..3 { h.handle(&Record::new(Level::INFO, "app", format_args!("record {i}"))); }
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "record 2\n");
/// assert_eq!(std::fs::read_to_string(dir.path().join("app.log.1")).unwrap(), "record 1\n");
/// assert_eq!(std::fs::read_to_string(dir.path().join("app.log.2")).unwrap(), "record 0\n");
/// ```
#[derive(Debug)]
pub struct RotatingFileHandler {
    inner: FileHandler,
    /// `app.log.1` … `app.log.N`, made once so that rolling over allocates
    /// nothing (unless a namer renames them).
    backups: Vec<PathBuf>,
    max_bytes: u64,
    backup_count: u32,
    hooks: RotationHooks,
    rollovers: u64,
    time: Option<TimeRule>,
}

#[derive(Debug)]
struct TimeRule {
    schedule: RolloverSchedule,
    clock: Clock,
    rollover_at: i64,
}

impl RotatingFileHandler {
    /// A builder for `path`, never rolling until `max_bytes` and `backup_count` are set.
    pub fn builder(path: impl AsRef<Path>) -> RotatingFileHandlerBuilder {
        RotatingFileHandlerBuilder {
            file: FileBuilder::new(path),
            max_bytes: 0,
            backup_count: 0,
            hooks: RotationHooks::default(),
            time: None,
        }
    }

    /// The live file's absolute path.
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// How many rollovers happened.
    pub fn rollovers(&self) -> u64 {
        self.rollovers
    }

    /// A record whose rollover check said to roll (or failed): rolls, then
    /// writes the line rendered last.
    #[cold]
    #[inline(never)]
    fn roll_then_write(&mut self, due: io::Result<bool>, record: &Record<'_>) -> bool {
        match due {
            Ok(false) => {}
            Ok(true) => {
                if let Err(e) = self.do_rollover() {
                    self.inner.report(&e, "rolling over");
                }
            }
            Err(e) => self.inner.report(&e, "opening"),
        }
        self.inner.write_rendered(record)
    }

    /// Python's `doRollover`, stopping at the first failed step.
    pub fn do_rollover(&mut self) -> io::Result<()> {
        self.inner.file.close()?;
        self.hooks.settle()?;
        let base = self.inner.file.path();
        for i in (1..self.backups.len()).rev() {
            let source = backup_name(&self.hooks, &self.backups, i);
            let dest = backup_name(&self.hooks, &self.backups, i + 1);
            if source.exists() {
                remove_if_exists(&dest)?;
                std::fs::rename(&source, &dest)?;
            }
        }
        if !self.backups.is_empty() {
            let dest = backup_name(&self.hooks, &self.backups, 1);
            remove_if_exists(&dest)?;
            self.hooks.rotate(base, &dest)?;
        }
        self.rollovers += 1;
        if !self.inner.file.options().delay {
            self.inner.file.open()?;
        }
        Ok(())
    }
}

/// Python's `shouldRollover` for a line of `len` bytes (opens a delayed
/// file). Takes the handler's fields apart from its renderer, so that the
/// line rendered there stays borrowed and is written as it is, not fetched
/// again (7 instructions a W2 record).
#[inline(always)]
fn should_rollover(
    time: &mut Option<TimeRule>,
    backup_count: u32,
    max_bytes: u64,
    file: &mut LogFile,
    len: u64,
) -> io::Result<bool> {
    if backup_count == 0 {
        return Ok(false);
    }
    let time_due = match time {
        Some(rule) => rule.due(),
        None => false,
    };
    if max_bytes == 0 && !time_due {
        return Ok(false);
    }
    file.open()?;
    if !file.is_regular() {
        return Ok(false);
    }
    let position = file.position();
    if position == 0 {
        return Ok(false);
    }
    let size_due = max_bytes > 0 && position + len >= max_bytes;
    Ok((size_due || time_due) && !exists_not_regular(file.path()))
}

impl TimeRule {
    /// Whether the schedule's boundary has passed; moves on to the next one
    /// if it has, whether or not the roll happens (empty file, /dev/null).
    fn due(&mut self) -> bool {
        let now = self.clock.now_secs();
        self.rollover_at = self.schedule.after_clock_change(self.rollover_at, now);
        let due = now >= self.rollover_at;
        if due {
            self.rollover_at = self.schedule.next_rollover(now);
        }
        due
    }
}

/// Backup `n` (from 1): the default name, or the namer's (Python's `rotation_filename`).
fn backup_name<'a>(hooks: &RotationHooks, backups: &'a [PathBuf], n: usize) -> Cow<'a, Path> {
    let default = backups.get(n - 1).map_or(Path::new(""), PathBuf::as_path);
    match hooks.namer {
        Some(_) => Cow::Owned(hooks.rotation_filename(default.to_path_buf())),
        None => Cow::Borrowed(default),
    }
}

impl Handler for RotatingFileHandler {
    fn level(&self) -> Level {
        self.inner.level()
    }

    fn set_level(&mut self, level: Level) {
        self.inner.set_level(level);
    }

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.inner.base.accepts(record) {
            return false;
        }
        let inner = &mut self.inner;
        let Some(line) = render_line(&mut inner.line, &mut inner.base, record) else {
            return false;
        };
        let len = line.len() as u64;
        match should_rollover(
            &mut self.time,
            self.backup_count,
            self.max_bytes,
            &mut inner.file,
            len,
        ) {
            Ok(false) => write_line(&mut inner.file, &mut inner.base, line, record),
            due => self.roll_then_write(due, record),
        }
    }

    fn flush(&mut self) {
        self.inner.flush();
    }

    fn close(&mut self) {
        self.inner.close();
        // A background rotator finishes before close returns.
        if let Err(e) = self.hooks.settle() {
            self.inner.report(&e, "finishing the rotation of");
        }
    }

    fn stats(&self) -> HandlerStats {
        self.inner.stats()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }
}
