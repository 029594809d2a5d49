#!/usr/bin/env python3
"""
Certified reference optima for basisfit's --solver lm tests
(test/fixtures/lm-reference/*.json), computed independently of basisfit.

Each problem is f(x) = sum_j w_j phi_j(x; theta_j) + b (b = 0 without an
intercept), fitted by plain least squares to fixed data (no ridge, no
scaling: what `--ridge 0 --no-standardize --val-split 0` trains). The optimum
of L = 1/2 sum (f(x_n) - y_n)^2 over all parameters (theta, w, b) is found by
scipy.optimize.least_squares from the near start, then polished by Newton's
method on the gradient at 50 significant digits with mpmath (analytic
residual Jacobian, Hessian by central differences of that analytic gradient
with h = 1e-20, error O(h^2)). The fixture records the parameters, RSS, the
gradient norm after polishing (the certificate: it must be ~1e-40), the
standard deviations sqrt(diag(s^2 (J^T J)^-1)) with s^2 = RSS / (N - P), and
near and far starting theta for the tests.

Run: /usr/bin/python3 scripts/lm-reference.py   (needs python3-mpmath, -numpy, -scipy)
"""
import json
import os

import mpmath as mp
import numpy as np
from scipy.optimize import least_squares

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'lm-reference')


def phi_and_grads(basis, x, th, lib):
    """phi(x; th) and d phi / d th (list), for one unit and one scalar x, in `lib` (math-like)."""
    if basis == 'exp':
        (a,) = th
        e = lib.exp(a * x)
        return e, [x * e]
    if basis == 'rbf':
        c, s = th
        e = lib.exp(-((x - c) ** 2) / s)
        return e, [e * 2 * (x - c) / s, e * (x - c) ** 2 / s ** 2]
    if basis == 'poly':
        (p,) = th
        e = lib.exp(p * lib.log(x))
        return e, [e * lib.log(x)]
    if basis == 'tanh':
        a, c = th
        t = lib.tanh(a * x + c)
        return t, [x * (1 - t * t), 1 - t * t]
    raise ValueError(basis)


def width(basis):
    return 2 if basis in ('rbf', 'tanh') else 1


def unpack(basis, units, intercept, p):
    k = width(basis)
    theta = [list(p[j * k:(j + 1) * k]) for j in range(units)]
    w = list(p[units * k:units * k + units])
    b = p[units * k + units] if intercept else 0
    return theta, w, b


def residual_and_jacobian(basis, units, intercept, xs, ys, p, lib):
    theta, w, b = unpack(basis, units, intercept, p)
    k = width(basis)
    P = len(p)
    r = []
    J = []
    for x, y in zip(xs, ys):
        f = b
        row = [0] * P
        for j in range(units):
            v, g = phi_and_grads(basis, x, theta[j], lib)
            f += w[j] * v
            for i in range(k):
                row[j * k + i] = w[j] * g[i]
            row[units * k + j] = v
        if intercept:
            row[units * k + units] = 1
        r.append(f - y)
        J.append(row)
    return r, J


def gradient(basis, units, intercept, xs, ys, p):
    r, J = residual_and_jacobian(basis, units, intercept, xs, ys, p, mp)
    return [mp.fsum(J[n][i] * r[n] for n in range(len(r))) for i in range(len(p))]


def polish(basis, units, intercept, xs, ys, p0):
    p = [mp.mpf(v) for v in p0]
    h = mp.mpf('1e-20')
    for _ in range(40):
        g = gradient(basis, units, intercept, xs, ys, p)
        H = mp.matrix(len(p), len(p))
        for i in range(len(p)):
            up = list(p)
            dn = list(p)
            up[i] += h
            dn[i] -= h
            gu = gradient(basis, units, intercept, xs, ys, up)
            gd = gradient(basis, units, intercept, xs, ys, dn)
            for j in range(len(p)):
                H[j, i] = (gu[j] - gd[j]) / (2 * h)
        step = mp.lu_solve(H, mp.matrix(g))
        p = [p[i] - step[i] for i in range(len(p))]
        if mp.norm(step) < mp.mpf('1e-45') * (1 + mp.norm(mp.matrix(p))):
            break
    g = gradient(basis, units, intercept, xs, ys, p)
    return p, mp.norm(mp.matrix(g))


