//! SysLogHandler: syslog over UDP, TCP and Unix sockets (`/dev/log`).
//!
//! The message bytes come from the core's [`SyslogFormat`]: by default
//! exactly Python's (`<PRI>` + ident + message + NUL). Transports follow
//! Python's `SysLogHandler`:
//!
//! - UDP: one datagram per record, no framing.
//! - Unix (`/dev/log`-style path): a datagram socket, falling back to a
//!   stream socket when the path is not a datagram socket; a failed send
//!   reconnects and resends once.
//! - TCP: one connection, messages written back to back with the format's
//!   [`Framing`](emlog::syslog::Framing) (Python's is none; RFC 6587 octet counting or LF are
//!   options, and what most TCP receivers want).
//!
//! Deliberate differences from Python: a connect and write timeout is always
//! set (default 1 s; Python's default is to block), and TCP reconnects with
//! SocketHandler's back-off, so a dead server costs one timeout per back-off
//! period instead of one per record. Every record lost is counted and
//! reported. Framing is applied on stream transports only: a datagram is
//! already one message.

#[cfg(unix)]
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
#[cfg(unix)]
use std::os::unix::net::{UnixDatagram, UnixStream};
#[cfg(unix)]
use std::path::PathBuf;
use std::time::Duration;

use emlog::syslog::SyslogFormat;
use emlog::{Handler, HandlerBase, Level, Record};

use crate::address::{AddressError, NetAddress};
use crate::backoff::{Backoff, Clock};
use crate::datagram::open_udp;
use crate::stream_connection::{ConnectionStats, DEFAULT_TIMEOUT, ReconnectingStream, SendError};

/// Python's `SYSLOG_UDP_PORT` (and `SYSLOG_TCP_PORT`).
pub const SYSLOG_PORT: u16 = 514;

/// Which kind of Unix socket to use for a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnixKind {
    /// Datagram first, then stream (Python's `socktype=None`).
    Either,
    /// Datagram only.
    Datagram,
    /// Stream only.
    Stream,
}

#[cfg(unix)]
enum UnixSocket {
    Datagram(UnixDatagram),
    Stream(UnixStream),
}

enum Transport {
    Udp {
        address: NetAddress,
        socket: Option<(UdpSocket, SocketAddr)>,
    },
    Tcp(ReconnectingStream),
    #[cfg(unix)]
    Unix {
        path: PathBuf,
        kind: UnixKind,
        socket: Option<UnixSocket>,
    },
}

/// Sends records to a syslog daemon.
///
/// ```no_run
/// use emlog::syslog::{Facility, SyslogFormat};
/// use emlog::{Handler, Level, Record};
/// use emlog_std::syslog::SysLogHandler;
/// let mut handler = SysLogHandler::unix("/dev/log")?
///     .with_format(SyslogFormat::new().with_facility(Facility::DAEMON).with_ident("app: "));
/// handler.handle(&Record::new(Level::WARNING, "app", format_args!("disk {}% full", 91)));
/// # Ok::<(), emlog_std::address::AddressError>(())
/// ```
pub struct SysLogHandler {
    base: HandlerBase,
    format: SyslogFormat,
    transport: Transport,
    timeout: Duration,
    message: String,
    frame: Vec<u8>,
}

impl std::fmt::Debug for SysLogHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SysLogHandler")
            .field("format", &self.format)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SysLogHandler {
    fn with_transport(transport: Transport) -> SysLogHandler {
        SysLogHandler {
            base: HandlerBase::new(Level::NOTSET),
            format: SyslogFormat::new(),
            transport,
            timeout: DEFAULT_TIMEOUT,
            message: String::new(),
            frame: Vec::new(),
        }
    }

    /// Syslog over UDP to `host:port` (Python's default transport, port 514).
    pub fn udp(host: impl Into<String>, port: u16) -> Result<SysLogHandler, AddressError> {
        Ok(SysLogHandler::with_transport(Transport::Udp {
            address: NetAddress::inet(host, port)?,
            socket: None,
        }))
    }

    /// Syslog over TCP to `host:port`, connecting on the first record.
    pub fn tcp(host: impl Into<String>, port: u16) -> Result<SysLogHandler, AddressError> {
        let mut stream = ReconnectingStream::new(NetAddress::inet(host, port)?);
        stream.set_timeout(DEFAULT_TIMEOUT);
        Ok(SysLogHandler::with_transport(Transport::Tcp(stream)))
    }

    /// Syslog to a local Unix socket such as `/dev/log`: datagram, else stream.
    #[cfg(unix)]
    pub fn unix(path: impl Into<PathBuf>) -> Result<SysLogHandler, AddressError> {
        SysLogHandler::unix_kind(path, UnixKind::Either)
    }

    /// Syslog to a local Unix socket of the given kind.
    #[cfg(unix)]
    pub fn unix_kind(
        path: impl Into<PathBuf>,
        kind: UnixKind,
    ) -> Result<SysLogHandler, AddressError> {
        let path = path.into();
        NetAddress::unix(path.clone())?;
        Ok(SysLogHandler::with_transport(Transport::Unix {
            path,
            kind,
            socket: None,
        }))
    }

    /// Sets the message format (facility, ident, NUL, header, framing, formatter).
    pub fn with_format(mut self, format: SyslogFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the connect and write timeout (default 1 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        if let Transport::Tcp(stream) = &mut self.transport {
            stream.set_timeout(self.timeout);
        }
        self
    }

    /// Sets the TCP reconnect back-off (default Python's SocketHandler one).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        if let Transport::Tcp(stream) = &mut self.transport {
            stream.set_backoff(backoff);
        }
        self
    }

    /// Sets the clock the TCP back-off is measured with.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        if let Transport::Tcp(stream) = &mut self.transport {
            stream.set_clock(clock);
        }
        self
    }

    /// Sets the level.
    pub fn with_level(mut self, level: Level) -> Self {
        self.base.set_level(level);
        self
    }

    /// Names the handler (used in error reports).
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.base.set_name(name);
        self
    }

    /// The shared handler state: filters, name, counters.
    pub fn base_mut(&mut self) -> &mut HandlerBase {
        &mut self.base
    }

    /// TCP connection counters (zero for other transports).
    pub fn connection_stats(&self) -> ConnectionStats {
        match &self.transport {
            Transport::Tcp(stream) => stream.stats(),
            _ => ConnectionStats::default(),
        }
    }

    fn build_frame(&mut self, record: &Record<'_>, stream: bool) -> std::fmt::Result {
        self.message.clear();
        self.format.write_message_bytes(record, &mut self.message)?;
        self.frame.clear();
        if stream {
            let prefix = self.format.frame_prefix(self.message.len());
            self.frame.extend_from_slice(prefix.as_str().as_bytes());
        }
        self.frame.extend_from_slice(self.message.as_bytes());
        if stream {
            self.frame
                .extend_from_slice(self.format.frame_suffix().as_bytes());
        }
        Ok(())
    }
}

