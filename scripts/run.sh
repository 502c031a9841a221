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
echo "rssviz: no display found (DISPLAY and WAYLAND_DISPLAY are unset); running the headless default instead." >&2
exec "$root/build/release/app/cli/rssviz-cli" corpus --objects 4 --summary
