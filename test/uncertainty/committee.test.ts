/**
 * A committee's standard errors (src/uncertainty/committee.ts) against what they claim: the
 * covariance of the stored (w, b) over fresh noise with θ held fixed, each member's ridge
 * solve redone here with ml-matrix on its own rows, independently of the code under test.
 */
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/types.js';
import { computeUncertainty } from '../../src/uncertainty/covariance.js';
import { Rng } from '../../src/util/rng.js';

const N = 40;
const K = 4;
const PER = 2;
const RIDGE = 0.01;

const rng = new Rng(7);
const x = Float64Array.from({ length: N }, (_, i) => -2 + (4 * i) / (N - 1));
const fold = Uint32Array.from({ length: N }, (_, i) => (i * 7) % K);
// Member k's units: its own centres and widths.
const theta = Array.from({ length: K * PER }, (_, j) => [-1.5 + (3 * ((j * 5) % (K * PER))) / (K * PER), 0.8 + 0.1 * (j % 3)]);
const phi = (j: number, v: number) => Math.exp(-((v - theta[j][0]) ** 2) / theta[j][1]);
const truth = Float64Array.from(x, (v) => Math.sin(1.3 * v) + 0.3);
const SIGMA = 0.2;

/** Each member's (w_k, b_k): the ridge solution on the rows outside its fold, by ml-matrix. */
function members(y: Float64Array, intercept: boolean, ridge = RIDGE): { w: number[]; b: number[] } {
  const w: number[] = [];
  const b: number[] = [];
  for (let k = 0; k < K; k++) {
    const rows = [...x.keys()].filter((i) => fold[i] !== k);
    const q = PER + (intercept ? 1 : 0);
    const A = new Matrix(rows.map((i) => [...Array.from({ length: PER }, (_, c) => phi(k * PER + c, x[i])), ...(intercept ? [1] : [])]));
    const H = A.transpose().mmul(A);
    for (let c = 0; c < PER; c++) H.set(c, c, H.get(c, c) + rows.length * ridge);
    const beta = solve(H, A.transpose().mmul(Matrix.columnVector(rows.map((i) => y[i])))).to1DArray();
    w.push(...beta.slice(0, PER));
    b.push(intercept ? beta[q - 1] : 0);
  }
  return { w, b };
}

function committeeModel(y: Float64Array, intercept: boolean, ridge = RIDGE): { model: ModelFile; b: number[] } {
  const m = members(y, intercept, ridge);
  const model = {
    format: 'basisfit-model',
    version: 1,
    basis: 'rbf',
    features: ['x'],
    target: 'y',
    theta,
    w: m.w.map((v) => v / K),
    b: m.b.reduce((s, v) => s + v, 0) / K,
    scaling: null,
    training: { seed: 1, epochs: 0, intercept },
  } as unknown as ModelFile;
  return { model, b: m.b };
}

function noisy(): Float64Array {
  return Float64Array.from(truth, (v) => v + SIGMA * rng.normal());
}

