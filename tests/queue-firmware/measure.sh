#!/usr/bin/env bash
# Reproduces the figures in the queue work's report: flash of the size demos
# (vector table + text + rodata + data, `--profile firmware`) and guest
# instructions per call under `qemu -icount shift=0` (deterministic; a loop of
# known instruction count calibrates the timer).
set -euo pipefail
cd "$(dirname "$0")"
targets="thumbv7m-none-eabi thumbv6m-none-eabi riscv32imac-unknown-none-elf"
for t in $targets; do
    cargo build --quiet --profile firmware --target "$t"
    DEFMT_LOG=debug cargo build --quiet --profile firmware --target "$t" --features defmt --bin size_defmt
    for b in size_direct size_queue size_defmt; do
        llvm-size -A "target/$t/firmware/$b" |
            awk -v b="$b" -v t="$t" '/^\.(vector_table|text|init\.rust|rodata|data) /{s+=$2} END{printf "%-30s %-12s flash %6d\n", t, b, s}'
    done
done
for b in icount_direct icount_queue; do
    timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic -semihosting-config enable=on,target=native \
        -serial stdio -monitor none -icount shift=0 -kernel "target/thumbv7m-none-eabi/firmware/$b" 2>/dev/null | grep -a "per call" | sed 's/^/lm3s6965evb: /'
    timeout 60 qemu-system-arm -machine microbit -nographic -semihosting-config enable=on,target=native \
        -serial stdio -monitor none -icount shift=0 -kernel "target/thumbv6m-none-eabi/firmware/$b" 2>/dev/null | grep -a "per call" | sed 's/^/microbit:    /'
    timeout 60 qemu-system-riscv32 -machine virt -nographic -serial stdio -monitor none -bios none \
        -icount shift=0 -kernel "target/riscv32imac-unknown-none-elf/firmware/$b" 2>/dev/null | grep -a "per call" | sed 's/^/virt:        /'
done
