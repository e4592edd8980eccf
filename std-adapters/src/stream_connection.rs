//! A stream connection (TCP or Unix) that connects on demand, reconnects
//! with Python's back-off, and never blocks past its timeout.
//!
//! Used by SocketHandler and by SysLogHandler's stream transports. The
//! timeout bounds the connection attempt (per resolved address) and every
//! write, as Python's `socket.create_connection(address, timeout=1)` bounds
//! both. A write that fails or times out closes the connection: a partly
//! written message would corrupt the stream, so the next message starts on a
//! new connection. Host names are resolved by the system resolver, which the
//! timeout does not bound: give an IP address where a slow DNS must not
//! delay the caller.

use std::fmt;
use std::io::{self, Write};
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::address::NetAddress;
use crate::backoff::{Backoff, Clock, system_clock};

/// Python's connection timeout for socket handlers.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

enum Connection {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
}

impl Connection {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Connection::Tcp(s) => s.write_all(bytes),
            #[cfg(unix)]
            Connection::Unix(s) => s.write_all(bytes),
        }
    }
}

/// Counters of a reconnecting connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectionStats {
    /// Connections made.
    pub connects: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// Messages not sent because the back-off forbade an attempt.
    pub dropped_in_backoff: u64,
    /// Writes that failed or timed out (the connection was closed).
    pub write_failures: u64,
}

/// Why a message was not sent.
#[derive(Debug)]
pub enum SendError {
    /// Not connected, and the back-off does not allow an attempt yet.
    BackingOff,
    /// The connection attempt failed.
    Connect(io::Error),
    /// The write failed or timed out; the connection was closed.
    Write(io::Error),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::BackingOff => f.write_str("not connected; waiting before reconnecting"),
            SendError::Connect(e) => write!(f, "connect failed: {e}"),
            SendError::Write(e) => write!(f, "send failed (connection closed): {e}"),
        }
    }
}

impl std::error::Error for SendError {}

/// A TCP or Unix stream that reconnects with back-off.
pub struct ReconnectingStream {
    address: NetAddress,
    timeout: Duration,
    backoff: Backoff,
    clock: Clock,
    connection: Option<Connection>,
    stats: ConnectionStats,
}

impl fmt::Debug for ReconnectingStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectingStream")
            .field("address", &self.address)
            .field("timeout", &self.timeout)
            .field("connected", &self.connection.is_some())
            .field("stats", &self.stats)
            .finish()
    }
}

impl ReconnectingStream {
    /// Not connected yet; connects on the first send.
    pub fn new(address: NetAddress) -> ReconnectingStream {
        ReconnectingStream {
            address,
            timeout: DEFAULT_TIMEOUT,
            backoff: Backoff::python(),
            clock: system_clock(),
            connection: None,
            stats: ConnectionStats::default(),
        }
    }

    /// The address.
    pub fn address(&self) -> &NetAddress {
        &self.address
    }

    /// Sets the connect and write timeout (zero is taken as 1 ms).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout.max(Duration::from_millis(1));
    }

    /// Sets the back-off.
    pub fn set_backoff(&mut self, backoff: Backoff) {
        self.backoff = backoff;
    }

    /// Sets the clock the back-off is measured with.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The back-off state.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// The counters.
    pub fn stats(&self) -> ConnectionStats {
        self.stats
    }

    /// Whether a connection is open.
    pub fn is_connected(&self) -> bool {
        self.connection.is_some()
    }

    /// Closes the connection (the next send reconnects).
    pub fn disconnect(&mut self) {
        self.connection = None;
    }

    /// Connects now if allowed and not connected.
    pub fn ensure_connected(&mut self) -> Result<(), SendError> {
        if self.connection.is_some() {
            return Ok(());
        }
        let now = (self.clock)();
        if !self.backoff.may_attempt(now) {
            self.stats.dropped_in_backoff += 1;
            return Err(SendError::BackingOff);
        }
        match self.connect() {
            Ok(connection) => {
                self.backoff.succeeded();
                self.stats.connects += 1;
                self.connection = Some(connection);
                Ok(())
            }
            Err(e) => {
                self.backoff.failed(now);
                self.stats.connect_failures += 1;
                Err(SendError::Connect(io::Error::new(
                    e.kind(),
                    format!("{}: {e}", self.address),
                )))
            }
        }
    }

    /// Sends `bytes` in full, connecting first if needed.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), SendError> {
        self.ensure_connected()?;
        let Some(connection) = self.connection.as_mut() else {
            return Err(SendError::BackingOff);
        };
        connection.write_all(bytes).map_err(|e| {
            self.connection = None;
            self.stats.write_failures += 1;
            SendError::Write(io::Error::new(e.kind(), format!("{}: {e}", self.address)))
        })
    }

    fn connect(&self) -> io::Result<Connection> {
        match &self.address {
            NetAddress::Inet { .. } => {
                let mut last = None;
                for addr in self.address.resolve()? {
                    match TcpStream::connect_timeout(&addr, self.timeout) {
                        Ok(stream) => {
                            stream.set_write_timeout(Some(self.timeout))?;
                            return Ok(Connection::Tcp(stream));
                        }
                        Err(e) => last = Some(e),
                    }
                }
                Err(last.unwrap_or_else(|| io::Error::other("no address to connect to")))
            }
            #[cfg(unix)]
            NetAddress::Unix(path) => {
                let stream = UnixStream::connect(path)?;
                stream.set_write_timeout(Some(self.timeout))?;
                Ok(Connection::Unix(stream))
            }
            #[cfg(not(unix))]
            NetAddress::Unix(path) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("Unix sockets are not available here: {}", path.display()),
            )),
        }
    }
}
