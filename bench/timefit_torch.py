#!/usr/bin/python3
"""Test-RMSE trajectories of basisfit's model in PyTorch (Adam, full batch) and of scikit-learn's
MLPRegressor (tanh, lbfgs), for bench/timefit.mjs ("time to a good fit").

    /usr/bin/python3 bench/timefit_torch.py torch|sklearn JOB.json SPAWN_MS

SPAWN_MS is the wall clock (ms since the epoch) at which bench/timefit.mjs spawned this process, so
that the start-up (interpreter, imports, reading the data) is measured from process start.
JOB.json: {"train": CSV, "test": CSV, "features": [...], "target": name, "basis": "rbf"|"tanh",
"units": J, "seed", torch: "lrs": [...], "grid_seconds", "long_seconds", "max_epochs"; sklearn:
"max_iters", "max_seconds"}. One process runs one (data set, basis), so each measures its own
start-up. Prints one JSON document:

    {"framework", "startup_s", "startup_cpu_s", "threads", "versions", "runs": [...]}

torch runs: one per learning rate, each trained for grid_seconds, and the one that reached the lowest
test RMSE continued to long_seconds: {"lr", "epochs", "diverged", "long", "points": [[epoch, train_s,
cpu_s, test_rmse], ...]}; train_s and cpu_s count the optimisation alone (model construction included),
not the test evaluations at the check points, so "startup_s + train_s" is the wall time a process
that ran exactly that many epochs would take. Checks: every epoch up to 20, then about every 3%.
sklearn runs: one fresh fit per max_iter 1, 2, 4, ... (stopping once lbfgs converges before its
budget, after which larger budgets fit the same model), {"max_iter", "n_iter", "fit_s", "cpu_s",
"test_rmse"}.

The model is basisfit's (src/basis/rbf.ts, tanh.ts): f(x) = sum_j w_j phi_j(x) + b on inputs and
target standardised by the training rows, float64, mean squared error, set up the way a PyTorch
user would: tanh is nn.Linear(D, J) -> tanh -> nn.Linear(J, 1) with PyTorch's default
initialisation; rbf is phi_j = exp(-||x - c_j||^2 / s_j) with s_j = exp(log_s_j), centres at J
random training rows and a shared starting width from the textbook rule s = d_max^2 / J (sigma =
d_max / sqrt(2J), d_max the largest distance between centres), output nn.Linear(J, 1). Adam with
PyTorch's defaults apart from the learning rate; no weight decay. MLPRegressor is the same tanh
model with scikit-learn's defaults (alpha 1e-4) apart from the unit count and max_iter.
"""

import json
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

MODE, JOB_PATH, SPAWN_MS = sys.argv[1], sys.argv[2], float(sys.argv[3])
DENSE_CHECKS = 20
CHECK_GROWTH = 1.03


def load(job):
    def read(path):
        with open(path) as f:
            header = f.readline().strip().split(",")
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        return table[:, [header.index(c) for c in job["features"]]], table[:, header.index(job["target"])]

    x_tr, y_tr = read(job["train"])
    x_te, y_te = read(job["test"])
    xm, xs = x_tr.mean(0), x_tr.std(0)
    ym, ys = y_tr.mean(), y_tr.std()
    return {"x": (x_tr - xm) / xs, "y": (y_tr - ym) / ys, "x_test": (x_te - xm) / xs, "y_test": y_te, "ym": ym, "ys": ys}


def rmse(pred_std, d):
    """Test RMSE in the target's own units."""
    assert pred_std.shape == d["y_test"].shape, f"prediction shape {pred_std.shape}, test target {d['y_test'].shape}"
    return float(np.sqrt(np.mean((pred_std * d["ys"] + d["ym"] - d["y_test"]) ** 2)))


def next_check(epoch):
    return epoch + 1 if epoch < DENSE_CHECKS else max(epoch + 1, math.ceil(epoch * CHECK_GROWTH))


