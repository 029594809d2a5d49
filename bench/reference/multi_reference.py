#!/usr/bin/python3
"""Offline reference scores for the multi-feature benchmark (data/multi/), from scikit-learn.

Run from the repository root:

    nice -n 10 /usr/bin/python3 bench/reference/multi_reference.py [--only NAME[,NAME...]] [--jobs 2]
        [--data DIR] [--out PATH]

--data takes the sets from another folder laid out like data/multi/ (e.g. data/heldout, the
held-out suite); --out defaults to bench/reference/<folder name>_results.json, which is
multi_results.json for data/multi and what bench/multi.mjs --data DIR reads.

Same protocol as sklearn_reference.py (whose helpers it imports): for every entry of
data/multi/datasets.json, read the CSV and the fixed split data/multi/splits/<name>.json,
standardise x and y on the training rows, tune every method on the training rows only
(5-fold CV, KFold(5, shuffle=True, random_state=0); the GP by marginal likelihood), refit on all
training rows and report the test RMSE in the target's own units. Results go to
the --out file (with --only, other sets' earlier results are kept).

GP training is capped at GP_MAX_TRAIN rows (a seeded subsample of the training rows); in
data/multi only nox_emissions (1600 training rows) is affected. Each data set runs in its own process, one
BLAS thread each; --jobs sets how many at once.
"""

import argparse
import json
import os
import sys
import time
import warnings
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import sklearn
from scipy.linalg import LinAlgWarning
from sklearn.base import clone
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPRegressor
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sklearn_reference import CV, SCORING, SEED, Standardiser, plain, timed  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / "data" / "multi"
GP_MAX_TRAIN = 1200
GP_RESTARTS = 3


def load(data, entry):
    path = data / entry["file"]
    with path.open() as f:
        header = f.readline().strip().split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    x = table[:, [header.index(c) for c in entry["features"]]]
    y = table[:, header.index(entry["target"])]
    split = json.loads((data / entry["split"]).read_text())
    if split["rows"] != len(y):
        sys.exit(f"{entry['split']}: split is for {split['rows']} rows, {path} has {len(y)}; "
                 "rerun the script that made the folder (scripts/make-multi-data.py or make-heldout-data.py)")
    test = np.zeros(len(y), dtype=bool)
    test[split["test"]] = True
    return x[~test], y[~test], x[test], y[test]


def grid_search(estimator, grid):
    def fit(xs, ys):
        search = GridSearchCV(estimator, grid, cv=CV, scoring=SCORING, n_jobs=1, refit=False)
        search.fit(xs, ys)
        model = clone(estimator).set_params(**search.best_params_)
        fit_s, fit_cpu_s = timed(lambda: model.fit(xs, ys))
        params = {k: plain(v) for k, v in search.best_params_.items()}
        params["cv_rmse_std_units"] = plain(-search.best_score_)
        params["at_grid_edge"] = [k for k, v in search.best_params_.items()
                                  if len(grid[k]) > 1 and v in (grid[k][0], grid[k][-1])]
        return model, params, fit_s, fit_cpu_s
    return fit


def fit_mean(xs, ys):
    class Mean:
        def predict(self, x):
            return np.zeros(len(x))
    return Mean(), {}, 0.0, 0.0


def fit_gp(xs, ys):
    d = xs.shape[1]
    n = len(ys)
    subsampled = None
    if n > GP_MAX_TRAIN:
        rows = np.sort(np.random.RandomState(SEED).choice(n, GP_MAX_TRAIN, replace=False))
        xs, ys = xs[rows], ys[rows]
        subsampled = f"{GP_MAX_TRAIN} of {n} training rows"
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.ones(d), (1e-2, 1e3))
              + WhiteKernel(0.1, (1e-6, 1e1)))
    gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, n_restarts_optimizer=GP_RESTARTS,
                                  random_state=SEED)
    fit_s, fit_cpu_s = timed(lambda: gp.fit(xs, ys))
    k = gp.kernel_
    params = {
        "kernel": str(k),
        "length_scale_std_units": plain(np.atleast_1d(k.k1.k2.length_scale)),
        "noise_variance_normalised": plain(k.k2.noise_level),
        "log_marginal_likelihood": plain(gp.log_marginal_likelihood_value_),
        "restarts": GP_RESTARTS,
        "train_rows": len(ys),
    }
    if subsampled:
        params["subsampled"] = subsampled
    return gp, params, fit_s, fit_cpu_s


