/**
 * The variable-projection problem lm solves (src/train/projection.ts): the
 * compressed ∂Φ/∂θ from forward mode against whole engine Jacobians (forward
 * and reverse) and central differences; Kaufman's Jᵀf against the exact
 * gradient of ½‖f‖² (reverse mode on the trainer's objective, and finite
 * differences); the linear part against linear.ts; and row blocks changing
 * nothing but rounding.
 */
import { describe, expect, it } from 'vitest';
import { type BasisFamily, families } from '../../src/basis/index.js';
import { jacobian, Tensor, valueAndGrad } from '../../src/engine/index.js';
import { ridgeSolve } from '../../src/train/linear.js';
import { modelTheta, trainingObjective } from '../../src/train/objective.js';
import { projectedProblem } from '../../src/train/projection.js';
import { Rng } from '../../src/util/rng.js';

const N = 23;
const J = 3;

function setup(name: keyof typeof families, d: number, ridge: number, intercept = true, seed = 4) {
  const family: BasisFamily = families[name];
  const rng = new Rng(seed);
  // poly needs positive inputs; the others take standardised-looking ones.
  const x = Float64Array.from({ length: N * d }, () => (name === 'poly' ? 0.5 + 2 * rng.next() : 2 * rng.next() - 1));
  const X = family.prepare(new Tensor(x, [N, d]));
  const y = Float64Array.from({ length: N }, (_, i) => Math.sin(1.7 * x[i * d]) + 0.3 * rng.normal());
  const theta = family.init(X, J, rng.fork(1));
  const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const problem = projectedProblem(family, X, y, raw.map((t) => t.shape), { ridge, intercept });
  return { family, X, y, raw, problem, x: problem.flatten(raw) };
}

const cases = [
  ['rbf', 1],
  ['rbf', 2],
  ['tanh', 2],
  ['poly', 2],
  ['exp', 1],
  ['exp', 2],
] as const;

/** Rᵀ qtf: Jᵀf from a linearisation J = Q R, qtf = Qᵀf. */
function gradientOf(r: Float64Array, qtf: Float64Array, n: number): Float64Array {
  const g = new Float64Array(n);
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) g[j] += r[i * n + j] * qtf[i];
  return g;
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe.each(cases)('%s, D = %i', (name, d) => {
  it('the compressed ∂Φ/∂θ (one tangent per parameter position) is the engine Jacobian, both modes, and finite differences', () => {
    const { family, X, raw, problem, x } = setup(name, d, 1e-3);
    const P = x.length;
    const compressed = problem.featureJacobian(x);
    const phi = (...p: Tensor[]) => family.features(X, modelTheta(family, p));
    const forward = jacobian(phi, raw, 'forward').data;
    const reverse = jacobian(phi, raw, 'reverse').data;
    // Full Jacobian rows are (n, j) pairs of Φ; column p belongs to one unit.
    const unitOf = (p: number) => {
      let o = 0;
      for (const t of raw) {
        if (p < o + t.size) return Math.floor((p - o) / (t.size / J));
        o += t.size;
      }
      throw new Error('p');
    };
    const h = 1e-6;
    for (let p = 0; p < P; p++) {
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[p] += h;
      dn[p] -= h;
      const fu = phi(...problem.tensors(up)).data;
      const fd = phi(...problem.tensors(dn)).data;
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < J; j++) {
          const row = (n * J + j) * P + p;
          expect(Math.abs(forward[row] - reverse[row])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(reverse[row])));
          const central = (fu[n * J + j] - fd[n * J + j]) / (2 * h);
          expect(Math.abs(forward[row] - central)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(central)));
          // Other units' columns do not depend on θ_p: that is what lets one tangent seed every unit.
          if (j !== unitOf(p)) expect(forward[row]).toBe(0);
          else expect(Math.abs(compressed[n * P + p] - forward[row])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(forward[row])));
        }
      }
    }
  });

  it.each([1e-3, 0])('ridge %s: Kaufman Jᵀf is the exact gradient of ½‖f‖² (reverse mode and finite differences)', (ridge) => {
    const { family, X, y, raw, problem, x } = setup(name, d, ridge);
    const P = x.length;
    const lin = problem.linearize(x);
    const g = gradientOf(lin.r, lin.qtf, P);
    const s = problem.solve(x);
    expect(lin.fnorm).toBeCloseTo(s.fnorm, 12);
    // ½‖f‖² = N · (mean ½ squared error + λ/2 ‖w‖²); w, b are optimal, so only θ's partial derivative remains.
    const objective = trainingObjective(family, X, new Tensor(y, [N]), ridge);
    const { value, grads } = valueAndGrad(objective, raw.map((_, k) => k + 2))(new Tensor(s.w, [J]), Tensor.scalar(s.b), ...raw);
    expect(N * value.item()).toBeCloseTo(0.5 * s.fnorm ** 2, 10);
    const exact = new Float64Array(P);
    let o = 0;
    for (const gk of grads) {
      exact.set(gk.data.map((v) => N * v), o);
      o += gk.size;
    }
    expect(maxDiff(g, exact)).toBeLessThanOrEqual(1e-9 * (1 + maxAbs(exact)));
    const h = 1e-5;
    for (let p = 0; p < P; p++) {
      const up = Float64Array.from(x);
      const dn = Float64Array.from(x);
      up[p] += h;
      dn[p] -= h;
      const fd = (0.5 * problem.residualNorm(up) ** 2 - 0.5 * problem.residualNorm(dn) ** 2) / (2 * h);
      expect(Math.abs(g[p] - fd)).toBeLessThanOrEqual(1e-6 * (1 + maxAbs(exact)));
    }
  });
});

