//! SysLogHandler: CPython's exact bytes over every transport, against
//! loopback receivers, and records arriving at a real rsyslogd with the right
//! facility, severity and text.

mod support;

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::os::unix::net::{UnixDatagram, UnixListener};
use std::process::Command;
use std::time::{Duration, Instant};

use emlog::syslog::{Facility, Framing, Header, SyslogFormat};
use emlog::{Escape, Handler, Level, Record};
use emlog_std::syslog::{SysLogHandler, UnixKind};
use support::{FakeClock, PEER_DEADLINE, Peer, free_port, path_in, temp_dir};

fn spam() -> Record<'static> {
    Record::new(Level::ERROR, "slh", format_args!("späm"))
}

/// CPython's SysLogHandlerTest cases: (format, expected bytes).
fn cpython_cases() -> [(SyslogFormat, &'static [u8]); 3] {
    [
        (SyslogFormat::new(), b"<11>sp\xc3\xa4m\x00"),
        (
            SyslogFormat::new().with_append_nul(false),
            b"<11>sp\xc3\xa4m",
        ),
        (
            SyslogFormat::new()
                .with_append_nul(false)
                .with_ident("häm-"),
            b"<11>h\xc3\xa4m-sp\xc3\xa4m",
        ),
    ]
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    match result {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn udp_sends_cpythons_exact_bytes() {
    let receiver = ok(UdpSocket::bind("127.0.0.1:0"));
    ok(receiver.set_read_timeout(Some(PEER_DEADLINE)));
    let port = ok(receiver.local_addr()).port();
    for (format, expected) in cpython_cases() {
        let mut handler = ok(SysLogHandler::udp("127.0.0.1", port)).with_format(format);
        assert!(handler.handle(&spam()));
        let mut buf = [0u8; 256];
        let n = ok(receiver.recv(&mut buf));
        assert_eq!(&buf[..n], expected);
    }
}

fn read_exactly(stream: &mut impl Read, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    ok(stream.read_exact(&mut buf));
    buf
}

#[test]
fn tcp_sends_cpythons_exact_bytes_without_framing() {
    let listener = ok(TcpListener::bind("127.0.0.1:0"));
    let port = ok(listener.local_addr()).port();
    for (format, expected) in cpython_cases() {
        let mut handler = ok(SysLogHandler::tcp("127.0.0.1", port)).with_format(format);
        assert!(handler.handle(&spam()));
        let (mut conn, _) = ok(listener.accept());
        ok(conn.set_read_timeout(Some(PEER_DEADLINE)));
        assert_eq!(read_exactly(&mut conn, expected.len()), expected);
    }
}

#[test]
fn tcp_frames_with_octet_counting_or_lf_when_asked() {
    let listener = ok(TcpListener::bind("127.0.0.1:0"));
    let port = ok(listener.local_addr()).port();
    let cases: [(Framing, &[u8]); 2] = [
        (Framing::OctetCounting, b"10 <11>sp\xc3\xa4m\x00"),
        (Framing::LineFeed, b"<11>sp\xc3\xa4m\n"),
    ];
    for (framing, expected) in cases {
        let format = SyslogFormat::new()
            .with_framing(framing)
            .with_append_nul(framing == Framing::OctetCounting);
        let mut handler = ok(SysLogHandler::tcp("127.0.0.1", port)).with_format(format);
        assert!(handler.handle(&spam()));
        assert!(handler.handle(&spam()));
        let (mut conn, _) = ok(listener.accept());
        ok(conn.set_read_timeout(Some(PEER_DEADLINE)));
        let both = read_exactly(&mut conn, expected.len() * 2);
        assert_eq!(&both[..expected.len()], expected);
        assert_eq!(&both[expected.len()..], expected);
    }
}

#[test]
fn unix_datagram_sends_cpythons_exact_bytes() {
    let dir = temp_dir();
    let path = path_in(&dir, "log");
    let receiver = ok(UnixDatagram::bind(&path));
    ok(receiver.set_read_timeout(Some(PEER_DEADLINE)));
    for (format, expected) in cpython_cases() {
        let mut handler = ok(SysLogHandler::unix(&path)).with_format(format);
        assert!(handler.handle(&spam()));
        let mut buf = [0u8; 256];
        let n = ok(receiver.recv(&mut buf));
        assert_eq!(&buf[..n], expected);
    }
}

#[test]
fn unix_path_falls_back_to_a_stream_socket_as_python_does() {
    let dir = temp_dir();
    let path = path_in(&dir, "log");
    let listener = ok(UnixListener::bind(&path));
    let mut handler = ok(SysLogHandler::unix(&path));
    assert!(handler.handle(&spam()));
    let (mut conn, _) = ok(listener.accept());
    ok(conn.set_read_timeout(Some(PEER_DEADLINE)));
    assert_eq!(read_exactly(&mut conn, 10), b"<11>sp\xc3\xa4m\x00");
    // Asking for datagrams only refuses the stream socket, counting the loss.
    let mut dgram_only = ok(SysLogHandler::unix_kind(&path, UnixKind::Datagram));
    assert!(!dgram_only.handle(&spam()));
    assert_eq!(dgram_only.stats().dropped, 1);
}

#[test]
fn unix_reconnects_and_resends_once_when_the_daemon_made_a_new_socket() {
    let dir = temp_dir();
    let path = path_in(&dir, "log");
    let first = ok(UnixDatagram::bind(&path));
    let mut handler = ok(SysLogHandler::unix(&path));
    assert!(handler.handle(&spam()));
    drop(first);
    ok(std::fs::remove_file(&path));
    let second = ok(UnixDatagram::bind(&path));
    ok(second.set_read_timeout(Some(PEER_DEADLINE)));
    assert!(handler.handle(&spam()));
    let mut buf = [0u8; 64];
    let n = ok(second.recv(&mut buf));
    assert_eq!(&buf[..n], b"<11>sp\xc3\xa4m\x00");
    assert_eq!(handler.stats().dropped, 0);
}

#[test]
fn tcp_with_no_server_drops_counts_and_backs_off_then_resumes() {
    let clock = FakeClock::new();
    let port = free_port();
    let mut handler = ok(SysLogHandler::tcp("127.0.0.1", port)).with_clock(clock.clock());
    let started = Instant::now();
    assert!(!handler.handle(&spam()));
    assert!(!handler.handle(&spam()));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(handler.stats().dropped, 2);
    assert_eq!(handler.connection_stats().connect_failures, 1);
    assert_eq!(handler.connection_stats().dropped_in_backoff, 1);
    let listener = ok(TcpListener::bind(("127.0.0.1", port)));
    clock.advance(Duration::from_secs(1));
    assert!(handler.handle(&spam()));
    let (mut conn, _) = ok(listener.accept());
    ok(conn.set_read_timeout(Some(PEER_DEADLINE)));
    assert_eq!(read_exactly(&mut conn, 10), b"<11>sp\xc3\xa4m\x00");
}

/// A free UDP port on loopback (bound, then released).
fn free_udp_port() -> u16 {
    ok(ok(UdpSocket::bind("127.0.0.1:0")).local_addr()).port()
}

/// rsyslogd with its own config: loopback UDP and TCP inputs, no system
/// sockets, its own pid file and work dir, writing a line per message.
struct Rsyslog {
    _peer: Peer,
    out: std::path::PathBuf,
    headers: std::path::PathBuf,
    udp: u16,
    tcp: u16,
}

impl Rsyslog {
    fn start(dir: &tempfile::TempDir) -> Rsyslog {
        let work = path_in(dir, "work");
        ok(std::fs::create_dir_all(&work));
        let out = path_in(dir, "out.log");
        let headers = path_in(dir, "headers.log");
        let (udp, tcp) = (free_udp_port(), free_port());
        let conf = format!(
            r#"global(workDirectory="{work}")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="{udp}")
input(type="imtcp" address="127.0.0.1" port="{tcp}")
template(name="check" type="string" string="%syslogfacility-text% %syslogseverity-text% [%rawmsg-after-pri%]\n")
*.* action(type="omfile" file="{out}" template="check")
template(name="headers" type="string" string="%hostname% %app-name% %procid% %msgid% %timereported:::date-rfc3339% %syslogtag% [%msg%]\n")
if $syslogfacility-text == 'local5' then action(type="omfile" file="{headers}" template="headers")
"#,
            work = work.display(),
            out = out.display(),
            headers = headers.display(),
        );
        let conf_path = path_in(dir, "rsyslog.conf");
        ok(std::fs::write(&conf_path, conf));
        let mut check = Command::new("rsyslogd");
        check.arg("-N1").arg("-f").arg(&conf_path);
        let checked = match check.output() {
            Ok(o) => o,
            Err(e) => panic!("rsyslogd cannot run (is the rsyslog package installed?): {e}"),
        };
        assert!(
            checked.status.success(),
            "rsyslogd refused its config: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let mut command = Command::new("rsyslogd");
        command
            .arg("-n")
            .arg("-f")
            .arg(&conf_path)
            .arg("-i")
            .arg(path_in(dir, "rsyslogd.pid"));
        let peer = Peer::spawn(command, "rsyslogd");
        let rsyslog = Rsyslog {
            _peer: peer,
            out,
            headers,
            udp,
            tcp,
        };
        rsyslog.wait_listening();
        rsyslog
    }

    /// Waits until the TCP input accepts connections (UDP opens alongside it).
    fn wait_listening(&self) {
        let deadline = Instant::now() + PEER_DEADLINE;
        while std::net::TcpStream::connect(("127.0.0.1", self.tcp)).is_err() {
            assert!(
                Instant::now() < deadline,
                "rsyslogd did not listen on 127.0.0.1:{} within {PEER_DEADLINE:?}",
                self.tcp
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the output file has `n` lines and returns them.
    fn lines(&self, n: usize) -> Vec<String> {
        Rsyslog::wait_lines(&self.out, n)
    }

    fn wait_lines(path: &std::path::Path, n: usize) -> Vec<String> {
        let deadline = Instant::now() + PEER_DEADLINE;
        loop {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            if lines.len() >= n {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "rsyslogd wrote {} of {n} lines within {PEER_DEADLINE:?}: {lines:?}",
                lines.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn rsyslog_receives_udp_and_tcp_records_with_facility_severity_and_text() {
    let dir = temp_dir();
    let rsyslog = Rsyslog::start(&dir);
    let mut udp = ok(SysLogHandler::udp("127.0.0.1", rsyslog.udp)).with_format(
        SyslogFormat::new()
            .with_facility(Facility::LOCAL3)
            .with_ident("emlog: "),
    );
    assert!(udp.handle(&Record::new(
        Level::WARNING,
        "app",
        format_args!("disk {}% full", 91)
    )));
    assert!(udp.handle(&spam()));
    let lines = rsyslog.lines(2);
    // The file may hold them in any order only if UDP reorders; on loopback it does not.
    assert_eq!(lines[0], "local3 warning [emlog: disk 91% full]");
    assert_eq!(lines[1], "local3 err [emlog: späm]");

    for framing in [Framing::OctetCounting, Framing::LineFeed] {
        let mut tcp = ok(SysLogHandler::tcp("127.0.0.1", rsyslog.tcp)).with_format(
            SyslogFormat::new()
                .with_facility(Facility::DAEMON)
                .with_append_nul(false)
                .with_framing(framing)
                .with_header(Header::Rfc5424 {
                    hostname: "testhost",
                    app_name: "emlog",
                    msgid: "",
                }),
        );
        assert!(tcp.handle(&Record::new(
            Level::CRITICAL,
            "app",
            format_args!("{framing:?} one")
        )));
        assert!(tcp.handle(&Record::new(
            Level::DEBUG,
            "app",
            format_args!("{framing:?} two")
        )));
    }
    let lines = rsyslog.lines(6);
    let tcp_lines: Vec<&str> = lines[2..].iter().map(String::as_str).collect();
    for (i, framing) in ["OctetCounting", "LineFeed"].iter().enumerate() {
        let one = tcp_lines[i * 2];
        let two = tcp_lines[i * 2 + 1];
        assert!(
            one.starts_with("daemon crit [1 - testhost emlog - - - "),
            "{one}"
        );
        assert!(one.ends_with(&format!("{framing} one]")), "{one}");
        assert!(two.starts_with("daemon debug ["), "{two}");
        assert!(two.ends_with(&format!("{framing} two]")), "{two}");
    }
}

#[test]
fn udp_over_ipv6_loopback_sends_cpythons_exact_bytes() {
    let receiver = match UdpSocket::bind("[::1]:0") {
        Ok(r) => r,
        Err(e) => panic!("IPv6 loopback unavailable for CPython's IPv6SysLogHandlerTest case: {e}"),
    };
    ok(receiver.set_read_timeout(Some(PEER_DEADLINE)));
    let port = ok(receiver.local_addr()).port();
    let mut handler = ok(SysLogHandler::udp("::1", port));
    assert!(handler.handle(&spam()));
    let mut buf = [0u8; 64];
    let n = ok(receiver.recv(&mut buf));
    assert_eq!(&buf[..n], b"<11>sp\xc3\xa4m\x00");
}

#[test]
fn tcp_server_dying_mid_stream_loses_counted_records_and_a_new_one_gets_the_rest() {
    let clock = FakeClock::new();
    let listener = ok(TcpListener::bind("127.0.0.1:0"));
    let port = ok(listener.local_addr()).port();
    let format = SyslogFormat::new().with_framing(Framing::LineFeed);
    let mut handler = ok(SysLogHandler::tcp("127.0.0.1", port))
        .with_format(format)
        .with_clock(clock.clock());
    assert!(handler.handle(&spam()));
    let (conn, _) = ok(listener.accept());
    drop(conn);
    drop(listener);
    let mut lost = 0;
    // Up to 5 s for the peer's reset to reach the socket (loaded machines).
    for _ in 0..250 {
        if !handler.handle(&spam()) {
            lost += 1;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(lost, 1, "writes to a closed connection never failed");
    let listener = ok(TcpListener::bind(("127.0.0.1", port)));
    clock.advance(Duration::from_secs(31));
    assert!(handler.handle(&spam()));
    let (mut conn, _) = ok(listener.accept());
    ok(conn.set_read_timeout(Some(PEER_DEADLINE)));
    assert_eq!(read_exactly(&mut conn, 11), b"<11>sp\xc3\xa4m\x00\n");
    let stats = handler.stats();
    assert!(stats.dropped >= 1);
    assert_eq!(
        stats.dropped,
        stats.errors + handler.connection_stats().dropped_in_backoff
    );
}

#[test]
fn tcp_server_that_never_reads_costs_at_most_the_timeout_per_record() {
    let clock = FakeClock::new();
    let listener = ok(TcpListener::bind("127.0.0.1:0"));
    let port = ok(listener.local_addr()).port();
    let timeout = Duration::from_millis(300);
    let long = "x".repeat(64 * 1024);
    let mut handler = ok(SysLogHandler::tcp("127.0.0.1", port))
        .with_timeout(timeout)
        .with_clock(clock.clock());
    let mut slowest = Duration::ZERO;
    let mut emitted = 0;
    for _ in 0..256 {
        let started = Instant::now();
        if handler.handle(&Record::new(Level::ERROR, "x", format_args!("{long}"))) {
            emitted += 1;
        }
        slowest = slowest.max(started.elapsed());
        clock.advance(Duration::from_secs(60));
    }
    // The listener's backlog holds the connections; nothing is ever read.
    assert!(
        slowest < timeout + Duration::from_secs(2),
        "a record took {slowest:?}"
    );
    let stats = handler.stats();
    assert!(stats.dropped > 0, "the buffers never filled: {stats:?}");
    assert_eq!(stats.emitted, emitted);
    assert_eq!(stats.emitted + stats.dropped, 256);
    drop(listener);
}

#[test]
fn rsyslog_parses_our_rfc5424_and_rfc3164_headers() {
    let dir = temp_dir();
    let rsyslog = Rsyslog::start(&dir);
    let mut record = Record::new(Level::INFO, "app", format_args!("with headers"))
        .with_timestamp(emlog::Timestamp::new(1_700_000_000, 123_000_000));
    record.process = (4242, "emlogd");
    let mut rfc5424 = ok(SysLogHandler::tcp("127.0.0.1", rsyslog.tcp)).with_format(
        SyslogFormat::new()
            .with_facility(Facility::LOCAL5)
            .with_append_nul(false)
            .with_framing(Framing::OctetCounting)
            .with_header(Header::Rfc5424 {
                hostname: "box1",
                app_name: "emlog",
                msgid: "ID7",
            }),
    );
    assert!(rfc5424.handle(&record));
    let lines = Rsyslog::wait_lines(&rsyslog.headers, 1);
    assert_eq!(
        lines[0],
        "box1 emlog 4242 ID7 2023-11-14T22:13:20.123Z emlog[4242] [with headers]"
    );
    let mut rfc3164 = ok(SysLogHandler::udp("127.0.0.1", rsyslog.udp)).with_format(
        SyslogFormat::new()
            .with_facility(Facility::LOCAL5)
            .with_append_nul(false)
            .with_header(Header::Rfc3164 {
                hostname: "box2",
                tag: "emlog",
            }),
    );
    assert!(rfc3164.handle(&record));
    let lines = Rsyslog::wait_lines(&rsyslog.headers, 2);
    // RFC 3164 has no year, zone or fraction: rsyslog fills the year in itself.
    assert!(lines[1].starts_with("box2 emlog 4242 - "), "{}", lines[1]);
    assert!(lines[1].contains("-11-14T22:13:20"), "{}", lines[1]);
    // rsyslog keeps the space after an RFC 3164 tag as part of the message.
    assert!(
        lines[1].ends_with(" emlog[4242]: [ with headers]"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_forged_newline_reaches_rsyslog_as_one_message_and_splits_it_only_with_escape_off() {
    let dir = temp_dir();
    let rsyslog = Rsyslog::start(&dir);
    let send = |escape: Escape, tag: &str| {
        let mut tcp = ok(SysLogHandler::tcp("127.0.0.1", rsyslog.tcp)).with_format(
            SyslogFormat::new()
                .with_facility(Facility::DAEMON)
                .with_append_nul(false)
                .with_framing(Framing::LineFeed)
                .with_escape(escape),
        );
        let forged = format!("{tag} login ok\n<10>FAKE CRITICAL from {tag}");
        assert!(tcp.handle(&Record::new(Level::INFO, "app", format_args!("{forged}"))));
        assert!(tcp.handle(&Record::new(Level::INFO, "app", format_args!("{tag} end"))));
    };
    // The default escapes: rsyslog gets one message, the newline as `\n` in its text.
    send(SyslogFormat::new().escape(), "escaped");
    let lines = rsyslog.lines(2);
    assert_eq!(
        lines,
        [
            r"daemon info [escaped login ok\n<10>FAKE CRITICAL from escaped]",
            "daemon info [escaped end]",
        ]
    );
    // Raw (Python's behaviour), the message forges a user.crit record.
    send(Escape::Off, "raw");
    let lines = rsyslog.lines(5);
    assert_eq!(
        lines[2..],
        [
            "daemon info [raw login ok]",
            "user crit [FAKE CRITICAL from raw]",
            "daemon info [raw end]",
        ]
    );
}