describe.each([true, false])('committee standard errors (intercept %s)', (intercept) => {
  const y = noisy();
  const { model, b } = committeeModel(y, intercept);
  const out = computeUncertainty({ model, x, y, n: N, ridge: RIDGE, committee: { fold, b } });

  it('are reported, conditional on theta, and name the committee', () => {
    expect(out.warning).toBeUndefined();
    const r = out.report!;
    expect(r.method).toBe(`linear-in-w given theta, committee of ${K} (ridge sandwich, effective dof)`);
    expect(r.stderr.theta.flat().every((v) => v === null)).toBe(true);
    expect(r.note).toMatch(/separate fits/);
    expect(r.newton_step_se).toBeLessThan(1e-8);
    expect(r.dof).toBeGreaterThan(N - K * PER - 1);
    expect(r.dof).toBeLessThan(N);
    if (!intercept) expect(r.stderr.b).toBeNull();
  });

  it('match the spread of the stored w, b over fresh noise (2000 draws, theta fixed)', () => {
    const draws = 2000;
    const p = K * PER + 1;
    const sum = new Float64Array(p);
    const sq = new Float64Array(p);
    for (let t = 0; t < draws; t++) {
      const m = committeeModel(noisy(), intercept).model;
      const v = [...m.w, m.b];
      for (let c = 0; c < p; c++) {
        sum[c] += v[c];
        sq[c] += v[c] * v[c];
      }
    }
    // The claim is σ̂·(C Cᵀ)^½ with σ̂ from one draw; the spread uses the true σ, so compare SE / σ̂ · σ.
    const r = out.report!;
    const scale = SIGMA / r.sigma;
    for (let c = 0; c < K * PER; c++) {
      const sd = Math.sqrt(sq[c] / draws - (sum[c] / draws) ** 2);
      // 2000 draws: the sample sd is within about 3·sd/√(2·2000) ≈ 5% of the truth.
      expect(Math.abs(r.stderr.w[c] * scale - sd) / sd).toBeLessThan(0.06);
    }
    if (intercept) {
      const sd = Math.sqrt(sq[p - 1] / draws - (sum[p - 1] / draws) ** 2);
      expect(Math.abs(r.stderr.b! * scale - sd) / sd).toBeLessThan(0.06);
    }
  });

  it('divides the RSS by ν = tr((I − A)ᵀ(I − A)), A the committee smoother built column by column here', () => {
    // Column i of A: the committee's fitted values when y is the i-th unit vector.
    const predict = (m: ModelFile) => Float64Array.from(x, (v) => m.w.reduce((s, w, j) => s + w * phi(j, v), m.b));
    let nu = 0;
    for (let i = 0; i < N; i++) {
      const col = predict(committeeModel(Float64Array.from({ length: N }, (_, l) => (l === i ? 1 : 0)), intercept).model);
      for (let l = 0; l < N; l++) nu += ((l === i ? 1 : 0) - col[l]) ** 2;
    }
    expect(Math.abs(out.report!.dof - nu) / nu).toBeLessThan(1e-10);
  });

  it('refuses members whose w, b are not their ridge solution', () => {
    const off = { ...model, w: model.w.map((v, j) => (j === 0 ? v + 0.5 : v)) };
    const bad = computeUncertainty({ model: off, x, y, n: N, ridge: RIDGE, committee: { fold, b } });
    expect(bad.report).toBeNull();
    expect(bad.warning).toMatch(/a member's w, b are not the ridge solution/);
  });
});

describe('a committee of members that each fit a constant exactly (no ridge)', () => {
  it('has E[RSS] = σ²ν: the effective dof is the right divisor', () => {
    const flat = Float64Array.from(x, () => 0.3);
    let ratio = 0;
    const draws = 1000;
    let nu = 0;
    for (let t = 0; t < draws; t++) {
      const y = Float64Array.from(flat, (v) => v + SIGMA * rng.normal());
      const { model, b } = committeeModel(y, true, 0);
      const r = computeUncertainty({ model, x, y, n: N, ridge: 0, committee: { fold, b } }).report!;
      ratio += (r.sigma * r.sigma) / (SIGMA * SIGMA);
      nu = r.dof;
    }
    expect(nu).toBeGreaterThan(N - K * PER - 1);
    // σ̂² = RSS/ν is unbiased: its mean over 1000 draws is within about 3·√(2/ν)/√1000 of 1.
    expect(Math.abs(ratio / draws - 1)).toBeLessThan(3 * Math.sqrt(2 / nu) / Math.sqrt(draws) + 0.005);
  });
});

describe("a committee's out-of-fold check of σ̂ (the held-out test of held-out.ts)", () => {
  /** T recomputed here: row i's residual from the member that did not train on it, over σ̂²(1 + u_i). */
  function expectedRatio(y: Float64Array, intercept: boolean, sigma2: number): number {
    const m = members(y, intercept);
    let t = 0;
    for (let i = 0; i < N; i++) {
      const k = fold[i];
      const rows = [...x.keys()].filter((r) => fold[r] !== k);
      const row = (v: number) => [...Array.from({ length: PER }, (_, c) => phi(k * PER + c, v)), ...(intercept ? [1] : [])];
      const A = new Matrix(rows.map((r) => row(x[r])));
      const H = A.transpose().mmul(A);
      for (let c = 0; c < PER; c++) H.set(c, c, H.get(c, c) + rows.length * RIDGE);
      const f = Matrix.columnVector(row(x[i]));
      // Var of member k's prediction at x_i over σ²: ‖A H⁻¹ f‖².
      const g = A.mmul(solve(H, f));
      const u = g.to1DArray().reduce((s, v) => s + v * v, 0);
      const beta = [...m.w.slice(k * PER, (k + 1) * PER), ...(intercept ? [m.b[k]] : [])];
      const pred = row(x[i]).reduce((s, v, a) => s + v * beta[a], 0);
      t += (y[i] - pred) ** 2 / (sigma2 * (1 + u));
    }
    return t / N;
  }

  it.each([true, false])('is each row against its own member, with that member’s band (intercept %s)', (intercept) => {
    const y = noisy();
    const { model, b } = committeeModel(y, intercept);
    const out = computeUncertainty({ model, x, y, n: N, ridge: RIDGE, committee: { fold, b } });
    const sigma2 = out.report!.sigma ** 2;
    expect(out.outOfFold!.rows).toBe(N);
    expect(out.outOfFold!.ratio).toBeCloseTo(expectedRatio(y, intercept, sigma2), 10);
  });

  it('is about 1 over fresh noise when the members can fit the truth (a constant): 400 draws', () => {
    // A constant is every member's b with w = 0, so the ridge adds no bias and e_i ~ N(0, σ²(1 + u_i)).
    let sum = 0;
    const draws = 400;
    for (let d = 0; d < draws; d++) {
      const y = Float64Array.from(x, () => 0.3 + SIGMA * rng.normal());
      const { model, b } = committeeModel(y, true);
      sum += computeUncertainty({ model, x, y, n: N, ridge: RIDGE, committee: { fold, b } }).outOfFold!.ratio;
    }
    // The mean of T over the draws has a standard error near 0.015; with u_i left out it was 1.09.
    expect(sum / draws).toBeGreaterThan(0.95);
    expect(sum / draws).toBeLessThan(1.05);
  });
});
