//! The harness every Rust benchmark binary shares: its command line, the five
//! workloads of issue 6 (the loops, the threads and the clocks), and the one
//! result line it prints.
//!
//! A binary sets its library up for the workload, then hands [`run`] three
//! things: how to log record `i` at INFO, how to make a DEBUG call that is
//! filtered out, and how to finish (flush and close, so the files are
//! complete). Every library logs the same line:
//!
//! `<YYYY-MM-DD HH:MM:SS.mmm local> INFO bench: request {i} served in {f:.3} ms`, f = i × 0.001.

use std::path::PathBuf;
use std::time::Instant;

pub mod check;
pub mod emlog_bench;

/// The logger (target) name every library logs under.
pub const LOGGER: &str = "bench";
/// The timestamp format, chrono/strftime spelling (milliseconds, local time).
pub const CHRONO_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.3f";
/// W2's rotation: the size limit of a file and the backups kept.
pub const ROTATE_BYTES: u64 = 1024 * 1024;
/// W2's rotation: backups kept besides the live file.
pub const ROTATE_BACKUPS: usize = 5;
/// W4's threads.
pub const THREADS: u64 = 2;
/// W5's queue capacity, in records, wherever a library lets it be set.
pub const QUEUE_CAPACITY: usize = 65_536;
/// W3's timed passes per library; its figure is their median.
pub const W3_PASSES: usize = 5;

/// The number in record `i`'s message.
#[inline(always)]
pub fn millis(i: u64) -> f64 {
    i as f64 * 0.001
}

/// One of the five workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// 1,000,000 INFO records, one thread, a plain file.
    W1,
    /// The same into a size-rotating file, 1 MiB × 5 backups.
    W2,
    /// 10,000,000 DEBUG calls while the level is INFO.
    W3,
    /// 2 threads × 500,000 records into one file.
    W4,
    /// W1 through the library's queue (background writer).
    W5,
}

impl Workload {
    /// Parses `W1`..`W5`.
    pub fn parse(s: &str) -> Option<Workload> {
        Some(match s {
            "W1" => Workload::W1,
            "W2" => Workload::W2,
            "W3" => Workload::W3,
            "W4" => Workload::W4,
            "W5" => Workload::W5,
            _ => return None,
        })
    }

    /// `W1`..`W5`.
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "W1",
            Workload::W2 => "W2",
            Workload::W3 => "W3",
            Workload::W4 => "W4",
            Workload::W5 => "W5",
        }
    }

    /// The number of records (calls, for W3).
    pub fn default_records(self) -> u64 {
        match self {
            Workload::W3 => 10_000_000,
            _ => 1_000_000,
        }
    }
}

/// A benchmark binary's command line: `--workload W1..W5 --out DIR [--records N]`.
#[derive(Debug)]
pub struct Args {
    /// What to run.
    pub workload: Workload,
    /// The directory the library writes into (created if missing).
    pub out: PathBuf,
    /// Records (W3: calls), all threads together.
    pub records: u64,
}

impl Args {
    /// The log file every library writes (rotated files sit beside it).
    pub fn log_path(&self) -> PathBuf {
        self.out.join("bench.log")
    }
}

