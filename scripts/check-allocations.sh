#!/usr/bin/env bash
# Verifies that the training loops allocate nothing per step: valgrind's heap-allocation count for
# 100 and 1100 steps of every gradient source × optimizer (and 1 vs 11 NTK evaluations) must be equal.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "check-allocations: valgrind not installed (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --product rnndyn-bench >/dev/null
# valgrind 3.19 cannot read the DWARF 5 that clang 21 emits for the C kernels; the symbol table is all it needs.
command -v objcopy >/dev/null || { echo "check-allocations: objcopy not installed (apt-get install binutils)" >&2; exit 1; }
bin=$(mktemp); trap 'rm -f "$bin"' EXIT
objcopy --strip-debug .build/release/rnndyn-bench "$bin"
count() { PROBE_N=$1 valgrind "$bin" --probe-alloc 2>&1 | sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p'; }
a=$(count 100); b=$(count 1100)
echo "heap allocations: $a (100 steps) vs $b (1100 steps)"
[ "$a" = "$b" ] && echo "check-allocations: OK, no allocation per training step" || { echo "check-allocations: FAILED" >&2; exit 1; }
