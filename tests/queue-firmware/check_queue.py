#!/usr/bin/env python3
"""Checks the UART output of the queue_isr firmware.

Every line between START and END must be a whole record from the interrupt
(`INFO:isr:isr I ###…`, I % 30 hashes) or from main (`INFO:main:main J ###…`),
each at most once, or a drop report; records received plus drops reported
must equal N + M exactly.
"""
import re
import sys

N, M = 60, 60
RECORD = re.compile(r"^INFO:(isr|main):(isr|main) (\d+) (#*)$")
DROPS = re.compile(r"^WARNING:emlog:--- (\d+) records dropped ---$")


def main(path):
    lines = open(path, "rb").read().decode("utf-8", "strict").splitlines()
    if "START" not in lines or "END" not in lines:
        sys.exit(f"{path}: no START/END markers: the firmware did not finish")
    body = lines[lines.index("START") + 1 : lines.index("END")]
    seen, dropped = set(), 0
    for line in body:
        m = DROPS.match(line)
        if m:
            dropped += int(m.group(1))
            continue
        m = RECORD.match(line)
        if not m or m.group(1) != m.group(2):
            sys.exit(f"{path}: torn or foreign line: {line!r}")
        who, i, tail = m.group(1), int(m.group(3)), m.group(4)
        if len(tail) != i % 30 or i >= (N if who == "isr" else M):
            sys.exit(f"{path}: torn line: {line!r}")
        if (who, i) in seen:
            sys.exit(f"{path}: duplicated line: {line!r}")
        seen.add((who, i))
    isr = sum(1 for w, _ in seen if w == "isr")
    if len(seen) + dropped != N + M:
        sys.exit(f"{path}: {len(seen)} received + {dropped} dropped != {N + M}")
    print(f"{path}: ok: {len(seen)} received ({isr} from the interrupt) + {dropped} dropped = {N + M}")


if __name__ == "__main__":
    main(sys.argv[1])
