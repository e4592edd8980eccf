//! TimedRotatingFileHandler: a new file at fixed times.

use std::io;
use std::path::{Path, PathBuf};

use emlog::{Handler, HandlerStats, Level, Record};

use crate::Clock;
use crate::file::{FileBuilder, FileHandler, file_builder_methods, with_path};
use crate::rollover_schedule::{RolloverSchedule, suffix_fullmatch, suffix_matches};
use crate::rotation::{Namer, RotationHooks, Rotator, exists_not_regular, with_suffix};

/// Builds a [`TimedRotatingFileHandler`].
#[derive(Debug)]
pub struct TimedRotatingFileHandlerBuilder {
    file: FileBuilder,
    schedule: RolloverSchedule,
    backup_count: u32,
    hooks: RotationHooks,
    clock: Clock,
}

impl TimedRotatingFileHandlerBuilder {
    file_builder_methods!();

    /// Keep this many rotated files, deleting older ones by Python's name patterns.
    pub fn backup_count(mut self, backup_count: u32) -> Self {
        self.backup_count = backup_count;
        self
    }

    /// Names rotated files (Python's `namer`).
    pub fn namer(mut self, namer: impl Fn(&Path) -> PathBuf + Send + 'static) -> Self {
        self.hooks.namer = Some(Box::new(namer) as Namer);
        self
    }

    /// Moves the live file to its rotated name (Python's `rotator`).
    pub fn rotator(mut self, rotator: impl Rotator + 'static) -> Self {
        self.hooks.rotator = Some(Box::new(rotator));
        self
    }

    /// The clock rollover times are read from (default: the system clock).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Opens the file (unless delayed). The first rollover is computed from
    /// the file's modification time if it exists, so a program restarted after
    /// a boundary rolls the old file at its first record, as Python does.
    pub fn open(mut self) -> io::Result<TimedRotatingFileHandler> {
        // Python opens timed rotating files in append mode always.
        self.file.options.append = true;
        let path = std::path::absolute(&self.file.path)?;
        let start = start_time(&path, &self.clock);
        let rollover_at = self.schedule.next_rollover(start);
        Ok(TimedRotatingFileHandler {
            inner: self.file.build().map_err(|e| with_path(e, &path))?,
            schedule: self.schedule,
            backup_count: self.backup_count,
            hooks: self.hooks,
            clock: self.clock,
            rollover_at,
            rollovers: 0,
        })
    }
}

/// Python's `TimedRotatingFileHandler`: at each boundary of `schedule` the
/// file is renamed with the date and time its interval began
/// (`app.log.2026-11-23`), and files beyond `backup_count` are deleted.
///
/// As in Python, rollover happens when a record arrives after the boundary
/// (no timer), and a file that is not regular is never rolled.
///
/// **Deliberate difference:** if the rotated name already exists (another
/// process, or a restart, rolled it already), Python 3.14 leaves the live file
/// in place; emlog does the same but also moves on to the next boundary, so it
/// does not check again on every record.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// use emlog_std::{ManualClock, RolloverSchedule, TimedRotatingFileHandler, When};
/// let dir = tempfile::tempdir().unwrap();
/// let clock = ManualClock::at_secs(1_700_000_000);
/// let schedule = RolloverSchedule::new(When::Seconds, 10).unwrap().utc();
/// let mut h = TimedRotatingFileHandler::builder(dir.path().join("app.log"), schedule)
///     .clock(clock.clock()).open().unwrap();
/// h.handle(&Record::new(Level::INFO, "app", format_args!("first")));
/// clock.advance_secs(10);
/// h.handle(&Record::new(Level::INFO, "app", format_args!("second")));
/// let rolled = std::fs::read_to_string(dir.path().join("app.log.2023-11-14_22-13-20")).unwrap();
/// assert_eq!(rolled, "first\n");
/// ```
#[derive(Debug)]
pub struct TimedRotatingFileHandler {
    inner: FileHandler,
    schedule: RolloverSchedule,
    backup_count: u32,
    hooks: RotationHooks,
    clock: Clock,
    rollover_at: i64,
    rollovers: u64,
}

impl TimedRotatingFileHandler {
    /// A builder for `path` rolling on `schedule`.
    pub fn builder(
        path: impl AsRef<Path>,
        schedule: RolloverSchedule,
    ) -> TimedRotatingFileHandlerBuilder {
        TimedRotatingFileHandlerBuilder {
            file: FileBuilder::new(path),
            schedule,
            backup_count: 0,
            hooks: RotationHooks::default(),
            clock: Clock::system(),
        }
    }

