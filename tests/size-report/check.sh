#!/usr/bin/env bash
# CI's size check: rebuilds and measures every variant and fails, naming the
# variant, its snapshot figure, today's and the growth, when a variant's flash
# or instructions per call grew more than 5 % over snapshot.tsv; and when an
# emlog variant links any of core::fmt (all their calls are plain ones).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
measured="$here/../../target/size-report/measured.tsv"
mkdir -p "$(dirname "$measured")"
"$here/measure.sh" >"$measured"
python3 "$here/report.py" "$measured" --check
nm="$(command -v llvm-nm || echo "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-nm")"
for elf in "$here"/../../target/size-report/size/thumbv7m-none-eabi/firmware/emlog_*; do
    [ -x "$elf" ] || continue
    if "$nm" -C "$elf" | grep -q 'core::fmt'; then
        echo "$(basename "$elf") links core::fmt, which none of its calls needs:" >&2
        "$nm" -C "$elf" | grep 'core::fmt' >&2
        exit 1
    fi
done
