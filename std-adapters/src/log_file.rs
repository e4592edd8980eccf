//! The open file behind every file handler: how it is opened (append or
//! truncate, delayed, with a mode), written (through, or buffered with flush
//! rules), sized and closed.

use std::fs::File;
use std::io::{self, Write};
#[cfg(unix)]
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use emlog::{Level, Timestamp};

use crate::Clock;
use crate::file_open::{WriteMode, open_log_file};
use crate::line_buf::Lines;
use crate::write_out::{WriteOut, WriteOuts, write_counted, write_once};

/// When a buffered file handler writes its buffer out.
///
/// Buffering trades durability for fewer system calls: records in the buffer
/// are lost if the process is killed. They are written out when a record at
/// `flush_level` or above arrives (default ERROR, like Python's
/// `MemoryHandler`), when the buffer holds `capacity` bytes, when `interval`
/// has passed since the last write-out (checked when a record arrives), on
/// `flush()`, on `close()`, and when the handler is dropped. For the interval
/// to hold when no further record arrives, run a timer:
/// [`Logger::flush_every`](crate::Logger::flush_every) for handlers in a
/// `Logger`, [`QueueListener::flush_every`](crate::QueueListener::flush_every)
/// for handlers behind a queue, or [`PeriodicFlush`](crate::PeriodicFlush)
/// around any flush. A panic unwinds through `Drop` for handlers owned by the stack; for
/// handlers inside a global logger, install
/// [`install_panic_flush_hook`](crate::install_panic_flush_hook).
///
/// A buffered record counts as emitted when it enters the buffer; if the
/// write-out fails, every record in it is also counted as dropped.
///
/// In a [`Logger`](crate::Logger), the thread whose record makes the buffer
/// due writes it out after letting go of the handler's lock, so threads
/// sharing the file do not wait for the write (still before its log call
/// returns, and in order); a failure of such a write-out is reported at the
/// handler's next write-out, flush or close.
#[derive(Clone, Debug)]
pub struct Buffering {
    /// Write out when this many bytes are waiting.
    pub capacity: usize,
    /// Write out when a record at this level or above arrives.
    pub flush_level: Level,
    /// Write out when this long has passed since the last write-out.
    pub interval: Option<Duration>,
    /// The clock `interval` is measured with (default: [`Clock::system_coarse`]).
    /// With the system clocks, a record stamped by emlog-std's environment
    /// (as every record made by emlog's macros is once
    /// [`install_environment`](crate::install_environment) ran) gives its
    /// own timestamp as the time it arrives, instead of a clock read per
    /// record: the same clock, read a moment before. Behind a
    /// [`QueueListener`](crate::QueueListener) that time is when the record
    /// was made, so while the queue has a backlog the interval's write-out
    /// comes later by up to the backlog's age; [`PeriodicFlush`](crate::PeriodicFlush)
    /// bounds it by the wall clock.
    pub clock: Clock,
}

impl Default for Buffering {
    fn default() -> Buffering {
        Buffering {
            capacity: 64 * 1024,
            flush_level: Level::ERROR,
            interval: Some(Duration::from_secs(5)),
            // Read per record: the coarse clock is enough for seconds.
            clock: Clock::system_coarse(),
        }
    }
}

/// How a file handler opens and writes its file.
#[derive(Clone, Debug)]
pub struct FileOptions {
    /// Append (Python's mode `'a'`, the default) or truncate (`'w'`).
    pub append: bool,
    /// Open at the first record instead of at construction.
    pub delay: bool,
    /// Permission bits of a file this handler creates, applied exactly (not
    /// masked by the umask); `None` lets the umask decide, as Python does.
    /// Unix only: ignored elsewhere.
    pub mode: Option<u32>,
    /// Open the file through a symbolic link at its path, as Python does.
    /// Off by default: a link there is refused with an error that says so,
    /// so a link planted in the log directory cannot redirect records (or a
    /// truncation) to another file. Unix only.
    pub follow_symlinks: bool,
    /// Buffer records instead of writing each one through.
    pub buffering: Option<Buffering>,
}

impl Default for FileOptions {
    fn default() -> FileOptions {
        FileOptions {
            append: true,
            delay: false,
            mode: None,
            follow_symlinks: false,
            buffering: None,
        }
    }
}

