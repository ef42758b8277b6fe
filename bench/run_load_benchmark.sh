#!/usr/bin/env bash
# Load benchmark: RunLens vs the pandas script a researcher would write.
#
#   bench/run_load_benchmark.sh [SIZES...]        (default: 1000 10000 100000)
#
# For each size N it generates N synthetic W&B runs (bench/gen_wandb_runs.py) under
# $BENCH_DIR (default /tmp/runlens-bench/runs-N; reused when its marker file says it was made by
# the same generator), then times with /usr/bin/time -f '%e %M':
#   pandas   bench/pandas_baseline.py DIR
#   runlens  $RUNLENS table DIR --format csv -o /dev/null --jobs 1 --no-cache     (first open)
#   runlens  $RUNLENS table DIR --format csv -o /dev/null --jobs 2 --no-cache     (first open)
#   runlens  ... --jobs 2, with the run cache in a temporary XDG_CACHE_HOME:
#            "writes cache": a first open that also writes the cache (emptied before it)
#            "second open":  the same command again: nothing changed, so the table snapshot
#                            of the warm-up is taken whole (models/readers/tablesnapshot.h)
#            "one run changed": the same, after one run's summary got a new time: the
#                            snapshot does not hold, the folders are walked and every other
#                            run comes from the run cache (and a new snapshot is written)
# Dropping the OS page cache needs root and is not assumed; instead every command is run once
# to warm the cache and then measured once (for "second open" the warm-up writes the run
# cache; for "writes cache" the run cache is deleted between warm-up and measurement).
# Seconds are the wall time of the measured run (bash's $EPOCHREALTIME around /usr/bin/time,
# finer than %e); peak RSS is time's %M.
# Prints a Markdown table (size, tool, seconds, runs/s, peak RSS, KB per run over the smallest
# size, speed-up vs pandas) on stdout; progress goes to stderr.
#
# Environment: RUNLENS (default build/app/runlens under the repository), RUNLENS_ARGS (extra
# arguments), PYTHON (an interpreter with pandas and PyYAML+libyaml; default: the first of
# python3, /usr/bin/python3 that has them), BENCH_DIR (default /tmp/runlens-bench).
# Needs /usr/bin/time (Debian package `time`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNLENS="${RUNLENS:-$repo/build/app/runlens}"
RUNLENS_ARGS="${RUNLENS_ARGS:-}"
BENCH_DIR="${BENCH_DIR:-/tmp/runlens-bench}"
TIME=/usr/bin/time

