#!/usr/bin/env bash
# Builds the core firmware tests for every QEMU machine, runs each with a time
# limit, and checks its UART output against golden/<test>.out (isr_direct:
# check_isr.py, as its interleaving depends on timing) and its exit status.
#
#   tests/firmware/run.sh                  # all machines
#   tests/firmware/run.sh microbit         # one machine
#   tests/firmware/run.sh --bless          # rewrite the golden files from lm3s6965evb's output
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export CARGO_TARGET_DIR="$here/../../target/firmware"
out="$CARGO_TARGET_DIR/core-firmware-out"
mkdir -p "$out"

bless=0
machines=()
for arg in "$@"; do
    case "$arg" in
        --bless) bless=1 ;;
        *) machines+=("$arg") ;;
    esac
done
[ ${#machines[@]} -gt 0 ] || machines=(lm3s6965evb microbit virt)
[ "$bless" -eq 0 ] || machines=(lm3s6965evb)

target_of() {
    case "$1" in
        lm3s6965evb) echo thumbv7m-none-eabi ;;
        microbit) echo thumbv6m-none-eabi ;;
        virt) echo riscv32imac-unknown-none-elf ;;
        *) echo "unknown machine $1 (expected lm3s6965evb, microbit or virt)" >&2; exit 2 ;;
    esac
}

qemu() { # machine elf -> UART bytes on stdout; a hang is killed after 60 s
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
    command -v "$tool" >/dev/null || { echo "missing $tool: run tests/ensure-qemu.sh" >&2; exit 1; }
done

tests=(levels_filters formatter_fields cut_record table_full reentrant log_bridge ceiling isr_direct plain_messages)
failed=0
passed=0
for machine in "${machines[@]}"; do
    target="$(target_of "$machine")"
    cargo build --quiet --profile firmware --target "$target"
    cargo build --quiet --profile firmware --target "$target" --features ceiling --bin ceiling
    bin="$CARGO_TARGET_DIR/$target/firmware"
    for test in "${tests[@]}"; do
        capture="$out/$machine-$test.uart"
        if ! qemu "$machine" "$bin/$test" >"$capture" 2>"$out/$machine-$test.stderr"; then
            echo "FAIL $machine $test: QEMU exited with an error (see $out/$machine-$test.stderr)"
            tail -5 "$capture"
            failed=$((failed + 1))
            continue
        fi
        if [ "$test" = isr_direct ]; then
            check=(python3 check_isr.py "$capture")
        elif [ "$bless" -eq 1 ]; then
            cp "$capture" "golden/$test.out"
            check=(true)
        else
            check=(python3 ../queue-firmware/compare.py "golden/$test.out" "$capture")
        fi
        if "${check[@]}" >"$out/$machine-$test.check" 2>&1; then
            echo "ok   $machine $test"
            passed=$((passed + 1))
        else
            echo "FAIL $machine $test"
            cat "$out/$machine-$test.check"
            failed=$((failed + 1))
        fi
    done
done
if python3 python_formatter_fields.py golden/formatter_fields.out; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
