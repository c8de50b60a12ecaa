#!/usr/bin/env bash
# Runs a batch of scenarios on a Slurm cluster: writes the job scripts with `uptake slurm`,
# submits the job array, then the merge job that waits for every task of it
# (--dependency=afterok; --kill-on-invalid-dep=yes cancels the merge if a task fails), and
# prints both job ids. See docs/scale.md.
#
# Usage: scripts/slurm-run.sh SCENARIOS... --shards N [--out DIR] [--partition P] [--time T]
#                             [--cpus-per-task C] [--paths N] [--seed S]
#   (every argument goes to `uptake slurm`; UPTAKE=/path/to/uptake picks the executable,
#    default: `uptake` on PATH, else this repository's release build)
# Prints:  array_job=<id>
#          merge_job=<id>
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
uptake=${UPTAKE:-$(command -v uptake || echo "$here/.build/release/uptake")}

scripts=$("$uptake" slurm "$@" --uptake "$uptake")
array_script=$(sed -n 1p <<<"$scripts")
merge_script=$(sed -n 2p <<<"$scripts")

array_job=$(sbatch --parsable "$array_script")
array_job=${array_job%%;*}            # "id;cluster" on a multi-cluster setup
merge_job=$(sbatch --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes "$merge_script")
merge_job=${merge_job%%;*}
echo "array_job=$array_job"
echo "merge_job=$merge_job"
