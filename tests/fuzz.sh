#!/usr/bin/env bash
# Runs every fuzz target for a fixed time and prints a table of what each did.
#
#   tests/fuzz.sh [SECONDS]     (default 60 seconds per target)
#
# A bench-style command, not part of tests/run-all.sh: it needs the nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`), and its figures
# depend on the machine. Each target starts from its committed seeds
# (core/fuzz/seeds/TARGET, std-adapters/fuzz/seeds/TARGET) plus the corpus
# earlier runs grew (core/fuzz/corpus/TARGET, not committed). A crash stops
# that target; its input is saved under artifacts/TARGET/ and the script
# exits 1 after the table. Reproduce one with
#   (cd core/fuzz && cargo +nightly fuzz run TARGET artifacts/TARGET/crash-...)
#
# Columns: executions (inputs run), cov (code edges reached), ft (libFuzzer's
# features: edges with hit counts and compared values), corpus (inputs kept),
# crashes (inputs that failed an assertion or panicked: 0 or 1, as a crash
# stops the run).
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs the nightly toolchain and cargo-fuzz: rustup toolchain install nightly; cargo install cargo-fuzz" >&2
    exit 2
fi

# crate directory, target
targets=(
    "core/fuzz format"
    "core/fuzz level_and_logger_names"
    "core/fuzz syslog"
    "core/fuzz captured_record"
    "std-adapters/fuzz pickle"
)

for crate in core/fuzz std-adapters/fuzz; do
    (cd "$root/$crate" && cargo +nightly fuzz build >/dev/null 2>&1) || {
        echo "fuzz.sh: building $crate failed; run: (cd $crate && cargo +nightly fuzz build)" >&2
        exit 2
    }
done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=0
rows=()
for entry in "${targets[@]}"; do
    read -r crate target <<<"$entry"
    dir="$root/$crate"
    mkdir -p "$dir/corpus/$target" "$dir/artifacts/$target"
    before=$(find "$dir/artifacts/$target" -type f | wc -l)
    log="$logs/$target.log"
    status=0
    (cd "$dir" && cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1) || status=$?
    after=$(find "$dir/artifacts/$target" -type f | wc -l)
    crashes=$((after - before))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    # The last status line: "#N  REDUCE|NEW|pulse|DONE  cov: C ft: F corp: K/..."
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed=1
        echo "fuzz.sh: $target failed (exit $status); its output:" >&2
        grep -E -A6 'panicked|ERROR: libFuzzer|SUMMARY' "$log" | head -30 >&2 || tail -30 "$log" >&2
        [ "$crashes" -eq 0 ] && crashes=1
    fi
    rows+=("| $target | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes |")
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
echo "Fuzzing, $seconds s per target, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores (${cpu:-unknown CPU}), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| target | executions | cov | ft | corpus | crashes |"
echo "|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
exit "$failed"
