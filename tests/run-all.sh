#!/usr/bin/env bash
# Every test of emlog, on a fresh Debian machine as well as a developer's:
#   1. QEMU present (installed when running as root on Debian);
#   2. host tests of every crate (core with log and defmt, std, examples), and
#      loom models of the core's queue and dispatcher (tests/loom.sh);
#   3. the no_std core built for each embedded target with each feature set;
#   4. firmware tests in QEMU on lm3s6965evb, microbit and the RISC-V virt machine;
#   5. the embedded size report against its snapshot (flash, instructions per call);
#   6. emlog-std checked for Windows (x86_64-pc-windows-gnu).
# Ends with "N passed, M failed" and exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failures=()
step() { # name, command...
    local name="$1"
    shift
    echo
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAILED: $name"
    fi
}

mkdir -p target
step "QEMU installed" tests/ensure-qemu.sh
# Named features, not --all-features: that would switch on the max_level_off
# ceiling and compile every logging call out.
step "host tests" cargo test --workspace --features emlog/log,emlog/defmt
# emlog's own defmt global logger is a separate feature (a program has one global logger).
step "host test of the defmt global logger" cargo test -p emlog --features defmt-logger --test defmt_logger
# defmt mode changes every macro call, so its test builds apart; DEFMT_LOG=trace
# keeps every defmt level; the first build has the log bridge, the second the ceiling.
step "host test of defmt mode" env DEFMT_LOG=trace cargo test -p emlog --features defmt-mode,defmt-logger,log --test defmt_mode
step "host test of defmt mode under max_level_info" env DEFMT_LOG=trace cargo test -p emlog --features defmt-mode,defmt-logger,max_level_info --test defmt_mode
step "loom models of the core's queue and dispatcher" tests/loom.sh
step "uart-demux host tests" bash -c "cd tests/uart-demux && cargo test --quiet"
for target in thumbv7m-none-eabi thumbv6m-none-eabi riscv32imac-unknown-none-elf; do
    for features in "" log defmt log,defmt defmt-mode log,defmt-mode; do
        step "no_std core for $target [${features:-no features}]" \
            cargo build --quiet -p emlog --target "$target" --no-default-features ${features:+--features "$features"}
    done
done
for machine in lm3s6965evb microbit virt; do
    step "firmware demo on $machine" bash -c "tests/run-demo.sh $machine >target/demo-$machine.out 2>&1 || { cat target/demo-$machine.out; exit 1; }"
done
step "core firmware tests on three QEMU machines (levels, formatter, cutting, table, re-entrancy, log bridge, ceiling, interrupts)" tests/firmware/run.sh
step "firmware tests on three QEMU machines (queue, memory, defmt, defmt mode, panic)" tests/queue-firmware/run.sh
step "embedded size and speed within 5 % of tests/size-report/snapshot.tsv" tests/size-report/check.sh
step "emlog-std for Windows" cargo check --quiet -p emlog-std --target x86_64-pc-windows-gnu

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
