#!/usr/bin/env python3
"""The benchmark series (make_series.py's series.csv) as Uptake scenario files, one per series.

Each series sNNNNN becomes DIR/sNNNNN.yaml:
  id: sNNNNN; metric {name: adopters, kind: count} with the default error model (log for
  counts: make_series.py's noise is multiplicative, 3 %); month m (0..23) observed on the last
  day of month m of 2020 onwards (month 0 = 2020-01-31, month 23 = 2021-12-31);
  models: [logistic]; forecast {horizon: month 83 = 2026-12-31, step: month, paths, seed: 1},
  i.e. 60 monthly grid points after the last observation, like the baseline's months 24..83;
  one target, deterministic from the data alone: 1.5 x the last observed value by the
  horizon (the baseline's 0.9 x K-hat needs a fit; Uptake's K-hat is not known before it runs).
The observations are written inline (24 rows), so each file is self-contained.
Usage: make_bench_scenarios.py series.csv DIR [--paths 10000] [--limit N]
"""
import argparse, calendar, csv, os


def month_end(m, start_year=2020):
    y, mo = start_year + m // 12, m % 12 + 1
    return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("series")
    ap.add_argument("dir")
    ap.add_argument("--paths", type=int, default=10000)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    data = {}
    with open(a.series) as f:
        for row in csv.DictReader(f):
            data.setdefault(row["series"], []).append((int(row["month"]), row["value"]))
    names = sorted(data)[: a.limit or None]
    os.makedirs(a.dir, exist_ok=True)
    for name in names:
        obs = sorted(data[name])
        last = float(obs[-1][1])
        lines = [
            f"id: {name.lower()}",
            f"title: benchmark series {name} (make_series.py)",
            "metric: {name: adopters, kind: count}   # error: default (log for counts)",
            "observations:",
            *(f"  - {{date: {month_end(m)}, value: {v}}}" for m, v in obs),
            "targets:",
            f"  - {{value: {1.5 * last:.10g}, by: {month_end(83)}, label: 1.5 x the last observed value by month 83}}",
            "models: [logistic]",
            f"forecast: {{horizon: {month_end(83)}, step: month, paths: {a.paths}, seed: 1}}",
        ]
        with open(os.path.join(a.dir, f"{name.lower()}.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    print(f"{len(names)} scenario files in {a.dir}")


if __name__ == "__main__":
    main()
