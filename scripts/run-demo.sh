#!/usr/bin/env bash
# Installs the dependencies (Debian packages), builds RunLens and shows the bundled example
# sweep. Until the desktop window lands this prints the comparison table in the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)" --target runlens
./build/app/runlens table resources/examples/runs --format text --varying \
  --sort val/acc:desc "$@"
