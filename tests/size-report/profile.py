#!/usr/bin/env python3
"""Guest instructions of one call, by function: reads a QEMU trace of every
executed instruction (`-d exec,nochain` with one instruction a block) and the
ELF's symbols, finds the first entry into the function named START and counts
what runs until it returns, by the function each instruction is in.

    profile.py ELF TRACE START
"""
import bisect
import collections
import re
import subprocess
import sys


def functions(elf, nm):
    table = []
    for line in subprocess.check_output([nm, "-S", "-C", "--defined-only", elf], text=True).splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "tT" and int(parts[1], 16):
            name = re.sub(r"::h[0-9a-f]{16}$", "", parts[3])
            for code, text in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$C$", ","), ("..", "::")):
                name = name.replace(code, text)
            table.append((int(parts[0], 16), int(parts[1], 16), name))
    return sorted(table)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    elf, trace, start, nm = sys.argv[1:]
    table = functions(elf, nm)
    starts = [f[0] for f in table]

    def owner(pc):
        i = bisect.bisect_right(starts, pc) - 1
        if i >= 0 and pc < table[i][0] + table[i][1]:
            return table[i][2]
        return f"?{pc:#x}"

    pcs = [int(m.group(1), 16) for m in re.finditer(r"\[[0-9a-f]+/([0-9a-f]+)/", open(trace).read())]
    entry = next((f for f in table if start in f[2]), None)
    if entry is None or entry[0] not in pcs:
        sys.exit(f"{start}: not a function of {elf}, or never run")
    first = pcs.index(entry[0])
    back = pcs[first - 1] + 4  # after the 4-byte `bl` that called it
    last = pcs.index(back, first)
    counts = collections.Counter(owner(pc) for pc in pcs[first:last])
    for name, n in counts.most_common():
        print(f"{n:6} {name}")
    print(f"{last - first:6} in all, from the entry into {entry[2]} to its return")


if __name__ == "__main__":
    main()
