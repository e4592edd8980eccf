#!/usr/bin/env bash
# The host benchmark (issue 6): builds emlog's and the peers' benchmark
# binaries (release, fat LTO), the C++ spdlog program and uses Python 3's
# logging, runs every library on workloads W1-W5 N times, checks every run's
# output, and prints one table: median ns per record, each peer / emlog, and
# the goals with pass/fail. Writes tests/bench-host/RESULTS.md.
#
# usage: tests/bench-host/run.sh [--runs N] [--quick] [--update-readme] [--only lib,lib]
#   --runs N         runs of each library x workload (default 3; --quick: 1)
#   --quick          a tenth of the records, for trying it out (writes target/RESULTS-quick.md)
#   --update-readme  also writes the table into README.md between the bench-host markers
#   --only           run only these libraries (names as in the table)
# Needs: cargo, g++ and Debian's libspdlog-dev (apt-get install -y g++ libspdlog-dev), python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
command="tests/bench-host/run.sh${*:+ $*}"
runs="" quick=() readme=() only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        --update-readme) readme=(--readme "$root/README.md"); shift ;;
        --only) only=(--only "${2:?--only needs library names}"); shift 2 ;;
        *) echo "unknown option $1 (expected --runs N, --quick, --update-readme, --only LIBS)" >&2; exit 2 ;;
    esac
done
if [ ${#quick[@]} -gt 0 ]; then
    runs=${runs:-1}
    results="$here/target/RESULTS-quick.md"
    if [ ${#readme[@]} -gt 0 ]; then
        echo "--update-readme takes full runs only (drop --quick)" >&2; exit 2
    fi
else
    runs=${runs:-3}
    results="$here/RESULTS.md"
fi
if ! pkg-config --exists spdlog 2>/dev/null; then
    echo "C++ spdlog not found: apt-get install -y g++ pkg-config libspdlog-dev" >&2; exit 1
fi

echo "building (release, fat LTO)..." >&2
cargo build --release --bins --manifest-path "$here/Cargo.toml" >&2
bin="$here/target/release"
cpp="$here/target/spdlog_bench"
if [ ! -x "$cpp" ] || [ "$here/cpp/spdlog_bench.cpp" -nt "$cpp" ]; then
    # shellcheck disable=SC2046 # pkg-config prints several flags
    g++ -std=c++20 -O2 -o "$cpp" "$here/cpp/spdlog_bench.cpp" $(pkg-config --cflags --libs spdlog)
fi
work="$here/target/runs"
mkdir -p "$work"
exec python3 "$here/runner.py" --bin "$bin" --cpp "$cpp" --work "$work" --runs "$runs" \
    "${quick[@]}" "${readme[@]}" "${only[@]}" --results "$results" --command "$command"
