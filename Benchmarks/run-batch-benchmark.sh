#!/usr/bin/env bash
# Batch benchmark (issues 4 and 10), side by side: `uptake run` on the benchmark series
# written as scenario files (logistic, 10,000 paths, 60 monthly steps, 23 hub levels, one
# target each) against Benchmarks/baseline/numpy_baseline.py (less work than Uptake) and
# Benchmarks/equal_work_numpy.py (the same work: Uptake's fit, noise process, draws,
# summaries and files, in numpy) on the same series.csv. One thread each
# (OPENBLAS_NUM_THREADS=1), runs alternating baseline / equal-work / uptake --jobs 1 /
# uptake --jobs 2.
# Wall time of the whole job (process start to exit, outputs written); the kernel figure is
# the sum of run.json's forecast_seconds (load excluded: fit + simulate + summaries) against
# the baseline's own stage times. Prints every run, the medians and the ratios.
# Usage: Benchmarks/run-batch-benchmark.sh [RUNS=3] [COUNT=1000]
#   (BENCH_DIR: work folder, default /tmp/uptake-batch-bench; UPTAKE_BIN: skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
count=${2:-1000}
dir=${BENCH_DIR:-/tmp/uptake-batch-bench}
export OPENBLAS_NUM_THREADS=1
rm -rf "$dir" && mkdir -p "$dir"
python3 Benchmarks/baseline/make_series.py --count "$count" --dir "$dir" >/dev/null
python3 Benchmarks/make_bench_scenarios.py "$dir/series.csv" "$dir/scenarios"
if [ -z "${UPTAKE_BIN:-}" ]; then   # UPTAKE_BIN=path: measure that binary instead of building one
    swift build -c release --product uptake >"$dir/build.log" 2>&1 || { tail -20 "$dir/build.log"; exit 1; }
    UPTAKE_BIN=.build/release/uptake
fi
cp "$UPTAKE_BIN" "$dir/uptake"   # a copy: a rebuild during the runs cannot change what is measured
uptake=$dir/uptake
log=$dir/runs.tsv
: >"$log"
now() { date +%s.%N; }
for i in $(seq "$runs"); do
    t0=$(now)
    python3 Benchmarks/baseline/numpy_baseline.py "$dir/series.csv" >"$dir/baseline.txt"
    t1=$(now)
    fit=$(sed -nE 's/^fit: .*\(([0-9.]+) s\)$/\1/p' "$dir/baseline.txt")
    mc=$(sed -nE 's/^monte carlo: .*\(([0-9.]+) s, .*$/\1/p' "$dir/baseline.txt")
    printf 'baseline\t%s\t%s\t%s\t%s\n' "$i" "$(echo "$t1 - $t0" | bc)" "$fit" "$mc" >>"$log"
    rm -rf "$dir/out-equal"
    t0=$(now)
    python3 Benchmarks/equal_work_numpy.py "$dir/series.csv" --out "$dir/out-equal" >"$dir/equal.txt"
    t1=$(now)
    printf 'equal-work\t%s\t%s\t\t\n' "$i" "$(echo "$t1 - $t0" | bc)" >>"$log"
    for jobs in 1 2; do
        out=$dir/out-j$jobs
        rm -rf "$out"
        t0=$(now)
        "$uptake" run "$dir/scenarios" --out "$out" --jobs "$jobs" 2>"$dir/uptake-j$jobs.err"
        t1=$(now)
        sums=$(python3 - "$out" <<'EOF'
import json, pathlib, sys
f = w = 0.0; n = 0
for p in pathlib.Path(sys.argv[1]).glob("*/run.json"):
    t = json.loads(p.read_text())["timings"]; f += t["forecast_seconds"]; w += t["write_seconds"]; n += 1
print(f"{f:.3f}\t{w:.3f}\t{n}")
EOF
)
        printf 'uptake-j%s\t%s\t%s\t%s\n' "$jobs" "$i" "$(echo "$t1 - $t0" | bc)" "$sums" >>"$log"
    done
    grep -P "\t$i\t" "$log" | awk -F'\t' -v OFS='\t' '{print "run " $2, $1, "wall " $3 " s", $4, $5, $6}'
done
cat "$dir/baseline.txt"
python3 - "$log" <<'EOF'
import statistics as st, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
col = lambda who, k: [float(r[k]) for r in rows if r[0] == who]
med = lambda who, k: st.median(col(who, k))
b_wall, b_fit, b_mc = med("baseline", 2), med("baseline", 3), med("baseline", 4)
e_wall = med("equal-work", 2)
u1_wall, u1_kernel, u1_write = med("uptake-j1", 2), med("uptake-j1", 3), med("uptake-j1", 4)
u2_wall, u2_kernel = med("uptake-j2", 2), med("uptake-j2", 3)
n = int(col("uptake-j1", 5)[0])
print(f"\nmedians of {len(col('baseline', 2))} runs, {n} scenarios (ratio = baseline time / uptake time; > 1: uptake faster)")
print(f"  baseline whole job      {b_wall:8.2f} s   (fit {b_fit:.2f} s + Monte Carlo {b_mc:.2f} s)")
print(f"  equal-work numpy whole  {e_wall:8.2f} s")
print(f"  uptake --jobs 1 whole   {u1_wall:8.2f} s   ratio {b_wall / u1_wall:5.2f}x vs baseline, {e_wall / u1_wall:5.2f}x vs equal-work numpy")
print(f"  uptake --jobs 1 kernel  {u1_kernel:8.2f} s   ratio {(b_fit + b_mc) / u1_kernel:5.2f}x vs baseline fit+MC, "
      f"{b_mc / u1_kernel:5.2f}x vs its MC stage alone  (sum of forecast_seconds; write_seconds {u1_write:.2f} s)")
print(f"  uptake --jobs 2 whole   {u2_wall:8.2f} s   ratio {b_wall / u2_wall:5.2f}x  ({b_wall / u2_wall / 2:.2f}x per core); "
      f"kernel {u2_kernel:.2f} s, ratio {(b_fit + b_mc) / u2_kernel:.2f}x")
EOF
