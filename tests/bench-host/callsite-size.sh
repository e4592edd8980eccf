#!/usr/bin/env bash
# Host code bytes per plain logging call site.
#
# Builds small programs against emlog and emlog-std from SOURCE_TREE (default:
# this checkout): one with no call, and one with N distinct calls of each
# shape asked for, all in release with fat LTO (as the benchmark builds).
# Prints each program's growth in `size`'s text (code and read-only data:
# the call's own code, its text, tables and unwind entries) divided by N.
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
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
pkg="$src/target/callsite-size"
mkdir -p "$pkg/src/bin"

# The program for one shape: `mixed`, a kind, or `none` (no call).
gen() {
    python3 - "$1" "$n" <<'EOF'
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

bins=(none "${shapes[@]}")
for shape in "${bins[@]}"; do
    file="$pkg/src/bin/${shape//./_}.rs"
    gen "$shape" > "$file.new"
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
for shape in "${bins[@]}"; do bin_args+=(--bin "${shape//./_}"); done
(cd "$pkg" && CARGO_TARGET_DIR="$pkg/target" cargo build --release -q "${bin_args[@]}")

text_of() { size "$pkg/target/release/${1//./_}" | awk 'NR == 2 {print $1}'; }
base=$(text_of none)
echo "text with no call: $base B; $n calls of each shape"
for shape in "${shapes[@]}"; do
    text=$(text_of "$shape")
    printf '%-8s %8d B  per call: %4d B\n' "$shape" "$text" $(( (text - base) / n ))
done
