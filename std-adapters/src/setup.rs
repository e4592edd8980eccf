//! One-call setup for applications, like Python's `logging.basicConfig`, and
//! the matching shutdown.

use std::io;
use std::path::PathBuf;

use emlog::{Dispatch, FormatError, Formatter, Level};

use crate::{FileHandler, Logger, StreamHandler};

/// The program-wide logger [`basic_config`] installs.
pub fn logger() -> &'static Logger {
    static LOGGER: Logger = Logger::new();
    &LOGGER
}

/// Where [`basic_config`] sends records.
#[derive(Clone, Debug, Default)]
pub enum Target {
    /// Standard error (Python's default).
    #[default]
    Stderr,
    /// Standard output.
    Stdout,
    /// A file, appended to (Python's `filename=`).
    File(PathBuf),
}

/// What went wrong in [`BasicConfig::install`].
#[derive(Debug)]
pub enum SetupError {
    /// The format string is invalid.
    Format(FormatError),
    /// The log file could not be opened.
    File(io::Error),
    /// Another dispatcher (not emlog-std's logger) is already installed.
    OtherDispatcher,
    /// Another `log` implementation is already installed, so `log::info!`
    /// would not reach emlog.
    LogBridge,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Format(e) => write!(f, "logging format: {e}"),
            SetupError::File(e) => write!(f, "logging target: {e}"),
            SetupError::OtherDispatcher => f.write_str(
                "another emlog dispatcher is already installed: call basic_config before emlog::install, or not at all",
            ),
            SetupError::LogBridge => f.write_str(
                "another `log` logger is already set (env_logger?): remove it so log::info! reaches emlog",
            ),
        }
    }
}

impl std::error::Error for SetupError {}

/// Settings for [`basic_config`]; `install` applies them.
#[derive(Debug)]
pub struct BasicConfig {
    level: Level,
    format: &'static str,
    datefmt: &'static str,
    utc: bool,
    target: Target,
    force: bool,
}

/// Starts Python's `logging.basicConfig`: the root level (default WARNING),
/// a format (default `%(levelname)s:%(name)s:%(message)s`), a `datefmt`,
/// `asctime` in local time (from the system zone, via [`local_utc_offset`](crate::local_utc_offset))
/// unless [`utc`](BasicConfig::utc), and a target (default stderr). [`BasicConfig::install`] installs the std environment
/// (clock, thread and process names), the `--- Logging error ---` reporter,
/// [`logger`] as emlog's dispatcher, the handler, and the `log` crate bridge.
///
/// As in Python, if the logger already has handlers nothing is added, unless
/// [`force`](BasicConfig::force) is set (then the old ones are closed first).
///
/// ```
/// use emlog::Level;
/// emlog_std::basic_config()
///     .level(Level::INFO)
///     .format("%(levelname)s %(name)s: %(message)s")
///     .target(emlog_std::Target::Stdout)
///     .install()
///     .unwrap();
/// log::info!("from any crate");
/// emlog_std::shutdown();
/// ```
pub fn basic_config() -> BasicConfig {
    BasicConfig {
        level: emlog::DEFAULT_ROOT_LEVEL,
        format: Formatter::BASIC,
        datefmt: "",
        utc: false,
        target: Target::Stderr,
        force: false,
    }
}

impl BasicConfig {
    /// The root logger's level.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// A Python %-style format string.
    pub fn format(mut self, format: &'static str) -> Self {
        self.format = format;
        self
    }

    /// A strftime format for `%(asctime)s` (Python's `datefmt`); empty is the default.
    pub fn datefmt(mut self, datefmt: &'static str) -> Self {
        self.datefmt = datefmt;
        self
    }

    /// Shows `asctime` in UTC instead of local time (Python's default is local).
    pub fn utc(mut self) -> Self {
        self.utc = true;
        self
    }

    /// Where records go.
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Replace existing handlers (Python's `force=True`).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Applies the settings; see [`basic_config`].
    pub fn install(self) -> Result<&'static Logger, SetupError> {
        let mut formatter = Formatter::new(self.format)
            .and_then(|f| f.with_datefmt(self.datefmt))
            .map_err(SetupError::Format)?;
        if !self.utc {
            formatter = formatter.with_utc_offset(crate::local_utc_offset);
        }
        let logger = logger();
        crate::install_environment();
        crate::install_error_reporter();
        match emlog::install(logger) {
            Ok(()) => {}
            Err(_) if is_ours(logger) => {}
            Err(_) => return Err(SetupError::OtherDispatcher),
        }
        if self.force {
            let _ = logger.shutdown();
        } else if logger.handler_count() > 0 {
            // Python: basicConfig does nothing when the root has handlers.
            return Ok(logger);
        }
        let _ = logger.set_logger_level("", self.level);
        {
            let added = match self.target {
                Target::Stderr => logger.add(StreamHandler::stderr().with_formatter(formatter)),
                Target::Stdout => logger.add(StreamHandler::stdout().with_formatter(formatter)),
                Target::File(path) => {
                    let handler = FileHandler::builder(path)
                        .formatter(formatter)
                        .open()
                        .map_err(SetupError::File)?;
                    logger.add(handler)
                }
            };
            // Only fails when called from inside a handler.
            let _ = added;
        }
        match emlog::install_log_bridge() {
            Ok(()) => {}
            // Ours from an earlier call is fine; anything else is not.
            Err(_) if LOG_BRIDGE_OURS.load(std::sync::atomic::Ordering::Relaxed) => {}
            Err(_) => return Err(SetupError::LogBridge),
        }
        LOG_BRIDGE_OURS.store(true, std::sync::atomic::Ordering::Relaxed);
        emlog::refresh_threshold();
        Ok(logger)
    }
}

static LOG_BRIDGE_OURS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn is_ours(logger: &'static Logger) -> bool {
    emlog::installed()
        .is_some_and(|d| std::ptr::addr_eq(d as *const dyn Dispatch, logger as *const Logger))
}

/// Python's `logging.shutdown`: flushes and closes every handler of
/// [`logger`], the last added first. Call it before the program exits.
pub fn shutdown() {
    let _ = logger().shutdown();
}

/// Chains a panic hook that flushes [`logger`]'s handlers (those whose lock is
/// free: a handler the panicking thread is inside is skipped rather than
/// deadlocked), so buffered records are not lost, then runs the previous hook.
pub fn install_panic_flush_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        logger().try_flush_all();
        previous(info);
    }));
}
