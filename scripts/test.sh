#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
#
# RSSVIZ_TEST_ASAN=1 then also builds the core and the CLI with AddressSanitizer +
# UndefinedBehaviorSanitizer (preset asan-core: -O1, no Qt, into build/asan-core) and runs
# their tests under ASan, UBSan and LeakSanitizer (ctest --preset asan-core; the tests
# labelled asan-heavy, the fuzzers and the Slurm check are left to the release run). It
# is off by default: the sanitized build costs ~2.5x the release build's processor time
# per file, which would take a fresh 2-core CI run well past 30 minutes
# (docs/ROBUSTNESS.md, "Sanitizers in CI"). The release run already includes the readers'
# ASan + UBSan fuzzers (fuzz_readers).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
cd "$root/build/release"
ctest --output-on-failure -j "$(nproc)" --timeout 900

if [[ "${RSSVIZ_TEST_ASAN:-0}" == 1 ]]; then
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
