#!/usr/bin/env python3
"""Checks the UART output of queue_nested (see src/bin/queue_nested.rs)."""
import re
import sys

LOW, MAIN = 40, 40
PATTERNS = {
    "low": re.compile(r"^INFO:low:low (\d+) after (#*)$"),
    "high": re.compile(r"^INFO:high:high (\d+) (#*)$"),
    "main": re.compile(r"^INFO:main:main (\d+) (#*)$"),
}
DROPS = re.compile(r"^WARNING:emlog:--- (\d+) records dropped ---$")


def main(path):
    lines = open(path, "rb").read().decode("utf-8", "strict").splitlines()
    if "START" not in lines or "END" not in lines:
        sys.exit(f"{path}: no START/END markers: the firmware did not finish")
    body = lines[lines.index("START") + 1 : lines.index("END")]
    sent_line = body.pop()
    if not sent_line.startswith("high sent: "):
        sys.exit(f"{path}: expected 'high sent: N' before END, got {sent_line!r}")
    seen, dropped, parsed = set(), 0, []
    for line in body:
        m = DROPS.match(line)
        if m:
            dropped += int(m.group(1))
            parsed.append(("drops", None))
            continue
        for who, pattern in PATTERNS.items():
            m = pattern.match(line)
            if m:
                break
        else:
            sys.exit(f"{path}: torn or foreign line: {line!r}")
        n, tail = int(m.group(1)), m.group(2)
        if len(tail) != n % 20:
            sys.exit(f"{path}: torn line: {line!r}")
        if (who, n) in seen:
            sys.exit(f"{path}: duplicated line: {line!r}")
        seen.add((who, n))
        parsed.append((who, n))
    records = [p for p in parsed if p[0] != "drops"]
    for i, (who, n) in enumerate(records):
        # high k claimed its slot while low k held the one before: if both
        # arrived, they are adjacent (drop reports aside) and in that order.
        if who == "high" and ("low", n) in seen and (i == 0 or records[i - 1] != ("low", n)):
            sys.exit(f"{path}: high {n} is not right after low {n}")
    highs = int(sent_line[len("high sent: "):])
    if highs == 0:
        sys.exit(f"{path}: no high record was sent: the preemption never happened")
    total = LOW + MAIN + highs
    if len(seen) + dropped != total:
        sys.exit(f"{path}: {len(seen)} received + {dropped} dropped != {total} sent")
    pairs = sum(1 for w, n in seen if w == "high" and ("low", n) in seen)
    print(f"{path}: ok: {len(seen)} received + {dropped} dropped = {total} sent; {pairs} low/high pairs in claim order")


if __name__ == "__main__":
    main(sys.argv[1])
