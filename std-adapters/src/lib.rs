//! placeholder

// net: network handlers (branch `net`).
pub mod address;
pub mod backoff;
pub mod datagram;
pub mod http;
pub mod nt_event_log;
pub mod pickle;
pub mod record_dict;
pub mod smtp;
pub mod socket;
pub mod stream_connection;
pub mod syslog;
