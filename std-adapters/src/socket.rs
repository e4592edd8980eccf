//! SocketHandler: records to Python's TCP or Unix stream log receivers.
//!
//! Each record goes out as Python's `SocketHandler.makePickle` makes it: a
//! 4-byte big-endian length, then a protocol-1 pickle of the record's
//! attribute dict (see [`record_dict`](crate::record_dict)), so a Python
//! receiver's `logging.makeLogRecord(pickle.loads(data))` takes it unchanged.
//!
//! Connection handling is Python's: connect on the first record, with a
//! 1-second timeout; after a failed attempt wait 1 s, then 2, 4 … up to 30 s
//! before the next; records given meanwhile are dropped. Differences, on
//! purpose: every dropped record is counted ([`HandlerStats::dropped`](emlog::HandlerStats::dropped), and
//! [`ConnectionStats`] says why), the timeout also bounds each write (Python's
//! socket keeps its connect timeout too, so the effect is the same), and a
//! failed connect or write is reported through [`emlog::report_error`].

use std::path::PathBuf;
use std::time::Duration;

use emlog::{Formatter, Handler, HandlerBase, Level, Record};

use crate::address::{AddressError, NetAddress};
use crate::backoff::{Backoff, Clock};
use crate::pickle::RecordPickler;
use crate::stream_connection::{ConnectionStats, ReconnectingStream, SendError};

/// Python's `logging.handlers.DEFAULT_TCP_LOGGING_PORT`.
pub const DEFAULT_TCP_LOGGING_PORT: u16 = 9020;

/// Sends pickled records over TCP or a Unix stream socket.
///
/// ```no_run
/// use emlog::{Handler, Level, Record};
/// use emlog_std::socket::{DEFAULT_TCP_LOGGING_PORT, SocketHandler};
/// let mut handler = SocketHandler::tcp("127.0.0.1", DEFAULT_TCP_LOGGING_PORT)?;
/// handler.handle(&Record::new(Level::INFO, "app", format_args!("started")));
/// # Ok::<(), emlog_std::address::AddressError>(())
/// ```
#[derive(Debug)]
pub struct SocketHandler {
    base: HandlerBase,
    pickler: RecordPickler,
    stream: ReconnectingStream,
}

impl SocketHandler {
    /// A handler sending to `host:port` over TCP (Python's `SocketHandler(host, port)`).
    pub fn tcp(host: impl Into<String>, port: u16) -> Result<SocketHandler, AddressError> {
        Ok(SocketHandler::to(NetAddress::inet(host, port)?))
    }

    /// A handler sending to a Unix stream socket (Python's `SocketHandler(path, None)`).
    pub fn unix(path: impl Into<PathBuf>) -> Result<SocketHandler, AddressError> {
        Ok(SocketHandler::to(NetAddress::unix(path)?))
    }

    /// A handler sending to `address`.
    pub fn to(address: NetAddress) -> SocketHandler {
        SocketHandler {
            base: HandlerBase::new(Level::NOTSET),
            pickler: RecordPickler::new(),
            stream: ReconnectingStream::new(address),
        }
    }

    /// Sets the connect and write timeout (Python: 1 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.stream.set_timeout(timeout);
        self
    }

    /// Sets the reconnect back-off (Python: 1 s, ×2, at most 30 s).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.stream.set_backoff(backoff);
        self
    }

    /// Sets the clock the back-off is measured with (for tests and simulations).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.stream.set_clock(clock);
        self
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

    /// Connection counters: connects, failures, records dropped during back-off.
    pub fn connection_stats(&self) -> ConnectionStats {
        self.stream.stats()
    }

    /// The back-off state (when the next connection attempt may be made).
    pub fn backoff(&self) -> &Backoff {
        self.stream.backoff()
    }

    /// Whether a connection is open.
    pub fn is_connected(&self) -> bool {
        self.stream.is_connected()
    }
}

impl Handler for SocketHandler {
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
        match self.stream.send(packet) {
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
        self.stream.disconnect();
        self.base.close();
    }
}