describe('projectedProblem', () => {
  it('row blocks change nothing but rounding: the same fit and the same RᵀR', () => {
    const a = setup('rbf', 2, 1e-4);
    const b = projectedProblem(a.family, a.X, a.y, a.raw.map((t) => t.shape), { ridge: 1e-4, intercept: true, blockRows: 5 });
    const la = a.problem.linearize(a.x);
    const lb = b.linearize(a.x);
    expect(lb.fnorm).toBeCloseTo(la.fnorm, 12);
    const P = a.x.length;
    const gram = (r: Float64Array) => Float64Array.from({ length: P * P }, (_, k) => {
      let s = 0;
      for (let i = 0; i < P; i++) s += r[i * P + Math.floor(k / P)] * r[i * P + (k % P)];
      return s;
    });
    const ga = gram(la.r);
    expect(maxDiff(gram(lb.r), ga)).toBeLessThanOrEqual(1e-10 * maxAbs(ga));
    expect(maxDiff(gradientOf(lb.r, lb.qtf, P), gradientOf(la.r, la.qtf, P))).toBeLessThanOrEqual(1e-10 * (1 + maxAbs(gradientOf(la.r, la.qtf, P))));
  });

  it('the linear part is the ridge solution of linear.ts (which centres and uses normal equations)', () => {
    const { family, X, y, raw, problem, x } = setup('tanh', 2, 1e-2);
    const s = problem.solve(x);
    const phi = family.features(X, modelTheta(family, raw)).data;
    const ref = ridgeSolve(phi, N, J, y, 1e-2);
    expect(maxDiff(s.w, ref.w)).toBeLessThan(1e-9);
    expect(s.b).toBeCloseTo(ref.b, 9);
  });

  it('without an intercept b is 0 and w is the least-squares fit of Φ alone', () => {
    const { family, X, y, raw, problem, x } = setup('exp', 1, 0, false);
    const s = problem.solve(x);
    expect(s.b).toBe(0);
    // Normal equations ΦᵀΦ w = Φᵀy hold at the solution.
    const phi = family.features(X, modelTheta(family, raw)).data;
    for (let a = 0; a < J; a++) {
      let lhs = 0;
      let rhs = 0;
      for (let n = 0; n < N; n++) {
        let f = 0;
        for (let k = 0; k < J; k++) f += phi[n * J + k] * s.w[k];
        lhs += phi[n * J + a] * f;
        rhs += phi[n * J + a] * y[n];
      }
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-8 * (1 + Math.abs(rhs)));
    }
  });
});
