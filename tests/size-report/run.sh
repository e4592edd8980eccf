#!/usr/bin/env bash
# The embedded size and speed report: builds every variant, measures flash,
# RAM and instructions per call on lm3s6965evb, prints one table and writes
# report.md.
#
#   tests/size-report/run.sh                    # table + report.md
#   tests/size-report/run.sh --update-snapshot  # also rewrites snapshot.tsv (commit it, with the reason)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
case "${1:-}" in
    "" | --update-snapshot) ;;
    *) echo "usage: $0 [--update-snapshot]" >&2; exit 2 ;;
esac
measured="$here/../../target/size-report/measured.tsv"
mkdir -p "$(dirname "$measured")"
"$here/measure.sh" >"$measured"
python3 "$here/report.py" "$measured" ${1:+"$1"}
