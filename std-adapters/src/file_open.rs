//! Every file emlog opens or creates goes through here, so that none of
//! them follows a symbolic link planted at its name (someone with write
//! access to the log directory could otherwise make a handler append to,
//! truncate or chmod any file the process may write) and a file created gets
//! exactly the configured mode.
//!
//! Only the last component is checked (`O_NOFOLLOW`): links among the
//! directories of the path are followed, as the path was configured.
//! Unix only; elsewhere files are opened as std opens them.

use std::fs::{File, OpenOptions};
use std::io;
#[cfg(unix)]
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// How a log file is opened for writing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WriteMode {
    /// Append (else truncate).
    pub(crate) append: bool,
    /// Permission bits of a file created, applied exactly (not masked by the umask).
    pub(crate) mode: Option<u32>,
    /// Follow a symbolic link at the path (Python's behaviour) instead of refusing it.
    pub(crate) follow_symlinks: bool,
    /// Open with `O_NONBLOCK`, so that a FIFO without a reader fails at once
    /// (ENXIO) instead of waiting; the caller clears the flag after opening.
    pub(crate) nonblocking: bool,
}

fn options(follow_symlinks: bool, nonblocking: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        let mut flags = 0;
        if !follow_symlinks {
            flags |= libc::O_NOFOLLOW;
        }
        if nonblocking {
            flags |= libc::O_NONBLOCK;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = (follow_symlinks, nonblocking, &mut options);
    options
}

/// Opens (creating if missing) the log file at `path` for writing. A file
/// created gets `mode` exactly; an existing file keeps its mode. A symbolic
/// link at `path` is an error unless `follow_symlinks`.
pub(crate) fn open_log_file(path: &Path, how: WriteMode) -> io::Result<File> {
    #[cfg(unix)]
    if let Some(mode) = how.mode {
        // O_EXCL: made here, or not at all (it never follows a link either).
        let mut create = options(how.follow_symlinks, how.nonblocking);
        create
            .write(true)
            .create_new(true)
            .append(how.append)
            .mode(mode);
        match create.open(path) {
            Ok(file) => {
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
                return Ok(file);
            }
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            Err(_) => {}
        }
    }
    #[cfg(not(unix))]
    let _ = how.mode; // No permission bits to set.
    let mut open = options(how.follow_symlinks, how.nonblocking);
    open.write(true).create(true);
    if how.append {
        open.append(true);
    } else {
        open.truncate(true);
    }
    open.open(path).map_err(|e| explain_link(e, path))
}

/// Creates a new file at `path` with `mode` exactly; fails if anything,
/// a symbolic link included, is already there.
pub(crate) fn create_new_file(path: &Path, mode: u32) -> io::Result<File> {
    let mut create = OpenOptions::new();
    create.write(true).create_new(true);
    #[cfg(unix)]
    create.mode(mode);
    let file = create.open(path).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(
                e.kind(),
                format!("{} already exists: not overwritten", path.display()),
            )
        } else {
            e
        }
    })?;
    #[cfg(unix)]
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    #[cfg(not(unix))]
    let _ = mode;
    Ok(file)
}

/// Opens `path` for reading, refusing a symbolic link.
pub(crate) fn open_for_reading(path: &Path) -> io::Result<File> {
    let mut open = options(false, false);
    open.read(true);
    open.open(path).map_err(|e| explain_link(e, path))
}

/// The permission bits of an open file (0o644 where there are none).
pub(crate) fn permission_bits(file: &File) -> io::Result<u32> {
    #[cfg(unix)]
    return Ok(file.metadata()?.permissions().mode() & 0o7777);
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(0o644)
    }
}

/// Turns the bare ELOOP of `O_NOFOLLOW` into an error that says what happened.
fn explain_link(e: io::Error, path: &Path) -> io::Error {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link || e.kind() == io::ErrorKind::NotFound {
        return e;
    }
    io::Error::new(
        e.kind(),
        format!(
            "{} is a symbolic link, and log files are not opened through links \
             (a link planted in a log directory could redirect records to any file); \
             use the real path, or allow it with follow_symlinks(): {e}",
            path.display()
        ),
    )
}
