//! A buffered file's write-out, run after the handler's lock is let go.
//!
//! Threads sharing a buffered [`FileHandler`](crate::FileHandler) in a
//! [`Logger`](crate::Logger) take turns at its lock to append their lines.
//! Writing a full buffer (64 KiB by default) takes the kernel far longer than
//! appending a line, and if it ran under the handler's lock every other thread
//! would stop there and sleep until it was done (W4 of issue 6). So the thread
//! whose record makes the buffer due swaps it for a spare one under the
//! handler's lock, takes this file's [`WriteOuts`] lock, lets go of the
//! handler's lock and writes: the others go on appending to the fresh buffer
//! meanwhile.
//!
//! Order: the write-out lock is taken before the handler's lock is let go,
//! and every write of a buffered file takes it (a flush, a close, the next
//! write-out), so buffers reach the file in the order they were filled. No
//! thread waits for the handler's lock while holding the write-out lock, so
//! the two cannot wait for each other.
//!
//! What a write-out did (bytes, a torn line, an error and the records it
//! lost) is left in [`WriteOuts`] and taken into the file's state by the next
//! writer, under both locks: a failed deferred write-out is counted and
//! reported then (at the next write-out, flush or close), not by the thread
//! that wrote it, which no longer holds the handler.

use std::fs::File;
use std::io::{self, Write};

use crate::line_buf::Lines;

/// The lock every write of a buffered file takes, and what it guards.
#[derive(Debug, Default)]
pub(crate) struct WriteOuts {
    /// The buffer the next write-out swaps in (kept, so that steady-state
    /// logging allocates nothing).
    pub(crate) spare: Lines,
    /// What the last deferred write-out did, until the file takes it in.
    pub(crate) done: Option<Done>,
}

/// What a deferred write-out did.
#[derive(Debug)]
pub(crate) struct Done {
    /// Bytes that reached the file.
    pub(crate) bytes: u64,
    /// Whether the file now ends inside a line.
    pub(crate) torn: bool,
    /// The error, and the records the buffer held (lost with it).
    pub(crate) failed: Option<(io::Error, u64)>,
}

/// A full buffer on its way to the file.
#[derive(Debug)]
pub(crate) struct WriteOut {
    /// A descriptor of its own for the open file.
    pub(crate) file: File,
    pub(crate) bytes: Lines,
    pub(crate) records: u64,
    /// The file ends inside a line (an earlier write stopped partway): a
    /// newline goes first.
    pub(crate) torn: bool,
}

impl WriteOut {
    /// Writes the buffer; `outs` is the file's write-out lock, taken before
    /// the handler's lock was let go. The emptied buffer becomes the spare.
    pub(crate) fn write(self, outs: &mut WriteOuts) {
        let mut done = Done {
            bytes: 0,
            torn: self.torn,
            failed: None,
        };
        let file = &self.file;
        let mut result = Ok(());
        if done.torn {
            let (n, newline) = write_counted(file, b"\n");
            done.bytes += n as u64;
            done.torn = newline.is_err();
            result = newline;
        }
        if result.is_ok() {
            let (n, written) = write_counted(file, self.bytes.text());
            done.bytes += n as u64;
            done.torn = written.is_err() && n > 0;
            result = written;
        }
        if let Err(e) = result {
            done.failed = Some((e, self.records));
        }
        let mut spare = self.bytes;
        spare.clear();
        outs.spare = spare;
        outs.done = Some(done);
    }
}

/// One `write` of `bytes` to `file`: `File::write` without std's
/// out-of-line wrapper on Unix (it cost a write-through record 12 of its
/// instructions: a frame of its own around the call).
#[inline(always)]
pub(crate) fn write_once(file: &File, bytes: &[u8]) -> io::Result<usize> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: `bytes` is a live slice, so its pointer is valid for reads
        // of `bytes.len()` bytes (at most `isize::MAX`), which is all `write`
        // reads; the descriptor is `file`'s, open while it is borrowed here.
        let written = unsafe { libc::write(file.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        // Negative only on failure (-1, with errno set).
        usize::try_from(written).map_err(|_| io::Error::last_os_error())
    }
    #[cfg(not(unix))]
    {
        let mut file = file;
        file.write(bytes)
    }
}

/// `write_all` that also says how many bytes were written before an error.
pub(crate) fn write_counted(mut file: &File, bytes: &[u8]) -> (usize, io::Result<()>) {
    let mut done = 0;
    while done < bytes.len() {
        match file.write(&bytes[done..]) {
            Ok(0) => return (done, Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (done, Err(e)),
        }
    }
    (done, Ok(()))
}
