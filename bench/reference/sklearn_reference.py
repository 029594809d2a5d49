#!/usr/bin/python3
"""Offline reference scores for basisfit's sample data sets, from scikit-learn.

Run from the repository root:

    /usr/bin/python3 bench/reference/sklearn_reference.py [--only NAME[,NAME...]] [--out PATH]

Needs Debian's python3-sklearn and python3-numpy (apt-get install -y python3-sklearn
python3-numpy). They are for this benchmark only, never a runtime or test dependency of basisfit.

For every data set in data/datasets.json it reads the CSV and the fixed split
data/splits/<name>.json (written by scripts/make-data.mjs), standardises x and y on the
training rows, tunes each method by 5-fold cross-validation on the training rows only (the GP by
marginal likelihood instead), refits on all training rows and reports the test RMSE in the
target's own units. Results go to bench/reference/results.json.
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sklearn
from scipy.linalg import LinAlgWarning
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEED = 0
CV = KFold(n_splits=5, shuffle=True, random_state=SEED)
SCORING = "neg_root_mean_squared_error"


def load(entry):
    path = DATA / entry["file"]
    with path.open() as f:
        header = f.readline().strip().split(",")
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    cols = [header.index(c) for c in entry["features"]]
    x = table[:, cols]
    y = table[:, header.index(entry["target"])]
    split = json.loads((DATA / entry["split"]).read_text())
    if split["rows"] != len(y):
        sys.exit(f"{entry['split']}: split is for {split['rows']} rows, {path} has {len(y)}; "
                 "rerun node scripts/make-data.mjs")
    test = np.zeros(len(y), dtype=bool)
    test[split["test"]] = True
    return x[~test], y[~test], x[test], y[test]


class Standardiser:
    """x and y scaled by the training rows' mean and standard deviation."""

    def __init__(self, x, y):
        self.xm, self.xs = x.mean(axis=0), x.std(axis=0)
        self.ym, self.ys = y.mean(), y.std()

    def x(self, x):
        return (x - self.xm) / self.xs

    def y(self, y):
        return (y - self.ym) / self.ys

    def y_back(self, z):
        return z * self.ys + self.ym


def plain(value):
    """numpy scalars and tuples as plain JSON values."""
    if isinstance(value, (np.floating, float)):
        return float(f"{float(value):.6g}")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (tuple, list, np.ndarray)):
        return [plain(v) for v in value]
    return value


