#!/usr/bin/env bash
# Builds the libFuzzer targets of the binary readers (clang, address + undefined sanitizers)
# and runs each for a bounded time, starting from its seed corpus.
#
#   scripts/fuzz.sh [seconds per target, default 60] [target ...]
#
# The seeds are copied to build-fuzz/corpus/<target>/ first: libFuzzer adds what it finds
# there, never to the source tree. A crash stops with the reproducer in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true

scripts/setup-debian.sh --fuzz
# One run at a time: two builds in one folder would corrupt it.
mkdir -p build-fuzz
exec 9>build-fuzz/.lock
flock 9
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

mapfile -t fuzzers < <(grep -o '^[a-z_0-9]*=[^;]*' build-fuzz/fuzzers.txt)
mkdir -p build-fuzz/crashes
status=0
for entry in "${fuzzers[@]}"; do
  name="${entry%%=*}"
  seeds="${entry#*=}"
  if [ $# -gt 0 ] && [[ ! " $* " =~ " $name " ]]; then continue; fi
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  cp -rn "$seeds"/. "$corpus"/ 2>/dev/null || true
  echo "== $name: ${seconds}s from $(find "$corpus" -type f | wc -l) inputs"
  if ! "build-fuzz/fuzz/$name" "$corpus" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
      -artifact_prefix="build-fuzz/crashes/$name-" 2>"build-fuzz/$name.log"; then
    echo "!! $name failed: see build-fuzz/$name.log and build-fuzz/crashes/"
    tail -40 "build-fuzz/$name.log"
    status=1
  else
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' "build-fuzz/$name.log" || true
  fi
done
exit $status
