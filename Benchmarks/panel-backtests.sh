#!/usr/bin/env bash
# The real-panel backtests of docs/forecasting.md ("Calibration on real panels"), calibrated
# leave-one-panel-out: the error table used to score a panel is built from the other two.
# Usage: Benchmarks/panel-backtests.sh [UPTAKE] [OUT_DIR] [MODELS]
#   MODELS: auto (the default curve ensemble) or local_trend; snapshots: full, 3, 2.
set -euo pipefail
uptake=${1:-.build/release/uptake}
out=${2:-/tmp/uptake-panel-backtests}
models=${3:-auto}
panels=${UPTAKE_PANELS:-../shared/reference/panels}
mkdir -p "$out"
broadband="count=$panels/fixed_broadband_per_100_by_country_1998_2020.csv"
mobile="count=$panels/mobile_subscriptions_per_100_by_country_1980_2020.csv"
electricity="share=$panels/electricity_access_pct_by_country_1990_2016.csv"
common=(--series-pattern '^[A-Z]{3}$' --min-points 8)
# Exit 3 means some series could not be fitted (listed on stderr, left out of the scores).
scored() { "$@" || [ $? -eq 3 ]; }
for snap in full 3 2; do
  extra=(); [ "$snap" = full ] || extra=(--snapshots "$snap")
  "$uptake" backtest --panel "$mobile" --panel "$electricity" "${common[@]}" "${extra[@]}" --write-calibration "$out/table-not-broadband-$snap.csv"
  "$uptake" backtest --panel "$broadband" --panel "$electricity" "${common[@]}" "${extra[@]}" --write-calibration "$out/table-not-mobile-$snap.csv"
  "$uptake" backtest --panel "$broadband" --panel "$mobile" "${common[@]}" "${extra[@]}" --write-calibration "$out/table-not-electricity-$snap.csv"
  scored "$uptake" backtest --panel "$broadband" --cutoff 2012,2016 "${common[@]}" "${extra[@]}" --models "$models" \
      --calibration "$out/table-not-broadband-$snap.csv" --format csv --cells "$out/cells-broadband-$snap-$models.csv" > "$out/broadband-$snap-$models.csv"
  scored "$uptake" backtest --panel "$mobile" --cutoff 2005,2010 "${common[@]}" "${extra[@]}" --models "$models" \
      --calibration "$out/table-not-mobile-$snap.csv" --format csv --cells "$out/cells-mobile-$snap-$models.csv" > "$out/mobile-$snap-$models.csv"
  scored "$uptake" backtest --panel "$electricity" --cutoff 2008,2012 "${common[@]}" "${extra[@]}" --models "$models" \
      --calibration "$out/table-not-electricity-$snap.csv" --format csv --cells "$out/cells-electricity-$snap-$models.csv" > "$out/electricity-$snap-$models.csv"
done
# Per panel × cutoff, all horizons: method, n, WIS, coverage 50/80/90, bias.
for f in "$out"/*-"$models".csv; do
  case "$f" in *cells-*) continue;; esac
  echo "== $(basename "$f" .csv)"
  awk -F, 'NR > 1 && $3 == "all" { printf "%s %s %-6s n=%s WIS=%.4g cov=%.2f/%.2f/%.2f bias=%.3g\n", $1, $2, $4, $5, $6, $12, $13, $14, $11 }' "$f"
done
