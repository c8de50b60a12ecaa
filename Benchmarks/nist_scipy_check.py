#!/usr/bin/env python3
"""NIST StRD nonlinear regression with scipy, for a side-by-side with `uptake fit`.

Usage:
    python3 Benchmarks/nist_scipy_check.py [NIST_DIR ...]

    python3 Benchmarks/nist_scipy_check.py Tests/Data/nist /tmp/nist-extra > scipy.md

Reads the same `.dat` files with the same parser as `nist_lre_table.py` (default:
Tests/Data/nist) and fits each problem from both NIST starting points twice, with
default settings throughout:

- `curve_fit`: scipy.optimize.curve_fit(f, x, y, p0) -- MINPACK lmdif, forward-difference
  Jacobian, standard errors from its pcov;
- `least_squares lm`: scipy.optimize.least_squares(method='lm') with the exact Jacobian
  (symbolic, via sympy), standard errors from the SVD of J at the solution;
- the same with ftol = xtol = gtol = 1e-15 (scipy's best case on these problems).

Prints a Markdown table: problem x start -> min parameter LRE, min SD LRE and RSS LRE for
each method (LRE = -log10(|estimate - certified| / |certified|), capped at 15; a failed
fit counts as 0; SD and RSS LREs in parentheses where the certified RSS is at rounding
level, see nist_lre_table.py). Needs numpy, scipy and sympy.
"""

import math
import os
import re
import sys
import warnings

import numpy as np
import sympy
from scipy.optimize import OptimizeWarning, curve_fit, least_squares

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nist_lre_table import load_problems, lre  # noqa: E402

_FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin,
    "cos": sympy.cos, "tan": sympy.tan, "atan": sympy.atan, "abs": sympy.Abs,
    "pi": sympy.pi,
}
TIGHT = 1e-15  # ftol = xtol = gtol for the third column
_TOKEN = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z_]\w*")


def _sympy(text, symbols):
    """NIST notation ([ ] as parentheses, **) -> sympy expression."""
    text = text.replace("[", "(").replace("]", ")")
    names = {t for t in _TOKEN.findall(text) if t[0].isalpha() or t[0] == "_"}
    local = dict(_FUNCTIONS)
    for name in names:
        if name not in local:
            local[name] = symbols.setdefault(name, sympy.Symbol(name))
    return sympy.parse_expr(text, local_dict=local)


class SymbolicModel:
    def __init__(self, problem):
        symbols = {}
        lhs_text, rhs_text = problem.formula.split("=", 1)
        self.p = [symbols.setdefault(n, sympy.Symbol(n)) for n in problem.parameters]
        self.x = [symbols.setdefault(n, sympy.Symbol(n)) for n in problem.columns[1:]]
        y = symbols.setdefault(problem.columns[0], sympy.Symbol(problem.columns[0]))
        rhs = _sympy(rhs_text, symbols)
        lhs = _sympy(lhs_text, symbols)
        data = np.array(problem.rows, dtype=float)
        self.response = np.broadcast_to(
            sympy.lambdify([y], lhs, "numpy")(data[:, 0]), (len(data),)).astype(float)
        self.predictors = [data[:, j] for j in range(1, data.shape[1])]
        f = sympy.lambdify(self.x + self.p, rhs, "numpy")
        jac = [sympy.lambdify(self.x + self.p, sympy.diff(rhs, b), "numpy") for b in self.p]
        n = len(data)
        self.f = lambda b: np.broadcast_to(f(*self.predictors, *b), (n,)).astype(float)
        self.jac = lambda b: np.column_stack(
            [np.broadcast_to(j(*self.predictors, *b), (n,)) for j in jac]).astype(float)


def _fit_curve_fit(problem, model, start):
    p0 = [float(v) for v in start]
    xs = np.vstack(model.predictors)

    def f(_x, *b):
        return model.f(b)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            b, pcov = curve_fit(f, xs, model.response, p0=p0)
        except (RuntimeError, ValueError, OptimizeWarning) as error:
            return None, None, None, str(error).splitlines()[0][:50]
    r = model.response - model.f(b)
    return b, np.sqrt(np.diag(pcov)), float(r @ r), "ok"


def _fit_least_squares(problem, model, start, tol=1e-8):
    p0 = np.array([float(v) for v in start])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = least_squares(lambda b: model.f(b) - model.response, p0,
                                jac=lambda b: model.jac(b), method="lm",
                                ftol=tol, xtol=tol, gtol=tol, max_nfev=10000)
        except (RuntimeError, ValueError) as error:
            return None, None, None, str(error).splitlines()[0][:50]
    b = res.x
    r = model.f(b) - model.response
    rss = float(r @ r)
    dof = len(r) - len(b)
    _, s, vt = np.linalg.svd(model.jac(b), full_matrices=False)
    with np.errstate(divide="ignore"):
        cov = (vt.T / s**2) @ vt * (rss / dof)
    return b, np.sqrt(np.diag(cov)), rss, "status %d" % res.status


def _scores(problem, fit):
    b, sd, rss, _ = fit
    if b is None:
        return 0.0, 0.0, 0.0
    p = min(lre(float(v), c) for v, c in zip(b, problem.certified))
    s = min(lre(float(v), c) for v, c in zip(sd, problem.certified_sd))
    return p, s, lre(rss, problem.certified_rss)


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = argv[1:] or [os.path.join(here, "..", "Tests", "Data", "nist")]
    problems = load_problems(dirs)
    methods = (("curve_fit", _fit_curve_fit),
               ("lm", _fit_least_squares),
               ("lm tight", lambda p, m, s: _fit_least_squares(p, m, s, tol=TIGHT)))
    print("| problem | start | curve_fit param | SD | RSS | lm exact-J param | SD | RSS "
          "| lm exact-J tol %g param | SD | RSS |" % TIGHT)
    print("|---|---|" + "---:|" * 9)
    certified = dict.fromkeys([name for name, _ in methods], 0)
    for problem in problems:
        model = SymbolicModel(problem)
        neg = problem.rss_is_negligible
        for s in (0, 1):
            cells = []
            for key, fit in methods:
                p, sd, rss = _scores(problem, fit(problem, model, problem.starts[s]))
                certified[key] += p >= 6 and (neg or (sd >= 4 and rss >= 6))
                cells += ["%.1f" % p] + [("(%.1f)" if neg else "%.1f") % v for v in (sd, rss)]
            print("| %s | %d | %s |" % (problem.name, s + 1, " | ".join(cells)))
    total = 2 * len(problems)
    print()
    print("Certified (param LRE >= 6, SD LRE >= 4, RSS LRE >= 6) of %d runs: curve_fit %d, "
          "least_squares lm exact Jacobian %d, the same with tol %g %d." % (
              total, certified["curve_fit"], certified["lm"], TIGHT, certified["lm tight"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