    /// The live file's absolute path.
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// When the next rollover is due (Unix seconds, Python's `rolloverAt`).
    pub fn rollover_at(&self) -> i64 {
        self.rollover_at
    }

    /// How many rollovers renamed a file.
    pub fn rollovers(&self) -> u64 {
        self.rollovers
    }

    /// Python's `shouldRollover`.
    fn should_rollover(&mut self) -> bool {
        let now = self.clock.now_secs();
        self.rollover_at = self.schedule.after_clock_change(self.rollover_at, now);
        if now < self.rollover_at {
            return false;
        }
        if exists_not_regular(self.inner.path()) {
            self.rollover_at = self.schedule.next_rollover(now);
            return false;
        }
        true
    }

    /// Python's `doRollover`: rename, delete the oldest, reopen.
    pub fn do_rollover(&mut self) -> io::Result<()> {
        let now = self.clock.now_secs();
        let base = self.inner.path().to_path_buf();
        let suffix = self.schedule.suffix_for(self.rollover_at, now);
        let dest = self.hooks.rotation_filename(with_suffix(&base, &suffix));
        // Whatever happens next, the next boundary is computed from now, so a
        // failing rename is retried at the next boundary, not at every record.
        self.rollover_at = self.schedule.next_rollover(now);
        if dest.exists() {
            // Already rolled over: never overwrite a rotated file.
            return Ok(());
        }
        self.inner.file.close()?;
        self.hooks.settle()?;
        let rotated = self.hooks.rotate(&base, &dest);
        let deleted = if rotated.is_ok() && self.backup_count > 0 {
            // The file just rotated counts even if a background rotator has
            // not written it yet.
            self.deletable(Some(&dest))
                .and_then(|files| files.iter().try_for_each(|f| remove_quietly(f)))
        } else {
            Ok(())
        };
        if !self.inner.file.options().delay {
            self.inner.file.open()?;
        }
        rotated?;
        self.rollovers += 1;
        deleted
    }

    /// Python's `getFilesToDelete`: rotated files of this handler beyond
    /// `backup_count`, oldest first.
    pub fn files_to_delete(&self) -> io::Result<Vec<PathBuf>> {
        self.deletable(None)
    }

    fn deletable(&self, rotated: Option<&Path>) -> io::Result<Vec<PathBuf>> {
        let base = self.inner.path();
        let dir = base.parent().unwrap_or(Path::new("/"));
        let base_name = base
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!("{base_name}.");
        let when = self.schedule.when();
        let mut result = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let matched = match &self.hooks.namer {
                None => name
                    .strip_prefix(&prefix)
                    .is_some_and(|rest| suffix_fullmatch(when, rest)),
                Some(namer) => suffix_matches(when, name).any(|suffix| {
                    namer(&with_suffix(base, suffix))
                        .file_name()
                        .is_some_and(|n| n == name)
                }),
            };
            if matched {
                result.push(dir.join(name));
            }
        }
        if let Some(rotated) = rotated
            && !result.iter().any(|p| p == rotated)
        {
            result.push(rotated.to_path_buf());
        }
        let keep = self.backup_count as usize;
        if result.len() < keep {
            return Ok(Vec::new());
        }
        result.sort();
        result.truncate(result.len() - keep);
        Ok(result)
    }
}

/// Python's starting point for the first rollover: the file's modification
/// time if it exists, else now.
pub(crate) fn start_time(path: &Path, clock: &Clock) -> i64 {
    match std::fs::metadata(path).and_then(|m| m.modified()) {
        Ok(mtime) => match mtime.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => 0,
        },
        Err(_) => clock.now_secs(),
    }
}

fn remove_quietly(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        // Python ignores files already gone or not removable.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
        {
            Ok(())
        }
        other => other,
    }
}

impl Handler for TimedRotatingFileHandler {
    fn level(&self) -> Level {
        self.inner.level()
    }

    fn set_level(&mut self, level: Level) {
        self.inner.set_level(level);
    }

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.inner.base.accepts(record) || self.inner.render(record).is_none() {
            return false;
        }
        if self.should_rollover()
            && let Err(e) = self.do_rollover()
        {
            self.inner.report(&e, "rolling over");
        }
        self.inner.write_rendered(record)
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
