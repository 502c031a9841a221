#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, launches rssviz on its
# embedded default (the paper's basic corpus). Without a display it says so and runs
# the headless default instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/deps.sh"
"$root/scripts/build.sh"
if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
  exec "$root/build/release/app/gui/rssviz" "$@"
fi
echo "rssviz: no display found (DISPLAY and WAYLAND_DISPLAY are unset); running the headless default instead:" >&2
echo "the paper's basic corpus (n = 4, seed 1), its ESN and its LSTM with the paper's settings." >&2
cli="$root/build/release/app/cli/rssviz-cli"
"$cli" corpus --objects 4 --seed 1 --summary
echo
"$cli" train --model esn --objects 4 --seed 1
echo
exec "$cli" train --model lstm --objects 4 --seed 1
