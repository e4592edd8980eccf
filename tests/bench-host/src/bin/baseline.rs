//! The baseline: a `Mutex<BufWriter<File>>` and a chrono local timestamp per
//! line, no logging library. W3's filter is a level in an atomic.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use bench_host::{Workload, chrono_now, fail, millis, unsupported};

const INFO: u8 = 20;
const DEBUG: u8 = 10;
static LEVEL: AtomicU8 = AtomicU8::new(INFO);

fn main() {
    let args = bench_host::args();
    const LIB: &str = "baseline";
    match args.workload {
        Workload::W2 => unsupported(LIB, args.workload, "no rotation"),
        Workload::W5 => unsupported(LIB, args.workload, "no queue"),
        _ => {}
    }
    let file = File::create(args.log_path()).unwrap_or_else(|e| fail(&format!("open: {e}")));
    let out = Mutex::new(Some(BufWriter::new(file)));
    let line = |level: u8, i: u64| {
        if level < LEVEL.load(Ordering::Relaxed) {
            return;
        }
        if let Ok(mut w) = out.lock()
            && let Some(w) = w.as_mut()
        {
            let _ = writeln!(
                w,
                "{} INFO bench: request {i} served in {:.3} ms",
                chrono_now(),
                millis(i)
            );
        }
    };
    bench_host::run(
        LIB,
        &args,
        |i| line(INFO, i),
        |i| line(DEBUG, i),
        || {
            if let Ok(mut w) = out.lock()
                && let Some(w) = w.take()
                && let Err(e) = w.into_inner()
            {
                fail(&format!("flush: {e}"));
            }
        },
    );
}
