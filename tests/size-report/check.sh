#!/usr/bin/env bash
# CI's size check: rebuilds and measures every variant and fails, naming the
# variant, its snapshot figure, today's and the growth, when a variant's flash
# or instructions per call grew more than 5 % over snapshot.tsv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
measured="$here/../../target/size-report/measured.tsv"
mkdir -p "$(dirname "$measured")"
"$here/measure.sh" >"$measured"
python3 "$here/report.py" "$measured" --check
