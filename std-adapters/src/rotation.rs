//! What every rotating handler shares: Python's `namer` and `rotator` hooks.

use std::io;
use std::path::{Path, PathBuf};

/// Renames rotated files (Python's `namer`): given the default name
/// (`app.log.1`, `app.log.2026-11-23`), returns the name to use.
pub type Namer = Box<dyn Fn(&Path) -> PathBuf + Send>;

/// Moves the live file to its rotated name (Python's `rotator`). The default
/// renames, and only when the source exists (Python's issue 18940, `delay`).
///
/// Implemented for closures `FnMut(&Path, &Path) -> io::Result<()>`; see
/// [`GzipRotator`](crate::GzipRotator) for compression.
pub trait Rotator: Send {
    /// Moves `source` (the live file, closed) to `dest` (the rotated name).
    fn rotate(&mut self, source: &Path, dest: &Path) -> io::Result<()>;

    /// Finishes any rotation still running in the background; handlers call
    /// it before they shift or delete rotated files.
    fn settle(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<F: FnMut(&Path, &Path) -> io::Result<()> + Send> Rotator for F {
    fn rotate(&mut self, source: &Path, dest: &Path) -> io::Result<()> {
        self(source, dest)
    }
}

/// The namer and rotator of a rotating handler.
#[derive(Default)]
pub(crate) struct RotationHooks {
    pub(crate) namer: Option<Namer>,
    pub(crate) rotator: Option<Box<dyn Rotator>>,
}

impl std::fmt::Debug for RotationHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RotationHooks")
            .field("namer", &self.namer.is_some())
            .field("rotator", &self.rotator.is_some())
            .finish()
    }
}

impl RotationHooks {
    /// Python's `rotation_filename`.
    pub(crate) fn rotation_filename(&self, default: PathBuf) -> PathBuf {
        match &self.namer {
            Some(namer) => namer(&default),
            None => default,
        }
    }

    /// Waits for the rotator's background work.
    pub(crate) fn settle(&mut self) -> io::Result<()> {
        match &mut self.rotator {
            Some(rotator) => rotator.settle(),
            None => Ok(()),
        }
    }

    /// Python's `rotate`.
    pub(crate) fn rotate(&mut self, source: &Path, dest: &Path) -> io::Result<()> {
        match &mut self.rotator {
            Some(rotator) => rotator.rotate(source, dest),
            None => match std::fs::rename(source, dest) {
                Err(e) if e.kind() == io::ErrorKind::NotFound && !source.exists() => Ok(()),
                other => other,
            },
        }
    }
}

/// `path` with `.suffix` appended to its file name (`app.log` → `app.log.1`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether `path` exists and is not a regular file (/dev/null, a FIFO):
/// such files are never rotated (Python's bpo-45401, #89564).
pub(crate) fn exists_not_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.file_type().is_file())
}

pub(crate) fn remove_if_exists(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
