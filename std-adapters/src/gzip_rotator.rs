//! A rotator that gzips rotated files, optionally on a background thread.

use std::io::{self, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crate::Rotator;
use crate::file_open::{create_new_file, open_for_reading, permission_bits};

/// Python's cookbook zlib rotator, as gzip: the live file is compressed into
/// the rotated name and removed. Use with [`gzip_namer`] so rotated names end
/// in `.gz`.
///
/// In the background mode the live file is first renamed to `<dest>.pending`
/// (fast, on the logging thread), then a thread compresses it; the next
/// rotation waits for the previous compression, so backups are never shifted
/// while one is still being written. Errors from a background compression are
/// returned by the next rotation (the pending file is kept).
///
/// No symbolic link is followed: a link at the live file's name is refused,
/// and the compressed file is created new (an existing file or link at its
/// name is an error, never written through), with the live file's
/// permission bits.
///
/// ```
/// use emlog::{Handler, Level, Record};
/// let dir = tempfile::tempdir().unwrap();
/// let mut h = emlog_std::RotatingFileHandler::builder(dir.path().join("app.log"))
///     .max_bytes(10).backup_count(2)
///     .namer(emlog_std::gzip_namer)
///     .rotator(emlog_std::GzipRotator::new())
///     .open().unwrap();
/// for i in 0..2 { h.handle(&Record::new(Level::INFO, "app", format_args!("record {i}"))); }
/// assert!(dir.path().join("app.log.1.gz").exists());
/// ```
#[derive(Debug, Default)]
pub struct GzipRotator {
    background: bool,
    running: Option<JoinHandle<io::Result<()>>>,
}

/// Appends `.gz` to a rotated file's name (Python's cookbook namer).
pub fn gzip_namer(default: &Path) -> PathBuf {
    crate::rotation::with_suffix(default, "gz")
}

impl GzipRotator {
    /// Compresses on the logging thread.
    pub fn new() -> GzipRotator {
        GzipRotator::default()
    }

    /// Compresses on a background thread.
    pub fn background() -> GzipRotator {
        GzipRotator {
            background: true,
            running: None,
        }
    }

    /// Waits for a background compression, returning its result.
    pub fn wait(&mut self) -> io::Result<()> {
        match self.running.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the gzip thread panicked"))),
            None => Ok(()),
        }
    }
}

/// Neither name is followed if it is a symbolic link: the source is refused,
/// and the compressed file is created new (never written through a link or
/// over an existing file), with the source's permission bits, so a backup is
/// no more readable than the log it came from.
fn compress(source: &Path, dest: &Path) -> io::Result<()> {
    let input = open_for_reading(source)?;
    let mode = permission_bits(&input)?;
    let mut input = BufReader::new(input);
    let output = BufWriter::new(create_new_file(dest, mode)?);
    let mut encoder = flate2::write::GzEncoder::new(output, flate2::Compression::default());
    io::copy(&mut input, &mut encoder)?;
    let mut output = encoder.finish()?;
    io::Write::flush(&mut output)?;
    std::fs::remove_file(source)
}

impl Rotator for GzipRotator {
    fn rotate(&mut self, source: &Path, dest: &Path) -> io::Result<()> {
        let previous = self.wait();
        if !source.exists() {
            return previous;
        }
        if !self.background {
            compress(source, dest)?;
            return previous;
        }
        let pending = crate::rotation::with_suffix(dest, "pending");
        std::fs::rename(source, &pending)?;
        let dest = dest.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("emlog-gzip".into())
            .spawn(move || compress(&pending, &dest))?;
        self.running = Some(thread);
        previous
    }

    fn settle(&mut self) -> io::Result<()> {
        self.wait()
    }
}

impl Drop for GzipRotator {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}
