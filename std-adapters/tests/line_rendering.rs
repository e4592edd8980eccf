//! The line renderer's fast path (a template compiled into kept text, the
//! millisecond digits written into it, the message written in place, the
//! escape scan skipping kept text) writes exactly the line the formatter's
//! general rendering writes, escaped afterwards as `write_escaped` escapes.
//!
//! Records come from the real macros (plain calls and `core::fmt` ones), so
//! plain messages take their own path (written into the line by a writer
//! made for the call site, which tells when its text needs no escape scan), through a dispatcher that renders each
//! with many formatters both ways. The clock is the test's: records step
//! through seconds, millisecond edges, a UTC-offset change and instants no
//! clock gives (nanoseconds past a second).

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use emlog::{
    Dispatch, DispatchStats, Environment, Escape, Formatter, Level, Record, ThreadInfo, Timestamp,
};
use emlog_std::LineRenderer;

static SECS: AtomicU64 = AtomicU64::new(0);
static NANOS: AtomicU32 = AtomicU32::new(0);

static ENVIRONMENT: Environment = Environment {
    clock: || Timestamp {
        secs: SECS.load(Ordering::SeqCst),
        nanos: NANOS.load(Ordering::SeqCst),
    },
    thread: || ThreadInfo {
        id: 7,
        name: "worker-7",
    },
    process_id: 4242,
    process_name: "proc",
};

/// The second at which the UTC offset changes (a DST change, say).
const OFFSET_CHANGE: u64 = 1_700_000_005;

fn offset(t: Timestamp) -> i32 {
    if t.secs >= OFFSET_CHANGE { 3600 } else { -1800 }
}

const TEMPLATES: &[&str] = &[
    "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s",
    "%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    "%(message)s",
    "%(levelname)s:%(name)s:%(message)s",
    "[%(msecs)03d|%(msecs)03d] %(message)s %(msecs)03d|%(asctime)s",
    "%(asctime)s%(asctime)s %(message)-20s|%(message)s",
    "%(name)s %(message)r %(lineno)d %(thread)d %(threadName)s %(process)d %(created).3f %(sequence)d",
    "%(msecs)d %(msecs)05.1f %(levelno)d %(message)s",
    "%(asctime)s a literal run of text longer than one kept block of sixty-four bytes %(levelname)s %(name)s %(message)s",
    "ü→ %(name)s ☃ %(message)s é",
    "%(asctime)-30s|%(name).3s|%(message)s",
    "%(message)s%(message)s",
    "%(levelname)s",
    "%(msecs)03d %(asctime)s,%(msecs)03d %(name)s: %(message)s",
];

const BRACE_TEMPLATES: &[&str] = &[
    "{asctime} {levelname:^9} {name!r} {msecs:03d} {message}",
    "{asctime}.{msecs:03d} {levelname} {name}: {message}",
    "{message:>30}|{name}",
    "{levelname}:{name}:{message}",
];

const DATEFMTS: &[&str] = &[
    "",
    "%Y-%m-%d %H:%M:%S",
    "%H:%M:%S.%f",
    "%d %b %Y %H:%M:%S %z",
];

struct Case {
    formatter: Formatter,
    escape: Escape,
    renderer: LineRenderer,
}

struct Checker {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    cases: Vec<Case>,
    records: usize,
    mismatches: Vec<String>,
}

impl Dispatch for Checker {
    fn dispatch(&self, record: &Record<'_>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let state = &mut *state;
        state.records += 1;
        for case in &mut state.cases {
            let mut general = String::new();
            case.formatter.render(record, &mut general).unwrap();
            if case.escape == Escape::ControlChars && emlog::escape::needs_escape(&general) {
                let mut escaped = String::new();
                emlog::escape::write_escaped(&general, &mut escaped).unwrap();
                general = escaped;
            }
            general.push('\n');
            let fast = case.renderer.render(record).unwrap();
            if fast != general.as_bytes() && state.mismatches.len() < 20 {
                state.mismatches.push(format!(
                    "{:?} datefmt {:?} {:?} at {:?}:\n  fast    {:?}\n  general {:?}",
                    case.formatter.source(),
                    case.formatter.datefmt(),
                    case.escape,
                    record.timestamp,
                    String::from_utf8_lossy(fast),
                    general
                ));
            }
        }
    }
    fn flush(&self) {}
    fn lowest_level(&self) -> Level {
        Level::NOTSET
    }
    fn stats(&self) -> DispatchStats {
        DispatchStats::default()
    }
}

static CHECKER: Checker = Checker {
    state: Mutex::new(State {
        cases: Vec::new(),
        records: 0,
        mismatches: Vec::new(),
    }),
};

