#!/usr/bin/env bash
# Builds the queue firmware tests for every QEMU machine, runs each with a time
# limit, and checks the UART output (golden files, or check_queue.py for the
# interrupt-vs-main test). Fails loudly if QEMU is missing or a run fails.
#
#   tests/queue-firmware/run.sh            # all machines
#   tests/queue-firmware/run.sh microbit   # one machine
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
out="$here/target/qemu-out"
mkdir -p "$out"

machines=("${@:-lm3s6965evb microbit virt}")
read -r -a machines <<<"${machines[*]}"

target_of() {
    case "$1" in
        lm3s6965evb) echo thumbv7m-none-eabi ;;
        microbit) echo thumbv6m-none-eabi ;;
        virt) echo riscv32imac-unknown-none-elf ;;
        *) echo "unknown machine $1 (expected lm3s6965evb, microbit or virt)" >&2; exit 2 ;;
    esac
}

qemu() { # machine elf -> UART bytes on stdout
    case "$1" in
        lm3s6965evb) timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
            -semihosting-config enable=on,target=native -serial stdio -monitor none -kernel "$2" ;;
        microbit) timeout 60 qemu-system-arm -machine microbit -nographic \
            -semihosting-config enable=on,target=native -serial stdio -monitor none -kernel "$2" ;;
        virt) timeout 60 qemu-system-riscv32 -machine virt -nographic -serial stdio -monitor none \
            -bios none -kernel "$2" ;;
    esac
}

for tool in qemu-system-arm qemu-system-riscv32 python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y qemu-system-arm qemu-system-misc python3" >&2; exit 1; }
done
(cd ../uart-demux && cargo build --quiet)
demux="$here/../uart-demux/target/debug/uart-demux"

failed=0
passed=0
for machine in "${machines[@]}"; do
    target="$(target_of "$machine")"
    cargo build --quiet --profile firmware --target "$target"
    DEFMT_LOG=debug cargo build --quiet --profile firmware --target "$target" --features defmt --bin defmt_mix
    DEFMT_LOG=debug cargo build --quiet --profile firmware --target "$target" --features defmt-mode --bin defmt_mode
    bin="$here/target/$target/firmware"
    tests="queue_isr queue_isr_oldest memory_dump panic_path panic_in_handler defmt_mix defmt_mode"
    # Nested interrupts: Cortex-M only (riscv-rt's trap handler does not nest).
    [ "$machine" = virt ] || tests="$tests queue_nested"
    for test in $tests; do
        capture="$out/$machine-$test.uart"
        if ! qemu "$machine" "$bin/$test" >"$capture" 2>"$out/$machine-$test.stderr"; then
            echo "FAIL $machine $test: QEMU exited with an error (see $out/$machine-$test.stderr)"
            failed=$((failed + 1))
            continue
        fi
        case "$test" in
            queue_isr | queue_isr_oldest) check=(python3 check_queue.py "$capture") ;;
            queue_nested) check=(python3 check_nested.py "$capture") ;;
            defmt_mix | defmt_mode)
                "$demux" "$bin/$test" "$capture" >"$capture.txt"
                check=(python3 compare.py "golden/$test.out" "$capture.txt") ;;
            *) check=(python3 compare.py "golden/$test.out" "$capture") ;;
        esac
        if "${check[@]}" >"$out/$machine-$test.check" 2>&1; then
            echo "ok   $machine $test"
            passed=$((passed + 1))
        else
            echo "FAIL $machine $test"; cat "$out/$machine-$test.check"
            failed=$((failed + 1))
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
