#!/usr/bin/env bash
# Fit benchmark, side by side: scipy's curve_fit (MINPACK) vs Uptake's Levenberg–Marquardt,
# logistic fits of the same 1,000 synthetic series, one thread each, alternating runs.
# Usage: Benchmarks/run-fit-benchmark.sh [RUNS=5]   (after `swift build -c release`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dir=${BENCH_DIR:-/tmp/uptake-bench}
python3 Benchmarks/baseline/make_series.py --count 1000 --dir "$dir" >/dev/null
export OPENBLAS_NUM_THREADS=1
for i in $(seq "$runs"); do
    echo "--- run $i: scipy"
    python3 Benchmarks/baseline/numpy_baseline.py "$dir/series.csv" --paths 100 | grep -E "^(series|fit:)"
    echo "--- run $i: uptake, same iteration budget as scipy (200 Jacobians)"
    .build/release/UptakeBenchmark fit "$dir/series.csv" --repeat 3 --max-evaluations 200
    echo "--- run $i: uptake, scipy's tolerances and budget (ftol = xtol = 1.49e-8, 200 Jacobians)"
    .build/release/UptakeBenchmark fit "$dir/series.csv" --repeat 3 --max-evaluations 200 --tolerances minpack
    echo "--- run $i: uptake, its own defaults (ftol = xtol = 1e-14, 800 evaluations)"
    .build/release/UptakeBenchmark fit "$dir/series.csv" --repeat 3
done
