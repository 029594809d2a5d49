#!/usr/bin/python3
"""Full-batch epoch times of basisfit's model in PyTorch (CPU, float64, autograd + torch.optim.Adam)
and in NumPy (float64, hand-written vectorised gradient + Adam), for bench/epoch.mjs.

    /usr/bin/python3 bench/torch_numpy.py JOBS.json

JOBS.json: {"jobs": [{"basis", "n", "d", "j", "dir", "frameworks": [...], "budget_s", "min_epochs",
"max_epochs", "lr"}]}, where dir holds the problem bench/epoch.mjs wrote: x.f64 (n*d), y.f64, w.f64,
p0.f64 (j*d), p1.f64 (j) as little-endian float64, and meta.json {"b": ...}. Frameworks are any of
"numpy", "torch-1", "torch-2" (PyTorch with 1 or 2 intra-op threads). Prints one JSON document.

Same model and objective as basisfit (src/train/objective.ts): L = (1/2N) sum (phi(X) w + b - y)^2 with
rbf phi = exp(-||x - c||^2 / exp(l)) or tanh phi = tanh(X a^T + c). The squared distances are formed
as ||x||^2 - 2 x.c + ||c||^2 (one matrix product), the idiomatic way in both libraries: broadcasting
x - c would materialise an N x J x D array.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def load(job):
    d = Path(job["dir"])
    f64 = lambda name: np.fromfile(d / name, dtype="<f8")  # noqa: E731
    n, dim, j = job["n"], job["d"], job["j"]
    meta = json.loads((d / "meta.json").read_text())
    return {
        "x": f64("x.f64").reshape(n, dim),
        "y": f64("y.f64"),
        "w": f64("w.f64"),
        "b": float(meta["b"]),
        "p0": f64("p0.f64").reshape(j, dim),
        "p1": f64("p1.f64"),
    }


def timed_epochs(step, job):
    """One warm-up epoch, then timed epochs until the budget is spent (as bench/problem.mjs's timeEpochs).
    Returns wall and process CPU seconds per epoch (CPU time counts every thread)."""
    first = last = step()
    k = 0
    t0, c0 = time.perf_counter(), time.process_time()
    while k < job["max_epochs"] and (k < job["min_epochs"] or time.perf_counter() - t0 < job["budget_s"]):
        last = step()
        k += 1
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"epoch_s": wall / k, "cpu_epoch_s": cpu / k, "epochs": k, "first_loss": first, "last_loss": last}


def numpy_run(p, basis, lr):
    x, y = p["x"], p["y"]
    n = x.shape[0]
    params = [p["w"].copy(), np.array([p["b"]]), p["p0"].copy(), p["p1"].copy()]
    m = [np.zeros_like(a) for a in params]
    v = [np.zeros_like(a) for a in params]
    xsq = (x * x).sum(1)[:, None]
    state = {"t": 0}

    def value_grad():
        w, b, p0, p1 = params
        if basis == "rbf":
            inv = np.exp(-p1)
            dist = xsq - 2.0 * (x @ p0.T) + (p0 * p0).sum(1)[None, :]
            phi = np.exp(-dist * inv)
        else:
            phi = np.tanh(x @ p0.T + p1)
        r = phi @ w + b[0] - y
        g = r / n
        gw = phi.T @ g
        gb = np.array([g.sum()])
        if basis == "rbf":
            a = (g[:, None] * phi) * (w * inv)
            gl = (a * dist).sum(0)
            gc = 2.0 * (a.T @ x - a.sum(0)[:, None] * p0)
            return 0.5 * float(r @ r) / n, [gw, gb, gc, gl]
        t = (g[:, None] * (1.0 - phi * phi)) * w
        return 0.5 * float(r @ r) / n, [gw, gb, t.T @ x, t.sum(0)]

    def step():
        loss, grads = value_grad()
        state["t"] += 1
        bc1, bc2 = 1 - BETA1 ** state["t"], 1 - BETA2 ** state["t"]
        for a, g, ms, vs in zip(params, grads, m, v):
            ms *= BETA1
            ms += (1 - BETA1) * g
            vs *= BETA2
            vs += (1 - BETA2) * g * g
            a -= lr * (ms / bc1) / (np.sqrt(vs / bc2) + EPS)
        return loss

    return step


def torch_run(p, basis, lr):
    import torch

    x = torch.from_numpy(p["x"])
    y = torch.from_numpy(p["y"])
    n = x.shape[0]
    xsq = (x * x).sum(1, keepdim=True)
    params = [
        torch.tensor(p["w"], requires_grad=True),
        torch.tensor(p["b"], dtype=torch.float64, requires_grad=True),
        torch.tensor(p["p0"], requires_grad=True),
        torch.tensor(p["p1"], requires_grad=True),
    ]
    opt = torch.optim.Adam(params, lr=lr, betas=(BETA1, BETA2), eps=EPS)

    def step():
        w, b, p0, p1 = params
        opt.zero_grad(set_to_none=True)
        if basis == "rbf":
            dist = xsq - 2.0 * (x @ p0.T) + (p0 * p0).sum(1)
            phi = torch.exp(-dist / torch.exp(p1))
        else:
            phi = torch.tanh(x @ p0.T + p1)
        r = phi @ w + b - y
        loss = 0.5 * (r * r).sum() / n
        loss.backward()
        opt.step()
        return loss.item()

    return step


def environment():
    env = {"numpy": np.__version__}
    try:
        import threadpoolctl

        env["blas"] = [
            {k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for i in threadpoolctl.threadpool_info()
            if i.get("user_api") == "blas"
        ]
    except ImportError:
        env["blas"] = "threadpoolctl not installed"
    try:
        import torch

        env["torch"] = torch.__version__
        env["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else None
    except ImportError as e:
        env["torch"] = None
        env["torch_error"] = str(e)
    return env


def main():
    jobs = json.loads(Path(sys.argv[1]).read_text())["jobs"]
    env = environment()
    results = []
    for job in jobs:
        p = load(job)
        for fw in job["frameworks"]:
            entry = {"basis": job["basis"], "n": job["n"], "d": job["d"], "j": job["j"], "framework": fw}
            try:
                if fw == "numpy":
                    step = numpy_run(p, job["basis"], job["lr"])
                else:
                    if env.get("torch") is None:
                        raise RuntimeError(f"torch not importable: {env.get('torch_error')}")
                    import torch

                    threads = int(fw.split("-")[1])
                    torch.set_num_threads(threads)
                    entry["threads"] = torch.get_num_threads()
                    step = torch_run(p, job["basis"], job["lr"])
                entry.update(timed_epochs(step, job))
            except Exception as e:  # one failing framework must not hide the others' numbers
                entry["error"] = f"{type(e).__name__}: {e}"
            results.append(entry)
            print(json.dumps(entry), file=sys.stderr, flush=True)
    print(json.dumps({"environment": env, "results": results}))


if __name__ == "__main__":
    main()
