#!/usr/bin/env bash
# Builds every size-report variant twice (as it is, for flash and RAM; with the
# `icount` harness, for instructions per call), measures them, and writes one
# TSV line per variant to stdout:
#   variant  flash  ram  filtered  emitted  enqueue  drain   ("-" where not measured)
# Used by run.sh and check.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
# defmt filters at compile time; without this only `error!` would be compiled in.
export DEFMT_LOG=info
target=thumbv7m-none-eabi
root="$here/../../target/size-report"
variants=(empty raw_uart core_fmt log_facade defmt_alone emlog_minimal emlog_buffered emlog_ten emlog_full emlog_queue emlog_defmt)

size_tool="$(command -v llvm-size || true)"
if [ -z "$size_tool" ]; then
    size_tool="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-size"
fi
[ -x "$size_tool" ] || { echo "llvm-size not found: rustup component add llvm-tools" >&2; exit 1; }
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm missing: run tests/ensure-qemu.sh" >&2; exit 1; }

build() { # dir, extra features
    local dir="$1" extra="$2"
    local cargo=(cargo build --quiet --profile firmware --target "$target")
    CARGO_TARGET_DIR="$dir" "${cargo[@]}" ${extra:+--features "$extra"}
    CARGO_TARGET_DIR="$dir" "${cargo[@]}" --features "log${extra:+,$extra}" --bin log_facade
    CARGO_TARGET_DIR="$dir" "${cargo[@]}" --features "defmt${extra:+,$extra}" --bin defmt_alone
    CARGO_TARGET_DIR="$dir" "${cargo[@]}" --features "defmt-mode${extra:+,$extra}" --bin emlog_defmt
}
build "$root/size" ""
build "$root/icount" icount

for v in "${variants[@]}"; do
    read -r flash ram < <("$size_tool" -A "$root/size/$target/firmware/$v" |
        awk '/^\.(vector_table|text|rodata|data) /{f+=$2} /^\.(data|bss|uninit) /{r+=$2} END{print f, r}')
    declare -A icount=([filtered]=- [emitted]=- [enqueue]=- [drain]=-)
    if [ "$v" != empty ] && [ "$v" != raw_uart ] && [ "$v" != emlog_ten ]; then
        out="$root/$v.uart"
        if ! timeout 120 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
            -semihosting-config enable=on,target=native -serial stdio -monitor none \
            -icount shift=0 -kernel "$root/icount/$target/firmware/$v" >"$out" 2>"$root/$v.stderr"; then
            echo "$v: the icount run failed (QEMU's exit status; output in $out, $root/$v.stderr)" >&2
            exit 1
        fi
        while read -r _ label n; do
            icount[$label]="$n"
        done < <(grep -ao 'icount [a-z]* [0-9]*' "$out")
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$flash" "$ram" \
        "${icount[filtered]}" "${icount[emitted]}" "${icount[enqueue]}" "${icount[drain]}"
    unset icount
done
