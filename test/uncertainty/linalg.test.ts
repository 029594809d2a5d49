/**
 * The stored covariance factor (covarianceFactorRows) on the covariance a committee has:
 * singular (K·J + 1 parameters from N < K·J + 1 rows) and ill-conditioned (wide bumps, a
 * near-zero ridge). Each variance gᵀRᵀRg must match the smoother's own ‖gᵀS‖², computed
 * here without forming Cov at all.
 */
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { covarianceFactorRows, factorQuadratic } from '../../src/uncertainty/linalg.js';

// The coverage simulation's shape under --committee auto --units 16: 100 rows, 10 members.
const N = 100;
const K = 10;
const PER = 16;
const P = K * PER + 1;
const RIDGE = 1e-8;
const x = Float64Array.from({ length: N }, (_, i) => -3 + (6 * ((i * 37) % N)) / (N - 1));
const fold = Uint32Array.from({ length: N }, (_, i) => i % K);
// Bumps wide against their spacing (s = 72 for a spacing of 0.375: 2·spacing² / 4⁻⁴, the start search's wide scales).
const centre = (c: number) => -3 + (6 * (c + 0.5)) / PER;
const phi = (c: number, v: number) => Math.exp(-((v - centre(c)) ** 2) / 72);

/** S (P × N): the committee's stored (w, b) as weights on the targets, member by member. */
function smoother(): Float64Array {
  const S = new Float64Array(P * N);
  for (let k = 0; k < K; k++) {
    const rows = [...x.keys()].filter((i) => fold[i] !== k);
    const A = new Matrix(rows.map((i) => [...Array.from({ length: PER }, (_, c) => phi(c, x[i])), 1]));
    const H = A.transpose().mmul(A);
    for (let c = 0; c < PER; c++) H.set(c, c, H.get(c, c) + rows.length * RIDGE);
    const Ck = solve(H, A.transpose());
    rows.forEach((i, r) => {
      for (let c = 0; c < PER; c++) S[(k * PER + c) * N + i] = Ck.get(c, r) / K;
      S[(P - 1) * N + i] += Ck.get(PER, r) / K;
    });
  }
  return S;
}

describe('covarianceFactorRows on a singular, ill-conditioned committee covariance', () => {
  const S = smoother();
  const cov = new Float64Array(P * P);
  for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) for (let i = 0; i < N; i++) cov[a * P + b] += S[a * N + i] * S[b * N + i];
  const rows = covarianceFactorRows(cov, P);

  it('is upper triangular in the stored layout', () => {
    expect(rows.length).toBe(P);
    expect(rows.map((r) => r.length)).toEqual(Array.from({ length: P }, (_, i) => P - i));
  });

  it('gives each prediction variance over the range of the rows as the smoother does', () => {
    let worst = 0;
    for (let t = 0; t < 41; t++) {
      const v = -3 + (6 * t) / 40;
      // The prediction's gradient in (w, b): each member's features, then the intercept's 1.
      const g = Float64Array.from({ length: P }, (_, a) => (a === P - 1 ? 1 : phi(a % PER, v)));
      let want = 0;
      for (let i = 0; i < N; i++) {
        let s = 0;
        for (let a = 0; a < P; a++) s += g[a] * S[a * N + i];
        want += s * s;
      }
      worst = Math.max(worst, Math.abs(factorQuadratic(rows, g) - want) / want);
    }
    // Measured 2.9e-9; the unpivoted Cholesky factor this replaced was off by a factor of 4.4e5 here.
    expect(worst).toBeLessThan(1e-6);
  });
});
