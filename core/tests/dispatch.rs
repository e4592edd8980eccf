//! The global dispatcher: levels, filters, the table's capacity, re-entrancy, the log bridge.
//!
//! One dispatcher is installed per process, so the tests here share it and
//! take turns through `serial()`; each test adds its own handlers and removes them.

mod common;

use std::sync::{Mutex, MutexGuard, Once};

use common::{Capture, leak};
use emlog::{Dispatch, Dispatcher, Handler, Level, NullHandler, StreamHandler};

static LOGGING: Dispatcher<3, 4> = Dispatcher::new();

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        emlog::install(&LOGGING).unwrap();
        #[cfg(feature = "log")]
        emlog::install_log_bridge().unwrap();
    });
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // Each test starts from the defaults.
    LOGGING.set_logger_level("", Level::WARNING).unwrap();
    for name in ["app", "app.net", "app::net", "noisy"] {
        LOGGING.set_logger_level(name, Level::NOTSET).unwrap();
    }
    guard
}

fn line_handler(capture: &Capture) -> &'static mut StreamHandler<Capture, 128> {
    leak(
        StreamHandler::new(capture.clone())
            .with_formatter(emlog::formatter!("%(levelname)s:%(name)s:%(message)s")),
    )
}

fn leveled(capture: &Capture, level: Level) -> &'static mut StreamHandler<Capture, 128> {
    let handler = line_handler(capture);
    handler.set_level(level);
    handler
}

#[test]
fn root_logger_defaults_to_warning_as_in_python() {
    let _g = serial();
    let out = Capture::default();
    let id = LOGGING.add(line_handler(&out)).unwrap();
    emlog::info!(logger: "app", "not shown");
    emlog::warning!(logger: "app", "shown");
    LOGGING.remove(id).unwrap();
    assert_eq!(out.lines(), ["WARNING:app:shown"]);
}

#[test]
fn child_logger_inherits_the_nearest_configured_ancestor_level() {
    let _g = serial();
    let out = Capture::default();
    let id = LOGGING.add(line_handler(&out)).unwrap();
    LOGGING.set_logger_level("app", Level::DEBUG).unwrap();
    LOGGING.set_logger_level("app.net", Level::ERROR).unwrap();
    emlog::debug!(logger: "app.db", "db debug");
    emlog::warning!(logger: "app.net.tcp", "tcp warning");
    emlog::error!(logger: "app.net.tcp", "tcp error");
    emlog::info!(logger: "other", "other info");
    LOGGING.remove(id).unwrap();
    assert_eq!(
        out.lines(),
        ["DEBUG:app.db:db debug", "ERROR:app.net.tcp:tcp error"]
    );
}

#[test]
fn each_handler_gets_the_records_at_or_above_its_own_level() {
    let _g = serial();
    LOGGING.set_logger_level("", Level::DEBUG).unwrap();
    let all = Capture::default();
    let errors = Capture::default();
    let a = LOGGING.add(line_handler(&all)).unwrap();
    let b = LOGGING.add(leveled(&errors, Level::ERROR)).unwrap();
    emlog::debug!(logger: "x", "one");
    emlog::error!(logger: "x", "two");
    emlog::log!(logger: "x", Level::new(45), "custom");
    LOGGING.remove(a).unwrap();
    LOGGING.remove(b).unwrap();
    assert_eq!(
        all.lines(),
        ["DEBUG:x:one", "ERROR:x:two", "Level 45:x:custom"]
    );
    assert_eq!(errors.lines(), ["ERROR:x:two", "Level 45:x:custom"]);
}

#[test]
fn threshold_is_the_lowest_level_anything_wants_and_follows_changes() {
    let _g = serial();
    let out = Capture::default();
    let id = LOGGING.add(leveled(&out, Level::INFO)).unwrap();
    // Root WARNING, handler INFO: nothing below WARNING is wanted.
    assert_eq!(emlog::threshold(), Level::WARNING);
    LOGGING.set_logger_level("app", Level::DEBUG).unwrap();
    // A logger wants DEBUG but the only handler wants INFO.
    assert_eq!(emlog::threshold(), Level::INFO);
    LOGGING.set_handler_level(id, Level::TRACE).unwrap();
    assert_eq!(emlog::threshold(), Level::DEBUG);
    #[cfg(feature = "log")]
    assert_eq!(log::max_level(), log::LevelFilter::Debug);
    LOGGING.remove(id).unwrap();
}

