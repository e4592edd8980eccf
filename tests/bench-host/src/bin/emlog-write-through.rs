//! emlog, write-through: see `bench_host::emlog_bench`.

fn main() {
    bench_host::emlog_bench::main(bench_host::emlog_bench::Mode::WriteThrough);
}
