#!/usr/bin/python3
"""Writes the held-out benchmark data of data/heldout/ (see data/heldout/README.md).

Run from the repository root, with vega-datasets 2.11.0 unpacked in a temporary folder:

    tmp=$(mktemp -d) && (cd "$tmp" && npm pack vega-datasets@2.11.0 && tar xzf vega-datasets-2.11.0.tgz)
    /usr/bin/python3 scripts/make-heldout-data.py "$tmp/package"

It runs scripts/extract-heldout-data.R (real data from Debian's R packages) into a temporary
folder, reads three sets from vega-datasets, and writes them exactly as
scripts/make-multi-data.py writes data/multi/ (its functions are imported, not copied): the
same number format, the same seeded subsample above MAX_ROWS rows, the same split rule and
manifest fields. Byte for byte the same on every run with the same package versions.

Needs r-base-core, r-cran-mass and r-cran-cardata (Debian) and numpy. For the benchmark
only, never a basisfit dependency.
"""

import datetime
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "heldout"

_spec = importlib.util.spec_from_file_location("make_multi_data", ROOT / "scripts" / "make-multi-data.py")
multi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(multi)

R_LICENCE = "part of R (GPL-2 or GPL-3)"
REAL_R = {
    "freeny": ("R 4.2.2 datasets, `freeny` (Freeny 1977; quarterly revenue, 1962-1971)", R_LICENCE),
    "us_arrests": ("R 4.2.2 datasets, `USArrests` (McNeil 1977; arrests per 100,000 in US states, 1973)", R_LICENCE),
    "birthwt": ("R package MASS 7.3-58.2, `birthwt` (Hosmer & Lemeshow 1989; Baystate Medical Center, 1986); "
                "`low` (bwt < 2500, the target thresholded) and `race` (three levels) dropped",
                "GPL-2 or GPL-3 (MASS)"),
    "highway1": ("R package carData 3.0-5, `Highway1` (Weisberg 2005; accident rates on 39 Minnesota highway sections, 1973); "
                 "`htype` (four levels) dropped", "GPL-2 or GPL-3 (carData)"),
    "ericksen": ("R package carData 3.0-5, `Ericksen` (Ericksen, Kadane & Tukey 1989; 1980 US census undercount); "
                 "`city` as 0/1 (1 = city)", "GPL-2 or GPL-3 (carData)"),
    "prestige": ("R package carData 3.0-5, `Prestige` (Canadian occupations, 1971); `census` (an occupation code) "
                 "and `type` (three levels) dropped", "GPL-2 or GPL-3 (carData)"),
    "salaries": ("R package carData 3.0-5, `Salaries` (nine-month salaries of US college professors, 2008-09); "
                 "ordered `rank` as 1-3 (AsstProf, AssocProf, Prof), `discipline` as 0/1 (1 = B), `sex` as 0/1 (1 = Male)",
                 "GPL-2 or GPL-3 (carData)"),
    "slid": ("R package carData 3.0-5, `SLID` (Survey of Labour and Income Dynamics, Ontario, 1994); "
             "`language` (three levels) dropped, `sex` as 0/1 (1 = Male); 3411 rows with a missing value dropped",
             "GPL-2 or GPL-3 (carData)"),
}
VEGA = "vega-datasets 2.11.0"
VEGA_LICENCE = "BSD-3-Clause (vega-datasets)"


def vega_sets(pkg):
    """(name, header, rows, source, licence) from vega-datasets; rows with a missing value dropped."""
    meta = json.loads((pkg / "package.json").read_text())
    if meta.get("name") != "vega-datasets":
        sys.exit(f"{pkg}/package.json is not vega-datasets")
    data = pkg / "data"

    cars = json.loads((data / "cars.json").read_text())
    cols = ["Miles_per_Gallon", "Cylinders", "Displacement", "Horsepower", "Weight_in_lbs"]
    rows = [[c[k] for k in cols] + [int(c["Year"][:4]), c["Acceleration"]] for c in cars
            if all(isinstance(c.get(k), (int, float)) for k in cols + ["Acceleration"])]
    yield ("cars_acceleration", ["mpg", "cylinders", "displacement", "horsepower", "weight_lbs", "year", "acceleration"],
           rows, f"{VEGA} `data/cars.json` (Auto MPG, StatLib 1983; UCI); target `Acceleration` (0-60 mph s); "
           f"`Year` as its year, `Name` and `Origin` dropped; {len(cars) - len(rows)} of {len(cars)} rows with a missing value dropped",
           f"{VEGA_LICENCE}; data distributed by StatLib for educational and scientific use")

    peng = json.loads((data / "penguins.json").read_text())
    cols = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)"]
    rows = [[p[k] for k in cols] + [1 if p["Sex"] == "MALE" else 0, p["Body Mass (g)"]] for p in peng
            if all(isinstance(p.get(k), (int, float)) for k in cols + ["Body Mass (g)"]) and p.get("Sex") in ("MALE", "FEMALE")]
    yield ("penguins", ["beak_length_mm", "beak_depth_mm", "flipper_length_mm", "male", "body_mass_g"], rows,
           f"{VEGA} `data/penguins.json` (Palmer penguins, Gorman, Williams & Fraser 2014); `Sex` as 0/1 (1 = MALE), "
           f"`Species` and `Island` dropped; {len(peng) - len(rows)} of {len(peng)} rows with a missing value dropped",
           f"{VEGA_LICENCE}; palmerpenguins data CC0")

    lines = (data / "seattle-weather.csv").read_text().strip().split("\n")
    assert lines[0] == "date,precipitation,temp_max,temp_min,wind,weather", lines[0]
    rows = []
    for line in lines[1:]:
        date, precip, tmax, tmin, wind, _ = line.split(",")
        day = datetime.date.fromisoformat(date).timetuple().tm_yday
        rows.append([float(precip), float(tmin), float(wind), day, float(tmax)])
    yield ("seattle_weather", ["precipitation", "temp_min", "wind", "day_of_year", "temp_max"], rows,
           f"{VEGA} `data/seattle-weather.csv` (daily, Seattle, 2012-2015; NOAA GHCN); target `temp_max` (deg C); "
           "`date` as its day of the year (1-366), `weather` (a label) dropped; no row missing",
           f"{VEGA_LICENCE}; NOAA data, public domain")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-heldout-data.py PATH_TO_UNPACKED_vega-datasets")
    pkg = Path(sys.argv[1])
    (OUT / "splits").mkdir(parents=True, exist_ok=True)
    manifest = []

    def add(name, header, table, source, licence):
        multi.add_real_set(manifest, name, header, np.asarray(table, dtype=float), source, licence, OUT)

    with tempfile.TemporaryDirectory() as raw:
        subprocess.run(["Rscript", str(ROOT / "scripts" / "extract-heldout-data.R"), raw], check=True)
        for name, (source, licence) in REAL_R.items():
            header, table = multi.read_csv(Path(raw) / f"{name}.csv")
            add(name, header, table, source, licence)
    for name, header, rows, source, licence in vega_sets(pkg):
        add(name, header, rows, source, licence)

    manifest.sort(key=lambda e: e["rows"])
    (OUT / "datasets.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for m in manifest:
        sub = f" (of {m['subsampled_from']})" if "subsampled_from" in m else ""
        print(f"{m['file']:<24} {m['rows']:>5} rows{sub} {len(m['features']):>3} features -> {m['target']}")


if __name__ == "__main__":
    main()
