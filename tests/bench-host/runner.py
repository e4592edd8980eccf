#!/usr/bin/env python3
"""Runs every library on every workload N times, checks each run's output,
and prints one table: median ns per record, each peer's ratio to emlog, and
issue 6's goals with pass/fail. Called by run.sh after the build.

usage: runner.py --bin DIR --cpp EXE --runs N [--quick] [--command TEXT]
                 [--results FILE] [--readme FILE]
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["W1", "W2", "W3", "W4", "W5"]
# (name in the table, how it is run)
LIBS = [
    ("emlog-write-through", "rust"),
    ("emlog-buffered", "rust"),
    ("spdlog-cpp", "cpp"),
    ("spdlog-rs", "rust"),
    ("flexi_logger", "rust"),
    ("log4rs", "rust"),
    ("fern", "rust"),
    ("tracing-blocking", "rust"),
    ("tracing-non_blocking", "rust"),
    ("env_logger", "rust"),
    ("baseline", "rust"),
    ("python-logging", "python"),
]
# Reported by emlog-write-through's W3 run: the log crate's filtered call.
LOG_CRATE = "log-crate"
EMLOG = ("emlog-write-through", "emlog-buffered")
# Peers whose file output is one write(2) per record (their defaults here).
WRITE_PER_RECORD = ["flexi_logger", "log4rs", "fern", "tracing-blocking", "env_logger"]
QUICK_RECORDS = {"W3": 1_000_000, "other": 100_000}
QUICK_PYTHON = {"W3": 100_000, "other": 10_000}
BASELINE_TEXT = "`Mutex<BufWriter<File>>` + chrono"


def command_for(lib, kind, workload, out, args):
    if kind == "rust":
        cmd = [os.path.join(args.bin, lib)]
    elif kind == "cpp":
        cmd = [args.cpp]
    else:
        cmd = [sys.executable, os.path.join(HERE, "python", "bench.py")]
    cmd += ["--workload", workload, "--out", out]
    if args.quick:
        table = QUICK_PYTHON if kind == "python" else QUICK_RECORDS
        cmd += ["--records", str(table["W3" if workload == "W3" else "other"])]
    return cmd


def run_one(lib, kind, workload, args, state):
    """Runs one library on one workload once; records its figures or failure."""
    out = os.path.join(args.work, f"{lib}-{workload}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    cmd = command_for(lib, kind, workload, out, args)
    start_ms = int(time.time() * 1000)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    end_ms = int(time.time() * 1000)
    if proc.returncode != 0:
        state["failures"].append(f"{lib} {workload}: exit {proc.returncode}: {proc.stderr.strip()[:300]}")
        return
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if not results:
        state["failures"].append(f"{lib} {workload}: no result line in {proc.stdout[:200]!r}")
        return
    main = results[0]
    if "unsupported" in main:
        state["unsupported"][(lib, workload)] = main["unsupported"]
        shutil.rmtree(out, ignore_errors=True)
        return
    check = subprocess.run(
        [
            os.path.join(args.bin, "check"),
            "--workload", workload,
            "--records", str(main["records"]),
            "--dir", out,
            "--window", str(start_ms), str(end_ms),
        ],
        capture_output=True,
        text=True,
    )
    shutil.rmtree(out, ignore_errors=True)
    if check.returncode != 0:
        state["failures"].append(f"{lib} {workload}: output check failed:\n{check.stdout.strip()}")
        state["failed"].add((lib, workload))
        return
    for r in results:
        state["samples"].setdefault((r["lib"], workload), []).append(r)
        state["records"][(r["lib"], workload)] = r["records"]


def median(lib, workload, state, key="ns_per_record"):
    samples = state["samples"].get((lib, workload), [])
    values = [s[key] for s in samples if key in s]
    if not values or (lib, workload) in state["failed"]:
        return None
    return statistics.median(values)


def spread(lib, workload, state, key="ns_per_record"):
    values = [s[key] for s in state["samples"].get((lib, workload), []) if key in s]
    return (min(values), max(values)) if values else None


def ns(v):
    if v is None:
        return "—"
    if v < 10:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:,.0f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}"


# (column title, workload, key)
COLUMNS = [
    ("W1 file", "W1", "ns_per_record"),
    ("W2 rotate", "W2", "ns_per_record"),
    ("W3 filtered", "W3", "ns_per_record"),
    ("W4 2 threads", "W4", "ns_per_record"),
    ("W5 caller", "W5", "caller_ns_per_record"),
    ("W5 complete", "W5", "ns_per_record"),
]


def cell(lib, workload, key, state):
    if (lib, workload) in state["failed"]:
        return "FAIL"
    if (lib, workload) in state["unsupported"]:
        return "n/a"
    return ns(median(lib, workload, state, key))


def label(lib):
    return {"baseline": f"baseline ({BASELINE_TEXT})", LOG_CRATE: "`log` crate filtered call"}.get(lib, lib)


def tables(state, args):
    lines = []
    names = [lib for lib, _ in LIBS]
    rows = names[:1] + [LOG_CRATE] + names[1:]
    lines.append("Median ns per record (W3: per call), " + f"{args.runs} run(s) each:")
    lines.append("")
    lines.append("| library | " + " | ".join(c[0] for c in COLUMNS) + " |")
    lines.append("|---|" + "---:|" * len(COLUMNS))
    for lib in rows:
        if lib == LOG_CRATE:
            cells = ["—", "—", ns(median(LOG_CRATE, "W3", state)), "—", "—", "—"]
        else:
            cells = [cell(lib, w, k, state) for _, w, k in COLUMNS]
        lines.append(f"| {label(lib)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Each peer's time ÷ emlog's (write-through / buffered); above 1 means emlog is faster:")
    lines.append("")
    lines.append("| library | " + " | ".join(c[0] for c in COLUMNS) + " |")
    lines.append("|---|" + "---:|" * len(COLUMNS))
    for lib in rows:
        if lib in EMLOG:
            continue
        cells = []
        for _, w, k in COLUMNS:
            peer = median(lib, w, state, k)
            wt = ratio(peer, median(EMLOG[0], w, state, k))
            buf = ratio(peer, median(EMLOG[1], w, state, k))
            cells.append("—" if peer is None else f"{fmt_ratio(wt)} / {fmt_ratio(buf)}")
        lines.append(f"| {label(lib)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.extend(goals(state))
    lines.append("")
    if state["unsupported"]:
        by_lib = {}
        for (lib, w), why in sorted(state["unsupported"].items()):
            by_lib.setdefault(lib, []).append(f"{w} ({why})")
        lines.append("n/a: not offered by the library: " + "; ".join(f"{lib} {', '.join(v)}" for lib, v in by_lib.items()) + ".")
    py = state["records"].get(("python-logging", "W1"))
    if py:
        lines.append(f"Python runs fewer records (W1: {py:,}); its figures are per record all the same.")
    lines.append(
        "Every run's output was checked (line count, every index once, line format, local timestamps "
        "within the run; W2: the newest records, contiguous, across 1 + 5 files of ≈1 MiB)."
        if not state["failures"]
        else f"{len(state['failures'])} run(s) FAILED their check or exited with an error (FAIL cells)."
    )
    return lines


def spread_table(state, args):
    """The lowest and highest run of each cell: how noisy the machine was."""
    lines = [f"Lowest–highest of the {args.runs} run(s), ns per record:", ""]
    lines.append("| library | " + " | ".join(c[0] for c in COLUMNS) + " |")
    lines.append("|---|" + "---:|" * len(COLUMNS))
    names = [lib for lib, _ in LIBS]
    for lib in names[:1] + [LOG_CRATE] + names[1:]:
        cells = []
        for _, w, k in COLUMNS:
            r = spread(lib, w, state, k)
            cells.append("—" if r is None else f"{ns(r[0])}–{ns(r[1])}")
        lines.append(f"| {label(lib)} | " + " | ".join(cells) + " |")
    return lines


def goals(state):
    def m(lib, w, key="ns_per_record"):
        return median(lib, w, state, key)

    rows = []

    def goal(text, value, peer_value, limit, peer_name):
        r = ratio(value, peer_value)
        verdict = "—" if r is None else ("pass" if r <= limit else "FAIL")
        rows.append(
            f"| {text} | {ns(value)} | {ns(peer_value)} ({peer_name}) | {fmt_ratio(r)} | ≤ {limit:g} | {verdict} |"
        )

    goal("buffered W1 ≤ 0.3 × C++ spdlog", m("emlog-buffered", "W1"), m("spdlog-cpp", "W1"), 0.3, "spdlog-cpp")
    goal("buffered W2 ≤ 0.3 × C++ spdlog", m("emlog-buffered", "W2"), m("spdlog-cpp", "W2"), 0.3, "spdlog-cpp")
    writers = [(m(lib, "W1"), lib) for lib in WRITE_PER_RECORD if m(lib, "W1") is not None]
    fastest = min(writers) if writers else (None, "none")
    goal(
        "write-through W1 ≤ 0.5 × fastest peer writing every record",
        m("emlog-write-through", "W1"),
        fastest[0],
        0.5,
        fastest[1],
    )
    goal("W3 ≤ the `log` crate's filtered call", m("emlog-write-through", "W3"), m(LOG_CRATE, "W3"), 1.0, "log crate")
    for lib in EMLOG:
        goal(f"{lib} W4 ≤ 0.6 × spdlog-rs", m(lib, "W4"), m("spdlog-rs", "W4"), 0.6, "spdlog-rs")
    for lib in EMLOG:
        goal(
            f"{lib} W5 caller ≤ 0.1 × spdlog-rs",
            m(lib, "W5", "caller_ns_per_record"),
            m("spdlog-rs", "W5", "caller_ns_per_record"),
            0.1,
            "spdlog-rs",
        )
    head = [
        "Goals (issue 6), as ratios in this run:",
        "",
        "| goal | emlog ns | peer ns | ratio | target | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    tail = ["| zero heap allocations per record (W1, W2, W5) | — | — | — | 0 | a test (counting allocator), not timed here |"]
    return head + rows + tail


def machine(args, load_before):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "unknown"

    spdlog = version(["dpkg-query", "-W", "-f", "${Version}\\n", "libspdlog-dev"])
    load_after = os.getloadavg()[0]
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {len(os.sched_getaffinity(0))} CPUs (`nproc`), {cpu}, Linux {platform.release()}",
        f"- load average (1 min) before / after: {load_before:.1f} / {load_after:.1f}: the machine was shared, "
        "so figures move by ±30% between runs; compare ratios within one run",
        f"- {version(['rustc', '--version'])}, {version(['g++', '--version'])}, "
        f"libspdlog-dev {spdlog}, Python {platform.python_version()}",
        f"- command: `{args.command}`",
    ]


def replace_between(path, begin, end, body):
    with open(path) as f:
        text = f.read()
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        sys.exit(f"{path}: markers {begin} / {end} not found")
    text = pattern.sub(lambda _: begin + "\n" + body + "\n" + end, text)
    with open(path, "w") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--cpp", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--command", default="tests/bench-host/run.sh")
    p.add_argument("--results")
    p.add_argument("--readme")
    p.add_argument("--only", help="comma-separated libraries to run (default: all)")
    args = p.parse_args()
    libs = LIBS
    if args.only:
        wanted = set(args.only.split(","))
        libs = [(lib, kind) for lib, kind in LIBS if lib in wanted]
    state = {"samples": {}, "records": {}, "failures": [], "failed": set(), "unsupported": {}}
    load_before = os.getloadavg()[0]
    for run in range(1, args.runs + 1):
        for workload in WORKLOADS:
            for lib, kind in libs:
                print(f"run {run}/{args.runs} {workload} {lib}", file=sys.stderr, flush=True)
                run_one(lib, kind, workload, args, state)
    body = tables(state, args) + [""] + machine(args, load_before)
    text = "\n".join(body)
    print(text)
    for failure in state["failures"]:
        print("FAILED: " + failure, file=sys.stderr)
    if args.results:
        with open(args.results, "w") as f:
            f.write(
                "# Host benchmark results\n\n"
                "Produced by `tests/bench-host/run.sh` (issue 6's workloads W1–W5; see the README in this folder). "
                "Not typed by hand.\n\n" + text + "\n\n" + "\n".join(spread_table(state, args)) + "\n"
            )
    if args.readme:
        replace_between(args.readme, "<!-- bench-host:begin -->", "<!-- bench-host:end -->", text)
    return 1 if state["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
