#!/usr/bin/env bash
# Host code bytes per plain logging call site.
#
# Builds small programs against emlog and emlog-std from SOURCE_TREE (default:
# this checkout): one with no call, and for each shape asked for one with N
# distinct calls and one with 2N, all in release with fat LTO (as the
# benchmark builds). Prints, from `size`'s text (code and read-only data:
# the calls' own code, their text, tables, relocations and unwind entries):
#   per call: the growth from N to 2N calls divided by N, what one more call
#     site costs (code shared by the calls, such as a writer per argument
#     list, cancels out);
#   average: the growth from no call to N calls divided by N, which also
#     spreads over the N calls the code they share.
#
# usage: tests/bench-host/callsite-size.sh [--shapes] [-n N] [SOURCE_TREE]
#   mixed (always): the calls rotate through four kinds, as a service's log
#     calls might: `{}` of a u64 and `{:.3}` of an f64; a &str and a u64; a
#     u64; a &str
#   --shapes: also one program for each single kind, one and two arguments
#     (u64, u64x2, i64, f64, f64.3, f64.3x2, str, strx2)
#
# It builds outside the main workspace, in SOURCE_TREE/target/callsite-size
# (kept, so a second run rebuilds emlog alone). Not part of CI.
set -euo pipefail

n=100
shapes=(mixed)
while [ $# -gt 0 ]; do
    case "$1" in
        -n) n=$2; shift 2 ;;
        --shapes) shapes=(mixed u64 u64x2 i64 f64 f64.3 f64.3x2 str strx2); shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
pkg="$src/target/callsite-size"
mkdir -p "$pkg/src/bin"

# The program for one shape: `mixed`, a kind, or `none` (no call).
gen() {
    python3 - "$1" "$2" <<'EOF'
import sys
shape, n = sys.argv[1], int(sys.argv[2])
one = {
    "u64": ('"call {i} value {{}}"', "x"),
    "u64x2": ('"call {i} from {{}} to {{}}"', "x, x"),
    "i64": ('"call {i} offset {{}}"', "y"),
    "f64": ('"call {i} ratio {{}}"', "f"),
    "f64.3": ('"call {i} took {{:.3}} ms"', "f"),
    "f64.3x2": ('"call {i} took {{:.3}} of {{:.3}} ms"', "f, f"),
    "str": ('"call {i} failed: {{}}"', "s"),
    "strx2": ('"call {i} user {{}} at {{}}"', "s, s"),
}
mixed = [
    ('info', '"call {i} served {{}} in {{:.3}} ms"', "x, f"),
    ('warning', '"call {i} user {{}} id {{}}"', "s, x"),
    ('info', '"call {i} value {{}}"', "x"),
    ('error', '"call {i} failed: {{}}"', "s"),
]
print("fn main() {")
print("    emlog_std::basic_config().install().ok();")
print("    let x: u64 = std::hint::black_box(7);")
print("    let y: i64 = std::hint::black_box(-7);")
print("    let f: f64 = std::hint::black_box(1.5);")
print("    let s: &str = std::hint::black_box(\"s\");")
print("    let _ = (x, y, f, s);")
for i in range(0 if shape == "none" else n):
    if shape == "mixed":
        macro, fmt, args = mixed[i % 4]
    else:
        macro, (fmt, args) = "info", one[shape]
    print(f'    emlog::{macro}!(logger: "app", {fmt.format(i=i)}, {args});')
print("}")
EOF
}

# Each program: its binary's name and its number of calls.
bins=(none)
calls=(0)
for shape in "${shapes[@]}"; do
    bins+=("${shape//./_}" "${shape//./_}_2n")
    calls+=("$n" "$((2 * n))")
done
rm -f "$pkg"/src/bin/*.rs.new
for i in "${!bins[@]}"; do
    file="$pkg/src/bin/${bins[$i]}.rs"
    shape=${bins[$i]%_2n}
    gen "${shape//_/.}" "${calls[$i]}" > "$file.new"
    if cmp -s "$file.new" "$file"; then rm "$file.new"; else mv "$file.new" "$file"; fi
done
cat > "$pkg/Cargo.toml" <<EOF
[package]
name = "callsites"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
emlog = { path = "$src/core" }
emlog-std = { path = "$src/std-adapters" }

[profile.release]
lto = "fat"
codegen-units = 1

[workspace]
EOF
bin_args=()
for bin in "${bins[@]}"; do bin_args+=(--bin "$bin"); done
(cd "$pkg" && CARGO_TARGET_DIR="$pkg/target" cargo build --release -q "${bin_args[@]}")

text_of() { size "$pkg/target/release/$1" | awk 'NR == 2 {print $1}'; }
base=$(text_of none)
echo "text with no call: $base B; $n and $((2 * n)) calls of each shape"
printf '%-8s %10s %10s %10s %9s\n' shape "$n calls" "$((2 * n)) calls" "per call" average
for shape in "${shapes[@]}"; do
    one=$(text_of "${shape//./_}")
    two=$(text_of "${shape//./_}_2n")
    printf '%-8s %8d B %8d B %8d B %7d B\n' "$shape" "$one" "$two" \
        $(( (two - one) / n )) $(( (one - base) / n ))
done
