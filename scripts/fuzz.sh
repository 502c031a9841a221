#!/usr/bin/env bash
# Runs the libFuzzer targets of the file readers for SECONDS each (default 20) on a copy of
# their committed seed corpora (fuzz/corpus/TARGET). The targets are built in a tree of
# the asan presets (clang++-14, ASan + UBSan, RSSVIZ_FUZZERS): RSSVIZ_FUZZ_BUILD, or
# build/asan-core, configured here if it is not. Exits non-zero on any finding (the
# reproducer is written to BUILD/crash-TARGET-*), 77 when clang++-14 is missing
# (scripts/deps.sh installs it). Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-20}"
shift || true
targets=("$@")
all=(npy model_file corpus_file session_file)
if ((${#targets[@]} == 0)); then targets=("${all[@]}"); fi
# libFuzzer reads a non-number as 0 seconds, which means "run for ever".
if ! [[ "$secs" =~ ^[0-9]{1,7}$ ]] || ((10#$secs < 1)); then
  echo "fuzz: SECONDS must be a whole number from 1 to 9999999 (got '$secs')" >&2
  exit 2
fi
for t in "${targets[@]}"; do
  if [[ " ${all[*]} " != *" $t "* ]]; then
    echo "fuzz: unknown target '$t' (the targets: ${all[*]})" >&2
    exit 2
  fi
done
build="${RSSVIZ_FUZZ_BUILD:-$root/build/asan-core}"
if ! command -v clang++-14 >/dev/null 2>&1; then
  echo "fuzz: clang++-14 is not installed (scripts/deps.sh installs it); skipped" >&2
  exit 77
fi
cd "$root"
if [[ ! -f "$build/build.ninja" ]]; then cmake --preset asan-core >/dev/null; fi
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
for t in "${targets[@]}"; do
  work="$(mktemp -d)"  # inputs found go here; the committed seeds stay as they are
  cp fuzz/corpus/"$t"/* "$work"/
  echo "fuzz: $t for $secs s"
  if ! "$build"/fuzz/fuzz_"$t" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -print_final_stats=1 -artifact_prefix="$build/crash-$t-" "$work" >"$work.log" 2>&1; then
    tail -n 40 "$work.log" >&2
    rm -rf "$work" "$work.log"
    echo "fuzz: $t FAILED (reproducer in $build/crash-$t-*)" >&2
    exit 1
  fi
  grep -E "^Done|stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" || true
  rm -rf "$work" "$work.log"
done
