#!/usr/bin/python3
"""Writes the multi-feature benchmark data of data/multi/ (see data/multi/README.md).

Run from the repository root:

    /usr/bin/python3 scripts/make-multi-data.py

It runs scripts/extract-multi-data.R (real data from Debian's R packages) into a temporary
folder, adds scikit-learn's bundled diabetes data and three seeded Friedman generators, caps
every set at MAX_ROWS rows (a seeded subsample, source order kept), writes data/multi/NAME.csv
(numeric columns, target last, a header, no NA), the fixed 80/20 split data/multi/splits/NAME.json
by the same rule as scripts/make-data.mjs (FNV-1a of the name seeds mulberry32, Fisher-Yates,
the first round(0.2 n) indices sorted are the test rows) and data/multi/datasets.json.
Byte for byte the same on every run with the same package versions.

Needs r-base-core, r-cran-mlbench, r-cran-mass, r-cran-aer, r-cran-hsaur3, r-cran-robustbase,
python3-sklearn and python3-numpy (Debian). For the benchmark only, never a basisfit dependency.
"""

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, make_friedman1, make_friedman2, make_friedman3

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "multi"
SPLITS = OUT / "splits"
TEST_FRACTION = 0.2
MAX_ROWS = 2000  # larger sources are subsampled to this many rows (seeded)
GEN_ROWS = 500
GEN_DECIMALS = 6

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    """The PRNG of scripts/make-data.mjs, bit for bit."""
    state = [seed & M32]

    def rand():
        state[0] = (state[0] + 0x6D2B79F5) & M32
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return rand


def fnv1a(text):
    h = 0x811C9DC5
    for ch in text:
        h ^= ord(ch)
        h = imul(h, 0x01000193)
    return h