def timed(fn):
    """Wall and CPU seconds of fn(); CPU time stays honest when other jobs share the cores."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def grid_search(estimator, grid):
    def fit(xs, ys):
        search = GridSearchCV(estimator, grid, cv=CV, scoring=SCORING, n_jobs=1, refit=False)
        search.fit(xs, ys)
        model = clone(estimator).set_params(**search.best_params_)
        fit_s, fit_cpu_s = timed(lambda: model.fit(xs, ys))
        params = {k.split("__")[-1]: plain(v) for k, v in search.best_params_.items()}
        params["cv_rmse_std_units"] = plain(-search.best_score_)
        # A choice on the edge of its grid says the grid, not the data, bounded the tuning.
        params["at_grid_edge"] = [k.split("__")[-1] for k, v in search.best_params_.items()
                                  if v in (grid[k][0], grid[k][-1])]
        return model, params, fit_s, fit_cpu_s
    return fit


def fit_mean(xs, ys):
    class Mean:
        def predict(self, x):
            return np.zeros(len(x))
    return Mean(), {}, 0.0, 0.0


def fit_gp(xs, ys):
    d = xs.shape[1]
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.ones(d), (1e-3, 1e3))
              + WhiteKernel(0.1, (1e-6, 1e1)))
    gp = GaussianProcessRegressor(kernel=kernel, normalize_y=False, n_restarts_optimizer=5,
                                  random_state=SEED)
    fit_s, fit_cpu_s = timed(lambda: gp.fit(xs, ys))
    k = gp.kernel_
    params = {
        "kernel": str(k),
        "length_scale_std_units": plain(np.atleast_1d(k.k1.k2.length_scale)),
        "signal_variance": plain(k.k1.k1.constant_value),
        "noise_variance_std_units": plain(k.k2.noise_level),
        "log_marginal_likelihood": plain(gp.log_marginal_likelihood_value_),
    }
    return gp, params, fit_s, fit_cpu_s


METHODS = {
    # Predicts the training mean: the floor every model must beat.
    "mean": fit_mean,
    "poly_ridge": grid_search(
        make_pipeline(PolynomialFeatures(), Ridge()),
        {"polynomialfeatures__degree": list(range(1, 16)),
         "ridge__alpha": [1e-8, 1e-6, 1e-4, 1e-2, 1.0, 100.0]},
    ),
    "kernel_ridge_rbf": grid_search(
        KernelRidge(kernel="rbf"),
        {"alpha": [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0],
         "gamma": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]},
    ),
    "gp_rbf_white": fit_gp,
    # One hidden tanh layer with a linear output is basisfit's tanh model, f = w . tanh(Ax + c) + b.
    "mlp_tanh": grid_search(
        MLPRegressor(activation="tanh", solver="lbfgs", max_iter=3000, random_state=SEED),
        {"hidden_layer_sizes": [(3,), (5,), (10,), (20,), (50,)],
         "alpha": [1e-4, 1e-2, 1.0, 10.0]},
    ),
}


def run(entry):
    x_tr, y_tr, x_te, y_te = load(entry)
    scale = Standardiser(x_tr, y_tr)
    xs_tr, ys_tr, xs_te = scale.x(x_tr), scale.y(y_tr), scale.x(x_te)
    results = {}
    for name, fit in METHODS.items():
        t0 = time.perf_counter()
        model, params, fit_s, fit_cpu_s = fit(xs_tr, ys_tr)
        tune_s = time.perf_counter() - t0
        if "noise_variance_std_units" in params:
            params["noise_sd"] = plain(np.sqrt(params["noise_variance_std_units"]) * scale.ys)
        pred = scale.y_back(model.predict(xs_te))
        rmse = float(np.sqrt(np.mean((pred - y_te) ** 2)))
        results[name] = {"test_rmse": plain(rmse), "fit_s": plain(fit_s),
                         "fit_cpu_s": plain(fit_cpu_s), "tune_s": plain(tune_s),
                         "params": params}
    best = min((m for m in results if m != "mean"), key=lambda m: results[m]["test_rmse"])
    results["best"] = {"method": best, "test_rmse": results[best]["test_rmse"]}
    results["n_train"], results["n_test"] = len(y_tr), len(y_te)
    results["oracle_test_rmse"] = entry.get("oracle_rmse", {}).get("test")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated data set names")
    parser.add_argument("--out", default=str(ROOT / "bench" / "reference" / "results.json"))
    args = parser.parse_args()

    # lbfgs stopping at max_iter, and high-degree polynomials with alpha 1e-6, warn; such
    # candidates are judged by their cross-validation score like any other.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=LinAlgWarning)
    manifest = json.loads((DATA / "datasets.json").read_text())
    if args.only:
        wanted = set(args.only.split(","))
        manifest = [e for e in manifest if e["name"] in wanted]
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, python "
          f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)

    out = Path(args.out)
    # With --only, the other data sets' earlier results are kept.
    # One BLAS thread: basisfit trains on one thread, and on a shared 2-core machine the times
    # are steadier without thread contention.
    threadpool_limits(1)
    all_results = json.loads(out.read_text()) if args.only and out.exists() else {}
    header = (f"{'data set':<24} {'method':<18} {'test RMSE':>11} {'fit s':>8} {'fit cpu s':>10}"
              f" {'tune s':>8}")
    print(header)
    print("-" * len(header))
    for entry in manifest:
        res = run(entry)
        all_results[entry["name"]] = res
        for method in METHODS:
            r = res[method]
            mark = " *" if method == res["best"]["method"] else ""
            print(f"{entry['name']:<24} {method:<18} {r['test_rmse']:>11.4g} "
                  f"{r['fit_s']:>8.3f} {r['fit_cpu_s']:>10.3f} {r['tune_s']:>8.2f}{mark}")
        if res["oracle_test_rmse"] is not None:
            print(f"{entry['name']:<24} {'(noise floor)':<18} {res['oracle_test_rmse']:>11.4g}")
        sys.stdout.flush()

    out.write_text(json.dumps(all_results, indent=2) + "\n")
    print(f"wrote {args.out} (load average {os.getloadavg()[0]:.1f})", file=sys.stderr)


if __name__ == "__main__":
    main()
