//! Where a network handler sends: a host and port, or a Unix socket path.
//!
//! Checked when a handler is built, so that a mistyped address is an error at
//! construction rather than a stream of dropped records. Host names are
//! resolved when connecting (and again on every reconnect), as Python does,
//! so a service that moves is found again.

use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// A destination: `(host, port)` or, on Unix, a socket path (Python's `port=None` form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetAddress {
    /// A host name or IP literal and a port.
    Inet {
        /// Host name, IPv4 or IPv6 literal (without brackets).
        host: String,
        /// Port, not 0.
        port: u16,
    },
    /// A Unix domain socket path.
    Unix(PathBuf),
}

/// What is wrong with an address given to a network handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError {
    what: String,
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for AddressError {}

impl NetAddress {
    /// A host and port; the host must not be empty and the port not 0.
    ///
    /// ```
    /// use emlog_std::address::NetAddress;
    /// assert!(NetAddress::inet("127.0.0.1", 9020).is_ok());
    /// let err = NetAddress::inet("", 9020).unwrap_err();
    /// assert!(err.to_string().contains("expected a host name"));
    /// ```
    pub fn inet(host: impl Into<String>, port: u16) -> Result<NetAddress, AddressError> {
        let host = host.into();
        if host.trim().is_empty() {
            return Err(AddressError {
                what: "empty host: expected a host name or IP address such as \"127.0.0.1\"".into(),
            });
        }
        if port == 0 {
            return Err(AddressError {
                what: format!("port 0 for host {host:?}: expected the receiver's port, 1 to 65535"),
            });
        }
        Ok(NetAddress::Inet { host, port })
    }

    /// A Unix socket path; it must not be empty (it need not exist yet).
    pub fn unix(path: impl Into<PathBuf>) -> Result<NetAddress, AddressError> {
        let path = path.into();
        if path.as_os_str().is_empty() {
            return Err(AddressError {
                what: "empty Unix socket path: expected a path such as \"/dev/log\"".into(),
            });
        }
        Ok(NetAddress::Unix(path))
    }

    /// Resolves a host and port to socket addresses (empty for a Unix path).
    pub fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        match self {
            NetAddress::Inet { host, port } => {
                let addrs: Vec<SocketAddr> = (host.as_str(), *port).to_socket_addrs()?.collect();
                if addrs.is_empty() {
                    return Err(io::Error::new(
                        io::ErrorKind::NotFound,
                        format!("{host}:{port} resolved to no address"),
                    ));
                }
                Ok(addrs)
            }
            NetAddress::Unix(_) => Ok(Vec::new()),
        }
    }
}

impl fmt::Display for NetAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetAddress::Inet { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            NetAddress::Inet { host, port } => write!(f, "{host}:{port}"),
            NetAddress::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}
