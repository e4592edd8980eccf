"""Prints the expectations of core/tests/format.rs: what Python 3's logging.Formatter
writes for the record those tests build. Run: python3 core/tests/format_expectations.py"""
import logging, time

record = logging.LogRecord("app.net", logging.INFO, "src/net/tcp.rs", 42,
                           "link up after %d ms", (12,), None)
record.created = 1700000000.25
record.msecs = 250.0
record.relativeCreated = 1700000000250.0  # the test binary never calls install()
record.thread, record.threadName = 1234, "rx-thread"
record.process, record.processName = 4321, "worker"
record.sequence = 7

PERCENT = [
    "%(name)s", "%(name)-10s|", "%(name)10s", "%(name).3s", "%(name)-10.3s|", "%(name)r", "%(name)a",
    "%(name)010s", "%(name)+s", "%(levelname)-8s|", "%(levelname).1s", "%(levelname)8s", "%(levelname)r",
    "%(message)s", "%(message)30s", "%(message)-30s|", "%(message).7s", "%(message)10.4s", "%(message)r",
    "%(filename)s", "%(pathname)s", "%(module)s", "%(threadName)s", "%(processName)s", "%(asctime)s",
    "%(asctime)30s", "%(asctime).10s", "%(asctime)-25s|",
    "%(levelno)s", "%(levelno)d", "%(levelno)i", "%(levelno)u", "%(levelno)5d", "%(levelno)-5d|",
    "%(levelno)05d", "%(levelno)+d", "%(levelno) d", "%(levelno)+05d", "%(levelno)-+5d|",
    "%(levelno).4d", "%(levelno)8.4d", "%(levelno)x", "%(levelno)X", "%(levelno)o", "%(levelno)#x",
    "%(levelno)#X", "%(levelno)#o", "%(levelno)#08x", "%(levelno)08.3x", "%(levelno)f", "%(levelno).2f",
    "%(levelno)e", "%(levelno).1E", "%(levelno)5s", "%(levelno)05s", "%(levelno).1s", "%(levelno)r",
    "%(levelno)+s", "%(lineno)d", "%(lineno)-6d|", "%(lineno)06d", "%(thread)d",
    "%(thread)x", "%(process)d", "%(process)o", "%(sequence)d", "%(sequence)03d",
    "%(created)s", "%(created)f", "%(created).3f", "%(created).0f", "%(created)#.0f", "%(created).1f",
    "%(created)20.2f", "%(created)-20.2f|", "%(created)020.3f", "%(created)+f", "%(created) .2f",
    "%(created)e", "%(created).2e", "%(created).0e", "%(created)E", "%(created)d", "%(created)015d",
    "%(created)r", "%(created).4s", "%(created)20s", "%(created).12f",
    "%(msecs)s", "%(msecs)d", "%(msecs)03d", "%(msecs)f", "%(msecs).1f", "%(msecs)e", "%(msecs)6.1f",
    "%(relativeCreated)s", "%(relativeCreated)d", "%(relativeCreated).1f", "%(relativeCreated)e",
    "%(asctime)s %(levelname)-8s %(name)s: %(message)s", "100%% %(levelname)s %%",
    "[%(asctime)s.%(msecs)03d] %(levelname)s %(filename)s:%(lineno)d %(message)s",
]
BRACE = [
    "{name}", "{name:<10}|", "{name:>10}", "{name:^10}|", "{name:*^11}", "{name:.3}", "{name:10.3}|",
    "{name!r}", "{name!r:>12}", "{name!a}", "{name:05}", "{name:s}", "{levelname:<8}|", "{levelname:.1}",
    "{message}", "{message:>30}", "{message:<30}|", "{message:^30}|", "{message:.7}", "{message!r}",
    "{asctime}", "{asctime:>30}", "{levelno}", "{levelno:d}", "{levelno:5}", "{levelno:<5}|",
    "{levelno:^5}|", "{levelno:05}", "{levelno:<05}", "{levelno:+}", "{levelno: }", "{levelno:=+6}",
    "{levelno:*=+6}", "{levelno:+06d}", "{levelno:x}", "{levelno:X}", "{levelno:o}", "{levelno:#x}",
    "{levelno:#o}", "{levelno:#010x}", "{levelno:f}", "{levelno:.2f}", "{levelno:e}", "{levelno!s:>5}",
    "{levelno!r}", "{lineno:>6d}", "{thread:x}", "{process:o}", "{sequence:03d}", "{created}",
    "{created:f}", "{created:.3f}", "{created:20.2f}", "{created:_<20.2f}", "{created:+.1f}",
    "{created:e}", "{created:.2E}", "{created!s:.6}", "{created!r}", "{msecs!s:>8}", "{created!r:^17}", "{msecs}", "{msecs:03.0f}", "{msecs:.1f}",
    "{relativeCreated}", "{relativeCreated:.0f}",
    "{asctime} {levelname:<8} {name}: {message}", "{{{levelname}}} {{}}",
]
DATEFMTS = ["%Y-%m-%d %H:%M:%S", "%y%m%d", "%d %b %Y", "%A %B", "%a %b %d %I:%M:%S %p",
            "%j", "%H%%", "%Y-%m-%dT%H:%M:%S%z"]

def rust(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

for style, cases in (("PERCENT", PERCENT), ("BRACE", BRACE)):
    print(f"const {style}_CASES: &[(&str, &str)] = &[")
    for fmt in cases:
        f = logging.Formatter(fmt, style="%" if style == "PERCENT" else "{")
        f.converter = time.gmtime
        print(f"    ({rust(fmt)}, {rust(f.format(record))}),")
    print("];")
print("const DATEFMT_CASES: &[(&str, &str)] = &[")
for d in DATEFMTS:
    f = logging.Formatter("%(asctime)s", datefmt=d)
    f.converter = time.gmtime
    print(f"    ({rust(d)}, {rust(f.format(record))}),")
print("];")
