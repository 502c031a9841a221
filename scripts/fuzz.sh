#!/usr/bin/env bash
# Builds the libFuzzer targets of the file readers (preset "fuzz": clang++-14 with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs each for SECONDS (default 20)
# on a copy of its committed seed corpus (fuzz/corpus/TARGET). Exits non-zero on any
# finding (the reproducer is written to build/fuzz/crash-TARGET-*), 77 when clang++-14 is
# missing (scripts/deps.sh installs it). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-20}"
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(npy model_file corpus_file session_file); fi
if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz: clang++-14 is not installed (scripts/deps.sh installs it); skipped" >&2
  exit 77
fi
cd "$root"
if [[ ! -f build/fuzz/build.ninja ]]; then cmake --preset fuzz >/dev/null; fi
cmake --build build/fuzz -j "$(nproc)" >/dev/null
for t in "${targets[@]}"; do
  work="$(mktemp -d)"  # inputs found go here; the committed seeds stay as they are
  cp fuzz/corpus/"$t"/* "$work"/
  echo "fuzz: $t for $secs s"
  if ! build/fuzz/fuzz/fuzz_"$t" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -print_final_stats=1 -artifact_prefix="$root/build/fuzz/crash-$t-" "$work" >"$work.log" 2>&1; then
    tail -n 40 "$work.log" >&2
    rm -rf "$work" "$work.log"
    echo "fuzz: $t FAILED (reproducer in build/fuzz/crash-$t-*)" >&2
    exit 1
  fi
  grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" || true
  rm -rf "$work" "$work.log"
done
