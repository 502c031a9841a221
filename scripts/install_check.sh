#!/usr/bin/env bash
# Installs the .deb on this machine as a user would (apt-get install ./rssviz_*.deb, which
# also installs any missing dependency), runs the installed programs from /usr/bin:
# rssviz-cli --version, a short ESN train with a saved model evaluated back, and rssviz
# render on the offscreen platform (the window's own drawing code, no display); then
# removes the package. Exit 0 = all ran; 1 = a step failed; 77 = skipped (not root, no
# .deb, or rssviz is already installed here: a package this script did not install is
# not touched). The test suite runs it after package_check, which makes the .deb
# (ctest -R install_check).
#
#   scripts/install_check.sh [DEB_OR_DIR]      (default: build/release/package)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
arg=${1:-$root/build/release/package}
if [ -d "$arg" ]; then
  debs=("$arg"/rssviz_*.deb)
  deb=${debs[0]}
else
  deb=$arg
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_check: needs root (apt-get install); skipped" >&2
  exit 77
fi
[ -f "$deb" ] || { echo "install_check: no package at $arg (run scripts/package_check.sh first); skipped" >&2; exit 77; }
if dpkg-query -W -f='${Status}' rssviz 2>/dev/null | grep -q "install ok installed"; then
  echo "install_check: rssviz is already installed on this machine; not touching it; skipped" >&2
  exit 77
fi
deb=$(realpath "$deb")
tmp=$(mktemp -d /tmp/rssviz-install.XXXXXX)
chmod 755 "$tmp"
cp "$deb" "$tmp/"  # apt reads local packages as user _apt: a world-readable copy
apt_opts=(-y -q -o DPkg::Lock::Timeout=300)
cleanup() {
  DEBIAN_FRONTEND=noninteractive apt-get remove "${apt_opts[@]}" rssviz >"$tmp/remove.log" 2>&1 ||
    { echo "install_check: apt-get remove rssviz failed:" >&2; cat "$tmp/remove.log" >&2; }
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "== apt-get install ./$(basename "$deb")"
if ! DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" --no-install-recommends \
      "$tmp/$(basename "$deb")" >"$tmp/install.log" 2>&1; then
  cat "$tmp/install.log" >&2
  echo "install_check: apt-get install failed" >&2
  exit 1
fi
step() { echo "== $*"; "$@"; }
cd "$tmp"
step /usr/bin/rssviz-cli --version
step /usr/bin/rssviz-cli train --model esn --units 200 --seed 3 --save "$tmp/esn.model"
step /usr/bin/rssviz-cli evaluate --model-file "$tmp/esn.model" --seed 3
step env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/rssviz --version
step env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/rssviz render --model esn --units 100 --map-sentences 30 \
  --view map --png "$tmp/map.png" --size 800x600
# A PNG of the asked size: the IHDR width and height.
wh=$(od -An -tu1 -j16 -N8 "$tmp/map.png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$wh" = 800x600 ] || { echo "install_check: the installed rssviz render wrote a ${wh} image, not 800x600" >&2; exit 1; }
man -w rssviz-cli >/dev/null 2>&1 || [ -f /usr/share/man/man1/rssviz-cli.1.gz ] ||
  { echo "install_check: the rssviz-cli man page is not installed" >&2; exit 1; }
echo "install_check: installed, ran and removed $(basename "$deb")"
