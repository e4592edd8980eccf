//! emlog-std: emlog's handlers that need an operating system.
//!
//! - [`basic_config`]: Python's `logging.basicConfig` in one call, with the
//!   `log` crate bridged in; [`shutdown`] flushes and closes.
//! - [`Logger`]: the global dispatcher, a lock per handler.
//! - Handlers: [`StreamHandler`], [`FileHandler`], [`WatchedFileHandler`],
//!   [`RotatingFileHandler`] (also size-or-time), [`TimedRotatingFileHandler`],
//!   [`GzipRotator`], and the queue pair [`QueueHandler`] / [`QueueListener`].
//!
//! ```no_run
//! emlog_std::basic_config().level(emlog::Level::INFO).install().unwrap();
//! log::info!("from the log crate");
//! emlog::warning!("from emlog");
//! emlog_std::shutdown();
//! ```
#![warn(missing_docs)]

// std: setup, dispatch, streams, files, rotation, queue (branch `std`).
mod clock;
mod compiled_template;
mod environment;
mod error_report;
mod file;
mod file_open;
mod gzip_rotator;
mod handler_lock;
mod handler_panic;
mod held_handler;
mod line_buf;
mod line_renderer;
mod log_file;
mod logger;
mod periodic_flush;
mod published_list;
mod queue;
mod queued_record;
mod record_ring;
mod ring_position;
mod rollover_schedule;
mod rotating_file;
mod rotation;
pub use periodic_flush::PeriodicFlush;
mod setup;
#[cfg(unix)]
mod sighup;
mod stream;
mod timed_rotating_file;
mod tsc_clock;
#[cfg(unix)]
mod watched_file;
mod write_out;

pub use clock::{Clock, ManualClock};
pub use environment::{
    current_thread, install_environment, local_utc_offset, std_environment, system_timestamp,
};
pub use error_report::{format_error_report, install_error_reporter, print_error_report};
pub use file::{FileHandler, FileHandlerBuilder};
pub use gzip_rotator::{GzipRotator, gzip_namer};
pub use line_renderer::{LineRenderer, RenderError};
pub use log_file::{Buffering, FileOptions};
pub use logger::{HandlerKey, LOGGER_LEVELS, Logger, LoggerError};
pub use queue::{ListenerError, Overflow, QueueHandler, QueueListener, RecordQueue};
pub use rollover_schedule::{RolloverSchedule, ScheduleError, When};
pub use rotating_file::{RotatingFileHandler, RotatingFileHandlerBuilder};
pub use rotation::{Namer, Rotator};
pub use setup::{
    BasicConfig, SetupError, Target, basic_config, install_panic_flush_hook, logger, shutdown,
};
#[cfg(unix)]
pub use sighup::reopen_on_sighup;
pub use stream::StreamHandler;
pub use timed_rotating_file::{TimedRotatingFileHandler, TimedRotatingFileHandlerBuilder};
#[cfg(unix)]
pub use watched_file::{WatchedFileHandler, WatchedFileHandlerBuilder};

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

/// The README's Rust snippets, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
