#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#
# 1. The release build (build/release, GCC, -march=native) and all its tests.
# 2. The core and the CLI again with AddressSanitizer + UndefinedBehaviorSanitizer
#    (+ LeakSanitizer), clang-14 -O1 for the baseline x86-64 (so the kernels' portable
#    code runs there), with the readers' libFuzzer targets (preset asan-core, into
#    build/asan-core), and their tests: ctest --preset asan-core, which leaves the tests
#    labelled asan-heavy and the Slurm check to the release run, and runs the fuzzers
#    15 s each (fuzz_readers). docs/ROBUSTNESS.md, "Sanitizers in CI".
# RSSVIZ_TEST_ASAN=0 skips step 2 (a quick local run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
start=$SECONDS
"$root/scripts/build.sh"
built=$SECONDS
cd "$root/build/release"
ctest --output-on-failure -j "$(nproc)" --timeout 900
echo "rssviz: release tests passed (build $((built - start)) s, tests $((SECONDS - built)) s)"

if [[ "${RSSVIZ_TEST_ASAN:-1}" != 0 ]]; then
  cd "$root"
  start=$SECONDS
  if [[ ! -f build/asan-core/build.ninja ]]; then
    cmake --preset asan-core >/dev/null
  fi
  cmake --build build/asan-core -j "$(nproc)"
  built=$SECONDS
  ctest --preset asan-core -j "$(nproc)"
  echo "rssviz: ASan + UBSan core and CLI tests and fuzzers passed (build $((built - start)) s, tests $((SECONDS - built)) s)"
fi
