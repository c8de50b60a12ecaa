#!/usr/bin/env python3
"""scipy's side of issue 3's robustness check (BENCHMARKS.md), on series.csv/truth.csv from
Benchmarks/baseline/make_series.py.

Fits exactly as stage 1 of Benchmarks/baseline/numpy_baseline.py does: curve_fit (MINPACK LM)
of K/(1+exp(-r(t-t0))), t = month, from the same logit-linearisation start, maxfev=800.
Failures: RuntimeError, or a pcov with a non-finite entry. Among the successes: how often the
true K (and r, t0) lies in p +/- 1.96 sqrt(diag pcov), the median of that interval's width
relative to the true K, and how many fits have K_hat > 10 x the true K. Compare with
`UptakeBenchmark prior SERIES_CSV TRUTH_CSV`.
Usage: prior_scipy_compare.py series.csv truth.csv [--limit N] [--show-failures N]
"""
import argparse, csv, sys, time, warnings
from pathlib import Path

import numpy as np
from scipy.optimize import curve_fit, OptimizeWarning

sys.path.insert(0, str(Path(__file__).resolve().parent / "baseline"))
from numpy_baseline import T, logistic, start  # the baseline's own model and start

warnings.simplefilter("ignore", OptimizeWarning)
np.seterr(all="ignore")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("series")
    ap.add_argument("truth")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show-failures", type=int, default=5)
    a = ap.parse_args()
    data = {}
    with open(a.series) as f:
        for row in csv.DictReader(f):
            data.setdefault(row["series"], []).append(float(row["value"]))
    truth = {}
    with open(a.truth) as f:
        for row in csv.DictReader(f):
            truth[row["series"]] = np.array([float(row["K"]), float(row["r"]), float(row["t0"])])
    names = sorted(data)[: a.limit or None]

    ok = failed = wild = 0
    covered = np.zeros(3, dtype=int)
    widths, failures = [], []
    bins = [("< 0.1", 0, 0.1), ("0.1–0.25", 0.1, 0.25), ("0.25–0.5", 0.25, 0.5), ("≥ 0.5", 0.5, np.inf)]
    phase = np.zeros((len(bins), 3), dtype=int)  # series, converged, K covered
    phase_widths = [[] for _ in bins]
    t_start = time.perf_counter()
    for name in names:
        y = np.array(data[name])
        true = truth[name]
        reached = y.max() / true[0]  # how much of the curve the data show (uses the truth)
        b = next(i for i, (_, lo, hi) in enumerate(bins) if lo <= reached < hi)
        phase[b, 0] += 1
        try:
            p, c = curve_fit(logistic, T, y, p0=start(y), maxfev=800)
        except RuntimeError as e:
            failed += 1
            failures.append(f"{name} truth {true.round(4).tolist()}: RuntimeError {e}")
            continue
        if not np.all(np.isfinite(c)):
            failed += 1
            failures.append(f"{name} truth {true.round(4).tolist()}: non-finite pcov, p {p.round(4).tolist()}")
            continue
        ok += 1
        half = 1.96 * np.sqrt(np.diag(c))
        inside = np.abs(p - true) <= half
        covered += inside
        phase[b, 1] += 1
        phase[b, 2] += inside[0]
        widths.append(2 * half[0] / true[0])
        phase_widths[b].append(widths[-1])
        wild += p[0] > 10 * true[0]
    seconds = time.perf_counter() - t_start

    pct = lambda k: f"{100 * k / ok:.1f} %" if ok else "-"
    print(f"series {len(names)}; p +/- 1.96 sqrt(diag pcov); coverage among converged fits")
    print("| run | converged | failed | K in 95 % | r in 95 % | t0 in 95 % | K̂ > 10×K | median width(K)/K | ms/fit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| scipy curve_fit | {ok} | {failed} | {pct(covered[0])} | {pct(covered[1])} | {pct(covered[2])} "
          f"| {wild} | {np.median(widths):.3g} | {1000 * seconds / len(names):.3f} |")
    print("\nby how much of the curve the data show (max y / true K): converged / series, K in 95 % among converged, median width(K)/K")
    print("| run |" + "".join(f" {label} |" for label, _, _ in bins))
    print("|---|" + "---:|" * len(bins))
    cell = lambda n, c, k, w: f" {c}/{n}, {100 * k / c:.1f} %, {np.median(w):.3g} |" if c else f" {c}/{n}, – |"
    print("| scipy curve_fit |" + "".join(cell(*row, w) for row, w in zip(phase, phase_widths)))
    if failures and a.show_failures > 0:
        print("first failures, scipy curve_fit:")
        for line in failures[: a.show_failures]:
            print("  " + line)


if __name__ == "__main__":
    main()
