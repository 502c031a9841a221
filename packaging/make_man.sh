#!/usr/bin/env bash
# Writes the gzipped man page of PROGRAM with help2man: its --help, --version's number,
# and a section with the --help of every subcommand (and sub-subcommand), so the page
# says what the program says. Run at build time (packaging/CMakeLists.txt).
# Usage: packaging/make_man.sh PROGRAM VERSION SUMMARY OUT.1.gz
set -euo pipefail
prog=$1 version=$2 summary=$3 out=$4
name=$(basename "$prog")
export QT_QPA_PLATFORM=offscreen  # rssviz --help must not look for a display
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The names listed under CLI11's "Subcommands:" heading of a --help text on stdin.
subcommands() { awk '/^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:/ { on = 1; next }
                     on && /^  [a-z]/ { print $1; next }
                     on && !/^   / { on = 0 }'; }

# A help text on stdin as verbatim roff: backslashes escaped, leading dots and quotes guarded.
verbatim() { printf '.nf\n'; sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; printf '.fi\n'; }

describe() {  # describe "sub [subsub]": its help, then its own subcommands
  local path=$1 help
  # shellcheck disable=SC2086  # the path is words on purpose
  help=$("$prog" $path --help)
  printf '.SS "%s %s"\n' "$name" "$path"
  verbatim <<<"$help"
  local sub
  for sub in $(subcommands <<<"$help"); do describe "$path $sub"; done
}

{
  printf '[COMMANDS]\n'
  for sub in $("$prog" --help | subcommands); do describe "$sub"; done
} >"$tmp/include.h2m"
help2man --no-info --no-discard-stderr --version-string="$version" --name="$summary" \
         --include="$tmp/include.h2m" --output="$tmp/$name.1" "$prog"
gzip -9n -c "$tmp/$name.1" >"$out.tmp"
mv "$out.tmp" "$out"
