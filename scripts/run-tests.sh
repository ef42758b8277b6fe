#!/usr/bin/env bash
# Installs the dependencies (Debian packages), builds RunLens with warnings as errors and runs
# the whole test suite through CTest. This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-debian.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
ctest --preset default
