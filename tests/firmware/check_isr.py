#!/usr/bin/env python3
"""Checks isr_direct's output: every line whole, each record exactly once,
received == sent for main and for the interrupt, and the firmware said END ok."""
import re
import sys

lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
pattern = {
    "main": re.compile(r"^main (\d{4}) ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$"),
    "isr": re.compile(r"^isr (\d{4}) abcdefghijklmnopqrstuvwxyz0123456789$"),
}
start, end = lines.index("-- concurrent start"), lines.index("-- concurrent end")
seen = {"main": [], "isr": []}
for line in lines[start + 1 : end]:
    source = line.split(" ", 1)[0]
    match = pattern.get(source) and pattern[source].match(line)
    if not match:
        sys.exit(f"torn or foreign line: {line!r}")
    seen[source].append(int(match.group(1)))
sent = {k: int(next(l for l in lines if l.startswith(f"{k} sent ")).split()[-1]) for k in seen}
for source, numbers in seen.items():
    if numbers != list(range(sent[source])):
        sys.exit(f"{source}: expected 0..{sent[source]} once each, in order; got {len(numbers)} records")
if "END ok" not in lines:
    sys.exit("the firmware did not end with END ok")
interleaved = any(
    a.split(" ", 1)[0] != b.split(" ", 1)[0] for a, b in zip(lines[start + 1 : end], lines[start + 2 : end])
)
print(f"main {len(seen['main'])}, isr {len(seen['isr'])}, all whole, interleaved: {interleaved}")
if not interleaved:
    sys.exit("the interrupt never landed between main's records: the test proved nothing")