#[test]
fn a_name_filter_passes_the_logger_and_its_descendants_only() {
    let _g = serial();
    LOGGING.set_logger_level("", Level::DEBUG).unwrap();
    let out = Capture::default();
    let handler = line_handler(&out);
    handler.base_mut().filters_mut().set_name("app.net");
    let id = LOGGING.add(handler).unwrap();
    emlog::info!(logger: "app.net", "a");
    emlog::info!(logger: "app.net.tcp", "b");
    emlog::info!(logger: "app.netx", "c");
    emlog::info!(logger: "app", "d");
    let stats = LOGGING.handler_stats(id).unwrap();
    LOGGING.remove(id).unwrap();
    assert_eq!(out.lines(), ["INFO:app.net:a", "INFO:app.net.tcp:b"]);
    assert_eq!(stats.filtered, 2);
    assert_eq!(stats.emitted, 2);
}

#[test]
fn adding_past_capacity_hands_the_handler_back() {
    let _g = serial();
    let ids: Vec<_> = (0..3)
        .map(|_| LOGGING.add(leak(NullHandler::new())).unwrap())
        .collect();
    let extra = leak(Named(NullHandler::new()));
    let extra_ptr = extra as *const Named as *const ();
    let refused = LOGGING.add(extra).unwrap_err();
    assert_eq!(refused as *const _ as *const (), extra_ptr);
    assert_eq!(refused.name(), "extra");
    for id in ids {
        LOGGING.remove(id).unwrap();
    }
    assert!(
        LOGGING
            .add(refused)
            .is_ok_and(|id| LOGGING.remove(id).is_some())
    );
}

/// A NullHandler with a name, to recognise it when it comes back.
struct Named(NullHandler);

impl Handler for Named {
    fn level(&self) -> Level {
        self.0.level()
    }
    fn set_level(&mut self, level: Level) {
        self.0.set_level(level)
    }
    fn handle(&mut self, record: &emlog::Record<'_>) -> bool {
        self.0.handle(record)
    }
    fn stats(&self) -> emlog::HandlerStats {
        self.0.stats()
    }
    fn name(&self) -> &str {
        "extra"
    }
}

/// A writer that logs while it writes: the record it logs must be dropped and counted.
#[derive(Clone, Default)]
struct LoggingWriter(Capture);

impl embedded_io::ErrorType for LoggingWriter {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Write for LoggingWriter {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        emlog::error!(logger: "inner", "logged from inside a handler");
        self.0.write(buf)
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[test]
fn a_record_logged_from_inside_a_handler_is_dropped_and_counted() {
    let _g = serial();
    let out = Capture::default();
    let before = emlog::stats().dispatch.reentrant;
    let handler = leak(
        StreamHandler::<_, 64>::new(LoggingWriter(out.clone()))
            .with_formatter(emlog::formatter!("%(name)s:%(message)s")),
    );
    let id = LOGGING.add(handler).unwrap();
    emlog::warning!(logger: "outer", "first");
    emlog::warning!(logger: "outer", "second");
    LOGGING.remove(id).unwrap();
    assert_eq!(out.lines(), ["outer:first", "outer:second"]);
    assert_eq!(emlog::stats().dispatch.reentrant - before, 2);
}

#[cfg(feature = "log")]
#[test]
fn log_crate_records_arrive_with_their_target_as_logger_name() {
    let _g = serial();
    LOGGING.set_logger_level("", Level::TRACE).unwrap();
    let out = Capture::default();
    let id = LOGGING.add(line_handler(&out)).unwrap();
    log::info!(target: "app.net", "from log {}", 7);
    log::trace!(target: "app", "trace maps to TRACE");
    log::warn!("default target");
    LOGGING.remove(id).unwrap();
    assert_eq!(
        out.lines(),
        [
            "INFO:app.net:from log 7",
            "TRACE:app:trace maps to TRACE",
            "WARNING:dispatch:default target"
        ]
    );
}

#[test]
fn macros_default_the_logger_name_to_the_module_path() {
    let _g = serial();
    let out = Capture::default();
    let id = LOGGING.add(line_handler(&out)).unwrap();
    emlog::error!("no name given");
    LOGGING.remove(id).unwrap();
    assert_eq!(out.lines(), ["ERROR:dispatch:no name given"]);
}

#[test]
fn with_no_handler_wanted_records_are_counted() {
    let _g = serial();
    let before = LOGGING.stats().no_handler;
    emlog::error!(logger: "app", "nobody listens");
    assert_eq!(LOGGING.stats().no_handler - before, 1);
}

#[test]
fn records_from_many_threads_arrive_whole() {
    let _g = serial();
    let out = Capture::default();
    let id = LOGGING.add(line_handler(&out)).unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for i in 0..500 {
                    emlog::warning!(logger: "t", "thread {t} record {i} ----------------");
                }
            });
        }
    });
    LOGGING.remove(id).unwrap();
    let lines = out.lines();
    assert_eq!(lines.len(), 2000);
    for t in 0..4 {
        for i in 0..500 {
            let want = format!("WARNING:t:thread {t} record {i} ----------------");
            assert_eq!(lines.iter().filter(|l| **l == want).count(), 1, "{want}");
        }
    }
}
