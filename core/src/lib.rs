//! emlog: Python's `logging` and `logging.handlers`, for Rust from a
//! microcontroller with no heap up to a desktop service.
//!
//! This crate is the `no_std`, allocation-free core: levels with Python's
//! numbers, records that borrow their message until a handler writes it,
//! Python's format strings parsed once, filters, a fixed-capacity handler
//! table, logger levels with Python's inheritance, and a global dispatcher
//! behind `critical-section` that interrupt handlers may log into.
//!
//! ```
//! use emlog::{Dispatcher, Level, StreamHandler};
//!
//! static LOGGING: Dispatcher<4> = Dispatcher::with_root_level(Level::DEBUG);
//!
//! # struct Uart; impl embedded_io::ErrorType for Uart { type Error = core::convert::Infallible; }
//! # impl embedded_io::Write for Uart { fn write(&mut self, b: &[u8]) -> Result<usize, Self::Error> { Ok(b.len()) } fn flush(&mut self) -> Result<(), Self::Error> { Ok(()) } }
//! # let uart = Uart;
//! let handler = StreamHandler::<_, 128>::new(uart)
//!     .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s"));
//! # let handler = Box::leak(Box::new(handler));
//! LOGGING.add(handler).ok().unwrap();
//! emlog::install(&LOGGING).unwrap();
//! emlog::info!("booted in {} ms", 12);
//! ```
//!
//! # defmt mode (feature `defmt-mode`)
//!
//! With feature `defmt-mode` the logging macros emit through `defmt` instead
//! of making a [`Record`]. A call first passes the same checks (the
//! compile-time ceiling [`STATIC_MIN_LEVEL`], then the run-time
//! [`threshold`], one byte load), then the logger's own level (asked of the
//! installed dispatcher only once a [`Dispatcher`] has a named logger level;
//! before any dispatcher is installed every call is wanted), and
//! `info!(logger: "app", "served {}", n)` becomes a `defmt::info!` frame that
//! decodes as `app: served 10`. The format string is interned by defmt (it
//! never lands in flash) and the arguments are defmt-encoded, so:
//!
//! - **arguments must implement `defmt::Format`**, not `Display`, and the
//!   format string is defmt's syntax (`{}`, `{=u32}`, `{:x}`, ...; positional
//!   arguments only), as in `defmt::info!`;
//! - the application depends on `defmt` itself (defmt's macros name the crate
//!   `defmt`) and has a defmt global logger: emlog's own (feature
//!   `defmt-logger`, sharing a UART with text lines), defmt-rtt, or any other;
//! - install a [`Dispatcher`] for per-logger levels, or a [`LevelOnly`] for
//!   one level (the smallest: a `LevelOnly` program is within 10 % of defmt
//!   alone's flash, tests/size-report);
//! - emlog's handlers and the dispatcher's handler table are not involved in
//!   these calls (no record, no formatter, no handler level, no handler
//!   counter); the logger levels are, and the dispatcher's
//!   [`threshold`] then follows the logger levels only;
//! - levels map to defmt's five by range: below DEBUG `trace`, DEBUG `debug`,
//!   INFO `info`, WARNING `warn`, ERROR and above (CRITICAL too) `error`;
//!   defmt's own compile-time filter (`DEFMT_LOG`) applies on top;
//! - arguments are evaluated once, before the frame starts, and only when the
//!   call is wanted.
//!
//! Only the macros change: records from the `log` bridge, and
//! [`Record`]s handed to handlers directly, still go through
//! the dispatcher to the handlers (`DefmtHandler` to
//! reach defmt from there).
#![no_std]
#![warn(missing_docs)]
// A logging path must not panic: library code handles every failure.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod captured;
mod cas;
pub mod civil;
#[cfg(feature = "defmt")]
mod defmt_handler;
#[cfg(feature = "defmt-logger")]
pub mod defmt_logger;
mod dispatch;
pub mod escape;
pub mod filter;
pub mod format;
mod handler;
mod level;
mod line;
#[cfg(feature = "log")]
mod log_bridge;
mod loggers;
mod macros;
pub mod memory;
mod message;
mod null;
pub mod panic_flush;
pub mod queue;
mod record;
mod stream;
mod sync;
pub mod syslog;
mod table;
mod whole_write;

#[doc(hidden)]
pub mod __private;

pub use captured::{CapturedRecord, NAME_MAX};
#[cfg(feature = "defmt")]
pub use defmt_handler::DefmtHandler;
pub use dispatch::{
    AlreadyInstalled, CapacityError, Dispatch, DispatchStats, Dispatcher, LevelOnly, Stats,
    dispatch, flush, install, installed, refresh_threshold, stats, threshold,
};
pub use escape::Escape;
pub use filter::{Filter, Filters};
pub use format::{FormatError, FormatErrorKind, Formatter};
pub use handler::{
    ErrorReport, ErrorReporter, Handler, HandlerBase, HandlerStats, report_error,
    set_error_reporter,
};
pub use level::{Level, ParseLevelError};
pub use line::LineBuffer;
#[cfg(feature = "log")]
pub use log_bridge::{LogBridge, install_log_bridge};
pub use loggers::{DEFAULT_ROOT_LEVEL, Loggers};
pub use macros::STATIC_MIN_LEVEL;
pub use memory::MemoryHandler;
pub use message::Message;
pub use null::NullHandler;
pub use queue::{Overflow, Queue, QueueFull, QueueHandler, QueueListener};
pub use record::{
    DEFAULT_ENVIRONMENT, Environment, Location, Record, ThreadInfo, Timestamp, environment,
    set_environment,
};
pub use stream::{StreamHandler, TRUNCATION_MARKER};
pub use table::{DynHandler, HandlerId, HandlerTable, UnknownHandler};
