//! What escaping control characters costs per record: a record rendered by
//! a `LineRenderer` with `Escape::Off` and with `Escape::ControlChars`
//! (the file handlers' default), the median of 7 runs, in nanoseconds per
//! record, no I/O. Both are measured in the same run, alternating.
//!
//! Run: `cargo run --release -p emlog-std --example escape_cost`

use std::hint::black_box;
use std::time::Instant;

use emlog::{Escape, Formatter, Level, Record};
use emlog_std::LineRenderer;

const RECORDS: usize = 500_000;
const RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn per_record(escape: Escape, message: &str) -> f64 {
    let format =
        Formatter::new("%(asctime)s %(levelname)-8s %(name)s: %(message)s").expect("format");
    let mut line = LineRenderer::new(format).with_escape(escape);
    let start = Instant::now();
    for i in 0..RECORDS {
        let rendered = line
            .render(&Record::new(
                Level::INFO,
                "app.db",
                format_args!("{message} {i}"),
            ))
            .map(<[u8]>::len);
        black_box(rendered.unwrap_or(0));
    }
    start.elapsed().as_nanos() as f64 / RECORDS as f64
}

fn main() {
    for (what, message) in [
        ("plain text", "record number with some ordinary text in it"),
        (
            "one newline",
            "record number with some\nordinary text in it",
        ),
    ] {
        let mut off = Vec::new();
        let mut on = Vec::new();
        for _ in 0..RUNS {
            off.push(per_record(Escape::Off, message));
            on.push(per_record(Escape::ControlChars, message));
        }
        println!(
            "{what:<12} Escape::Off median {:>6.1} ns/record, Escape::ControlChars median {:>6.1} ns/record (runs: {RUNS} x {RECORDS})",
            median(off),
            median(on)
        );
    }
}
