#!/usr/bin/env python3
"""Prophet peer for the adoption-panel backtest (the project's "peer script").

Fits Prophet (https://facebook.github.io/prophet/) to every country series of one panel
at each cutoff, forecasts every held-out year after the cutoff, and writes one row per
scored cell (country x cutoff x held-out year) with the 23 forecast quantiles, the
observation, the weighted interval score and the coverage of the central 50/80/90 %
intervals. It is the external reference the project's own forecasts are compared with.

Input: a long CSV `Entity,Code,Year,<value>` from shared/reference/panels/.

Protocol (identical to the project's panel backtest):
- keep rows whose Code is exactly three uppercase letters (others are aggregates);
- drop values <= 0 (early zeros mean "not launched yet") and empty values;
- for a cutoff c the history of a series is its observations with Year <= c; with
  `--snapshots 0` (full data) a series qualifies with at least `--min-points` of them;
  with `--snapshots K` only the years c, c-3, ..., c-3(K-1) are kept and a series
  qualifies when all K exist;
- every observation with Year > c is a held-out cell; its horizon is Year minus the
  year of the series' last history observation.

Model: kind "share" (percent, bound 100): growth="logistic", cap=100, floor=0; kind
"count": growth="linear". Yearly data, ds = 1 January of the year; yearly, weekly and
daily seasonality off; everything else Prophet's default. The 23 quantiles are the
type-7 sample quantiles of `predictive_samples` (`--samples` draws, 1000 by default),
clamped to >= 0 (and <= 100 for shares).

Scores, on the original scale: WIS (Bracher et al. 2021) from the median and the 11
central intervals of the 23 levels (alpha = 0.02, 0.05, 0.1, 0.2, ..., 0.9),
WIS = (0.5|y-m| + sum_k (alpha_k/2) IS_alpha_k) / (K + 0.5),
IS_alpha = (u-l) + (2/alpha)(l-y)+ + (2/alpha)(y-u)+; coverage of [q.25,q.75],
[q.10,q.90], [q.05,q.95] (closed intervals).

Usage:
  python3 prophet_panel_peer.py PANEL.csv share|count --cutoffs 2008,2012 \
      [--min-points 8] [--snapshots 0,3,2] [--samples 1000] [--processes 2] \
      [--seed 0] --output cells.csv

Fits run in `--processes` worker processes. Prints a summary (cells, coverage, mean WIS,
bias of the median) per cutoff and snapshot setting. Needs: pip install prophet.
"""
import argparse
import csv
import logging
import math
import re
import sys
from multiprocessing import Pool

import numpy as np

LEVELS = [0.01, 0.025, 0.05] + [round(0.1 + 0.05 * i, 2) for i in range(17)] + [0.95, 0.975, 0.99]
assert len(LEVELS) == 23
SNAPSHOT_STEP = 3  # years between snapshots


def load_panel(path):
    """{code: (years int array, values float array)} after the protocol's filtering."""
    series = {}
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        assert header[:3] == ["Entity", "Code", "Year"], header
        for row in reader:
            code, year, value = row[1], row[2], row[3]
            if not re.fullmatch(r"[A-Z]{3}", code) or value.strip() == "":
                continue
            v = float(value)
            if not math.isfinite(v) or v <= 0:
                continue
            series.setdefault(code, {})[int(year)] = v
    return {c: (np.array(sorted(d)), np.array([d[y] for y in sorted(d)])) for c, d in series.items()}


def history(years, values, cutoff, snapshots, min_points):
    """The history used at `cutoff`, or None when the series does not qualify."""
    if snapshots == 0:
        keep = years <= cutoff
        return (years[keep], values[keep]) if keep.sum() >= min_points else None
    want = [cutoff - SNAPSHOT_STEP * i for i in range(snapshots)][::-1]
    pos = {int(y): i for i, y in enumerate(years)}
    if not all(y in pos for y in want):
        return None
    return np.array(want), np.array([values[pos[y]] for y in want])


def wis_and_coverage(q, y):
    """q: 23 quantiles at LEVELS; returns (wis, cover50, cover80, cover90)."""
    q = np.asarray(q, float)
    median = q[LEVELS.index(0.5)]
    total = 0.5 * abs(y - median)
    for k in range(11):  # pairs (LEVELS[k], LEVELS[22-k])
        lo, hi = q[k], q[22 - k]
        alpha = 2 * LEVELS[k]
        interval = (hi - lo) + (2 / alpha) * max(lo - y, 0) + (2 / alpha) * max(y - hi, 0)
        total += alpha / 2 * interval
    wis = total / 11.5

    def cov(lo_level, hi_level):
        return float(q[LEVELS.index(lo_level)] <= y <= q[LEVELS.index(hi_level)])

    return wis, cov(0.25, 0.75), cov(0.10, 0.90), cov(0.05, 0.95)


