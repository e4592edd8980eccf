//! tracing-subscriber's fmt layer writing straight into tracing-appender's
//! `rolling::never` file (a write per event). tracing-appender rotates by
//! time only, so no W2; the queue is the non_blocking binary's.

#[path = "../tracing/line.rs"]
mod line;

use bench_host::{Workload, unsupported};

fn main() {
    let args = bench_host::args();
    const LIB: &str = "tracing-blocking";
    match args.workload {
        Workload::W2 => unsupported(LIB, args.workload, "no size rotation"),
        Workload::W5 => unsupported(LIB, args.workload, "no queue: see tracing-non_blocking"),
        _ => {}
    }
    let file = tracing_appender::rolling::never(&args.out, "bench.log");
    line::run(LIB, &args, file, || {});
}
