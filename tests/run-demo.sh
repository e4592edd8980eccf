#!/usr/bin/env bash
# The firmware demo: emlog logging over a UART, in QEMU, no hardware needed.
#   tests/run-demo.sh                 # lm3s6965evb (Cortex-M3)
#   tests/run-demo.sh microbit        # micro:bit (Cortex-M0)
#   tests/run-demo.sh virt            # RISC-V virt machine
# Installs QEMU first when it is missing (as root on Debian; otherwise says how).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
machine="${1:-lm3s6965evb}"
case "$machine" in
    lm3s6965evb) target=thumbv7m-none-eabi
        qemu=(qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -semihosting-config enable=on,target=native) ;;
    microbit) target=thumbv6m-none-eabi
        qemu=(qemu-system-arm -machine microbit -semihosting-config enable=on,target=native) ;;
    virt) target=riscv32imac-unknown-none-elf
        qemu=(qemu-system-riscv32 -machine virt -bios none) ;;
    *) echo "unknown machine '$machine': expected lm3s6965evb, microbit or virt" >&2; exit 2 ;;
esac
"$root/tests/ensure-qemu.sh"
export CARGO_TARGET_DIR="$root/target/firmware"
(cd "$root/examples/firmware-demo" && cargo build --quiet --profile firmware --target "$target")
# The firmware exits QEMU itself; the time limit only catches a hang.
timeout 60 "${qemu[@]}" -nographic -serial stdio -monitor none \
    -kernel "$CARGO_TARGET_DIR/$target/firmware/firmware-demo"
