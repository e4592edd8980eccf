#!/usr/bin/env python3
"""Turns measure.sh's TSV into the report: one table on stdout and report.md;
--update-snapshot also writes snapshot.tsv; --check compares with snapshot.tsv
and fails when a variant's flash, or its instructions per call, grew more than
5 % (instruction counts under -icount are as deterministic as byte counts).

    report.py MEASURED.tsv [--update-snapshot | --check]
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = ["flash", "ram", "filtered", "emitted", "enqueue", "drain"]
TOLERANCE = 0.05
DESCRIPTIONS = {
    "empty": "cortex-m-rt app with semihosting exit (1024 B of it is the vector table)",
    "raw_uart": "a fixed 36-character line written byte by byte",
    "core_fmt": "`core::fmt` `writeln!` with one u32",
    "log_facade": "`log` facade, UART logger in a critical section",
    "defmt_alone": "defmt, minimal global logger (rzCOBS) on the UART",
    "emlog_minimal": "`Dispatcher<1, 0>` (one handler, no per-logger levels) + UART `StreamHandler<_, 0, 0>` (no line buffer: each piece straight to the UART; no room for user filters), `%(levelname)s:%(name)s:%(message)s` compiled by `emlog::formatter!`, one `info!`",
    "emlog_buffered": "emlog_minimal with `StreamHandler<_, 64, 0>`: each record rendered into a 64-byte line buffer, then one `write`",
    "emlog_ten": "emlog_minimal with ten distinct calls",
    "emlog_full": "`%(asctime)s %(levelname)-8s %(name)s: %(message)s`",
    "emlog_queue": "Queue as dispatcher, QueueListener to the UART StreamHandler",
    "emlog_defmt": "defmt mode (feature `defmt-mode`): `info!` checks a `LevelOnly` level, then a defmt frame through the same defmt logger",
}


def read(path):
    rows = {}
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *values = line.split("\t")
        if len(values) != len(COLUMNS):
            sys.exit(f"{path}: line for {name!r} has {len(values)} values, expected {len(COLUMNS)}")
        rows[name] = {c: (None if v == "-" else int(v)) for c, v in zip(COLUMNS, values)}
    return rows


def cell(value):
    return "–" if value is None else f"{value:,}"


def table(rows):
    head = "| variant | flash B | RAM B | filtered-out call | emitted record | enqueue | drain (listener → UART) |"
    lines = [head, "|" + "---|" * 7]
    for name, r in rows.items():
        lines.append(f"| {name} | " + " | ".join(cell(r[c]) for c in COLUMNS) + " |")
    return lines


def goals(rows):
    m, ten = rows["emlog_minimal"], rows["emlog_ten"]
    per_call = (ten["flash"] - m["flash"]) / 9
    defmt_ratio = rows["emlog_defmt"]["flash"] / rows["defmt_alone"]["flash"]
    checks = [
        ("emlog minimal flash ≤ 3,000 B", f"{m['flash']:,} B", m["flash"] <= 3000),
        ("each further call ≤ 150 B", f"{per_call:,.0f} B", per_call <= 150),
        ("defmt mode within 10 % of defmt alone", f"{defmt_ratio:.2f} ×", defmt_ratio <= 1.10),
        ("filtered-out call ≤ 7 instructions", f"{m['filtered']}", (m["filtered"] or 0) <= 7),
        ("emitted one-u32 record ≤ 600 instructions", f"{m['emitted']:,}", (m["emitted"] or 0) <= 600),
    ]
    return ["| goal (issue 6) | now | met |", "|---|---|---|"] + [
        f"| {goal} | {now} | {'yes' if ok else 'no'} |" for goal, now, ok in checks
    ]


def write_report(rows):
    text = [
        "# Embedded size and speed report",
        "",
        "Written by `tests/size-report/run.sh`; do not edit by hand. lm3s6965evb (Cortex-M3,",
        "thumbv7m-none-eabi), `opt-level = \"z\"`, fat LTO, `codegen-units = 1`, `panic = \"abort\"`.",
        "",
        "- flash = .vector_table + .text + .rodata + .data; RAM = .data + .bss + .uninit",
        "  (the stack is not counted: cortex-m-rt gives it the rest of RAM).",
        "- Instructions are guest instructions per call under `qemu-system-arm -icount shift=0`:",
        "  SysTick counts over 200 calls (20,000 for the filtered call) minus an empty loop of the",
        "  same length, calibrated with a loop of `nop`s. Every variant logs the same 36-character",
        "  line `INFO:app:request served, count=NNNNN` (one u32). defmt filters only at compile",
        "  time, so it has no run-time filtered-out call. `emlog_defmt` is emlog in defmt mode:",
        "  its `info!` checks emlog's run-time level, then sends a defmt frame (`app: <message>`,",
        "  format string interned, u32 defmt-encoded); its filtered-out call is that `info!` with",
        "  the level raised to WARNING at run time (`DEFMT_LOG=info` removes a `debug!` outright).",
        "- `tests/size-report/check.sh` (a step of `tests/run-all.sh`) fails when a variant's flash",
        "  or any of its instruction counts grows more than 5 % over `snapshot.tsv`; after an",
        "  intended change, `run.sh --update-snapshot` and the reason in the commit message.",
        "- Where one record's instructions go, by function: `tests/size-report/profile.sh VARIANT`",
        "  (after `run.sh`; a QEMU trace of every instruction of the first record).",
        "",
    ] + table(rows) + ["", "Variants:", ""] + [
        f"- `{name}`: {DESCRIPTIONS.get(name, '')}" for name in rows
    ] + ["", *goals(rows), ""]
    (HERE / "report.md").write_text("\n".join(text))


def check(rows, snapshot):
    failures = []
    for name, old in snapshot.items():
        new = rows.get(name)
        if new is None:
            failures.append(f"{name}: in snapshot.tsv but no longer measured")
            continue
        for column in ("flash", "filtered", "emitted", "enqueue", "drain"):
            before, now = old[column], new[column]
            if before is None or now is None:
                continue
            if now > before * (1 + TOLERANCE):
                unit = "bytes" if column == "flash" else "instructions"
                failures.append(
                    f"{name} {column}: snapshot {before:,} {unit}, now {now:,} {unit} "
                    f"(+{(now - before) / before * 100:.1f} %, more than {TOLERANCE * 100:.0f} %)"
                )
    for line in failures:
        print("SIZE CHECK FAILED:", line)
    if failures:
        print("If the growth is intended, run tests/size-report/run.sh --update-snapshot and give the reason in the commit.")
        return 1
    print(f"size check: {len(snapshot)} variants within {TOLERANCE * 100:.0f} % of snapshot.tsv")
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = read(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    print("\n".join(table(rows)))
    print()
    print("\n".join(goals(rows)))
    if mode == "--check":
        return check(rows, read(HERE / "snapshot.tsv"))
    write_report(rows)
    if mode == "--update-snapshot":
        header = "# variant\t" + "\t".join(COLUMNS) + "\n"
        body = "".join(
            name + "\t" + "\t".join("-" if r[c] is None else str(r[c]) for c in COLUMNS) + "\n"
            for name, r in rows.items()
        )
        (HERE / "snapshot.tsv").write_text(header + body)
        print("snapshot.tsv updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
