#!/usr/bin/env bash
# Makes sure qemu-system-arm and qemu-system-riscv32 are on PATH.
#
# Missing, and running as root on Debian: installs them. Debian's own
# qemu-system (7.2) conflicts with a newer qemu-utils from bookworm-backports
# that some images ship; then the same version comes from bookworm-backports.
# Missing otherwise: says exactly what to run, and fails.
set -euo pipefail

have() { command -v qemu-system-arm >/dev/null && command -v qemu-system-riscv32 >/dev/null; }
have && exit 0

how="apt-get install -y qemu-system-arm qemu-system-misc   (qemu-system-misc carries qemu-system-riscv32)"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "QEMU is missing. Install it as root:  $how" >&2
    echo "(If apt reports a conflict with qemu-utils, add bookworm-backports and use -t bookworm-backports.)" >&2
    exit 1
fi
echo "Installing QEMU: $how"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! apt-get install -y -qq qemu-system-arm qemu-system-misc >/tmp/emlog-qemu-install.log 2>&1; then
    echo "Debian's QEMU conflicts with this image's packages; installing from bookworm-backports."
    echo 'deb http://deb.debian.org/debian bookworm-backports main' >/etc/apt/sources.list.d/emlog-backports.list
    apt-get update -qq
    apt-get install -y -qq -t bookworm-backports qemu-system-arm qemu-system-misc >>/tmp/emlog-qemu-install.log 2>&1 \
        || { tail -20 /tmp/emlog-qemu-install.log >&2; echo "QEMU could not be installed (log above)." >&2; exit 1; }
fi
have || { echo "QEMU installed but qemu-system-arm / qemu-system-riscv32 still not on PATH" >&2; exit 1; }
qemu-system-arm --version | head -1
