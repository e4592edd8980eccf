#!/usr/bin/env bash
# emlog's instructions per record on the host, counted by callgrind: the same
# for the same binary whatever else the machine does, so a change's effect
# shows without the noise of wall-clock runs.
#
# Each figure is marginal: (instructions with N records − with N/2) ÷ (N/2),
# so set-up and tear-down cancel out. W1 and W2 for both modes (emlog's own
# work; write-through's write(2) is in the kernel, not counted), and the two
# sides of the queue apart (`queue-split`: caller and listener threads).
#
# usage: tests/bench-host/instructions.sh [-n N]   (default N = 200000)
# Needs valgrind. Builds the benchmark binaries (release, fat LTO) first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=200000
case "${1:-}" in
    -n) n=${2:?-n needs a record count} ;;
    "") ;;
    *) echo "usage: $0 [-n N]" >&2; exit 2 ;;
esac
half=$((n / 2))
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 1; }
(cd "$here" && cargo build --release --quiet --bin emlog-buffered --bin emlog-write-through --bin queue-split)
bin="$here/target/release"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Instructions of a callgrind output file (its "summary:" line).
total() { awk '/^summary:/ {print $2}' "$1"; }

# Marginal instructions per record of `$@ --records COUNT` (W1, W2).
per_record() {
    local counts=()
    for count in "$n" "$half"; do
        rm -rf "$work/out" && mkdir "$work/out"
        valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
            "$@" --out "$work/out" --records "$count" >/dev/null 2>&1
        counts+=("$(total "$work/cg")")
    done
    echo $(((counts[0] - counts[1]) / (n - half)))
}

# Marginal instructions per record of each queue side: "caller listener".
queue_sides() { # binary|text
    local caller=() listener=()
    for count in "$n" "$half"; do
        rm -rf "$work/out" "$work"/qs* && mkdir "$work/out"
        valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$work/qs" \
            "$bin/queue-split" "$1" "$count" "$work/out" >/dev/null 2>&1
        caller+=("$(total "$work/qs-01")")
        listener+=("$(total "$work/qs-02")")
    done
    echo "$(((caller[0] - caller[1]) / (n - half))) $(((listener[0] - listener[1]) / (n - half)))"
}

echo "instructions per record (callgrind, marginal over $half records)"
for mode in buffered write-through; do
    for workload in W1 W2; do
        printf '%-22s %s %6d\n' "emlog-$mode" "$workload" \
            "$(per_record "$bin/emlog-$mode" --workload "$workload")"
    done
done
for kind in binary text; do
    read -r caller listener <<<"$(queue_sides "$kind")"
    printf '%-22s %s caller %d, listener %d\n' "queue ($kind)" W5 "$caller" "$listener"
done