def fit_one(task):
    """One Prophet fit: returns the rows of the held-out cells of one series."""
    code, kind, cutoff, snapshots, hist_years, hist_values, target_years, target_values, samples, seed = task
    import pandas as pd
    from prophet import Prophet
    logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
    logging.getLogger("prophet").setLevel(logging.ERROR)

    np.random.seed(seed)
    df = pd.DataFrame({"ds": pd.to_datetime([f"{y}-01-01" for y in hist_years]), "y": hist_values})
    future = pd.DataFrame({"ds": pd.to_datetime([f"{y}-01-01" for y in target_years])})
    if kind == "share":
        df["cap"], df["floor"] = 100.0, 0.0
        future["cap"], future["floor"] = 100.0, 0.0
        model = Prophet(growth="logistic", yearly_seasonality=False, weekly_seasonality=False,
                        daily_seasonality=False, uncertainty_samples=samples)
    else:
        model = Prophet(growth="linear", yearly_seasonality=False, weekly_seasonality=False,
                        daily_seasonality=False, uncertainty_samples=samples)
    model.fit(df)
    draws = model.predictive_samples(future)["yhat"]  # (len(target_years), samples)
    quantiles = np.quantile(draws, LEVELS, axis=1).T
    quantiles = np.maximum(quantiles, 0.0)
    if kind == "share":
        quantiles = np.minimum(quantiles, 100.0)
    last = int(hist_years[-1])
    rows = []
    for year, y, q in zip(target_years, target_values, quantiles):
        wis, c50, c80, c90 = wis_and_coverage(q, y)
        rows.append([code, cutoff, snapshots, int(year), int(year) - last, y, *q, wis, c50, c80, c90])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("panel", help="long CSV Entity,Code,Year,<value>")
    ap.add_argument("kind", choices=["share", "count"], help="share: percent bounded by 100; count: per 100, unbounded")
    ap.add_argument("--cutoffs", required=True, help="comma-separated cutoff years, e.g. 2008,2012")
    ap.add_argument("--min-points", type=int, default=8, help="fewest history points (full data)")
    ap.add_argument("--snapshots", default="0", help="comma-separated K values; 0 = full data")
    ap.add_argument("--samples", type=int, default=1000, help="Prophet uncertainty_samples")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", required=True, help="CSV of per-cell quantiles and scores")
    args = ap.parse_args()

    panel = load_panel(args.panel)
    cutoffs = [int(c) for c in args.cutoffs.split(",")]
    snapshot_list = [int(k) for k in args.snapshots.split(",")]
    tasks = []
    for snapshots in snapshot_list:
        for cutoff in cutoffs:
            for i, (code, (years, values)) in enumerate(sorted(panel.items())):
                h = history(years, values, cutoff, snapshots, args.min_points)
                target = years > cutoff
                if h is None or not target.any():
                    continue
                tasks.append((code, args.kind, cutoff, snapshots, h[0], h[1], years[target], values[target],
                              args.samples, args.seed + i))
    print(f"{len(tasks)} fits", file=sys.stderr)
    with Pool(args.processes) as pool:
        results = pool.map(fit_one, tasks, chunksize=4)

    header = ["code", "cutoff", "snapshots", "year", "horizon", "y"] + [f"q{p:g}" for p in LEVELS] + \
             ["wis", "cover50", "cover80", "cover90"]
    with open(args.output, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for rows in results:
            w.writerows(rows)

    print("snapshots cutoff cells cover50 cover80 cover90 meanWIS bias(median-y)")
    for snapshots in snapshot_list:
        for cutoff in cutoffs:
            rows = [r for rs in results for r in rs if r[1] == cutoff and r[2] == snapshots]
            if not rows:
                continue
            a = np.array([[r[-4], r[-3], r[-2], r[-1], r[6 + LEVELS.index(0.5)] - r[5]] for r in rows])
            print(f"{snapshots:9d} {cutoff:6d} {len(rows):5d} {a[:, 1].mean():7.3f} {a[:, 2].mean():7.3f} "
                  f"{a[:, 3].mean():7.3f} {a[:, 0].mean():7.3f} {a[:, 4].mean():+8.3f}")


if __name__ == "__main__":
    main()