/// An open (or not yet opened) log file.
#[derive(Debug)]
pub(crate) struct LogFile {
    path: PathBuf,
    options: FileOptions,
    file: Option<File>,
    /// Every write of a buffered file takes this lock, so that a write-out
    /// run after the handler's lock is let go keeps its place in the file.
    write_outs: Arc<Mutex<WriteOuts>>,
    /// Bytes in the file when opened plus bytes written since (regular files).
    position: u64,
    regular: bool,
    identity: Option<(u64, u64)>,
    /// `options.buffering`'s write-out rules as each record checks them.
    due: WriteOutRules,
    /// What every record writes, on a cache line of its own.
    tail: Tail,
    /// A write stopped partway (a full disk): the file ends inside a line, so
    /// the next write starts a fresh line first.
    torn: bool,
    /// Records lost since the owner last asked ([`take_lost`](Self::take_lost)).
    lost_records: u64,
    /// When the buffer was last written out (buffered files); records
    /// compare with [`Tail::quiet_until`] instead.
    last_flush_millis: i64,
}

/// When a buffered record makes the buffer be written out, in the form each
/// record compares with; from [`Buffering`], fixed when the file is made.
#[derive(Debug)]
struct WriteOutRules {
    /// At this many buffered bytes (`usize::MAX`: written through, never buffered).
    bytes: usize,
    /// A record at this level or above.
    level: Level,
    /// This many milliseconds after the last write-out (`i64::MAX`: never).
    interval_millis: i64,
}

impl WriteOutRules {
    fn new(buffering: Option<&Buffering>) -> WriteOutRules {
        match buffering {
            None => WriteOutRules {
                bytes: usize::MAX,
                level: Level::new(u8::MAX),
                interval_millis: i64::MAX,
            },
            Some(b) => WriteOutRules {
                bytes: b.capacity,
                level: b.flush_level,
                interval_millis: b.interval.map_or(i64::MAX, |i| {
                    i64::try_from(i.as_millis()).unwrap_or(i64::MAX)
                }),
            },
        }
    }
}

/// The fields a record writes, together on one cache line. Threads sharing a
/// file take turns at its lock, and each turn moves the lines the record
/// writes to the turn's core: one line here, instead of the three these
/// fields were spread over among fields that records only read (the
/// options), which then stay in every core's cache (W4 of issue 6).
#[derive(Debug, Default)]
#[repr(align(64))]
struct Tail {
    /// Buffered lines (a buffered file's handler renders into it).
    pending: Lines,
    /// Records in `pending`.
    pending_records: u64,
    /// Records that reached the file or its buffer.
    written: u64,
    /// A record stamped with the system clock before this time is not due
    /// by the interval: the time the interval ends when the clock is the
    /// system's, the last time there is without an interval, zero (every
    /// record reads the clock) with another clock.
    quiet_until: Timestamp,
}

const _: () = assert!(
    std::mem::size_of::<Tail>() == 64,
    "a record's fields on one cache line"
);

