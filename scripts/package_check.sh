#!/usr/bin/env bash
# Makes the .deb of a build with cpack, unpacks it into a temporary folder (dpkg-deb -x)
# and checks its contents: the control fields (the project's version, the dependencies
# found by dpkg-shlibdeps), both programs, the core library of every x86-64 level in
# glibc-hwcaps (portable build), the desktop entry, the AppStream metainfo and its
# screenshot, the icons (SVG and every PNG size, of that size), the man pages; then runs
# the unpacked programs (--version, rssviz-cli corpus) to show they find their libraries
# through their RUNPATH. Leaves the .deb in OUT_DIR for scripts/install_check.sh.
# Exit 0 = every check passed; 1 = a check failed (each failure is printed).
#
#   scripts/package_check.sh BUILD_DIR OUT_DIR
set -euo pipefail
build=$(realpath "$1")
out=$2
mkdir -p "$out"
out=$(realpath "$out")
[ -f "$build/CPackConfig.cmake" ] || { echo "package_check: $build is not a configured build" >&2; exit 2; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
portable=$(sed -n 's/^RSSVIZ_PORTABLE:BOOL=//p' "$build/CMakeCache.txt")
levels=$(sed -n 's/^RSSVIZ_HWCAPS_LEVELS:STRING=//p' "$build/CMakeCache.txt" | tr ';' ' ')

rm -f "$out"/rssviz_*.deb
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log" >&2; exit 1; }
rm -rf "$out/_CPack_Packages"
deb="$out/rssviz_${version}_amd64.deb"
[ -f "$deb" ] || { echo "package_check: cpack made no $deb" >&2; ls "$out" >&2; exit 1; }
echo "== $deb ($(du -k "$deb" | cut -f1) KiB)"

tmp=$(mktemp -d /tmp/rssviz-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
field() { dpkg-deb -f "$deb" "$1"; }

[ "$(field Package)" = rssviz ] || fail "Package is '$(field Package)', not rssviz"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not the project's $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture is '$(field Architecture)'"
depends=$(field Depends)
for lib in libc6 libgomp1 libstdc++6 libgif7 libimagequant0 libqt6widgets6 libqcustomplot2.1-qt6; do
  [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
[[ "$depends" != *rssviz* ]] || fail "Depends names rssviz itself: $depends"

r=$tmp/root/usr
need() { [ -s "$r/$1" ] || fail "missing or empty: /usr/$1"; }
need bin/rssviz-cli
need bin/rssviz
[ -x "$r/bin/rssviz-cli" ] && [ -x "$r/bin/rssviz" ] || fail "the programs are not executable"
need share/applications/rssviz.desktop
need share/metainfo/io.github.rssviz.metainfo.xml
need share/rssviz/screenshots/main-window.png
need share/icons/hicolor/scalable/apps/rssviz.svg
for size in 16 22 24 32 48 64 128 256 512; do
  png=$r/share/icons/hicolor/${size}x${size}/apps/rssviz.png
  if [ ! -s "$png" ]; then fail "missing icon ${size}x${size}"; continue; fi
  # PNG: the IHDR chunk's width and height, big-endian, at bytes 16 and 20.
  wh=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$wh" = "${size}x${size}" ] || fail "icon ${size}x${size} is $wh"
done
grep -q "<release version=\"$version\"" "$r/share/metainfo/io.github.rssviz.metainfo.xml" ||
  fail "the metainfo has no <release> for $version"
grep -q "main-window.png</image>" "$r/share/metainfo/io.github.rssviz.metainfo.xml" ||
  fail "the metainfo does not name the screenshot"
for prog in rssviz-cli rssviz; do
  page=$r/share/man/man1/$prog.1.gz
  if [ ! -s "$page" ]; then fail "missing man page $prog.1.gz"; continue; fi
  text=$(zcat "$page")
  grep -q "^\.TH \"\?${prog^^}\"\? " <<<"$text" || fail "$prog.1: no .TH line for $prog"
  grep -q "$version" <<<"$text" || fail "$prog.1 does not carry version $version"
  grep -qi "^\.SH COMMANDS" <<<"$text" || fail "$prog.1 has no COMMANDS section"
done
zcat "$r/share/man/man1/rssviz-cli.1.gz" | grep -q -- "--spectral-radius" ||
  fail "rssviz-cli.1 lacks the train options (--spectral-radius)"
zcat "$r/share/man/man1/rssviz.1.gz" | grep -q -- "--colour-by" || fail "rssviz.1 lacks the render options"

if [ "$portable" = ON ]; then
  need lib/rssviz/librssviz_core.so
  for level in $levels; do need "lib/rssviz/glibc-hwcaps/$level/librssviz_core.so"; done
  for prog in rssviz-cli rssviz; do
    runpath=$(readelf -d "$r/bin/$prog" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    [ "$runpath" = '$ORIGIN/../lib/rssviz' ] || fail "$prog's RUNPATH is '$runpath'"
  done
  # The programs themselves are baseline x86-64 code: no AVX (ymm/zmm) instruction.
  for prog in rssviz-cli rssviz; do
    n=$(objdump -d --no-show-raw-insn "$r/bin/$prog" | grep -c '%[yz]mm' || true)
    [ "$n" = 0 ] || fail "$prog has $n AVX instructions (it must run on any x86-64)"
  done
  n=$(objdump -d --no-show-raw-insn "$r/lib/rssviz/librssviz_core.so" | grep -c '%[yz]mm' || true)
  [ "$n" = 0 ] || fail "the baseline librssviz_core.so has $n AVX instructions"
fi

# The unpacked programs run and find their libraries (the unpacked ones, by RUNPATH).
v=$("$r/bin/rssviz-cli" --version) || fail "the unpacked rssviz-cli --version failed"
[[ "$v" == "rssviz-cli $version"* ]] || fail "the unpacked rssviz-cli --version says '$v'"
echo "== unpacked: $v"
if [ "$portable" = ON ]; then
  lib=$(ldd "$r/bin/rssviz-cli" | awk '/librssviz_core/ {print $3}')
  lib=$(realpath -e "$lib" 2>/dev/null || echo "$lib")  # RUNPATH gives .../bin/../lib/...
  [[ "$lib" == "$(realpath "$r")/lib/rssviz/"* ]] || fail "the unpacked rssviz-cli loads the core from '$lib'"
  echo "== unpacked rssviz-cli loads $lib"
fi
"$r/bin/rssviz-cli" corpus --objects 4 >/dev/null || fail "the unpacked rssviz-cli corpus failed"
v=$(env -u DISPLAY "$r/bin/rssviz" --version) || fail "the unpacked rssviz --version failed"
[[ "$v" == "rssviz $version"* ]] || fail "the unpacked rssviz --version says '$v'"

if ((failures)); then
  echo "package_check: $failures failure(s)" >&2
  exit 1
fi
echo "package_check: $(dpkg-deb -c "$deb" | grep -vc '/$') files, all checks passed"
