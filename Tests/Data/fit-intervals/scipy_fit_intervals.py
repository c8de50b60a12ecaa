#!/usr/bin/env python3
"""Reference 95 % confidence intervals for Tests/UptakeCLITests/FitIntervalTests.swift.

Produces scipy_fit_intervals.json next to this file:

    python3 Tests/Data/fit-intervals/scipy_fit_intervals.py

For each problem, scipy.optimize.curve_fit (method='lm', MINPACK lmder, with an exact
Jacobian and ftol = xtol = gtol = 1e-15) from the same start that the Swift test gives
`uptake fit`, then the linearised (Wald) interval that scipy users compute from curve_fit:

    se = sqrt(diag(pcov))          # pcov = s^2 (J^T J)^-1, s^2 = RSS / (n - p)
    t  = scipy.stats.t.ppf(0.975, n - p)
    lower, upper = popt - t*se, popt + t*se

Problems:
  vietnam-internet-logistic  pct = K/(1+exp(-r*(period-t0))), the bundled series
                             Scenarios/data/vietnam_internet_users_pct_1996_2023.csv,
                             start K=80, r=0.3, t0=2010
  nist-misra1a               y = b1*(1-exp(-b2*x)), Tests/Data/nist/Misra1a.dat, NIST's start 1
                             (b1=500, b2=1e-4); NIST certifies the estimates and standard errors
"""
import csv
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy.optimize import curve_fit
from scipy.stats import t as student_t

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
from nist_lre_table import parse_nist  # noqa: E402


def logistic(x, K, r, t0):
    return K / (1 + np.exp(-r * (x - t0)))


def logistic_jac(x, K, r, t0):
    e = np.exp(-r * (x - t0))
    d = 1 + e
    return np.column_stack([1 / d, K * (x - t0) * e / d**2, -K * r * e / d**2])


def misra1a(x, b1, b2):
    return b1 * (1 - np.exp(-b2 * x))


def misra1a_jac(x, b1, b2):
    e = np.exp(-b2 * x)
    return np.column_stack([1 - e, b1 * x * e])


def fit(name, formula, data_file, names, f, jac, x, y, p0):
    popt, pcov = curve_fit(f, x, y, p0=p0, jac=jac, method="lm",
                           ftol=1e-15, xtol=1e-15, gtol=1e-15, maxfev=100000)
    n, p = len(y), len(popt)
    dof = n - p
    se = np.sqrt(np.diag(pcov))
    tq = float(student_t.ppf(0.975, dof))
    rss = float(np.sum((f(x, *popt) - y) ** 2))
    return {
        "name": name,
        "formula": formula,
        "data": data_file,
        "start": ",".join("%s=%r" % (k, v) for k, v in zip(names, p0)),
        "dof": dof,
        "t_975": tq,
        "rss": rss,
        "parameters": [
            {"name": k, "value": float(v), "standard_error": float(s),
             "lower_95": float(v - tq * s), "upper_95": float(v + tq * s)}
            for k, v, s in zip(names, popt, se)
        ],
    }


def main():
    problems = []

    data = os.path.join("Scenarios", "data", "vietnam_internet_users_pct_1996_2023.csv")
    with open(os.path.join(ROOT, data)) as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([float(r["period"]) for r in rows])
    y = np.array([float(r["pct"]) for r in rows])
    problems.append(fit("vietnam-internet-logistic", "pct = K/(1+exp(-r*(period-t0)))", data,
                        ["K", "r", "t0"], logistic, logistic_jac, x, y, [80.0, 0.3, 2010.0]))

    nist = os.path.join("Tests", "Data", "nist", "Misra1a.dat")
    with open(os.path.join(ROOT, nist)) as fh:
        problem = parse_nist(fh.read(), "Misra1a")
    y = np.array([r[0] for r in problem.rows])
    x = np.array([r[1] for r in problem.rows])
    start = [float(v) for v in problem.starts[0]]
    entry = fit("nist-misra1a", "y = b1*(1-exp(-b2*x))", nist, problem.parameters,
                misra1a, misra1a_jac, x, y, start)
    entry["certified"] = [{"name": k, "value": v, "standard_error": s}
                          for k, v, s in zip(problem.parameters, problem.certified, problem.certified_sd)]
    problems.append(entry)

    out = {
        "generator": "Tests/Data/fit-intervals/scipy_fit_intervals.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "method": "curve_fit(method='lm', exact jac, ftol=xtol=gtol=1e-15); "
                  "interval popt -/+ t.ppf(0.975, n-p)*sqrt(diag(pcov))",
        "problems": problems,
    }
    with open(os.path.join(HERE, "scipy_fit_intervals.json"), "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")


if __name__ == "__main__":
    main()