impl LogFile {
    pub(crate) fn new(path: impl AsRef<Path>, options: FileOptions) -> io::Result<LogFile> {
        // Python stores the absolute path, so a later chdir does not move the log.
        let path = std::path::absolute(path.as_ref())?;
        let due = WriteOutRules::new(options.buffering.as_ref());
        let mut file = LogFile {
            path,
            options,
            file: None,
            position: 0,
            regular: true,
            identity: None,
            write_outs: Arc::default(),
            due,
            tail: Tail::default(),
            torn: false,
            lost_records: 0,
            last_flush_millis: 0,
        };
        if !file.options.delay {
            file.open()?;
        }
        Ok(file)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn options(&self) -> &FileOptions {
        &self.options
    }

    /// Device and inode of the open file.
    #[cfg_attr(not(unix), allow(dead_code))] // used by WatchedFileHandler (Unix)
    pub(crate) fn identity(&self) -> Option<(u64, u64)> {
        self.identity
    }

    /// How many names the open file has (0 once deleted); `None` if not open.
    #[cfg_attr(not(unix), allow(dead_code))] // used by WatchedFileHandler (Unix)
    pub(crate) fn link_count(&self) -> Option<u64> {
        #[cfg(unix)]
        return self.file.as_ref()?.metadata().ok().map(|m| m.nlink());
        #[cfg(not(unix))]
        return self.file.as_ref().map(|_| 1);
    }

    /// Whether the open file is a regular file (not /dev/null, a FIFO, a tty).
    pub(crate) fn is_regular(&self) -> bool {
        self.regular
    }

    /// Bytes in the file, counting buffered ones.
    pub(crate) fn position(&self) -> u64 {
        self.position + self.tail.pending.text_len() as u64
    }

    /// Opens the file unless it is open (the check is inlined into each
    /// record's write; the open itself is not).
    #[inline]
    pub(crate) fn open(&mut self) -> io::Result<()> {
        if self.file.is_some() {
            return Ok(());
        }
        self.open_now()
    }

    #[cold]
    #[inline(never)]
    fn open_now(&mut self) -> io::Result<()> {
        let file = self.open_file()?;
        let meta = file.metadata()?;
        self.regular = meta.file_type().is_file();
        self.position = if self.regular { meta.len() } else { 0 };
        // A new (or emptied) file holds no torn line.
        self.torn &= self.position > 0;
        #[cfg(unix)]
        {
            self.identity = Some((meta.dev(), meta.ino()));
        }
        #[cfg(not(unix))]
        {
            // No inodes: identity is "open", which WatchedFileHandler (Unix only) never compares.
            self.identity = Some((0, 0));
        }
        self.file = Some(file);
        self.note_write_out();
        Ok(())
    }

    /// Opens the path. A FIFO without a reader makes a plain open wait
    /// forever, so the open does not wait (`O_NONBLOCK`) and is retried for up
    /// to [`FIFO_READER_WAIT`]; then it fails with an error that says so.
    fn open_file(&self) -> io::Result<File> {
        #[cfg(unix)]
        {
            let deadline = std::time::Instant::now() + FIFO_READER_WAIT;
            loop {
                match self.open_nonblocking() {
                    // ENXIO: a FIFO with no reader.
                    Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                        if std::time::Instant::now() >= deadline {
                            return Err(io::Error::new(
                                e.kind(),
                                format!(
                                    "{} is a FIFO with no reader (waited {FIFO_READER_WAIT:?}): {e}",
                                    self.path.display()
                                ),
                            ));
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Ok(file) => {
                        // Writes block as for any file, so none is lost to EAGAIN.
                        clear_nonblocking(&file)?;
                        return Ok(file);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        #[cfg(not(unix))]
        self.open_nonblocking()
    }

    fn open_nonblocking(&self) -> io::Result<File> {
        open_log_file(
            &self.path,
            WriteMode {
                append: self.options.append,
                mode: self.options.mode,
                follow_symlinks: self.options.follow_symlinks,
                nonblocking: true,
            },
        )
    }

    /// Whether records read a clock: buffered with an interval.
    pub(crate) fn clock(&self) -> Option<&Clock> {
        self.options
            .buffering
            .as_ref()
            .filter(|b| b.interval.is_some())
            .map(|b| &b.clock)
    }

    /// Writes one rendered line of a record made at `made` (through, or
    /// into the buffer). On failure the records lost (this one, or every
    /// buffered one) are added to [`take_lost`](Self::take_lost). Always
    /// inlined into [`FileHandler::write_rendered`](crate::FileHandler),
    /// as [`append_line`](Self::append_line) is here.
    #[inline(always)]
    pub(crate) fn write_line(
        &mut self,
        line: &[u8],
        level: Level,
        made: Timestamp,
    ) -> io::Result<()> {
        let due = self.append_line(line, level, None, made)?;
        self.finish_line(due)
    }

    /// The end of a line taken into the buffer (or written through): the
    /// buffer written out if `due`, then the record counted as written
    /// unless that failed.
    #[inline(always)]
    fn finish_line(&mut self, due: bool) -> io::Result<()> {
        let written = if due { self.write_pending() } else { Ok(()) };
        if written.is_ok() {
            self.tail.written += 1;
        }
        written
    }

    /// [`write_line`](Self::write_line) that leaves a due write-out to the
    /// caller ([`begin_write_out`](Self::begin_write_out)); `Ok(true)` if
    /// one is due. The record counts as written once it is in the buffer.
    /// `now` is [`clock`](Self::clock) read already, if it was: a logger
    /// reads a clock other than the system's before taking the handler's
    /// lock, so threads sharing the file do not wait for each other's reads.
    #[inline]
    pub(crate) fn write_line_deferred(
        &mut self,
        line: &[u8],
        level: Level,
        now: Option<i64>,
        made: Timestamp,
    ) -> io::Result<bool> {
        let due = self.append_line(line, level, now, made)?;
        self.tail.written += 1;
        Ok(due)
    }

    /// Writes a line through, or appends it to the buffer and says whether
    /// the buffer is due to be written out (the caller counts it written).
    /// Always inlined: a call here cost a Logger's record 37 instructions
    /// of its 1,585 (callgrind, bench W1).
    /// The interval is measured at `now` if given, else at the record's
    /// time `made` where that stands for the clock ([`Clock::now_millis_at`]).
    #[inline(always)]
    fn append_line(
        &mut self,
        line: &[u8],
        level: Level,
        now: Option<i64>,
        made: Timestamp,
    ) -> io::Result<bool> {
        if let Err(e) = self.open() {
            self.lost_records += 1;
            return Err(e);
        }
        if self.options.buffering.is_none() {
            return match self.write_whole(line) {
                Ok(()) => Ok(false),
                Err(e) => {
                    self.lost_records += 1;
                    Err(e)
                }
            };
        }
        if let Err(e) = self.tail.pending.push_bytes(line) {
            self.lost_records += 1;
            return Err(io::Error::other(e));
        }
        self.tail.pending_records += 1;
        Ok(self.due_after_line(level, now, made))
    }

    /// Whether the buffer is due to be written out after a record's line
    /// went in.
    #[inline(always)]
    fn due_after_line(&self, level: Level, now: Option<i64>, made: Timestamp) -> bool {
        level >= self.due.level
            || self.tail.pending.text_len() >= self.due.bytes
            || self.interval_passed(now, made)
    }

    /// The buffer a buffered file's handler renders its record's line
    /// into, after the lines there ([`LineRenderer::render_line_into`](crate::LineRenderer));
    /// then [`line_rendered`](Self::line_rendered). `None` if the file
    /// writes through.
    #[inline(always)]
    pub(crate) fn pending(&mut self) -> Option<&mut Lines> {
        if self.due.bytes == usize::MAX {
            return None;
        }
        Some(&mut self.tail.pending)
    }

    /// [`write_line`](Self::write_line) of the line rendered last into
    /// [`pending`](Self::pending): the rest of a buffered record's write,
    /// without copying its line.
    #[inline(always)]
    pub(crate) fn line_rendered(&mut self, level: Level, made: Timestamp) -> io::Result<()> {
        if let Err(e) = self.open() {
            self.tail.pending.drop_line();
            self.lost_records += 1;
            return Err(e);
        }
        self.tail.pending_records += 1;
        let due = self.due_after_line(level, None, made);
        self.finish_line(due)
    }

    /// Whether the write-out interval has passed when a record made at
    /// `made` arrives (at `now`, if the caller read the clock). A record
    /// stamped with the system clock, when that is the interval's clock,
    /// is compared with the interval's end as it is, without arithmetic
    /// (which the compiler would hoist into every record's path, other
    /// handlers' too); the rest, and a record at the end, read the clock.
    #[inline(always)]
    fn interval_passed(&self, now: Option<i64>, made: Timestamp) -> bool {
        let quiet = self.tail.quiet_until;
        if made.secs != 0
            && (made.secs < quiet.secs || (made.secs == quiet.secs && made.nanos < quiet.nanos))
            && crate::environment::stamps_records_with_system_time()
        {
            return false;
        }
        self.interval_passed_at_clock(now, made)
    }

    /// [`interval_passed`](Self::interval_passed) reading the clock.
    #[inline(never)]
    fn interval_passed_at_clock(&self, now: Option<i64>, made: Timestamp) -> bool {
        self.due.interval_millis != i64::MAX && {
            let now = match (now, self.clock()) {
                (Some(now), _) => now,
                (None, Some(clock)) => clock.now_millis_at(made),
                (None, None) => 0,
            };
            now.saturating_sub(self.last_flush_millis) >= self.due.interval_millis
        }
    }

    /// Notes a write-out (or the open) now, by the buffering's clock.
    fn note_write_out(&mut self) {
        let Some(b) = &self.options.buffering else {
            return;
        };
        let now = b.clock.now_millis();
        self.last_flush_millis = now;
        self.tail.quiet_until = match (b.interval, b.clock.is_system()) {
            (None, _) => Timestamp::new(u64::MAX, 0),
            (Some(_), true) => {
                // A record's time stands for the clock in whole milliseconds
                // (`Clock::now_millis_at`): not due before the end's millisecond.
                let end = now.saturating_add(self.due.interval_millis);
                u64::try_from(end.div_euclid(1000)).map_or(Timestamp::ZERO, |secs| {
                    Timestamp::new(secs, end.rem_euclid(1000) as u32 * 1_000_000)
                })
            }
            (Some(_), false) => Timestamp::ZERO,
        };
    }

    /// The lock a deferred write-out holds (see [`crate::write_out`]).
    pub(crate) fn write_outs(&self) -> &Arc<Mutex<WriteOuts>> {
        &self.write_outs
    }

    /// Takes in what the last deferred write-out did: its bytes, a torn
    /// line, and its failure (the records it lost are counted here).
    fn take_in(&mut self, outs: &mut WriteOuts) -> io::Result<()> {
        let Some(done) = outs.done.take() else {
            return Ok(());
        };
        self.position += done.bytes;
        self.torn = done.torn;
        match done.failed {
            Some((e, records)) => {
                self.lost_records += records;
                Err(e)
            }
            None => Ok(()),
        }
    }

    /// Swaps the due buffer for the spare one in `outs` (this file's
    /// [`write_outs`](Self::write_outs) lock, held until the write-out is
    /// written) and hands it out, to be written after the handler's lock is
    /// let go. The `Err` is the last deferred write-out's failure, taken in
    /// now, or this buffer's loss when the file is not open (as
    /// [`flush`](Self::flush) would lose it).
    pub(crate) fn begin_write_out(
        &mut self,
        outs: &mut WriteOuts,
    ) -> (io::Result<()>, Option<WriteOut>) {
        let earlier = self.take_in(outs);
        self.note_write_out();
        if self.tail.pending.is_empty() {
            return (earlier, None);
        }
        // Its own descriptor of the open file (no heap allocation; the same
        // file position), which this file cannot close before the write-out
        // is written: closing waits for `outs`.
        let Some(Ok(file)) = self.file.as_ref().map(File::try_clone) else {
            // Not open, or out of descriptors: written (or lost) here, as a
            // flush would.
            let now = self.write_pending_holding(outs);
            return (earlier.and(now), None);
        };
        let bytes = std::mem::replace(
            &mut self.tail.pending,
            std::mem::replace(&mut outs.spare, Lines::empty()),
        );
        let write_out = WriteOut {
            file,
            bytes,
            records: std::mem::take(&mut self.tail.pending_records),
            // The write-out writes the newline; what it leaves is taken in later.
            torn: std::mem::take(&mut self.torn),
        };
        (earlier, Some(write_out))
    }

    /// Records that reached the file or its buffer (a buffered record counts
    /// when it enters the buffer); kept here, on the line each record writes
    /// anyway, instead of in the handler's counters.
    pub(crate) fn written(&self) -> u64 {
        self.tail.written
    }

    fn write_pending(&mut self) -> io::Result<()> {
        // Every write of a buffered file waits for a deferred write-out under
        // way and takes in what it did, so the file keeps the buffers' order.
        let write_outs = Arc::clone(&self.write_outs);
        let mut outs = write_outs.lock().unwrap_or_else(PoisonError::into_inner);
        self.write_pending_holding(&mut outs)
    }

    /// [`write_pending`](Self::write_pending) holding the write-out lock.
    fn write_pending_holding(&mut self, outs: &mut WriteOuts) -> io::Result<()> {
        let earlier = self.take_in(outs);
        self.note_write_out();
        if self.tail.pending.is_empty() {
            return earlier;
        }
        let records = std::mem::take(&mut self.tail.pending_records);
        let pending = std::mem::replace(&mut self.tail.pending, Lines::empty());
        let result = if self.file.is_some() {
            self.write_whole(pending.text())
        } else {
            Err(not_open_buffered(records))
        };
        if result.is_err() {
            // Dropped rather than retried forever, and counted.
            self.lost_records += records;
        }
        self.tail.pending = pending;
        self.tail.pending.clear();
        earlier.and(result)
    }

    /// Writes whole lines to the open file, counting the bytes that reached
    /// it. If a write stops partway (ENOSPC after some bytes), the file is
    /// marked torn and the next write begins with a newline, so a later record
    /// is never glued to the end of a cut one. The usual case, one `write`
    /// that takes every byte, is inlined into the caller (a write-through
    /// record's path: a call here saved and restored six registers).
    #[inline(always)]
    fn write_whole(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let (false, Some(file)) = (self.torn, self.file.as_ref()) {
            let first = write_once(file, bytes);
            if let Ok(n) = first
                && n == bytes.len()
            {
                self.position += n as u64;
                return Ok(());
            }
            return self.write_rest(bytes, first);
        }
        self.write_whole_torn(bytes)
    }

    /// [`write_whole`](Self::write_whole) when the file is torn or not open.
    #[inline(never)]
    fn write_whole_torn(&mut self, bytes: &[u8]) -> io::Result<()> {
        let Some(file) = self.file.as_ref() else {
            return Err(not_open());
        };
        if self.torn {
            let (n, result) = write_counted(file, b"\n");
            self.position += n as u64;
            result?;
            self.torn = false;
        }
        let first = write_once(file, bytes);
        self.write_rest(bytes, first)
    }

    /// Finishes writing `bytes` after the first `write`, which returned
    /// `first` (as [`write_counted`] would have gone on).
    #[inline(never)]
    fn write_rest(&mut self, bytes: &[u8], first: io::Result<usize>) -> io::Result<()> {
        let done = match first {
            Ok(0) if !bytes.is_empty() => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        self.position += done as u64;
        let Some(file) = self.file.as_ref() else {
            return Err(not_open());
        };
        let (n, result) = write_counted(file, bytes.get(done..).unwrap_or_default());
        self.position += n as u64;
        if result.is_err() && done + n > 0 {
            self.torn = true;
        }
        result
    }

    /// Records lost since the last call.
    pub(crate) fn take_lost(&mut self) -> u64 {
        std::mem::take(&mut self.lost_records)
    }

    /// Writes buffered bytes out.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.write_pending()?;
        if let Some(file) = self.file.as_mut() {
            file.flush()?;
        }
        Ok(())
    }

    /// Writes buffered bytes and closes; the next write reopens.
    pub(crate) fn close(&mut self) -> io::Result<()> {
        let result = self.flush();
        self.file = None;
        self.identity = None;
        result
    }
}

impl Drop for LogFile {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// How long opening a FIFO waits for a reader before it fails.
#[cfg(unix)]
pub(crate) const FIFO_READER_WAIT: Duration = Duration::from_secs(1);

#[cfg(unix)]
fn clear_nonblocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this `File` owns; F_GETFL/F_SETFL take no pointers.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn not_open() -> io::Error {
    io::Error::other("the log file is not open")
}

fn not_open_buffered(records: u64) -> io::Error {
    io::Error::other(format!(
        "{records} buffered records could not be written: the file is not open"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick interval check (a record stamped with the system clock
    /// compared with the interval's end) says what the check reading the
    /// clock says, at every millisecond around the end, for the system's
    /// clock, another clock, and no interval.
    #[test]
    fn the_quick_interval_check_agrees_with_reading_the_clock() {
        crate::install_environment();
        let dir = tempfile::tempdir().unwrap();
        let clocks = [
            (Clock::system(), Some(Duration::from_millis(5_000))),
            (Clock::system_coarse(), Some(Duration::from_millis(1))),
            (
                Clock::from_fn(|| 1_700_000_000_000),
                Some(Duration::from_secs(5)),
            ),
            (Clock::system(), None),
        ];
        for (i, (clock, interval)) in clocks.into_iter().enumerate() {
            let options = FileOptions {
                buffering: Some(Buffering {
                    interval,
                    clock,
                    ..Buffering::default()
                }),
                ..FileOptions::default()
            };
            let file = LogFile::new(dir.path().join(format!("{i}.log")), options).unwrap();
            let end = file.last_flush_millis + file.due.interval_millis.min(1 << 40);
            for millis in end - 1_500..end + 1_500 {
                for nanos in [0, 999, 999_999] {
                    let made = Timestamp::new(
                        (millis / 1000) as u64,
                        (millis % 1000) as u32 * 1_000_000 + nanos,
                    );
                    assert_eq!(
                        file.interval_passed(None, made),
                        file.interval_passed_at_clock(None, made),
                        "clock {i}, {millis} ms + {nanos} ns, the interval ends at {end}"
                    );
                }
            }
            for made in [Timestamp::ZERO, Timestamp::new(u64::MAX, 0)] {
                assert_eq!(
                    file.interval_passed(None, made),
                    file.interval_passed_at_clock(None, made),
                    "clock {i}, {made:?}"
                );
            }
        }
    }
}
