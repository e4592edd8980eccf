//! One-call setup: basic_config with a file target, the log bridge, records
//! from many threads, the error report, the panic flush hook and shutdown.
//! One test, because it installs program-wide state.

use emlog::Level;
use emlog_std::{Target, basic_config, shutdown};

#[test]
fn basic_config_routes_log_and_emlog_records_from_threads_to_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    let logger = basic_config()
        .level(Level::INFO)
        .format("%(levelname)s:%(name)s:%(message)s")
        .datefmt("%Y")
        .target(Target::File(path.clone()))
        .install()
        .unwrap();
    assert_eq!(emlog::threshold(), Level::INFO);
    log::info!(target: "dep.crate", "from log");
    log::debug!(target: "dep.crate", "below the level");
    emlog::warning!(logger: "app", "from emlog {}", 1);
    let threads: Vec<_> = (0..4)
        .map(|t| std::thread::spawn(move || emlog::error!(logger: "app.worker", "thread {t}")))
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // A second call changes nothing (Python: root already has handlers).
    basic_config().level(Level::CRITICAL).install().unwrap();
    assert_eq!(logger.handler_count(), 1);
    assert_eq!(logger.effective_level("app"), Level::INFO);
    emlog_std::install_panic_flush_hook();
    shutdown();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        &lines[..2],
        ["INFO:dep.crate:from log", "WARNING:app:from emlog 1"]
    );
    lines.drain(..2);
    lines.sort();
    assert_eq!(
        lines,
        [
            "ERROR:app.worker:thread 0",
            "ERROR:app.worker:thread 1",
            "ERROR:app.worker:thread 2",
            "ERROR:app.worker:thread 3"
        ]
    );
    assert_eq!(logger.handler_count(), 0);
}
