#!/usr/bin/env python3
"""Checks golden/formatter_fields.out against what Python's logging prints for
the same record and the same format strings (as formatter_fields.rs uses)."""
import logging
import sys
import time

FORMATS = [
    ("%", "%(asctime)s|%(created)f|%(created).3f|%(msecs)03d|%(msecs)d"),
    ("%", "%(levelname)-8s|%(levelname)8s|%(levelname).3s|%(levelno)d|%(levelno)5d|%(levelno)-5d|%(levelno)05d"),
    ("%", "%(name)s|%(name)-12s|%(name)12s|%(name).4s|%(message)s|%(message)-16s|%(message).5s"),
    ("%", "%(filename)s|%(module)s|%(lineno)d|%(lineno)6d|%(pathname)s"),
    ("%", "%(thread)d|%(threadName)s|%(process)d|%(processName)s|%(name)r|%%"),
    ("{", "{levelname:<8}|{levelname:>8}|{levelname:^9}|{name:*^12}|{levelno:03d}|{msecs:03.0f}|{message}"),
]

golden = open(sys.argv[1], encoding="utf-8").read().splitlines()
lineno = int(golden[3].split("|")[2])  # the Rust source line of the call, whatever it is now
record = logging.LogRecord("app.net", logging.WARNING, "src/bin/formatter_fields.rs", lineno, "link up %d", (42,), None)
record.created, record.msecs = 1795437296.789, 789.0
record.thread, record.threadName, record.process, record.processName = 7, "main", 42, "firmware"
expected = []
for style, fmt in FORMATS:
    formatter = logging.Formatter(fmt, style=style)
    formatter.converter = time.gmtime
    expected.append(formatter.format(record))
if golden[: len(expected)] != expected:
    for want, got in zip(expected, golden):
        if want != got:
            print(f"python: {want!r}\ngolden: {got!r}")
    sys.exit("golden/formatter_fields.out differs from Python's logging")
print(f"golden/formatter_fields.out matches Python {sys.version.split()[0]} line for line")