METHODS = {
    "mean": fit_mean,
    # A linear model: tells whether a set needs a nonlinear fit at all.
    "linear_ridge": grid_search(Ridge(), {"alpha": [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1000.0]}),
    "kernel_ridge_rbf": grid_search(
        KernelRidge(kernel="rbf"),
        {"alpha": [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0],
         "gamma": [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]},
    ),
    "gp_ard": fit_gp,
    # One hidden tanh layer with a linear output: basisfit's tanh model.
    "mlp_tanh": grid_search(
        MLPRegressor(activation="tanh", solver="lbfgs", max_iter=3000, random_state=SEED),
        {"hidden_layer_sizes": [(3,), (5,), (10,), (20,), (50,)],
         "alpha": [1e-4, 1e-2, 1.0, 10.0]},
    ),
    "gbr": grid_search(
        GradientBoostingRegressor(random_state=SEED),
        {"n_estimators": [100, 300, 1000], "max_depth": [2, 3, 4], "learning_rate": [0.03, 0.1]},
    ),
}


def run(job):
    data, entry = job
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=LinAlgWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    threadpool_limits(1)
    x_tr, y_tr, x_te, y_te = load(data, entry)
    scale = Standardiser(x_tr, y_tr)
    # A constant training column (possible in tiny sets) would divide by zero.
    scale.xs = np.where(scale.xs > 0, scale.xs, 1.0)
    xs_tr, ys_tr, xs_te = scale.x(x_tr), scale.y(y_tr), scale.x(x_te)
    results = {}
    for name, fit in METHODS.items():
        t0 = time.perf_counter()
        model, params, fit_s, fit_cpu_s = fit(xs_tr, ys_tr)
        tune_s = time.perf_counter() - t0
        pred = scale.y_back(model.predict(xs_te))
        rmse = float(np.sqrt(np.mean((pred - y_te) ** 2)))
        results[name] = {"test_rmse": plain(rmse), "fit_s": plain(fit_s),
                         "fit_cpu_s": plain(fit_cpu_s), "tune_s": plain(tune_s), "params": params}
    best = min((m for m in results if m != "mean"), key=lambda m: results[m]["test_rmse"])
    results["best"] = {"method": best, "test_rmse": results[best]["test_rmse"]}
    results["n_train"], results["n_test"] = len(y_tr), len(y_te)
    results["oracle_test_rmse"] = entry.get("oracle_rmse", {}).get("test")
    return entry["name"], results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated data set names")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder with datasets.json (default data/multi)")
    parser.add_argument("--out", help="results file (default bench/reference/<data folder name>_results.json)")
    args = parser.parse_args()
    data = Path(args.data).resolve()
    if args.out is None:
        args.out = str(ROOT / "bench" / "reference" / f"{data.name}_results.json")

    manifest = json.loads((data / "datasets.json").read_text())
    if args.only:
        wanted = set(args.only.split(","))
        manifest = [e for e in manifest if e["name"] in wanted]
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python "
          f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    out = Path(args.out)
    all_results = json.loads(out.read_text()) if args.only and out.exists() else {}
    started = time.perf_counter()
    # Largest first, so the long ones do not start last.
    order = sorted(manifest, key=lambda e: -e["rows"] * len(e["features"]))
    header = f"{'data set':<20} {'method':<18} {'test RMSE':>11} {'fit cpu s':>10} {'tune s':>8}"
    print(header)
    print("-" * len(header))
    with Pool(args.jobs) as pool:
        for name, res in pool.imap_unordered(run, [(data, e) for e in order]):
            all_results[name] = res
            for method in METHODS:
                r = res[method]
                mark = " *" if method == res["best"]["method"] else ""
                print(f"{name:<20} {method:<18} {r['test_rmse']:>11.4g} {r['fit_cpu_s']:>10.3f} {r['tune_s']:>8.2f}{mark}")
            sys.stdout.flush()
    names = [e["name"] for e in json.loads((data / "datasets.json").read_text())]
    ordered = {n: all_results[n] for n in names if n in all_results}
    ordered["_meta"] = {"sklearn": sklearn.__version__, "numpy": np.__version__,
                        "python": sys.version.split()[0], "gp_max_train": GP_MAX_TRAIN,
                        "gp_restarts": GP_RESTARTS, "jobs": args.jobs,
                        "wall_s": round(time.perf_counter() - started, 1)}
    out.write_text(json.dumps(ordered, indent=2) + "\n")
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s "
          f"(load average {os.getloadavg()[0]:.1f})", file=sys.stderr)


if __name__ == "__main__":
    main()
