/**
 * The LM driver and its linear algebra on problems with known answers: the
 * MINPACK test set's Rosenbrock and Powell singular functions, an exponential
 * fit whose optimum the normal equations pin down, and the factorisations
 * against direct products.
 */
import { describe, expect, it } from 'vitest';
import { denseProblem, levenbergMarquardt, lmpar, TRIALS_PER_ITERATION } from '../../src/solve/lm.js';
import { enorm, inverseGram, pivotedQr, qrsolv, solveUpper, TriangularAccumulator } from '../../src/solve/qr.js';
import { Rng } from '../../src/util/rng.js';
import * as decay from './exp-decay.js';

function randomMatrix(m: number, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: m * n }, () => rng.normal());
}

/** AᵀA from a row-major m × n A. */
function gram(a: Float64Array, m: number, n: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let r = 0; r < m; r++) g[i * n + j] += a[r * n + i] * a[r * n + j];
  return g;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('TriangularAccumulator', () => {
  it('blocks of rows give the factor of the whole matrix: RᵀR = AᵀA and ‖qtb‖² + tail = ‖b‖²', () => {
    const m = 37;
    const n = 5;
    const a = randomMatrix(m, n, 3);
    const b = randomMatrix(m, 1, 4);
    const acc = new TriangularAccumulator(n);
    // Uneven blocks, including one shorter than n.
    for (const [from, to] of [[0, 3], [3, 20], [20, 37]]) acc.addRows(a.subarray(from * n, to * n), b.subarray(from, to), to - from);
    expect(acc.rowCount).toBe(m);
    const rtr = gram(acc.r, n, n);
    expect(maxAbsDiff(rtr, gram(a, m, n))).toBeLessThan(1e-12 * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(acc.r[i * n + j]).toBe(0);
    expect(enorm(acc.qtb) ** 2 + acc.tail).toBeCloseTo(enorm(b) ** 2, 10);
    // The least-squares solution from R matches the normal equations' on this well-conditioned A.
    const x = solveUpper(acc.r, n, acc.qtb);
    const atb = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let r = 0; r < m; r++) atb[j] += a[r * n + j] * b[r];
    const g = gram(a, m, n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[j * n + k] * x[k];
      expect(s).toBeCloseTo(atb[j], 10);
    }
  });
});

