//! emlog, buffered: see `bench_host::emlog_bench`.

fn main() {
    bench_host::emlog_bench::main(bench_host::emlog_bench::Mode::Buffered);
}