#[cfg(unix)]
fn connect_unix(path: &PathBuf, kind: UnixKind, timeout: Duration) -> io::Result<UnixSocket> {
    let mut datagram_error = None;
    if kind != UnixKind::Stream {
        let attempt = UnixDatagram::unbound().and_then(|s| {
            s.connect(path)?;
            s.set_write_timeout(Some(timeout))?;
            Ok(s)
        });
        match attempt {
            Ok(s) => return Ok(UnixSocket::Datagram(s)),
            Err(e) if kind == UnixKind::Datagram => return Err(e),
            Err(e) => datagram_error = Some(e),
        }
    }
    match UnixStream::connect(path).and_then(|s| {
        s.set_write_timeout(Some(timeout))?;
        Ok(s)
    }) {
        Ok(s) => Ok(UnixSocket::Stream(s)),
        Err(e) => Err(match datagram_error {
            Some(d) => io::Error::new(
                e.kind(),
                format!(
                    "{}: not a datagram socket ({d}) nor a stream socket ({e})",
                    path.display()
                ),
            ),
            None => e,
        }),
    }
}

#[cfg(unix)]
fn send_unix(socket: &mut UnixSocket, bytes: &[u8]) -> io::Result<()> {
    match socket {
        UnixSocket::Datagram(s) => s.send(bytes).map(|_| ()),
        UnixSocket::Stream(s) => s.write_all(bytes),
    }
}

impl Handler for SysLogHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let stream = match &self.transport {
            Transport::Udp { .. } => false,
            Transport::Tcp(_) => true,
            #[cfg(unix)]
            Transport::Unix { .. } => false,
        };
        if self.build_frame(record, stream).is_err() {
            self.base.fail(
                &"a Display implementation in the message returned an error",
                Some(record),
                true,
            );
            return false;
        }
        #[cfg(unix)]
        let timeout = self.timeout;
        let result: Result<(), SendError> = match &mut self.transport {
            Transport::Udp { address, socket } => {
                let sent = match socket {
                    Some((s, target)) => s.send_to(&self.frame, *target).map(|_| ()),
                    None => open_udp(address).and_then(|(s, target)| {
                        let sent = s.send_to(&self.frame, target).map(|_| ());
                        *socket = Some((s, target));
                        sent
                    }),
                };
                sent.map_err(|e| {
                    *socket = None;
                    SendError::Write(e)
                })
            }
            Transport::Tcp(stream) => stream.send(&self.frame),
            #[cfg(unix)]
            Transport::Unix { path, kind, socket } => {
                let frame = &self.frame;
                // Python: on a failed send, reconnect and resend once (the
                // daemon may have restarted and made a new socket).
                let mut attempt = || -> io::Result<()> {
                    if socket.is_none() {
                        *socket = Some(connect_unix(path, *kind, timeout)?);
                    }
                    match socket.as_mut() {
                        Some(s) => send_unix(s, frame),
                        None => Err(io::Error::other("not connected")),
                    }
                };
                attempt()
                    .or_else(|_| {
                        *socket = None;
                        *socket = Some(connect_unix(path, *kind, timeout)?);
                        match socket.as_mut() {
                            Some(s) => send_unix(s, frame),
                            None => Err(io::Error::other("not connected")),
                        }
                    })
                    .map_err(|e| {
                        *socket = None;
                        SendError::Write(e)
                    })
            }
        };
        match result {
            Ok(()) => {
                self.base.count_emitted(false);
                true
            }
            Err(SendError::BackingOff) => {
                self.base.count_dropped();
                false
            }
            Err(e) => {
                self.base.fail(&e, Some(record), true);
                false
            }
        }
    }

    fn close(&mut self) {
        match &mut self.transport {
            Transport::Udp { socket, .. } => *socket = None,
            Transport::Tcp(stream) => stream.disconnect(),
            #[cfg(unix)]
            Transport::Unix { socket, .. } => *socket = None,
        }
        self.base.close();
    }
}