def shuffled(n, seed):
    rand = mulberry32(seed)
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = math.floor(rand() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def test_rows(n, seed):
    return sorted(shuffled(n, seed)[: round_half_up(TEST_FRACTION * n)])


def round_half_up(v):
    # JavaScript's Math.round (halves go up), not Python's banker's rounding.
    return math.floor(v + 0.5)


def write_split(name, file, n, out=OUT):
    seed = fnv1a(name)
    test = test_rows(n, seed)
    head = {
        "dataset": name,
        "file": file,
        "rows": n,
        "test_fraction": TEST_FRACTION,
        "seed": seed,
        "rule": "mulberry32(seed) drives a Fisher-Yates shuffle of 0..rows-1 (for i from rows-1 down to 1: "
        "j = floor(rand() * (i + 1)), swap i and j); the first round(test_fraction * rows) entries, "
        "sorted, are the test rows; all others are training rows. Rows count from 0 after the header.",
        "n_train": n - len(test),
        "n_test": len(test),
    }
    body = json.dumps(head, indent=2)
    assert body.endswith("\n}")
    body = body[: -len("\n}")]
    (out / "splits" / f"{name}.json").write_text(f"{body},\n  \"test\": [{', '.join(map(str, test))}]\n}}\n")
    return test


def fmt(v):
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return format(v, ".12g")


def read_csv(path):
    lines = path.read_text().strip().split("\n")
    header = lines[0].split(",")
    table = np.array([[float(c) for c in line.split(",")] for line in lines[1:]])
    return header, table


def subsample(name, table):
    """At most MAX_ROWS rows, chosen by a seeded shuffle (seed: FNV-1a of 'NAME/subsample')."""
    n = len(table)
    if n <= MAX_ROWS:
        return table, None
    keep = sorted(shuffled(n, fnv1a(f"{name}/subsample"))[:MAX_ROWS])
    return table[keep], n


def add_real_set(manifest, name, header, table, source, licence, out=OUT):
    """Subsamples, writes the CSV and its split into out, and appends the set's datasets.json entry; returns the test rows."""
    table, original = subsample(name, table)
    write_csv(name, header, table, out)
    test = write_split(name, f"{name}.csv", len(table), out)
    entry = {"name": name, "file": f"{name}.csv", "kind": "real", "rows": len(table),
             "features": header[:-1], "target": header[-1], "split": f"splits/{name}.json",
             "source": source, "licence": licence}
    if original:
        entry["subsampled_from"] = original
    manifest.append(entry)
    return test


def write_csv(name, header, table, out=OUT):
    lines = [",".join(header)] + [",".join(fmt(v) for v in row) for row in table]
    (out / f"{name}.csv").write_text("\n".join(lines) + "\n")


# Real data from R: name -> (source, licence, note).
REAL_R = {
    "boston": ("R package mlbench 2.1-3, `BostonHousing` (Harrison & Rubinfeld 1978; UCI/StatLib); `chas` as 0/1",
               "GPL-2 (mlbench)"),
    "mtcars": ("R 4.2.2 datasets, `mtcars` (Motor Trend 1974)", "part of R (GPL-2 or GPL-3)"),
    "life_cycle_savings": ("R 4.2.2 datasets, `LifeCycleSavings` (Belsley, Kuh & Welsch 1980)", "part of R (GPL-2 or GPL-3)"),
    "rock": ("R 4.2.2 datasets, `rock` (BP petroleum core samples)", "part of R (GPL-2 or GPL-3)"),
    "quakes": ("R 4.2.2 datasets, `quakes` (Fiji earthquakes since 1964, Harvard PRIM-H)", "part of R (GPL-2 or GPL-3)"),
    "airquality": ("R 4.2.2 datasets, `airquality` (New York, May-Sep 1973); 42 rows with NA dropped", "part of R (GPL-2 or GPL-3)"),
    "swiss": ("R 4.2.2 datasets, `swiss` (Swiss fertility and socio-economic indicators, 1888)", "part of R (GPL-2 or GPL-3)"),
    "attitude": ("R 4.2.2 datasets, `attitude` (Chatterjee & Price 1977)", "part of R (GPL-2 or GPL-3)"),
    "state_x77": ("R 4.2.2 datasets, `state.x77` (US states, 1977 Statistical Abstract)", "part of R (GPL-2 or GPL-3)"),
    "us_judge_ratings": ("R 4.2.2 datasets, `USJudgeRatings` (lawyers' ratings of state judges, 1977)", "part of R (GPL-2 or GPL-3)"),
    "cpus": ("R package MASS 7.3-58.2, `cpus` (Ein-Dor & Feldmesser 1987); `name` and `estperf` dropped", "GPL-2 or GPL-3 (MASS)"),
    "us_crime": ("R package MASS 7.3-58.2, `UScrime` (Ehrlich 1973; 47 US states, 1960)", "GPL-2 or GPL-3 (MASS)"),
    "ca_schools": ("R package AER 1.2-10, `CASchools` (California test scores, 1998-99); the 8 numeric inputs, `read` the target (`math`, ids and factors dropped)",
                   "GPL-2 or GPL-3 (AER)"),
    "house_prices": ("R package AER 1.2-10, `HousePrices` (Anglin & Gencay 1996, Windsor, Canada); yes/no factors as 0/1", "GPL-2 or GPL-3 (AER)"),
    "us_air_pollution": ("R package HSAUR3 1.0-13, `USairpollution` (Sokal & Rohlf 1981; 41 US cities)", "GPL-2 (HSAUR3)"),
    "nox_emissions": ("R package robustbase 0.95-0, `NOxEmissions` (hourly NOx, Berlin-area motorway, 2003); `julday` as a number",
                      "GPL (>= 2) (robustbase)"),
}


def friedman_sets():
    """Seeded generators, counted apart from the real data. Clean value evaluated at the stored x."""
    def f1(x):
        return 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]

    def f2(x):
        return np.sqrt(x[:, 0] ** 2 + (x[:, 1] * x[:, 2] - 1 / (x[:, 1] * x[:, 3])) ** 2)

    def f3(x):
        return np.arctan((x[:, 1] * x[:, 2] - 1 / (x[:, 1] * x[:, 3])) / x[:, 0])

    specs = [
        ("friedman1", make_friedman1, dict(n_features=10, noise=1.0), f1, 1,
         "y = 10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + N(0, 1), x1..x10 ~ U[0, 1] (x6..x10 unused)"),
        ("friedman2", make_friedman2, dict(noise=125.0), f2, 2,
         "y = sqrt(x1^2 + (x2 x3 - 1/(x2 x4))^2) + N(0, 125^2), x1 ~ U[0, 100], x2 ~ U[40 pi, 560 pi], x3 ~ U[0, 1], x4 ~ U[1, 11]"),
        ("friedman3", make_friedman3, dict(noise=0.1), f3, 3,
         "y = atan((x2 x3 - 1/(x2 x4)) / x1) + N(0, 0.1^2), x as friedman2"),
    ]
    for name, make, kwargs, clean, seed, formula in specs:
        x, y = make(n_samples=GEN_ROWS, random_state=seed, **kwargs)
        x = np.round(x, GEN_DECIMALS)
        y = np.round(y, GEN_DECIMALS)
        header = [f"x{i + 1}" for i in range(x.shape[1])] + ["y"]
        yield name, header, np.column_stack([x, y]), clean(x), seed, kwargs["noise"], formula


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    SPLITS.mkdir(parents=True, exist_ok=True)
    manifest = []

    with tempfile.TemporaryDirectory() as raw:
        subprocess.run(["Rscript", str(ROOT / "scripts" / "extract-multi-data.R"), raw], check=True)
        for name, (source, licence) in REAL_R.items():
            header, table = read_csv(Path(raw) / f"{name}.csv")
            test = add_real_set(manifest, name, header, table, source, licence)

    # scikit-learn's bundled diabetes data (Efron et al. 2004), unscaled.
    d = load_diabetes(scaled=False)
    header = list(d.feature_names) + ["progression"]
    write_csv("diabetes", header, np.column_stack([d.data, d.target]))
    write_split("diabetes", "diabetes.csv", len(d.target))
    manifest.append({"name": "diabetes", "file": "diabetes.csv", "kind": "real", "rows": len(d.target),
                     "features": header[:-1], "target": header[-1], "split": "splits/diabetes.json",
                     "source": f"scikit-learn {sklearn.__version__} `load_diabetes(scaled=False)` (Efron, Hastie, Johnstone & Tibshirani 2004)",
                     "licence": "BSD-3-Clause (scikit-learn); data as published with Efron et al. 2004"})

    for name, header, table, clean, seed, noise, formula in friedman_sets():
        write_csv(name, header, table)
        test = write_split(name, f"{name}.csv", len(table))
        resid = table[:, -1] - clean
        manifest.append({"name": name, "file": f"{name}.csv", "kind": "generated", "rows": len(table),
                         "features": header[:-1], "target": "y", "split": f"splits/{name}.json",
                         "source": f"scikit-learn {sklearn.__version__} `make_{name}(n_samples={GEN_ROWS}, noise={noise}, random_state={seed})`, x and y rounded to {GEN_DECIMALS} decimals",
                         "licence": "MIT, with basisfit (generated)", "formula": formula, "data_seed": seed,
                         "noise_sd": noise,
                         "oracle_rmse": {"all": float(f"{np.sqrt(np.mean(resid ** 2)):.6g}"),
                                         "test": float(f"{np.sqrt(np.mean(resid[test] ** 2)):.6g}")}})

    (OUT / "datasets.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for m in manifest:
        oracle = f"  oracle test RMSE {m['oracle_rmse']['test']}" if "oracle_rmse" in m else ""
        print(f"{m['file']:<24} {m['kind']:<9} {m['rows']:>5} rows {len(m['features']):>3} features{oracle}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check-split"]:
        # The port of the split rule against a committed split of data/.
        ref = json.loads((ROOT / "data" / "splits" / "kink.json").read_text())
        assert ref["seed"] == fnv1a("kink") and ref["test"] == test_rows(ref["rows"], ref["seed"]), "split rule differs"
        print("split rule matches data/splits/kink.json")
    else:
        main()
