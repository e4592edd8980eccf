#!/usr/bin/env bash
# Where one emitted record's guest instructions go, by function: runs a
# variant as run.sh built it (the flash build, which logs one record) under
# QEMU with a trace of every instruction, and counts those from the first
# entry into START (default log_message, the call every plain info! makes)
# until it returns. Run tests/size-report/run.sh first.
#
#   tests/size-report/profile.sh emlog_minimal [START]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
variant="${1:?usage: $0 VARIANT [START]}"
start="${2:-log_message}"
root="$here/../../target/size-report"
elf="$root/size/thumbv7m-none-eabi/firmware/$variant"
[ -f "$elf" ] || { echo "$elf missing: run tests/size-report/run.sh first" >&2; exit 1; }
nm="$(command -v llvm-nm || echo "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-nm")"
# One instruction a translation block: -singlestep up to QEMU 7, one-insn-per-tb after.
single=(-singlestep)
qemu-system-arm -help | grep -q -- '^-singlestep' || single=(-accel tcg,one-insn-per-tb=on)
trace="$root/$variant.trace"
timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
    -semihosting-config enable=on,target=native -serial "file:$root/$variant.profile.uart" -monitor none \
    "${single[@]}" -d exec,nochain -D "$trace" -kernel "$elf" 2>/dev/null
python3 "$here/profile.py" "$elf" "$trace" "$start" "$nm"
rm -f "$trace"