/// Reads the command line; on a bad one prints what was expected and exits 2.
pub fn args() -> Args {
    match parse_args(std::env::args().skip(1)) {
        Ok(args) => {
            if let Err(e) = std::fs::create_dir_all(&args.out) {
                fail(&format!("cannot create {}: {e}", args.out.display()));
            }
            args
        }
        Err(e) => {
            eprintln!("{e}\nusage: BINARY --workload W1|W2|W3|W4|W5 --out DIR [--records N]");
            std::process::exit(2);
        }
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut workload, mut out, mut records) = (None, None, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--workload" => {
                workload = Some(
                    Workload::parse(&value)
                        .ok_or_else(|| format!("unknown workload {value:?}: expected W1..W5"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(value)),
            "--records" => {
                records = Some(
                    value
                        .parse::<u64>()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| {
                            format!("--records {value:?}: expected a positive integer")
                        })?,
                )
            }
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    let workload = workload.ok_or("--workload is missing")?;
    Ok(Args {
        workload,
        out: out.ok_or("--out is missing")?,
        records: records.unwrap_or_else(|| workload.default_records()),
    })
}

/// Prints `message` to stderr and exits 1 (a set-up failure: no result).
pub fn fail(message: &str) -> ! {
    eprintln!("bench: {message}");
    std::process::exit(1);
}

/// Prints the result line for a workload the library cannot run, and why.
pub fn unsupported(lib: &str, workload: Workload, why: &str) -> ! {
    println!(
        "{{\"lib\":\"{lib}\",\"workload\":\"{}\",\"unsupported\":\"{why}\"}}",
        workload.name()
    );
    std::process::exit(0);
}

/// Times the workload and prints one JSON line: `ns_per_record` is from the
/// first call to the files being complete (after `finish`); for W5 also
/// `caller_ns_per_record`, until the caller's last call returned.
pub fn run(
    lib: &str,
    args: &Args,
    info: impl Fn(u64) + Sync,
    debug: impl Fn(u64),
    finish: impl FnOnce(),
) {
    let n = args.records;
    let (total, caller) = match args.workload {
        Workload::W1 | Workload::W2 | Workload::W5 => {
            let start = Instant::now();
            for i in 0..n {
                info(std::hint::black_box(i));
            }
            let caller = start.elapsed();
            finish();
            (start.elapsed(), Some(caller))
        }
        Workload::W3 => {
            let [calls] = filtered_passes(n, [&debug]);
            finish();
            (calls, None)
        }
        Workload::W4 => {
            let per_thread = n / THREADS;
            let barrier = std::sync::Barrier::new(THREADS as usize + 1);
            let info = &info;
            let start = std::thread::scope(|s| {
                for t in 0..THREADS {
                    let barrier = &barrier;
                    s.spawn(move || {
                        barrier.wait();
                        for k in 0..per_thread {
                            info(std::hint::black_box(t * per_thread + k));
                        }
                    });
                }
                barrier.wait();
                Instant::now()
            });
            finish();
            (start.elapsed(), None)
        }
    };
    print_result(lib, args.workload, n, total, caller);
}

/// Prints one workload's JSON result line (see [`run`]).
pub fn print_result(
    lib: &str,
    workload: Workload,
    n: u64,
    total: std::time::Duration,
    caller: Option<std::time::Duration>,
) {
    let per = |d: std::time::Duration| d.as_nanos() as f64 / n as f64;
    let caller = match (workload, caller) {
        (Workload::W5, Some(c)) => format!(",\"caller_ns_per_record\":{:.2}", per(c)),
        _ => String::new(),
    };
    println!(
        "{{\"lib\":\"{lib}\",\"workload\":\"{}\",\"records\":{n},\"ns_per_record\":{:.2}{caller}}}",
        workload.name(),
        per(total),
    );
}

/// W3's timing of one or more filtered calls in one process: an untimed
/// first pass of each (the page faults and the CPU's clock ramp that a
/// process's first loop would otherwise pay alone; the C++ and Python
/// programs do the same), then [`W3_PASSES`] rounds in which each call takes
/// one timed pass of `n` calls in turn; each call's median pass. Taking the
/// calls in turn, round after round, gives drift in the machine's speed to
/// all of them alike, so two calls compared in one process (emlog's and the
/// `log` crate's) differ only in the check itself.
pub fn filtered_passes<const K: usize>(
    n: u64,
    debugs: [&dyn FilteredCall; K],
) -> [std::time::Duration; K] {
    for debug in debugs {
        debug.pass(n);
    }
    let mut passes = [[std::time::Duration::ZERO; W3_PASSES]; K];
    for round in 0..W3_PASSES {
        for (debug, times) in debugs.iter().zip(&mut passes) {
            times[round] = debug.pass(n);
        }
    }
    passes.map(|mut times| {
        times.sort_unstable();
        times[W3_PASSES / 2]
    })
}

/// A filtered call timed over a pass of `n` calls: the loop is generic over
/// the call, so each library's check is inlined into its own loop and only
/// the pass itself is a dynamic call.
pub trait FilteredCall {
    /// Calls `n` times; the time the calls took.
    fn pass(&self, n: u64) -> std::time::Duration;
}

impl<F: Fn(u64)> FilteredCall for F {
    fn pass(&self, n: u64) -> std::time::Duration {
        let start = Instant::now();
        for i in 0..n {
            self(std::hint::black_box(i));
        }
        start.elapsed()
    }
}

/// A chrono local timestamp with milliseconds, the way a user of the log
/// crate's simple back ends writes one.
pub fn chrono_now() -> impl std::fmt::Display {
    chrono::Local::now().format(CHRONO_FORMAT)
}
