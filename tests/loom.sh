#!/usr/bin/env bash
# Model-checks the core's queue and dispatcher with loom (core/tests/loom_*.rs).
#
# Built with --cfg loom, the queue's atomics and slot cells are loom's
# (core/src/sync.rs) and the critical section is a loom mutex
# (core/tests/loom_support/mod.rs). Two passes over the queue models:
#   - default: every atomic access modelled as a read-modify-write, so loom's
#     partial-order reduction explores every order of accesses (loom 0.7 misses
#     some with plain loads: tokio-rs/loom#392, #166);
#   - EMLOG_LOOM_LOADS=plain: loom's own loads and stores, which also model a
#     load returning an older value.
# Preemptions per interleaving are bounded at LOOM_MAX_PREEMPTIONS (4 unless
# set). A separate target dir keeps the --cfg loom build from invalidating the
# normal one. The models run in about 3 s at bound 4 (12 s at 5); compiling
# loom the first time takes a minute or two on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="--cfg loom"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/loom"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-4}"
run() { cargo test -q -p emlog --release --test loom_queue --test loom_dispatch -- --nocapture "$@"; }
echo "--- loom, every access a read-modify-write (preemption bound $LOOM_MAX_PREEMPTIONS)"
run
echo "--- loom, loom's own loads and stores (preemption bound $LOOM_MAX_PREEMPTIONS)"
EMLOG_LOOM_LOADS=plain run
