#!/usr/bin/env bash
# Runs the bundled work into a results folder, and with a notebooks folder and a Python that
# has nbclient, ipykernel, pandas and matplotlib (make venv), exports the notebooks and
# executes them. Every file is written to a temporary name and renamed into place, so an
# interrupted run never leaves a half-written result.
# Usage: scripts/run-bundled.sh UPTAKE_BINARY RESULTS_DIR [NOTEBOOKS_DIR PYTHON]
set -euo pipefail
uptake=$1
results=$2
notebooks=${3:-}
python=${4:-}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"   # paths below, and in the reports, are relative to the repository

write_atomically() {  # write_atomically TARGET COMMAND...; keeps the command's exit code
    local target=$1; shift
    mkdir -p "$(dirname "$target")"
    local tmp
    tmp=$(mktemp "$(dirname "$target")/.tmp.XXXXXX")
    local status=0
    "$@" >"$tmp" || status=$?
    if [ "$status" -eq 0 ]; then chmod 644 "$tmp" && mv "$tmp" "$target"; else rm -f "$tmp"; fi
    return "$status"
}

# 1. Every bundled scenario: forecasts, fits, verdicts, fan charts, summary.csv and report.html.
#    (uptake writes each file atomically itself.)
"$uptake" run Scenarios/ --out "$results"

# 2. The bundled example fit: a logistic curve through a real adoption series, Vietnam's
#    internet users, % of population, 1996–2023 (ITU via OWID), with `uptake fit`.
formula='pct = K/(1+exp(-r*(period-t0)))'
data=Scenarios/data/vietnam_internet_users_pct_1996_2023.csv
start='K=80,r=0.3,t0=2010'
out="$results/fit-vietnam-internet-logistic"
for format in table json csv; do
    ext=$([ "$format" = table ] && echo txt || echo "$format")
    write_atomically "$out/fit.$ext" "$uptake" fit --formula "$formula" \
        --data "$data" --start "$start" --format "$format"
done
echo "wrote $out/fit.txt, $out/fit.json and $out/fit.csv"

# 3. The notebooks: exported and executed beside the final folder (same depth, so the same
#    relative paths to the results), then moved in, so the folder never holds a notebook
#    that did not run, nor one of a scenario that is gone.
if [ -n "$notebooks" ]; then
    staging="$(dirname "$notebooks")/.$(basename "$notebooks").staging"
    rm -rf "$staging"
    "$uptake" export notebook "$results" --out "$staging"
    "$python" scripts/execute-notebooks.py "$staging"/*.ipynb
    mkdir -p "$notebooks"
    rm -f "$notebooks"/*.ipynb
    mv "$staging"/*.ipynb "$notebooks"/
    rmdir "$staging"
    echo "wrote $notebooks/ (executed)"
fi
