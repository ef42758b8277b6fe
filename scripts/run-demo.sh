#!/usr/bin/env bash
# Installs the dependencies (Debian packages), builds RunLens and opens the window on the bundled
# example sweep. Without a display (no $DISPLAY), prints the comparison table instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)" --target runlens
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec ./build/app/runlens --demo "$@"
fi
echo "No display: printing the example runs instead of opening the window." >&2
./build/app/runlens table resources/examples/runs --format text --varying --sort val/acc:desc "$@"
