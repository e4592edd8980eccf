//! Test peers: a process started by the test (Python receivers, rsyslogd,
//! aiosmtpd), its output read line by line with a deadline, killed on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use emlog::{Level, Location, Record, ThreadInfo, Timestamp};
use serde_json::{Value, json};

/// How long any peer gets to start or to answer; failing tests say so instead of hanging.
pub const PEER_DEADLINE: Duration = Duration::from_secs(15);

/// A child process whose stdout lines arrive on a channel.
pub struct Peer {
    child: Child,
    lines: Receiver<String>,
    what: String,
}

impl Peer {
    /// Starts `command`; its stdout is read line by line.
    pub fn spawn(mut command: Command, what: &str) -> Peer {
        command.stdout(Stdio::piped()).stdin(Stdio::null());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) => panic!("could not start {what} ({command:?}): {e}"),
        };
        let Some(stdout) = child.stdout.take() else {
            panic!("{what}: no stdout pipe");
        };
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Peer {
            child,
            lines,
            what: what.to_string(),
        }
    }

    /// Runs a Python script written into `dir` with `args`.
    pub fn python(dir: &Path, name: &str, script: &str, args: &[&str]) -> Peer {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, script) {
            panic!("could not write {}: {e}", path.display());
        }
        let mut command = Command::new("python3");
        command.arg("-u").arg(&path).args(args);
        Peer::spawn(command, &format!("python3 {name} {args:?}"))
    }

    /// The next stdout line, or a loud failure after `PEER_DEADLINE`.
    pub fn line(&mut self) -> String {
        match self.lines.recv_timeout(PEER_DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let status = self.child.try_wait().ok().flatten();
                panic!(
                    "{}: no output within {PEER_DEADLINE:?} (exit status: {status:?})",
                    self.what
                )
            }
        }
    }

    /// The next stdout line if one comes within `wait`.
    pub fn try_line(&mut self, wait: Duration) -> Option<String> {
        self.lines.recv_timeout(wait).ok()
    }

    /// Waits for a `READY <port>` line and returns the port (0 for Unix sockets).
    pub fn ready_port(&mut self) -> u16 {
        let line = self.line();
        let Some(rest) = line.strip_prefix("READY ") else {
            panic!("{}: expected `READY <port>`, got {line:?}", self.what);
        };
        match rest.trim().parse() {
            Ok(port) => port,
            Err(e) => panic!("{}: bad port in {line:?}: {e}", self.what),
        }
    }

    /// Kills the process (the test's own child) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh temp dir, with a loud failure if none can be made.
pub fn temp_dir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("no temp dir: {e}"),
    }
}

/// A path inside `dir`.
pub fn path_in(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// Parses one JSON line from a peer.
pub fn json(line: &str) -> serde_json::Value {
    match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => panic!("peer printed something that is not JSON ({e}): {line:?}"),
    }
}

/// Python's pickle receiver for SocketHandler/DatagramHandler: prints each
/// received record's attributes as `{name: [python type, value]}` JSON,
/// plus the record as Python's logging renders it after re-logging it.
pub const PICKLE_RECEIVER: &str = r#"
import json, logging, os, pickle, socket, struct, sys

mode, where = sys.argv[1], sys.argv[2]
FORMAT = logging.Formatter(
    "%(levelname)s:%(name)s:%(message)s [%(filename)s:%(lineno)d %(module)s "
    "%(funcName)s %(threadName)s %(processName)s %(process)d]")

class Capture(logging.Handler):
    """Keeps the last record re-logged through Python's logging, formatted."""
    last = None
    def emit(self, record):
        Capture.last = self.format(record)

capture = Capture()
capture.setFormatter(FORMAT)
logging.getLogger().addHandler(capture)
logging.getLogger().setLevel(1)

def emit(data):
    # What Python's cookbook receiver does: rebuild the record, re-log it.
    record = logging.makeLogRecord(pickle.loads(data))
    out = {k: [type(v).__name__, v] for k, v in record.__dict__.items()}
    Capture.last = None
    logging.getLogger(record.name).handle(record)
    out["__relogged__"] = Capture.last
    print(json.dumps(out), flush=True)

def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf

family = socket.AF_UNIX if mode.startswith("unix") else socket.AF_INET
kind = socket.SOCK_DGRAM if mode.endswith("dgram") or mode == "udp" else socket.SOCK_STREAM
sock = socket.socket(family, kind)
if family == socket.AF_INET:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(where)))
    port = sock.getsockname()[1]
else:
    sock.bind(where)
    port = 0
if kind == socket.SOCK_STREAM:
    sock.listen(5)
print("READY", port, flush=True)
if kind == socket.SOCK_DGRAM:
    while True:
        data = sock.recv(65536)
        (length,) = struct.unpack(">L", data[:4])
        if length != len(data) - 4:
            print("BAD LENGTH", length, len(data) - 4, flush=True)
        emit(data[4:])
elif mode.endswith("silent"):
    conns = []
    while True:
        conn, _ = sock.accept()
        conns.append(conn)
        print("ACCEPTED", flush=True)
else:
    while True:
        conn, _ = sock.accept()
        while True:
            head = read_exact(conn, 4)
            if head is None:
                break
            (length,) = struct.unpack(">L", head)
            body = read_exact(conn, length)
            if body is None:
                print("TRUNCATED", flush=True)
                break
            emit(body)
        conn.close()
"#;

/// A record with every field set to something recognisable.
pub fn full_record<'a>(args: std::fmt::Arguments<'a>) -> Record<'a> {
    let mut record = Record::new(Level::ERROR, "app.net", args)
        .with_location(Location {
            file: "src/net/link.rs",
            line: 321,
            module_path: "app::net::link",
        })
        .with_timestamp(Timestamp::new(1_700_000_000, 250_000_000))
        .with_thread(ThreadInfo {
            id: 140_000_000_000_123,
            name: "worker-1",
        });
    record.process = (4242, "emlogd");
    record
}

/// Checks every attribute Python's receiver printed for `full_record`.
pub fn assert_full_record(got: &Value, message: &str) {
    let expect = |key: &str, ty: &str, value: Value| {
        assert_eq!(got[key], json!([ty, value]), "attribute {key} in {got}");
    };
    expect("name", "str", json!("app.net"));
    expect("msg", "str", json!(message));
    expect("args", "NoneType", Value::Null);
    expect("levelname", "str", json!("ERROR"));
    expect("levelno", "int", json!(40));
    expect("pathname", "str", json!("src/net/link.rs"));
    expect("filename", "str", json!("link.rs"));
    expect("module", "str", json!("link"));
    expect("exc_info", "NoneType", Value::Null);
    expect("exc_text", "NoneType", Value::Null);
    expect("stack_info", "NoneType", Value::Null);
    expect("lineno", "int", json!(321));
    expect("funcName", "str", json!("(unknown function)"));
    expect("created", "float", json!(1_700_000_000.25));
    expect("msecs", "float", json!(250.0));
    expect("relativeCreated", "float", json!(1_700_000_000_250.0));
    expect("thread", "int", json!(140_000_000_000_123u64));
    expect("threadName", "str", json!("worker-1"));
    expect("processName", "str", json!("emlogd"));
    expect("process", "int", json!(4242));
    expect("taskName", "NoneType", Value::Null);
    assert_eq!(
        got["__relogged__"],
        json!(format!(
            "ERROR:app.net:{message} [link.rs:321 link (unknown function) worker-1 emlogd 4242]"
        ))
    );
}

/// A clock the test moves by hand, for back-off rules.
#[derive(Clone)]
pub struct FakeClock {
    base: std::time::Instant,
    offset_ms: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl FakeClock {
    pub fn new() -> FakeClock {
        FakeClock {
            base: std::time::Instant::now(),
            offset_ms: std::sync::Arc::default(),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.as_millis() as u64, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn clock(&self) -> emlog_std::backoff::Clock {
        let this = self.clone();
        std::sync::Arc::new(move || {
            this.base
                + Duration::from_millis(this.offset_ms.load(std::sync::atomic::Ordering::SeqCst))
        })
    }
}

/// A loopback port that nothing listens on right now (bound, then released).
pub fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        Err(e) => panic!("no free loopback port: {e}"),
    }
}
