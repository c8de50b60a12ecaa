#!/usr/bin/env python3
"""Reference fits for Tests/FittingTests/CurveReferenceFitTests.swift.

Produces scipy_reference.json next to this file:

    python3 Tests/Data/adoption/scipy_reference.py

Additive least squares, r_i = model_i - value_i, in the same parameterisation as
Uptake's AdoptionCurve (natural space), solved by scipy.optimize.least_squares with
method='lm' (MINPACK lmder), an exact hand-written Jacobian, x_scale='jac' (MINPACK's own
column-norm scaling) and xtol = ftol = gtol = 1e-15.

Fits:
  gompertz_carstock_nl_raw  y = K*exp(-exp(-r*(t - t0))), t = period as a decimal year (1965.0 ...)
  gompertz_chicken_weight   same model, t = week number as given (1 ... 13)
  bass_color_tv             flows: value of year Y = m*(F(Y+1 - L) - F(Y - L)), L = 1963.0,
                            F(tau) = p*(1 - e^(-(p+q)tau)) / (p + q*e^(-(p+q)tau)) for tau > 0, else 0
"""
import csv
import json
import os

import numpy as np
import scipy
from scipy.optimize import least_squares

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name)) as f:
        rows = list(csv.DictReader(f))
    return np.array([float(r["period"]) for r in rows]), np.array([float(r["value"]) for r in rows])


def gompertz(t, th):
    K, r, t0 = th
    z = r * (t - t0)
    g = np.exp(-np.exp(-z))
    h = np.exp(-z - np.exp(-z))          # d g / d z
    return K * g, np.column_stack([g, K * h * (t - t0), -K * h * r])


def bass_F(tau, p, q):
    tau = np.maximum(tau, 0.0)
    a = p + q
    E = np.exp(-a * tau)
    N = -np.expm1(-a * tau)
    D = p + q * E
    F = p * N / D
    dFdp = E * (q * N + p * a * tau) / D**2
    dFdq = p * E * (a * tau - N) / D**2
    return F, dFdp, dFdq


def bass_flow(t, s, th):
    m, p, q = th
    F1, p1, q1 = bass_F(t - 1963.0, p, q)
    F0, p0, q0 = bass_F(s - 1963.0, p, q)
    return m * (F1 - F0), np.column_stack([F1 - F0, m * (p1 - p0), m * (q1 - q0)])


def fit(fun, jac, start):
    res = least_squares(fun, start, jac=jac, method="lm", x_scale="jac",
                        xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=100000)
    J = jac(res.x)
    rss = float(res.fun @ res.fun)
    dof = len(res.fun) - len(res.x)
    cov = rss / dof * np.linalg.pinv(J.T @ J)
    return {
        "start": list(map(float, start)),
        "parameters": list(map(float, res.x)),
        "standard_errors": list(map(float, np.sqrt(np.diag(cov)))),
        "rss": rss,
        "status": int(res.status),
        "message": res.message,
        "nfev": int(res.nfev),
    }


out = {
    "generator": "Tests/Data/adoption/scipy_reference.py",
    "scipy_version": scipy.__version__,
    "numpy_version": np.__version__,
    "method": "scipy.optimize.least_squares(method='lm', jac=exact, x_scale='jac', xtol=ftol=gtol=1e-15)",
    "fits": {},
}

for key, name, start in [
    ("gompertz_carstock_nl_raw", "diffusion_carstock_nl_raw_1965_1989.csv", None),
    ("gompertz_chicken_weight", "diffusion_chicken_weight_kg_weeks1_13.csv", None),
]:
    t, y = read(name)
    # start: ceiling 1.5 x the last value, inflection at the time of the largest step,
    # growth rate from the Gompertz slope at the inflection, y'(t0) = K*r/e
    K0 = 1.5 * y[-1]
    i = int(np.argmax(np.diff(y)))
    t00 = 0.5 * (t[i] + t[i + 1])
    r0 = float(np.max(np.diff(y) / np.diff(t))) * np.e / K0
    start = [float(K0), float(r0), float(t00)]
    r = fit(lambda th: gompertz(t, th)[0] - y, lambda th: gompertz(t, th)[1], start)
    r.update({"family": "gompertz", "data": name, "parameter_names": ["ceiling", "growth_rate", "inflection"],
              "kind": "level"})
    out["fits"][key] = r

t, y = read("bass_color_tv_1963_1970.csv")
tt, ss = t + 1.0, t
start = [2 * float(y.sum()), 0.01, 0.5]
r = fit(lambda th: bass_flow(tt, ss, th)[0] - y, lambda th: bass_flow(tt, ss, th)[1], start)
r.update({"family": "bass", "data": "bass_color_tv_1963_1970.csv", "launch": 1963.0,
          "parameter_names": ["market", "innovation", "imitation"], "kind": "flow"})
out["fits"]["bass_color_tv"] = r

with open(os.path.join(HERE, "scipy_reference.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
print(json.dumps(out, indent=2))