def torch_runs(job, d):
    import torch
    from torch import nn

    class Rbf(nn.Module):
        def __init__(self, x, units):
            super().__init__()
            rows = torch.randperm(x.shape[0])[:units] if units <= x.shape[0] else torch.randint(x.shape[0], (units,))
            c = x[rows].clone()
            d_max2 = float(torch.cdist(c, c).max()) ** 2
            self.c = nn.Parameter(c)
            self.log_s = nn.Parameter(torch.full((units,), math.log(max(d_max2 / units, 1e-6)), dtype=torch.float64))
            self.out = nn.Linear(units, 1, dtype=torch.float64)

        def forward(self, x):
            sq = ((x[:, None, :] - self.c[None, :, :]) ** 2).sum(-1)
            return self.out(torch.exp(-sq / torch.exp(self.log_s))).squeeze(1)

    def model(x, units):
        if job["basis"] == "rbf":
            return Rbf(x, units)
        dim = x.shape[1]
        return nn.Sequential(nn.Linear(dim, units, dtype=torch.float64), nn.Tanh(), nn.Linear(units, 1, dtype=torch.float64), nn.Flatten(0))

    x, y, x_test = (torch.from_numpy(np.ascontiguousarray(a)) for a in (d["x"], d["y"], d["x_test"]))
    ready = mark()

    def start(lr):
        w0, c0 = time.perf_counter(), time.process_time()
        torch.manual_seed(job["seed"])  # every learning rate starts from the same parameters
        net = model(x, job["units"])
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        return {"lr": lr, "net": net, "opt": opt, "epochs": 0, "diverged": False, "points": [], "check": 1,
                "spent": time.perf_counter() - w0, "spent_cpu": time.process_time() - c0}

    def advance(r, seconds):
        """Adam epochs until the run has trained for `seconds` (or hit max_epochs, or diverged)."""
        net, opt = r["net"], r["opt"]
        while not r["diverged"] and r["epochs"] < job["max_epochs"] and r["spent"] < seconds:
            w0, c0 = time.perf_counter(), time.process_time()
            opt.zero_grad(set_to_none=True)
            loss = ((net(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            r["epochs"] += 1
            r["spent"] += time.perf_counter() - w0
            r["spent_cpu"] += time.process_time() - c0
            if not math.isfinite(loss.item()):
                r["diverged"] = True
            elif r["epochs"] == r["check"] or r["epochs"] == job["max_epochs"]:
                with torch.no_grad():
                    value = rmse(net(x_test).numpy(), d)
                if math.isfinite(value):
                    r["points"].append([r["epochs"], r["spent"], r["spent_cpu"], value])
                    r["check"] = next_check(r["epochs"])
                else:
                    r["diverged"] = True

    def best(r):
        return min((p[3] for p in r["points"]), default=math.inf)

    # A short run at every learning rate, then the best of them (by the lowest test RMSE it
    # reached) continues: the long, careful run that sets "the best this model reaches".
    runs = [start(lr) for lr in job["lrs"]]
    for r in runs:
        advance(r, job["grid_seconds"])
    chosen = min(runs, key=best)
    advance(chosen, job["long_seconds"])
    for r in runs:
        print(f"torch {job['basis']} lr {r['lr']}: {r['epochs']} epochs in {r['spent']:.1f} s, "
              f"best test RMSE {best(r):.5g}{' (diverged)' if r['diverged'] else ''}", file=sys.stderr, flush=True)
    runs = [{k: r[k] for k in ("lr", "epochs", "diverged", "points")} | {"long": r is chosen} for r in runs]
    return ready, runs, {"torch": torch.__version__}, torch.get_num_threads()


def sklearn_runs(job, d):
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    ready = mark()
    runs = []
    budget, total = 1, 0.0
    while budget <= job["max_iters"] and total < job["max_seconds"]:
        net = MLPRegressor(hidden_layer_sizes=(job["units"],), activation="tanh", solver="lbfgs", max_iter=budget, random_state=job["seed"])
        w0, c0 = time.perf_counter(), time.process_time()
        net.fit(d["x"], d["y"])
        fit_s, cpu_s = time.perf_counter() - w0, time.process_time() - c0
        total += fit_s
        runs.append({"max_iter": budget, "n_iter": int(net.n_iter_), "fit_s": fit_s, "cpu_s": cpu_s, "test_rmse": rmse(net.predict(d["x_test"]), d)})
        if net.n_iter_ < budget:
            break  # converged by its tolerance: a larger budget fits the same model
        budget *= 2
    threads = None
    try:
        import threadpoolctl

        threads = max((i.get("num_threads") or 0 for i in threadpoolctl.threadpool_info()), default=None)
    except ImportError:
        pass
    return ready, runs, {"sklearn": sklearn.__version__}, threads


def mark():
    """Wall seconds since this process was spawned, and its CPU seconds so far."""
    return time.time() - SPAWN_MS / 1000, time.process_time()


def main():
    job = json.loads(Path(JOB_PATH).read_text())
    d = load(job)
    run = torch_runs if MODE == "torch" else sklearn_runs
    (startup_s, startup_cpu_s), runs, versions, threads = run(job, d)
    versions.update(numpy=np.__version__, python=sys.version.split()[0])
    print(json.dumps({"framework": MODE, "startup_s": startup_s, "startup_cpu_s": startup_cpu_s, "threads": threads, "versions": versions, "runs": runs}))


if __name__ == "__main__":
    main()