describe('pivotedQr and qrsolv', () => {
  it('pivots the largest column first and keeps RᵀR = PᵀAᵀAP', () => {
    const n = 4;
    const a = randomMatrix(n, n, 9);
    for (let i = 0; i < n; i++) a[i * n + 2] *= 100;
    const b = new Float64Array(n);
    const { r, ipvt } = pivotedQr(a, n, b);
    expect(ipvt[0]).toBe(2);
    const ga = gram(a, n, n);
    const gr = gram(r, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(gr[i * n + j]).toBeCloseTo(ga[ipvt[i] * n + ipvt[j]], 8);
    for (let k = 1; k < n; k++) expect(Math.abs(r[k * n + k])).toBeLessThanOrEqual(Math.abs(r[(k - 1) * n + k - 1]));
  });

  it('qrsolv solves the damped problem (AᵀA + D²) x = Aᵀb', () => {
    const m = 12;
    const n = 4;
    const a = randomMatrix(m, n, 5);
    const b = randomMatrix(m, 1, 6);
    const acc = new TriangularAccumulator(n);
    acc.addRows(a, b, m);
    const qtb = Float64Array.from(acc.qtb);
    const { r, ipvt } = pivotedQr(acc.r, n, qtb);
    const d = Float64Array.from([0.5, 2, 0, 1]);
    const x = new Float64Array(n);
    qrsolv(r, n, ipvt, d, qtb, x, new Float64Array(n));
    const g = gram(a, m, n);
    for (let j = 0; j < n; j++) {
      let lhs = d[j] * d[j] * x[j];
      let rhs = 0;
      for (let k = 0; k < n; k++) lhs += g[j * n + k] * x[k];
      for (let i = 0; i < m; i++) rhs += a[i * n + j] * b[i];
      expect(lhs).toBeCloseTo(rhs, 10);
    }
  });

  it('inverseGram is (RᵀR)⁻¹', () => {
    const n = 3;
    const acc = new TriangularAccumulator(n);
    acc.addRows(randomMatrix(8, n, 2), null, 8);
    const inv = inverseGram(acc.r, n);
    const g = gram(acc.r, n, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += g[i * n + k] * inv[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});

describe('lmpar', () => {
  it('puts the damped step on the trust-region boundary (to 10%) when Gauss-Newton would leave it', () => {
    const m = 10;
    const n = 3;
    const acc = new TriangularAccumulator(n);
    acc.addRows(randomMatrix(m, n, 11), randomMatrix(m, 1, 12), m);
    const qtb = Float64Array.from(acc.qtb);
    const { r, ipvt } = pivotedQr(acc.r, n, qtb);
    const diag = Float64Array.from([1, 1, 1]);
    const gn = lmpar(Float64Array.from(r), n, ipvt, diag, qtb, 1e6, 0);
    expect(gn.par).toBe(0);
    const delta = 0.1 * enorm(gn.x);
    const damped = lmpar(Float64Array.from(r), n, ipvt, diag, qtb, delta, 0);
    expect(damped.par).toBeGreaterThan(0);
    expect(Math.abs(enorm(damped.x) - delta)).toBeLessThanOrEqual(0.1 * delta);
  });
});

describe('levenbergMarquardt', () => {
  it('Rosenbrock from (-1.2, 1) reaches (1, 1) with zero residual', async () => {
    const p = denseProblem(
      2,
      (x) => Float64Array.from([10 * (x[1] - x[0] * x[0]), 1 - x[0]]),
      (x) => Float64Array.from([-20 * x[0], 10, -1, 0]),
    );
    const out = await levenbergMarquardt(p, Float64Array.from([-1.2, 1]));
    expect(out.x[0]).toBeCloseTo(1, 12);
    expect(out.x[1]).toBeCloseTo(1, 12);
    expect(out.fnorm).toBeLessThan(1e-12);
    expect(out.iterations).toBeLessThan(40);
  });

  it('Powell singular function (singular Jacobian at the answer) goes to 0', async () => {
    const s5 = Math.sqrt(5);
    const s10 = Math.sqrt(10);
    const p = denseProblem(
      4,
      (x) => Float64Array.from([x[0] + 10 * x[1], s5 * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2, s10 * (x[0] - x[3]) ** 2]),
      (x) =>
        Float64Array.from([
          1, 10, 0, 0,
          0, 0, s5, -s5,
          0, 2 * (x[1] - 2 * x[2]), -4 * (x[1] - 2 * x[2]), 0,
          2 * s10 * (x[0] - x[3]), 0, 0, -2 * s10 * (x[0] - x[3]),
        ]),
    );
    const out = await levenbergMarquardt(p, Float64Array.from([3, -1, 0, 1]));
    expect(out.fnorm).toBeLessThan(1e-8);
    for (const v of out.x) expect(Math.abs(v)).toBeLessThan(1e-3);
  });

  it('an exponential fit stops at a point where the gradient Jᵀf vanishes, and says why', async () => {
    const f = decay.residual;
    const jac = decay.jacobian;
    const iterations: number[] = [];
    const out = await levenbergMarquardt(denseProblem(2, f, jac), decay.x0, { onIteration: (it) => void iterations.push(it.iteration) });
    expect(['relative-reduction', 'step', 'reduction-and-step']).toContain(out.convergence);
    expect(iterations).toEqual(Array.from({ length: out.iterations }, (_, i) => i + 1));
    const r = f(out.x);
    const J = jac(out.x);
    for (let j = 0; j < 2; j++) {
      let g = 0;
      for (let i = 0; i < 20; i++) g += J[2 * i + j] * r[i];
      expect(Math.abs(g)).toBeLessThan(1e-9);
    }
  });

  it('polishes a linearly converging iteration to the optimum: the last steps, below what ‖f‖² can resolve, are judged by the gradient', async () => {
    // Linear least squares with a large residual and the Jacobian A·M, M = diag(1, 1.25): its
    // Gauss-Newton step moves the second coordinate 0.8 of the way, so the error falls 5×
    // per iteration (as Kaufman's Jacobian converges on a residual that is not small), and
    // Jᵀf = MᵀAᵀf vanishes where Aᵀf does. The reduction of ‖f‖² goes with the error
    // squared: the relative-reduction test stops with the error near √ftol of the spread.
    const m = 30;
    const A = randomMatrix(m, 2, 5);
    const b = Float64Array.from(randomMatrix(m, 1, 6), (v, i) => 3 * v + A[2 * i] - 2 * A[2 * i + 1]);
    const f = (x: Float64Array) => Float64Array.from({ length: m }, (_, i) => A[2 * i] * x[0] + A[2 * i + 1] * x[1] - b[i]);
    const jac = () => Float64Array.from(A, (v, k) => (k % 2 === 1 ? 1.25 * v : v));
    // The optimum by the normal equations of a 2 × 2 system (well conditioned here).
    const g = gram(A, m, 2);
    const atb = [0, 1].map((j) => b.reduce((s, v, i) => s + A[2 * i + j] * v, 0));
    const det = g[0] * g[3] - g[1] * g[2];
    const opt = [(g[3] * atb[0] - g[1] * atb[1]) / det, (g[0] * atb[1] - g[2] * atb[0]) / det];
    const out = await levenbergMarquardt(denseProblem(2, f, jac), Float64Array.from([0, 0]), { ftol: 1e-10, xtol: 1e-10 });
    expect(['relative-reduction', 'step', 'reduction-and-step']).toContain(out.convergence);
    for (let j = 0; j < 2; j++) expect(Math.abs(out.x[j] - opt[j]) / Math.abs(opt[j])).toBeLessThan(1e-12);
  });

  it('stops when onIteration asks, and caps iterations', async () => {
    const p = denseProblem(
      2,
      (x) => Float64Array.from([10 * (x[1] - x[0] * x[0]), 1 - x[0]]),
      (x) => Float64Array.from([-20 * x[0], 10, -1, 0]),
    );
    const stopped = await levenbergMarquardt(p, Float64Array.from([-1.2, 1]), { onIteration: (it) => it.iteration >= 2 });
    expect(stopped.convergence).toBe('interrupted');
    expect(stopped.iterations).toBe(2);
    const capped = await levenbergMarquardt(p, Float64Array.from([-1.2, 1]), { maxIterations: 3 });
    expect(capped.convergence).toBe('max-iterations');
    expect(capped.iterations).toBe(3);
  });

  it('steps back from a point where f is finite but J is not, instead of spinning on NaN', async () => {
    // f = x − 2 has its Jacobian poisoned on [1.5, 2.5]: the Gauss-Newton step from 0 lands
    // at 2 (f = 0 there, J = NaN), and every later step must stop short of the band.
    const poisoned = (x: Float64Array) => x[0] >= 1.5 && x[0] <= 2.5;
    const p = denseProblem(
      1,
      (x) => Float64Array.of(x[0] - 2),
      (x) => Float64Array.of(poisoned(x) ? Number.NaN : 1),
    );
    const r = await levenbergMarquardt(p, Float64Array.of(0), { maxIterations: 200 });
    expect(Number.isFinite(r.fnorm)).toBe(true);
    expect(poisoned(r.x)).toBe(false);
    expect(r.x[0]).toBeGreaterThan(1.4);
    expect(r.x[0]).toBeLessThan(1.5);
    expect(r.convergence).not.toBe('max-evaluations');
    expect(r.evaluations).toBeLessThanOrEqual(TRIALS_PER_ITERATION * 200);
  });

  it('ends with not-finite when the Jacobian at the start is not finite', async () => {
    const p = denseProblem(
      1,
      (x) => Float64Array.of(x[0] - 2),
      () => Float64Array.of(Number.NaN),
    );
    const r = await levenbergMarquardt(p, Float64Array.of(0));
    expect(r.convergence).toBe('not-finite');
    expect(r.x[0]).toBe(0);
  });
});
