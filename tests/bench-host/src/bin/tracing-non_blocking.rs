//! tracing-subscriber's fmt layer through tracing-appender's `non_blocking`
//! writer (a worker thread, lossless, 65,536 lines) in front of
//! `rolling::never`. W1 and W5 are the same set-up; W5 also times the caller.
//! Dropping the guard drains the queue and flushes.

#[path = "../tracing/line.rs"]
mod line;

use bench_host::{QUEUE_CAPACITY, Workload, unsupported};

fn main() {
    let args = bench_host::args();
    const LIB: &str = "tracing-non_blocking";
    if args.workload == Workload::W2 {
        unsupported(LIB, args.workload, "no size rotation");
    }
    let file = tracing_appender::rolling::never(&args.out, "bench.log");
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(QUEUE_CAPACITY)
        .lossy(false)
        .finish(file);
    line::run(LIB, &args, writer, move || drop(guard));
}