if [[ $# -gt 0 ]]; then sizes=("$@"); else sizes=(1000 10000 100000); fi
for n in "${sizes[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "run_load_benchmark: bad size '$n'" >&2; exit 2; }
done
# Sort numerically so the smallest size is the memory baseline.
mapfile -t sizes < <(printf '%s\n' "${sizes[@]}" | sort -n -u)

if [[ ! -x $TIME ]]; then
    echo "run_load_benchmark: $TIME not found; install the Debian package 'time'" >&2
    exit 2
fi

pick_python() {
    local cand
    for cand in ${PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
            "$cand" -c 'import pandas, yaml; yaml.CLoader' >/dev/null 2>&1; then
            echo "$cand"
            return 0
        fi
    done
    return 1
}
if ! py="$(pick_python)"; then
    echo "run_load_benchmark: no Python with pandas and PyYAML+libyaml found (set PYTHON," \
        "or apt-get install python3-pandas python3-yaml)" >&2
    exit 2
fi

have_runlens=1
if [[ ! -x "$RUNLENS" ]]; then
    have_runlens=0
    echo "run_load_benchmark: RunLens binary '$RUNLENS' not found or not executable;" \
        "build it first (cmake --build build) or set RUNLENS=/path/to/runlens." \
        "Measuring the pandas baseline only." >&2
fi

gen_hash="$(sha256sum "$here/gen_wandb_runs.py" | cut -c1-16)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# ensure_runs N -> prints the data folder, generating it unless a matching marker exists.
ensure_runs() {
    local n="$1" dir="$BENCH_DIR/runs-$1"
    local marker="$dir/.runlens-bench-complete"
    if [[ -f "$marker" && "$(cat "$marker")" == "gen_wandb_runs $gen_hash n=$n" ]]; then
        echo "reusing $dir" >&2
    else
        rm -rf "$dir"
        mkdir -p "$dir"
        echo "generating $n runs in $dir" >&2
        "$py" "$here/gen_wandb_runs.py" "$n" "$dir" >&2
        echo "gen_wandb_runs $gen_hash n=$n" >"$marker"
    fi
    echo "$dir"
}

# measure NAME CMD... -> writes "seconds rss_kb" (or "FAIL rc") to $tmp/result. When
# $BEFORE_MEASURE is set, it is evaluated between the warm-up and the measured run.
measure() {
    local name="$1"
    shift
    local rc=0
    echo "  warm-up: $name" >&2
    "$@" >/dev/null 2>"$tmp/err" || rc=$?
    [[ -n "${BEFORE_MEASURE:-}" ]] && eval "$BEFORE_MEASURE"
    if [[ $rc -eq 0 ]]; then
        echo "  measure: $name" >&2
        local t0="$EPOCHREALTIME"
        "$TIME" -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || rc=$?
        local t1="$EPOCHREALTIME"
    fi
    if [[ $rc -ne 0 ]]; then
        echo "  $name failed (exit $rc): $(tail -n 3 "$tmp/err")" >&2
        echo "FAIL $rc" >"$tmp/result"
    else
        # %e has 10 ms resolution; the same interval from bash's clock has 1 us.
        read -r _ kb < <(tail -n 1 "$tmp/time")
        awk -v a="$t0" -v b="$t1" -v kb="$kb" 'BEGIN { printf "%.3f %d\n", b - a, kb }' \
            >"$tmp/result"
        sed -n 's/^\(rows=.*\)$/  \1/p' "$tmp/err" >&2
    fi
}

declare -A secs rss
tools=(pandas)
cached_write="runlens --jobs 2, writes cache"
cached_read="runlens --jobs 2, second open"
cached_changed="runlens --jobs 2, one run changed"
[[ $have_runlens -eq 1 ]] &&
    tools+=("runlens --jobs 1" "runlens --jobs 2" "$cached_write" "$cached_read" "$cached_changed")

for n in "${sizes[@]}"; do
    dir="$(ensure_runs "$n")"
    echo "size $n:" >&2
    for tool in "${tools[@]}"; do
        # The run cache goes to a folder of this script's own, never the user's.
        export XDG_CACHE_HOME="$tmp/xdg-cache"
        rm -rf "$XDG_CACHE_HOME"
        case "$tool" in
        pandas) measure "$tool" "$py" "$here/pandas_baseline.py" "$dir" ;;
        "runlens --jobs "[12])
            # shellcheck disable=SC2086  # RUNLENS_ARGS is split on purpose
            measure "$tool" "$RUNLENS" table "$dir" --format csv -o /dev/null \
                --jobs "${tool##* }" --no-cache $RUNLENS_ARGS
            ;;
        "$cached_write" | "$cached_read" | "$cached_changed")
            before=""
            [[ "$tool" == "$cached_write" ]] && before='rm -rf "$XDG_CACHE_HOME"'
            if [[ "$tool" == "$cached_changed" ]]; then
                changed="$(find "$dir" -name wandb-summary.json -print -quit)"
                before='touch -d "10 minutes ago" "$changed"'
            fi
            # shellcheck disable=SC2086
            BEFORE_MEASURE="$before" measure "$tool" "$RUNLENS" table "$dir" --format csv \
                -o /dev/null --jobs 2 $RUNLENS_ARGS
            ;;
        esac
        read -r s m <"$tmp/result"
        secs["$n|$tool"]="$s"
        rss["$n|$tool"]="$m"
    done
done

base="${sizes[0]}"
echo
echo "Load of N synthetic W&B runs, warm page cache; $(nproc) cores; $("$py" --version 2>&1)," \
    "pandas $("$py" -c 'import pandas; print(pandas.__version__)')."
echo
echo "| runs | tool | seconds | runs/s | peak RSS MB | KB/run over $base runs | speed-up vs pandas |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    for tool in "${tools[@]}"; do
        s="${secs[$n|$tool]}"
        m="${rss[$n|$tool]}"
        if [[ "$s" == FAIL ]]; then
            echo "| $n | $tool | failed (exit $m) | | | | |"
            continue
        fi
        ps="${secs[$n|pandas]}"
        bm="${rss[$base|$tool]}"
        bs="${secs[$base|$tool]}"
        awk -v n="$n" -v tool="$tool" -v s="$s" -v m="$m" -v ps="$ps" -v bm="$bm" \
            -v bs="$bs" -v base="$base" 'BEGIN {
                rate = (s > 0) ? sprintf("%.0f", n / s) : "n/a";
                per = (n > base && bs != "FAIL") ? sprintf("%.2f", (m - bm) / (n - base)) : "-";
                up = (ps != "FAIL" && s > 0) ? sprintf("%.1fx", ps / s) : "-";
                printf "| %d | %s | %.3f | %s | %.1f | %s | %s |\n", n, tool, s, rate, m / 1024, per, up
            }'
    done
done
