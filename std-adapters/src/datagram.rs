//! DatagramHandler: records to Python's UDP or Unix datagram log receivers.
//!
//! Each datagram is exactly what [`SocketHandler`](crate::socket::SocketHandler)
//! writes to its stream, length prefix included, as Python sends it (its
//! receivers strip the first 4 bytes). There is no connection, so nothing to
//! back off from: a send that fails is counted as dropped and reported, and
//! the socket is made anew for the next record. A record whose pickle is too
//! large for one datagram fails the same way. A Unix datagram send waits at
//! most 1 s for room in a receiver's queue (one that stopped reading), then
//! fails the same way.

use std::io;
use std::net::{SocketAddr, UdpSocket};
#[cfg(unix)]
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;

use emlog::{Formatter, Handler, HandlerBase, Level, Record};

use crate::address::{AddressError, NetAddress};
use crate::pickle::RecordPickler;

/// Python's `logging.handlers.DEFAULT_UDP_LOGGING_PORT`.
pub const DEFAULT_UDP_LOGGING_PORT: u16 = 9021;

#[derive(Debug)]
enum DatagramSocket {
    Udp(UdpSocket, SocketAddr),
    #[cfg(unix)]
    Unix(UnixDatagram, PathBuf),
}

/// Sends pickled records as UDP or Unix datagrams.
///
/// ```no_run
/// use emlog::{Handler, Level, Record};
/// use emlog_std::datagram::{DEFAULT_UDP_LOGGING_PORT, DatagramHandler};
/// let mut handler = DatagramHandler::udp("127.0.0.1", DEFAULT_UDP_LOGGING_PORT)?;
/// handler.handle(&Record::new(Level::INFO, "app", format_args!("started")));
/// # Ok::<(), emlog_std::address::AddressError>(())
/// ```
#[derive(Debug)]
pub struct DatagramHandler {
    base: HandlerBase,
    pickler: RecordPickler,
    address: NetAddress,
    socket: Option<DatagramSocket>,
}

impl DatagramHandler {
    /// A handler sending to `host:port` over UDP (IPv4 or IPv6, whichever the host resolves to first).
    pub fn udp(host: impl Into<String>, port: u16) -> Result<DatagramHandler, AddressError> {
        Ok(DatagramHandler::to(NetAddress::inet(host, port)?))
    }

    /// A handler sending to a Unix datagram socket (Python's `DatagramHandler(path, None)`).
    pub fn unix(path: impl Into<PathBuf>) -> Result<DatagramHandler, AddressError> {
        Ok(DatagramHandler::to(NetAddress::unix(path)?))
    }

    /// A handler sending to `address`.
    pub fn to(address: NetAddress) -> DatagramHandler {
        DatagramHandler {
            base: HandlerBase::new(Level::NOTSET),
            pickler: RecordPickler::new(),
            address,
            socket: None,
        }
    }

    /// Sets the formatter that makes the record's `msg` (default: the message alone, as Python).
    pub fn with_formatter(mut self, formatter: Formatter) -> Self {
        self.pickler.set_formatter(formatter);
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
}

fn open_socket(address: &NetAddress) -> io::Result<DatagramSocket> {
    match address {
        NetAddress::Inet { .. } => {
            let (socket, target) = open_udp(address)?;
            Ok(DatagramSocket::Udp(socket, target))
        }
        #[cfg(unix)]
        NetAddress::Unix(path) => {
            // Unconnected, as Python's `sendto(address)`: a receiver that
            // re-creates its socket file gets the next datagram.
            let socket = UnixDatagram::unbound()?;
            // A receiver that stops reading fills its queue; a send must not
            // then wait forever.
            socket.set_write_timeout(Some(crate::stream_connection::DEFAULT_TIMEOUT))?;
            Ok(DatagramSocket::Unix(socket, path.clone()))
        }
        #[cfg(not(unix))]
        NetAddress::Unix(path) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("Unix sockets are not available here: {}", path.display()),
        )),
    }
}

/// A UDP socket bound to any local address of the family `address` resolves
/// to first, and the address to send to.
pub(crate) fn open_udp(address: &NetAddress) -> io::Result<(UdpSocket, SocketAddr)> {
    let mut last = None;
    for target in address.resolve()? {
        let local: SocketAddr = if target.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        match UdpSocket::bind(local) {
            Ok(socket) => return Ok((socket, target)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no address to send to")))
}

fn send(socket: &DatagramSocket, packet: &[u8]) -> io::Result<()> {
    let sent = match socket {
        DatagramSocket::Udp(s, target) => s.send_to(packet, target)?,
        #[cfg(unix)]
        DatagramSocket::Unix(s, path) => s.send_to(packet, path)?,
    };
    if sent != packet.len() {
        return Err(io::Error::other(format!(
            "datagram cut: sent {sent} of {} bytes",
            packet.len()
        )));
    }
    Ok(())
}

impl Handler for DatagramHandler {
    emlog::delegate_to_base!(base);

    fn handle(&mut self, record: &Record<'_>) -> bool {
        if !self.base.accepts(record) {
            return false;
        }
        let packet = match self.pickler.encode(record) {
            Ok(packet) => packet,
            Err(_) => {
                self.base.fail(
                    &"a Display implementation in the message returned an error",
                    Some(record),
                    true,
                );
                return false;
            }
        };
        let result = match &self.socket {
            Some(socket) => send(socket, packet),
            None => open_socket(&self.address).and_then(|socket| {
                let sent = send(&socket, packet);
                self.socket = Some(socket);
                sent
            }),
        };
        match result {
            Ok(()) => {
                self.base.count_emitted(false);
                true
            }
            Err(e) => {
                self.socket = None;
                let error = format!("datagram to {} failed: {e}", self.address);
                self.base.fail(&error, Some(record), true);
                false
            }
        }
    }

    fn close(&mut self) {
        self.socket = None;
        self.base.close();
    }
}
