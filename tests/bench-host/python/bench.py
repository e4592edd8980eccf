#!/usr/bin/env python3
"""Python 3's logging on the benchmark's workloads (fewer records; per-record
figures): FileHandler (W1, W3, W4), RotatingFileHandler 1 MiB x 5 (W2),
QueueHandler + QueueListener in front of a FileHandler (W5).

usage: bench.py --workload W1..W5 --out DIR [--records N]; prints one JSON line.
"""

import argparse
import json
import logging
import logging.handlers
import os
import queue
import sys
import threading
import time

W3_PASSES = 5
DEFAULT_RECORDS = {"W1": 100_000, "W2": 100_000, "W3": 1_000_000, "W4": 100_000, "W5": 100_000}
THREADS = 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workload", required=True, choices=sorted(DEFAULT_RECORDS))
    parser.add_argument("--out", required=True)
    parser.add_argument("--records", type=int)
    args = parser.parse_args()
    n = args.records or DEFAULT_RECORDS[args.workload]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "bench.log")

    formatter = logging.Formatter(
        "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )
    if args.workload == "W2":
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1024 * 1024, backupCount=5)
    else:
        handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(formatter)
    listener = None
    logger = logging.getLogger("bench")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if args.workload == "W5":
        q = queue.Queue(-1)
        listener = logging.handlers.QueueListener(q, handler)
        listener.start()
        logger.addHandler(logging.handlers.QueueHandler(q))
    else:
        logger.addHandler(handler)

    def finish():
        if listener is not None:
            listener.stop()  # drains the queue, joins the thread
        handler.flush()
        handler.close()

    result = {"lib": "python-logging", "workload": args.workload, "records": n}
    info = logger.info
    if args.workload == "W3":  # an untimed first pass, as the Rust and C++ harnesses do
        for i in range(n):
            logger.debug("request %d served in %.3f ms", i, i * 0.001)
    start = time.perf_counter_ns()
    if args.workload == "W3":  # the median of W3_PASSES timed passes, as the other harnesses take
        debug = logger.debug
        passes = []
        for _ in range(W3_PASSES):
            pass_start = time.perf_counter_ns()
            for i in range(n):
                debug("request %d served in %.3f ms", i, i * 0.001)
            passes.append(time.perf_counter_ns() - pass_start)
        total = sorted(passes)[W3_PASSES // 2]
        finish()
    elif args.workload == "W4":
        per_thread = n // THREADS
        barrier = threading.Barrier(THREADS + 1)

        def work(t):
            barrier.wait()
            for k in range(per_thread):
                i = t * per_thread + k
                info("request %d served in %.3f ms", i, i * 0.001)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter_ns()
        for t in threads:
            t.join()
        finish()
        total = time.perf_counter_ns() - start
    else:
        for i in range(n):
            info("request %d served in %.3f ms", i, i * 0.001)
        caller = time.perf_counter_ns() - start
        finish()
        total = time.perf_counter_ns() - start
        if args.workload == "W5":
            result["caller_ns_per_record"] = round(caller / n, 2)
    result["ns_per_record"] = round(total / n, 2)
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    sys.exit(main())
