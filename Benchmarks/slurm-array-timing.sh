#!/usr/bin/env bash
# The timings of docs/scale.md ("Measured on this machine"): one `uptake run` of the bundled
# scenarios plus 100 generated ones, then the same batch as a 4-task Slurm job array and its
# merge job on the local Slurm of scripts/slurm/ (needs root), checking the two folders are
# the same bytes (run.json aside). Prints one line per repetition.
# Usage: Benchmarks/slurm-array-timing.sh [PATHS [REPETITIONS]]   (default 10000 3; needs `make build`)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
paths=${1:-10000}
repetitions=${2:-3}
uptake=$here/.build/release/uptake
export SLURM_TEST_DIR=${SLURM_TEST_DIR:-/tmp/uptake-slurm-test} SLURMCTLD_PORT=${SLURMCTLD_PORT:-16817} SLURMD_PORT=${SLURMD_PORT:-16818}
export SLURM_CONF=$SLURM_TEST_DIR/etc/slurm.conf
"$here/scripts/slurm/start-local-slurm.sh" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp -r "$here/Scenarios" Scenarios
"$here/scripts/generate-scenarios.sh" 100 gen >/dev/null
now() { date +%s.%N; }
for ((r = 1; r <= repetitions; r++)); do
    rm -rf single out
    t0=$(now); "$uptake" run Scenarios/ gen --paths "$paths" --out single 2>/dev/null; t1=$(now)
    single=$(echo "$t1 - $t0" | bc)
    t0=$(now)
    ids=$(UPTAKE=$uptake "$here/scripts/slurm-run.sh" Scenarios/ gen --shards 4 --out out --paths "$paths" 2>/dev/null)
    merge=$(sed -n 's/merge_job=//p' <<<"$ids"); array=$(sed -n 's/array_job=//p' <<<"$ids")
    while squeue -h -o %i | grep -qE "^($merge|${array}_.*|$array)$"; do sleep 0.1; done
    t1=$(now)
    last=$(stat -c %.3Y out/shard-*/.shard-*-of-4.json | sort -n | tail -1)
    same=$(diff -r -x run.json -x 'shard-*' -x slurm single out >/dev/null && echo same-bytes || echo DIFFERENT)
    echo "paths=$paths one-machine=${single}s array+merge=$(echo "$t1 - $t0" | bc)s" \
         "last-task=$(echo "$last - $t0" | bc)s merge-after-last-task=$(echo "$(stat -c %.3Y out/summary.csv) - $last" | bc)s" \
         "$same load=$(cut -d' ' -f1 /proc/loadavg)"
done
