#!/usr/bin/env python3
"""Writes the hostile-input corpus of issue 14 into this folder (run it from anywhere).

Each case is one scenario (`*.yaml`, with its `*.csv` when it has a `data:` file) or one
formula (`formula-*.txt`, fitted to `formula-data.csv`). HostileInputTests runs every one
through the built `uptake`: it must end in exit 0 or 2 (never a signal) within 10 s, with a
one-line error where the input is bad, and a good scenario in the same batch must still run.
The files are committed; this script says how they were made and remakes them byte for byte.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(text)


def scenario(case, body_metric="  name: users\n  kind: count\n  ceiling: 1000",
             data=None, observations="  - {date: 2023-01-31, value: 100}\n  - {date: 2023-06-30, value: 200}",
             extra="", horizon="2026-12-31", step="month"):
    source = f"data: {data}\n" if data else f"observations:\n{observations}\n"
    return (f"id: hostile-{case}\n"
            f"title: hostile input, {case}\n"
            f"metric:\n{body_metric}\n"
            f"{extra}{source}"
            f"forecast:\n  horizon: {horizon}\n  step: {step}\n  paths: 500\n")


# 1. A CSV period of -999: four characters, so it passed the year check; the monthly grid from
#    year -999 then built month -10 and crashed (SIGILL) in validate, run and check.
write("period-minus-999.csv", "period,value\n-999,10\n")
write("period-minus-999.yaml", scenario("period-minus-999", data="period-minus-999.csv"))

# 2. Formulas that overflowed the stack of `uptake fit` (SIGSEGV): the parser's recursion on
#    nesting, and the tape compiler's on a long sum.
write("formula-data.csv", "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n")
write("formula-nested-parentheses.txt", "y = " + "(" * 7900 + "b1*x" + ")" * 7900 + "\n")
write("formula-nested-abs.txt", "y = " + "abs(" * 7900 + "b1*x" + ")" * 7900 + "\n")
write("formula-unary-minus.txt", "y = " + "-" * 12600 + "b1*x\n")
write("formula-power-chain.txt", "y = b1*" + "x^" * 26000 + "1\n")
write("formula-long-sum.txt", "y = " + " + ".join(["b1*x"] * 12600) + "\n")

# 3. "Billion laughs" as a mapping key: each level lists the one before nine times, and the
#    last is used as a key. Yams' duplicate-key check hashed the key expanded (9^8 nodes):
#    2.7 s at depth 6, 21 s at 7, over a minute at 8, blocking the batch.
levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
for i in range(1, 9):
    levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
write("alias-key-billion-laughs.yaml", "\n".join(levels) + "\n*a8 : boom\n")

# 4. A horizon 8,000 years out: passed validate, then took 3 minutes and 7.5 GB and wrote a
#    172 MB forecast.csv.
write("horizon-9999.yaml", scenario("horizon-9999", horizon="9999-12-31"))

# 5. A sign before the year: `+202` has four characters and Int("+202") is 202.
write("plus-year-launch.yaml", scenario("plus-year-launch", extra="launch: +202-03-31\n"))
write("plus-year-period.csv", "period,value\n+999,10\n")
write("plus-year-period.yaml", scenario("plus-year-period", data="plus-year-period.csv"))

# 6. A 1 MB value, echoed whole in the error ("metric.kind must be count or share, got '…'").
write("megabyte-value.yaml", scenario("megabyte-value",
                                      body_metric="  name: users\n  kind: " + "x" * 1_000_000))
# ... and a 1 MB key, which also went through the nearest-name suggestion.
# (an explicit `? key`: YAML limits a simple key to 1,024 characters).
write("megabyte-key.yaml", scenario("megabyte-key", extra="? " + "k" * 1_000_000 + "\n: 1\n"))

# 7. A CSV with CR-only line ends (old Mac exports) and a bad value: a raw \r in the message.
write("cr-only-line-ends.csv", "date,value\r2023-01-31,10\r2023-06-30,\"1\r2\"\r")
write("cr-only-line-ends.yaml", scenario("cr-only-line-ends", data="cr-only-line-ends.csv"))

# 8. 800 KB of spaces before and inside a quoted cell: trimmed in quadratic time (7.9 s).
write("quoted-cell-leading-spaces.csv",
      "date,value,note\n2023-01-31,10," + " " * 400_000 + "\"" + " " * 400_000 + "x\"\n2023-06-30,20,ok\n")
write("quoted-cell-leading-spaces.yaml", scenario("quoted-cell-leading-spaces", data="quoted-cell-leading-spaces.csv"))
