#!/usr/bin/env bash
# Installs the Debian packages rssviz needs, only when some are missing.
# Usage: scripts/deps.sh [gui]   (gui adds Xvfb, xauth and imagemagick for screenshots)
set -euo pipefail
pkgs=(cmake ninja-build g++ pkg-config libeigen3-dev libgtest-dev libgmock-dev libbenchmark-dev
      libspectra-dev libhnswlib-dev libcli11-dev nlohmann-json3-dev libgif-dev libimagequant-dev libwebp-dev
      qt6-base-dev qt6-svg-dev libqcustomplot-dev libgl-dev clang-14 libclang-rt-14-dev libomp-14-dev
      help2man librsvg2-bin desktop-file-utils appstream)
if [[ "${1:-}" == gui ]]; then pkgs+=(xvfb xauth imagemagick); fi
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  echo "rssviz: installing missing Debian packages: ${missing[*]}" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
