#!/usr/bin/env bash
# Whole-process timings of the figure and animation commands (issue #10's targets),
# median of R runs (default 5), without a display. Usage: scripts/bench_figures.sh [R]
# Needs a release build (scripts/build.sh). Prints one line per command: the median,
# the min and max, and the output's size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/release/app/gui/rssviz"
runs="${1:-5}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$out"
unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM
bench() {
  local name="$1" file="$2"; shift 2
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -g)
  local median min max
  median=$(echo "$sorted" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print }')
  min=$(echo "$sorted" | head -1)
  max=$(echo "$sorted" | tail -1)
  printf '%-44s median %6.3f s  (min %6.3f, max %6.3f, %d runs)  %s %s bytes\n' "$name" "$median" "$min" "$max" \
    "$runs" "$file" "$(stat -c %s "$file")"
}
echo "rssviz figures benchmark: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
bench "map PNG 1600x1200, default ESN" map.png \
  render --model esn --objects 4 --seed 1 --view map --colour-by clause --png map.png --size 1600x1200
bench "LSTM 35-epoch GIF 800x600 (train + maps)" lstm.gif \
  animate --model lstm --objects 4 --seed 1 --stages epochs --gif lstm.gif --size 800x600 --fps 4
bench "spectral-radius sweep GIF, 30 frames" sr.gif \
  animate --model esn --sweep spectral-radius=0.1:3:30 --gif sr.gif
bench "ESN readout-stage GIF, 20 frames" esn.gif \
  animate --model esn --objects 4 --seed 1 --stages readout --colour-by output:0 --gif esn.gif
