//! What the fault tests share: captured error reports, a deadline for calls
//! that must not hang, a small tmpfs for a full disk, and loopback peers that
//! refuse, reset or never answer.
#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use emlog::{ErrorReport, Handler, Level, Record};

/// Generous bound on anything that must not hang: a deadlock fails the test
/// instead of stalling the run. Not a performance goal.
pub const DEADLINE: Duration = Duration::from_secs(20);

static REPORTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn capture(report: &ErrorReport<'_>) {
    let text = emlog_std::format_error_report(report);
    REPORTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((report.handler.to_string(), text));
}

/// Installs a reporter that keeps every error report (the reporter is global;
/// tests tell theirs apart by handler name).
pub fn capture_reports() {
    emlog::set_error_reporter(capture);
}

/// The reports (in `--- Logging error ---` form) of the handler named `name`.
pub fn reports_for(name: &str) -> Vec<String> {
    REPORTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .filter(|(handler, _)| handler == name)
        .map(|(_, text)| text.clone())
        .collect()
}

/// Logs `message` at INFO through `handler`; whether it was emitted.
pub fn info(handler: &mut (impl Handler + ?Sized), message: &str) -> bool {
    handler.handle(&Record::new(Level::INFO, "app", format_args!("{message}")))
}

/// Runs `f` on its own thread and fails the test if it does not finish
/// within [`DEADLINE`] (a deadlock or an unbounded wait).
pub fn within_deadline<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(result) => {
            let _ = thread.join();
            result
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: did not return within {DEADLINE:?} (deadlock or unbounded wait)")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match thread.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => panic!("{what}: the thread ended without a result"),
        },
    }
}

/// A tmpfs of a few KiB mounted for the test, unmounted on drop: a real
/// ENOSPC. Needs root (CI runs as root); fails loudly otherwise.
///
/// One at a time: `mount` and `umount` are forked from the test process, and
/// a child holds a copy of every open descriptor until it execs, so a disk
/// test's deleted filler file could stay allocated for a moment while
/// another test forks.
pub struct SmallDisk {
    dir: tempfile::TempDir,
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static DISKS: Mutex<()> = Mutex::new(());

impl SmallDisk {
    pub fn mount(kib: u32) -> SmallDisk {
        let one_at_a_time = DISKS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = tempfile::tempdir().expect("no temp dir");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .status();
        match status {
            Ok(s) if s.success() => SmallDisk {
                dir,
                _one_at_a_time: one_at_a_time,
            },
            other => panic!(
                "cannot mount a {kib} KiB tmpfs at {} ({other:?}): the disk-full tests need \
                 root (CI runs as root) and the `mount` command",
                dir.path().display()
            ),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk with `filler` until no byte more fits.
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.dir.path().join("filler");
        let mut f = std::fs::File::create(&filler).expect("create filler");
        let chunk = [b'x'; 512];
        while f.write_all(&chunk).is_ok() {}
        while f.write_all(b"x").is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A loopback port nothing listens on: connections are refused.
pub fn refusing_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("local addr").port()
}

/// Resets `stream` when dropped (SO_LINGER 0: RST instead of FIN).
#[cfg(unix)]
pub fn reset_on_close(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a socket this stream owns, with a linger struct of the size given.
    let set = unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(set, 0, "SO_LINGER: {}", std::io::Error::last_os_error());
}

/// A loopback peer that accepts each connection, reads what arrives for
/// `read_for`, then resets it. Returns the port.
#[cfg(unix)]
pub fn resetting_peer(read_for: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            reset_on_close(&stream);
            let _ = stream.set_read_timeout(Some(read_for.max(Duration::from_millis(1))));
            if !read_for.is_zero() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
            }
            drop(stream);
        }
    });
    port
}

/// A loopback peer that accepts connections and then neither reads nor
/// writes (a hung server); the connections stay open until the process ends.
pub fn hanging_peer() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            match stream {
                Ok(s) => held.push(s),
                Err(_) => return,
            }
        }
    });
    port
}

/// The messages a [`Collect`] handler received.
pub type Collected = std::sync::Arc<Mutex<Vec<String>>>;

/// A handler that keeps each record's message; `panic_on` makes it panic in
/// `handle` for messages containing that text, `panic_in_flush` in `flush`
/// and `close`.
pub struct Collect {
    pub base: emlog::HandlerBase,
    pub got: Collected,
    pub panic_on: Option<&'static str>,
    pub panic_in_flush: bool,
}

impl Collect {
    pub fn new(name: &'static str) -> (Collect, Collected) {
        let got = Collected::default();
        let mut base = emlog::HandlerBase::new(Level::NOTSET);
        base.set_name(name);
        let handler = Collect {
            base,
            got: got.clone(),
            panic_on: None,
            panic_in_flush: false,
        };
        (handler, got)
    }
}

impl Handler for Collect {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let message = record.args.to_string();
        if let Some(text) = self.panic_on
            && message.contains(text)
        {
            panic!("handler bug on {message:?}");
        }
        self.got.lock().unwrap().push(message);
        self.base.count_emitted(false);
        true
    }

    fn flush(&mut self) {
        if self.panic_in_flush {
            panic!("flush bug");
        }
    }

    fn close(&mut self) {
        if self.panic_in_flush {
            panic!("close bug");
        }
        self.base.close();
    }
}

/// The messages collected so far.
pub fn messages(got: &Collected) -> Vec<String> {
    got.lock().unwrap().clone()
}