fn cases() -> Vec<Case> {
    let mut formatters = Vec::new();
    for source in TEMPLATES {
        formatters.push(Formatter::new(source).unwrap());
    }
    for source in BRACE_TEMPLATES {
        formatters.push(Formatter::brace(source).unwrap());
    }
    let mut cases = Vec::new();
    for base in formatters {
        for datefmt in DATEFMTS {
            for local in [false, true] {
                let mut formatter = base.clone().with_datefmt(datefmt).unwrap();
                if local {
                    formatter = formatter.with_utc_offset(offset);
                }
                for escape in [Escape::Off, Escape::ControlChars] {
                    cases.push(Case {
                        renderer: LineRenderer::new(formatter.clone()).with_escape(escape),
                        formatter: formatter.clone(),
                        escape,
                    });
                }
            }
        }
    }
    cases
}

/// One of each kind of call, with `i` in its arguments.
fn log_calls(level: Level, logger: &str, i: u64) {
    let x = i as f64 * 0.001;
    let long = "long-é-".repeat(1 + (i % 60) as usize);
    let control = [
        "\n", "\t", "\x1b[31m", "\u{85}", "\u{2028}", "\x7f", "£", "—",
    ][(i % 8) as usize];
    emlog::log!(logger: logger, level, "request {} served in {:.3} ms", i, x);
    emlog::log!(logger: logger, level, "plain text, no arguments");
    emlog::log!(logger: logger, level, "{}", long);
    emlog::log!(logger: logger, level, "a{}b {} {:.1} {}", control, -(i as i64), -x, 'c');
    emlog::log!(logger: logger, level, "{} {} {} {}", u64::MAX, i32::MIN, x, 1.5f32);
    emlog::log!(logger: logger, level, "through core::fmt: {:?} {:>5}", control, i);
    emlog::log!(logger: logger, level, "ünïcödé {}☃{}", i, long.len());
    // Printable numbers, but a piece an escaping sink must still scan.
    emlog::log!(logger: logger, level, "tab\there {} {:.2}\u{2028}", i, x);
}

#[test]
fn fast_lines_match_the_general_rendering() {
    emlog::set_environment(&ENVIRONMENT);
    CHECKER.state.lock().unwrap().cases = cases();
    emlog::install(&CHECKER).unwrap();
    emlog::refresh_threshold();

    let long_name = "a.logger.name.longer.than.sixty-four.bytes.so.its.kept.text.is.long";
    // Kept text of 60 to 68 bytes with the benchmark's layout: the end of
    // one kept block, the millisecond digits near it.
    let block_edges: Vec<String> = (25..=40).map(|n| "n".repeat(n)).collect();
    let mut names = vec![
        "app",
        "app",
        "app.net",
        "",
        "ünï.côde",
        "a\nb",
        long_name,
        "x",
        "abcdefghijklmnop",
        "abcdefghijklmnoq",
    ];
    names.extend(block_edges.iter().map(String::as_str));
    let levels = [
        Level::INFO,
        Level::INFO,
        Level::ERROR,
        Level::new(25),
        Level::DEBUG,
        Level::WARNING,
    ];
    // Records 0.37 s apart, starting 4 s before the offset change: a name
    // and level are kept across several seconds, and change within one.
    // Then a few across local midnight (UTC+1 after the change) and UTC midnight.
    let runs = [
        (OFFSET_CHANGE - 4, 160u64),
        (1_700_006_400 - 3_600 - 3, 24),
        (1_700_006_400 - 3, 24),
    ];
    let mut records = 0;
    for (i, start) in runs
        .iter()
        .flat_map(|&(secs, n)| (0..n).map(move |i| (i, secs * 1_000_000_000)))
    {
        records += 1;
        let mut t = start + i * 370_000_000;
        if i % 10 == 9 {
            // Millisecond edges.
            t = t / 1_000_000_000 * 1_000_000_000
                + [0, 999_999_999, 999_000_000][(i / 10 % 3) as usize];
        }
        SECS.store(t / 1_000_000_000, Ordering::SeqCst);
        NANOS.store((t % 1_000_000_000) as u32, Ordering::SeqCst);
        if i % 11 == 10 {
            // No clock gives these: nanoseconds past the second.
            NANOS.store(
                1_000_000_000 + (i as u32 % 3) * 499_999_999,
                Ordering::SeqCst,
            );
        }
        // The same text in a new string: names are compared by their bytes.
        let name = names[(i / 5) as usize % names.len()].to_string();
        let level = levels[(i / 13) as usize % levels.len()];
        log_calls(level, &name, i);
        // Other loggers interleaved, as in a program with several modules.
        log_calls(
            Level::INFO,
            ["other", "app.db", "app.http"][(i % 3) as usize],
            i,
        );
    }

    let state = CHECKER.state.lock().unwrap();
    assert_eq!(state.records as u64, records * 8 * 2);
    assert!(records > 200);
    let mut report = String::new();
    for m in &state.mismatches {
        let _ = writeln!(report, "{m}");
    }
    assert!(state.mismatches.is_empty(), "{report}");
}
