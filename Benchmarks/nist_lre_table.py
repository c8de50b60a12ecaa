#!/usr/bin/env python3
"""NIST StRD nonlinear regression: LRE table for an `uptake` binary.

Usage:
    python3 Benchmarks/nist_lre_table.py UPTAKE_BINARY [NIST_DIR ...] [--jobs N]

    python3 Benchmarks/nist_lre_table.py .build/release/uptake Tests/Data/nist > nist.md

For every NIST `.dat` file in the given directories (default: Tests/Data/nist next to
this script's package) and both of its starting points, runs

    uptake fit --formula MODEL --data CSV --start b1=..,b2=.. --format json --digits 17

with the same options for every problem (`--digits 17`: every bit of the doubles, so that
the table measures the solver, not the 10 significant digits printed by default), and prints a Markdown table: problem x start ->
minimum parameter LRE, minimum standard-deviation LRE, RSS LRE, iterations, termination,
exit code. LRE = -log10(|estimate - certified| / |certified|), the number of correct
significant digits, capped at 15 (an exact match) and floored at 0 (a missing or
non-finite estimate counts as 0).

The model text, starting values, certified values and data all come from the file itself
(NIST's own notation is passed to `uptake` unchanged, except `arctan` -> `atan`, the
trailing `+ e` dropped, and constants defined in the Model section such as `pi = 3.14...`
substituted). When the certified RSS is below double-precision resolution relative to the
data (RSS / sum(y^2) < 1e-20, e.g. Lanczos1), SD and RSS LREs are shown in parentheses:
they are not meaningful there.

Standard library only (python3 >= 3.8). `nist_scipy_check.py` imports the parser.
"""

import concurrent.futures
import json
import math
import os
import re
import subprocess
import sys
import tempfile

LRE_CAP = 15.0
# Certified RSS / sum(y^2) below this means the residuals are at rounding level: the
# certified SDs and RSS are not reproducible in double precision (Lanczos1).
NEGLIGIBLE_RELATIVE_RSS = 1e-20

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][-+]?\d+)?"
_LINES_RE = re.compile(r"\(lines\s+(\d+)\s+to\s+(\d+)\)")
_PARAM_RE = re.compile(
    r"^\s*([A-Za-z_]\w*)\s*=\s*(%s)\s+(%s)\s+(%s)\s+(%s)\s*$" % ((_NUMBER,) * 4))
_CONSTANT_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(%s)\s*$" % _NUMBER)
_ERROR_TERM_RE = re.compile(r"\+\s*e\s*$")


class NISTProblem:
    """One NIST StRD nonlinear regression problem, read from its `.dat` file."""

    def __init__(self, name, lhs, rhs, parameters, starts, certified, certified_sd,
                 certified_rss, certified_residual_sd, certified_dof, columns, rows,
                 row_text):
        self.name = name
        self.lhs = lhs                  # e.g. "y" or "log[y]"
        self.rhs = rhs                  # NIST notation, arctan -> atan, constants substituted
        self.parameters = parameters    # ["b1", ...]
        self.starts = starts            # [[text, ...] for start 1, [text, ...] for start 2]
        self.certified = certified
        self.certified_sd = certified_sd
        self.certified_rss = certified_rss
        self.certified_residual_sd = certified_residual_sd
        self.certified_dof = certified_dof
        self.columns = columns          # ["y", "x"] or ["y", "x1", "x2"]
        self.rows = rows                # floats
        self.row_text = row_text        # the numbers exactly as written in the file

    @property
    def formula(self):
        return "%s = %s" % (self.lhs, self.rhs)

    @property
    def rss_is_negligible(self):
        y = [r[0] for r in self.rows]
        return self.certified_rss < NEGLIGIBLE_RELATIVE_RSS * sum(v * v for v in y)

    def csv_text(self):
        lines = [",".join(self.columns)]
        lines += [",".join(r) for r in self.row_text]
        return "\n".join(lines) + "\n"

    def start_argument(self, index):
        return ",".join("%s=%s" % (p, v) for p, v in zip(self.parameters, self.starts[index]))


def _number(text):
    return float(text.replace("D", "E").replace("d", "e"))


def _labelled_number(lines, label):
    for line in lines:
        if line.strip().startswith(label):
            return _number(line.split(":", 1)[1].split()[0])
    raise ValueError("no '%s' line" % label)


