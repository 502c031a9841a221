#!/usr/bin/env bash
# Runs PROGRAM on the portable core of one x86-64 level, whatever the best level this CPU
# runs: glibc's loader is told to search only that glibc-hwcaps subdirectory
# (ld.so --glibc-hwcaps-mask), or none for the baseline library. The test suite runs the
# core tests this way on every level below the loader's own choice, since the normal run
# already covers that one (ctest -R core_tests_on_). RSSVIZ_EXPECT_KERNEL_LEVEL tells the
# KernelLevel test which level it must find loaded.
# Exit: PROGRAM's; 77 = skipped (this CPU cannot run LEVEL, or LEVEL is the loader's
# choice anyway).
#
#   scripts/run_level.sh LEVEL BEST_BUILT... -- PROGRAM [ARGS...]
#   LEVEL: x86-64 (baseline), x86-64-v3 or x86-64-v4; BEST_BUILT: the levels built
#   beside the baseline (RSSVIZ_HWCAPS_LEVELS)
set -euo pipefail
level=$1
shift
built=()
while [ "$1" != -- ]; do built+=("$1"); shift; done
shift
ldso=/lib64/ld-linux-x86-64.so.2
supported() { [ "$1" = x86-64 ] || "$ldso" --help | grep -q "^  $1 (supported"; }
if ! supported "$level"; then
  echo "run_level: this CPU cannot run $level; skipped"
  exit 77
fi
choice=x86-64
for b in "${built[@]}"; do
  if supported "$b"; then choice=$b; fi
done
if [ "$choice" = "$level" ]; then
  echo "run_level: $level is the loader's own choice on this CPU, which the normal test run covers; skipped"
  exit 77
fi
# An empty mask searches no glibc-hwcaps subdirectory: the baseline in lib/.
mask=$level
if [ "$level" = x86-64 ]; then mask=""; fi
export RSSVIZ_EXPECT_KERNEL_LEVEL=$level
echo "run_level: $* on the $level core (the loader would choose $choice)"
exec "$ldso" --glibc-hwcaps-mask "$mask" "$@"