def solve(problem):
    basis, units, intercept = problem['basis'], problem['units'], problem['intercept']
    xs = [mp.mpf(v) for v in problem['x']]
    ys = [mp.mpf(v) for v in problem['y']]
    xf = np.array(problem['x'])
    yf = np.array(problem['y'])
    k = width(basis)

    def start_vector(theta):
        # w (and b) for the start theta by linear least squares, so scipy starts from a consistent point.
        cols = [np.array([float(phi_and_grads(basis, x, th, np)[0]) for x in xf]) for th in theta]
        A = np.column_stack(cols + ([np.ones_like(xf)] if intercept else []))
        c = np.linalg.lstsq(A, yf, rcond=None)[0]
        return np.concatenate([np.ravel(theta), c])

    def fun(p):
        return np.array(residual_and_jacobian(basis, units, intercept, xf, yf, p, np)[0], dtype=float)

    def jac(p):
        return np.array(residual_and_jacobian(basis, units, intercept, xf, yf, p, np)[1], dtype=float)

    sol = least_squares(fun, start_vector(problem['starts']['near']), jac=jac, method='lm', xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
    p, gnorm = polish(basis, units, intercept, xs, ys, sol.x)
    r, J = residual_and_jacobian(basis, units, intercept, xs, ys, p, mp)
    rss = mp.fsum(v * v for v in r)
    P = len(p)
    N = len(xs)
    JtJ = mp.matrix(P, P)
    for i in range(P):
        for j in range(P):
            JtJ[i, j] = mp.fsum(J[n][i] * J[n][j] for n in range(N))
    cov = mp.inverse(JtJ) * (rss / (N - P))
    sd = [mp.sqrt(cov[i, i]) for i in range(P)]
    theta, w, b = unpack(basis, units, intercept, p)
    sdt, sdw, sdb = unpack(basis, units, intercept, sd)
    s = lambda v: mp.nstr(v, 30)
    return {
        'theta': [[s(v) for v in row] for row in theta],
        'w': [s(v) for v in w],
        'b': s(b) if intercept else '0',
        'rss': s(rss),
        'gradient_norm': mp.nstr(gnorm, 5),
        'scipy_rss': float(np.sum(fun(sol.x) ** 2)),
        'sd': {'theta': [[s(v) for v in row] for row in sdt], 'w': [s(v) for v in sdw], 'b': s(sdb) if intercept else None},
        'sigma2': s(rss / (N - P)),
        'dof': N - P,
    }


def data(n, lo, hi, f, noise, seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(lo, hi, n)
    y = f(x) + noise * rng.standard_normal(n)
    # Six decimals: the fixture's numbers are exactly the doubles both sides read.
    return [float(round(v, 6)) for v in x], [float(round(v, 6)) for v in y]


PROBLEMS = []


def add(name, basis, units, intercept, n, lo, hi, f, noise, seed, near, far, note):
    x, y = data(n, lo, hi, f, noise, seed)
    PROBLEMS.append({'name': name, 'basis': basis, 'units': units, 'intercept': intercept, 'note': note, 'x': x, 'y': y, 'starts': {'near': near, 'far': far}})


add('exp1', 'exp', 1, True, 40, 0, 5, lambda t: 3 * np.exp(-0.8 * t) + 0.5, 0.02, 1,
    [[-0.7]], [[-3.0]], 'one decay plus a constant')
add('exp1-nob', 'exp', 1, False, 40, 0, 5, lambda t: 3 * np.exp(-0.8 * t), 0.02, 2,
    [[-0.9]], [[-0.1]], 'one decay, no intercept')
add('exp2', 'exp', 2, True, 60, 0, 6, lambda t: 2 * np.exp(-0.5 * t) + 1.5 * np.exp(-2.5 * t) + 0.3, 0.01, 3,
    [[-0.45], [-2.8]], [[-0.1], [-6.0]], 'two decays plus a constant')
add('exp2-nob', 'exp', 2, False, 60, 0, 6, lambda t: 2 * np.exp(-0.5 * t) - 1.5 * np.exp(-2.5 * t), 0.01, 4,
    [[-0.55], [-2.2]], [[-0.05], [-8.0]], 'a rise and decay (two exponentials of opposite sign), no intercept')
add('exp3-nob', 'exp', 3, False, 90, 0, 9, lambda t: 1.0 * np.exp(-0.2 * t) + 2 * np.exp(-1.2 * t) + 1.5 * np.exp(-4 * t), 0.002, 5,
    [[-0.22], [-1.1], [-4.3]], [[-0.05], [-0.6], [-9.0]], 'three decays, no intercept: a classically ill-conditioned sum')
add('gauss1', 'rbf', 1, True, 50, -3, 3, lambda x: 2 * np.exp(-((x - 0.5) ** 2) / 0.3) + 0.1, 0.03, 6,
    [[0.45, 0.35]], [[-1.0, 3.0]], 'one Gaussian bump plus a constant')
add('power1', 'poly', 1, True, 40, 0.5, 4, lambda x: 2.5 * x ** 1.7 - 1.0, 0.05, 7,
    [[1.5]], [[-0.5]], 'one power law plus a constant')


# Problems of the forms of NIST StRD's hardest separable ones, with their published starting
# values as the near and far starts (NIST "start 2" and "start 1"), data made here.
def nist_lanczos(decimals):
    # Lanczos's generating function on NIST's 24 abscissae, rounded as NIST rounds its
    # Lanczos3 data (to 4 decimals): three decays whose sum hides them.
    x = [round(0.05 * i, 2) for i in range(24)]
    y = [float(round(0.0951 * np.exp(-t) + 0.8607 * np.exp(-3 * t) + 1.5576 * np.exp(-5 * t), decimals)) for t in x]
    return x, y


def add_data(name, basis, units, intercept, x, y, near, far, note):
    PROBLEMS.append({'name': name, 'basis': basis, 'units': units, 'intercept': intercept, 'note': note, 'x': x, 'y': y, 'starts': {'near': near, 'far': far}})


for name, decimals in (('lanczos1', 12), ('lanczos2', 5)):
    lx, ly = nist_lanczos(decimals)
    add_data(name, 'exp', 3, False, lx, ly, [[-0.7], [-4.2], [-6.3]], [[-0.3], [-5.5], [-7.6]],
             f'NIST {name.capitalize()} form: three decays (rates 1, 3, 5) rounded to {decimals} decimals; starts NIST 2 (near) and 1 (far)')
lx, ly = nist_lanczos(4)
add_data('lanczos3', 'exp', 3, False, lx, ly, [[-0.7], [-4.2], [-6.3]], [[-0.3], [-5.5], [-7.6]],
         'NIST Lanczos3 form: three decays (rates 1, 3, 5) rounded to 4 decimals; starts NIST 2 (near) and 1 (far)')
ox, oy = data(33, 0, 320, lambda t: 0.375 + 1.94 * np.exp(-0.0128 * t) - 1.46 * np.exp(-0.0221 * t), 0.001, 8, )
add_data('osborne1', 'exp', 2, True, ox, oy, [[-0.01], [-0.02]], [[-1.0], [-2.0]],
         'NIST MGH17 (Osborne 1) form: a constant and two exponentials of opposite sign; starts NIST 2 (near) and 1 (far, rates 80x too fast)')
ex, ey = data(35, 400, 500, lambda t: 1.554 / 4.089 * np.exp(-0.5 * ((t - 451.5) / 4.089) ** 2), 0.002, 9)
add_data('eckerle4', 'rbf', 1, False, ex, ey, [[452.0, 2 * 4.5 ** 2]], [[500.0, 2 * 10.0 ** 2]],
         'NIST Eckerle4 form: one narrow Gaussian bump, no constant; starts NIST 2 (near) and 1 (far, the bump outside the data)')


# Problems of other shapes, checked the same way: logistic steps, overlapping peaks, a sum of
# power laws, and NIST's DanWood and BoxBOD data (their published data and starts) in this
# model's parameterisation (w and b free, so the optimum is the model's own, not NIST's).
add('tanh1', 'tanh', 1, True, 60, 0, 10, lambda x: 3 * np.tanh(1.2 * (x - 4)) + 1, 0.03, 10,
    [[1.0, -4.0]], [[0.1, 0.0]], 'a four-parameter logistic step (dose-response form); far start nearly linear')
add('tanh2', 'tanh', 2, True, 80, 0, 8, lambda x: 2 * np.tanh(2 * (x - 2)) + np.tanh(1.5 * (x - 6)) + 0.5, 0.02, 11,
    [[1.8, -3.8], [1.4, -8.5]], [[0.5, 0.0], [0.5, -1.0]], 'two logistic steps plus a constant')
add('gauss2', 'rbf', 2, True, 100, 0, 10, lambda x: 1.5 * np.exp(-((x - 4) ** 2) / 1.0) + np.exp(-((x - 5.5) ** 2) / 1.5) + 0.2, 0.01, 12,
    [[4.1, 0.9], [5.4, 1.7]], [[2.0, 4.0], [8.0, 4.0]], 'two overlapping Gaussian peaks plus a constant (NIST Gauss3-like overlap)')
add('power2', 'poly', 2, True, 50, 0.5, 5, lambda x: 2 * x ** 0.5 + 0.3 * x ** 1.8 - 1, 0.02, 13,
    [[0.6], [1.7]], [[-1.0], [3.0]], 'two power laws plus a constant')
add_data('danwood', 'poly', 1, False, [1.309, 1.471, 1.490, 1.565, 1.611, 1.680], [2.138, 3.421, 3.597, 4.340, 4.882, 5.660],
         [[4.0]], [[5.0]], 'NIST DanWood data: one power law, no constant; starts NIST 2 (near) and 1 (far)')
add_data('boxbod', 'exp', 1, True, [1, 2, 3, 5, 7, 10], [109, 149, 149, 191, 213, 224],
         [[-0.75]], [[-1.0]], 'NIST BoxBOD data: a saturating rise (w e^(a x) + b, w and b free), six points; starts NIST 2 (near) and 1 (far)')


def main():
    os.makedirs(OUT, exist_ok=True)
    only = os.environ.get('LM_REFERENCE_ONLY')
    for p in PROBLEMS:
        if only and p['name'] not in only.split(','):
            continue
        ref = solve(p)
        doc = {k: v for k, v in p.items()}
        doc['reference'] = ref
        with open(os.path.join(OUT, p['name'] + '.json'), 'w') as fh:
            json.dump(doc, fh, indent=1)
            fh.write('\n')
        print(p['name'], 'rss', ref['rss'][:20], 'grad', ref['gradient_norm'], 'theta', ref['theta'], 'sd', [[v[:8] for v in r] for r in ref['sd']['theta']])


if __name__ == '__main__':
    main()
