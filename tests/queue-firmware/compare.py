#!/usr/bin/env python3
"""Compares a firmware's output with its golden file, line by line.

Lines between `-- concurrent start` and `-- concurrent end` (from main and an
interrupt at once, so in an order that depends on timing) are compared as a
sorted list; everything else must match in order.
"""
import sys


def normalise(lines):
    out, section = [], None
    for line in lines:
        if line.endswith("-- concurrent start"):
            out.append(line)
            section = []
        elif line.endswith("-- concurrent end") and section is not None:
            out.extend(sorted(section))
            out.append(line)
            section = None
        elif section is not None:
            section.append(line)
        else:
            out.append(line)
    return out


def main(golden_path, actual_path):
    golden = normalise(open(golden_path, encoding="utf-8").read().splitlines())
    actual = normalise(open(actual_path, encoding="utf-8", errors="replace").read().splitlines())
    if golden != actual:
        import difflib

        sys.stdout.writelines(
            difflib.unified_diff(
                [l + "\n" for l in golden], [l + "\n" for l in actual], golden_path, actual_path
            )
        )
        sys.exit(f"{actual_path} differs from {golden_path}")
    print(f"{actual_path}: matches {golden_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