def parse_nist(text, name):
    """Parses NIST StRD `.dat` text (CRLF or LF). Raises ValueError on malformed input."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def block(label):
        # File Format header, e.g. "Starting Values   (lines 41 to 43)".
        for line in lines:
            m = _LINES_RE.search(line)
            if m and label in line:
                return int(m.group(1)), int(m.group(2))
        raise ValueError("no '%s (lines A to B)' header" % label)

    start_first, start_last = block("Starting Values")
    data_first, data_last = block("Data")

    # Parameters: "b1 = start1 start2 certified sd" on the Starting Values lines.
    parameters, starts, certified, certified_sd = [], [[], []], [], []
    for line in lines[start_first - 1:start_last]:
        m = _PARAM_RE.match(line)
        if not m:
            raise ValueError("unreadable parameter line: %r" % line)
        parameters.append(m.group(1))
        starts[0].append(m.group(2))
        starts[1].append(m.group(3))
        certified.append(_number(m.group(4)))
        certified_sd.append(_number(m.group(5)))

    # Model: from "Model:" to the starting-values table; the equation may span lines.
    model_start = next(i for i, l in enumerate(lines) if l.startswith("Model:"))
    model_lines = []
    for line in lines[model_start + 1:]:
        if "Starting" in line or "Start 1" in line:
            break
        model_lines.append(line.strip())
    constants, equation, in_equation = {}, [], False
    for line in model_lines:
        if not line:
            continue
        if not in_equation:
            c = _CONSTANT_RE.match(line)
            if c:
                constants[c.group(1)] = repr(_number(c.group(2)))
                continue
            if "=" not in line:
                continue       # "3 Parameters (b1 to b3)" and the like
            in_equation = True
        equation.append(line)
        if _ERROR_TERM_RE.search(line):
            break
    if not equation or not _ERROR_TERM_RE.search(equation[-1]):
        raise ValueError("model equation ending in '+ e' not found")
    joined = _ERROR_TERM_RE.sub("", " ".join(equation)).strip()
    lhs, rhs = (s.strip() for s in joined.split("=", 1))
    rhs = re.sub(r"\barctan\b", "atan", rhs)
    for cname, value in constants.items():
        rhs = re.sub(r"\b%s\b" % re.escape(cname), "(%s)" % value, rhs)
    rhs = re.sub(r"\s+", " ", rhs)

    # Data: the "Data:" line just above the block names the columns.
    header = next(l for l in reversed(lines[:data_first - 1]) if l.startswith("Data:"))
    columns = header.split(":", 1)[1].split()
    row_text = [l.split() for l in lines[data_first - 1:data_last]]
    for r in row_text:
        if len(r) != len(columns):
            raise ValueError("data row %r does not match columns %r" % (r, columns))
    rows = [[_number(v) for v in r] for r in row_text]

    return NISTProblem(
        name, lhs, rhs, parameters, starts, certified, certified_sd,
        _labelled_number(lines, "Residual Sum of Squares"),
        _labelled_number(lines, "Residual Standard Deviation"),
        int(_labelled_number(lines, "Degrees of Freedom")),
        columns, rows, row_text)


def load_problems(directories):
    """Reads every *.dat in the directories; a later directory replaces a same-named file."""
    paths = {}
    for d in directories:
        for f in sorted(os.listdir(d)):
            if f.endswith(".dat"):
                paths[f[:-4]] = os.path.join(d, f)
    problems = []
    for name in sorted(paths, key=str.lower):
        with open(paths[name], newline="") as fh:
            problems.append(parse_nist(fh.read(), name))
    return problems


def lre(estimate, certified):
    if estimate is None or not isinstance(estimate, (int, float)) or not math.isfinite(estimate):
        return 0.0
    if estimate == certified:
        return LRE_CAP
    scale = abs(certified) if certified != 0 else 1.0
    return max(0.0, min(LRE_CAP, -math.log10(abs(estimate - certified) / scale)))


def run_uptake(binary, problem, start_index, workdir):
    csv_path = os.path.join(workdir, "%s.csv" % problem.name)
    if not os.path.exists(csv_path):
        with open(csv_path, "w") as fh:
            fh.write(problem.csv_text())
    cmd = [binary, "fit", "--formula", problem.formula, "--data", csv_path,
           "--start", problem.start_argument(start_index), "--format", "json", "--digits", "17"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, None, "timeout"
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = None
    return result, proc.returncode, proc.stderr.strip()


def score(problem, result):
    """LREs for one uptake JSON result: (min param, min SD, RSS, residual SD)."""
    params = (result or {}).get("parameters") or {}

    def field(p, key):
        return (params.get(p) or {}).get(key)

    p_lre = min(lre(field(p, "estimate"), c) for p, c in zip(problem.parameters, problem.certified))
    sd_lre = min(lre(field(p, "std_error"), c)
                 for p, c in zip(problem.parameters, problem.certified_sd))
    rss_lre = lre((result or {}).get("rss"), problem.certified_rss)
    rsd_lre = lre((result or {}).get("residual_sd"), problem.certified_residual_sd)
    return p_lre, sd_lre, rss_lre, rsd_lre


def main(argv):
    args = list(argv[1:])
    jobs = 2
    if "--jobs" in args:
        i = args.index("--jobs")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    binary = os.path.abspath(args[0])
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = args[1:] or [os.path.join(here, "..", "Tests", "Data", "nist")]
    problems = load_problems(dirs)

    with tempfile.TemporaryDirectory(prefix="nist-lre-") as workdir:
        for p in problems:  # write CSVs up front so parallel runs don't race
            with open(os.path.join(workdir, "%s.csv" % p.name), "w") as fh:
                fh.write(p.csv_text())
        tasks = [(p, s) for p in problems for s in (0, 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(pool.map(lambda t: run_uptake(binary, t[0], t[1], workdir), tasks))

    def cell(value, negligible):
        text = "%.1f" % value
        return "(%s)" % text if negligible else text

    print("| problem | start | min param LRE | min SD LRE | RSS LRE | iterations | termination | exit |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    certified_count = 0
    for (p, s), (result, code, stderr) in zip(tasks, outcomes):
        p_lre, sd_lre, rss_lre, _ = score(p, result)
        neg = p.rss_is_negligible
        ok = (p_lre >= 6 and (neg or (sd_lre >= 4 and rss_lre >= 6))
              and code == 0 and (result or {}).get("converged") is True)
        certified_count += ok
        termination = (result or {}).get("termination")
        if result is None:
            said = (stderr or "").strip().splitlines() or ["(nothing on stderr)"]
            termination = "no JSON: " + said[-1][:80]
        iterations = (result or {}).get("iterations")
        print("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            p.name, s + 1, cell(p_lre, False), cell(sd_lre, neg), cell(rss_lre, neg),
            "" if iterations is None else iterations,
            str(termination).replace("|", "\\|"), "" if code is None else code))
    print()
    print("%d of %d problem x start runs meet param LRE >= 6, SD LRE >= 4, RSS LRE >= 6, "
          "converged, exit 0 (SD/RSS in parentheses not required)." % (certified_count, len(tasks)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
