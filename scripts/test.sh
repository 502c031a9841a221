#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test; then
# builds the core and the CLI with AddressSanitizer + UndefinedBehaviorSanitizer (the
# asan-core preset: -O1, no Qt, into build/asan-core) and runs their tests under ASan,
# UBSan and LeakSanitizer (ctest --preset asan-core: the tests labelled asan-heavy, the
# fuzzers and the Slurm check are left to the release run; docs/ROBUSTNESS.md).
# RSSVIZ_TEST_ASAN=0 skips the sanitizer part (a quicker local run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
cd "$root/build/release"
ctest --output-on-failure -j "$(nproc)" --timeout 900

if [[ "${RSSVIZ_TEST_ASAN:-1}" != 0 ]]; then
  cd "$root"
  start=$SECONDS
  if [[ ! -f build/asan-core/build.ninja ]]; then
    cmake --preset asan-core >/dev/null
  fi
  cmake --build build/asan-core -j "$(nproc)"
  built=$SECONDS
  ctest --preset asan-core -j "$(nproc)"
  echo "rssviz: ASan + UBSan core and CLI tests passed (build $((built - start)) s, tests $((SECONDS - built)) s)"
fi
