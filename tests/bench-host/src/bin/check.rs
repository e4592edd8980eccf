//! `check --workload W --records N --dir DIR [--window FROM_MS TO_MS]`: checks
//! one run's output (see `bench_host::check`); prints `ok ...` and exits 0, or
//! lists the problems and exits 1.

use bench_host::Workload;
use bench_host::check::{Expected, check_dir};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str, k: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|p| args.get(p + 1 + k))
            .cloned()
    };
    let usage = || -> ! {
        eprintln!("usage: check --workload W1..W5 --records N --dir DIR [--window FROM_MS TO_MS]");
        std::process::exit(2)
    };
    let Some(workload) = value("--workload", 0).and_then(|w| Workload::parse(&w)) else {
        usage()
    };
    let Some(records) = value("--records", 0).and_then(|n| n.parse().ok()) else {
        usage()
    };
    let Some(dir) = value("--dir", 0) else {
        usage()
    };
    let window_ms = match (value("--window", 0), value("--window", 1)) {
        (Some(a), Some(b)) => match (a.parse(), b.parse()) {
            (Ok(a), Ok(b)) => Some((a, b)),
            _ => usage(),
        },
        _ => None,
    };
    let expected = Expected {
        workload,
        records,
        window_ms,
    };
    match check_dir(std::path::Path::new(&dir), &expected) {
        Ok(s) => {
            let range = s
                .range
                .map_or_else(|| "none".to_string(), |(a, b)| format!("{a}..={b}"));
            println!(
                "ok {} {dir}: {} lines in {} files, indices {range}",
                workload.name(),
                s.lines,
                s.files
            );
        }
        Err(problems) => {
            println!("FAILED {} {dir}:", workload.name());
            for p in problems {
                println!("  {p}");
            }
            std::process::exit(1);
        }
    }
}
