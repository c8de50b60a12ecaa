#!/usr/bin/env bash
# Cost and memory of `uptake run` as paths and steps grow (issue 10): one benchmark scenario
# (make_series.py's first series, logistic, monthly steps after 2021-12-31, its target at the
# horizon), `--jobs 1`, one thread. Prints a Markdown table: paths, steps, wall seconds,
# peak resident memory (GNU time's %M), ns per path-step and bytes per path.
# Usage: Benchmarks/scaling.sh UPTAKE_BINARY [PATHS_LIST] [STEPS_LIST]
#   defaults: paths 1000 10000 100000 1000000 10000000 at 60 steps; steps 12 60 240 at 10⁵ and 10⁶ paths
set -euo pipefail
cd "$(dirname "$0")/.."
uptake=$1
dir=${BENCH_DIR:-/tmp/uptake-scaling}
rm -rf "$dir" && mkdir -p "$dir"
python3 Benchmarks/baseline/make_series.py --count 1 --dir "$dir" >/dev/null
python3 Benchmarks/make_bench_scenarios.py "$dir/series.csv" "$dir/base" >/dev/null
base=$(ls "$dir"/base/*.yaml | head -1)
export OPENBLAS_NUM_THREADS=1
scenario() {  # scenario STEPS → a file with its horizon and target deadline STEPS months after 2021-12-31
    local steps=$1 year=$((2021 + $1 / 12)) file="$dir/s$1.yaml"
    sed -E "s/2026-12-31/${year}-12-31/g" "$base" >"$file"
    echo "$file"
}
measure() {  # measure PATHS STEPS
    local file out
    file=$(scenario "$2")
    out="$dir/out-$1-$2"
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$uptake" run "$file" --paths "$1" --jobs 1 --out "$out" >/dev/null 2>&1
    read -r seconds kilobytes <"$dir/time.txt"
    python3 -c "import sys; p, s, t, k = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]); \
print(f'| {p:,} | {s} | {t:.2f} | {k / 1024:,.0f} MB | {t * 1e9 / (p * s):.1f} | {k * 1024 / p:,.0f} |')" "$1" "$2" "$seconds" "$kilobytes"
}
echo "| paths | steps | wall (s) | peak memory | ns per path-step | bytes per path (peak / paths) |"
echo "|---:|---:|---:|---:|---:|---:|"
for p in ${2:-1000 10000 100000 1000000 10000000}; do measure "$p" 60; done
for p in 100000 1000000; do for s in ${3:-12 60 240}; do [ "$s" = 60 ] || measure "$p" "$s"; done; done
