import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/types.js';
import { computeUncertainty } from '../../src/uncertainty/covariance.js';
import { predictIntervals } from '../../src/uncertainty/intervals.js';
import { factorQuadratic } from '../../src/uncertainty/linalg.js';

/**
 * References from mpmath at 40 digits with hand-derived rbf derivatives
 * (test/uncertainty/fixtures/make_covariance.py): independent of the engine
 * and of the dense linear algebra in src/uncertainty.
 */
interface Case {
  name: string;
  ridge: number;
  parameters: 'w,b' | 'w,b,theta';
  model: Omit<ModelFile, 'format' | 'version' | 'training'>;
  x: number[];
  y: number[];
  dof: number;
  sigma: number;
  stderr: number[];
  cov: number[][];
  level?: number;
  intervals?: { x: number[]; prediction: number; mean_ci: [number, number]; obs_ci: [number, number] }[];
}
const cases = (JSON.parse(readFileSync(new URL('./fixtures/covariance.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;

function modelOf(c: Case): ModelFile {
  return { format: 'basisfit-model', version: 1, training: { seed: 1, epochs: 0 }, ...c.model } as ModelFile;
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe('Gauss–Newton standard errors against an independent computation', () => {
  for (const c of cases) {
    it(`${c.name}: method, dof, sigma and every standard error to 1e-12 relative`, () => {
      const model = modelOf(c);
      const out = computeUncertainty({ model, x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: c.ridge });
      expect(out.report).not.toBeNull();
      const r = out.report!;
      expect(out.stored!.parameters).toBe(c.parameters);
      expect(r.method).toContain(c.parameters === 'w,b' ? 'linear-in-w given theta' : 'gauss-newton delta method over w, b, theta');
      expect(r.method).toContain(c.ridge > 0 ? 'ridge sandwich, effective dof' : 'dof N - P');
      expect(rel(r.dof, c.dof)).toBeLessThan(1e-11);
      expect(rel(r.sigma, c.sigma)).toBeLessThan(1e-12);
      const jw = c.model.w.length;
      const width = c.model.theta[0].length;
      const se = [...r.stderr.w, r.stderr.b!, ...r.stderr.theta.flat()];
      if (c.parameters === 'w,b') {
        // θ is conditioned on: no standard error is claimed for it.
        expect(r.stderr.theta.flat().every((v) => v === null)).toBe(true);
        expect(r.note).toMatch(/not at a stationary point in theta/);
        // After early stopping the full covariance is not even tried.
        const early = computeUncertainty({ model, x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: c.ridge, stopped: 'early-stop' });
        expect(early.report!.note).toMatch(/training ended by early-stop/);
        expect(early.report!.stderr.w).toEqual(r.stderr.w);
      }
      c.stderr.forEach((want, i) => {
        expect(rel(se[i] as number, want), `parameter ${i}`).toBeLessThan(1e-12);
      });
      expect(se.length).toBe(jw + 1 + jw * width);
      // The stored factor reproduces the whole covariance: e_iᵀ RᵀR e_j = Cov_ij.
      const p = c.cov.length;
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          const g = new Float64Array(p);
          g[i] += 1;
          g[j] += 1;
          // (e_i + e_j)ᵀ C (e_i + e_j) = C_ii + C_jj + 2 C_ij
          const want = c.cov[i][i] + c.cov[j][j] + 2 * c.cov[i][j];
          expect(Math.abs(factorQuadratic(out.stored!.factor!, g) - want)).toBeLessThan(1e-12 * (c.cov[i][i] + c.cov[j][j]) * 4);
        }
    });
  }

  it('the one-unit fits are stationary (Newton step far below a tenth of a standard error)', () => {
    for (const c of cases.filter((k) => k.parameters === 'w,b,theta')) {
      const out = computeUncertainty({ model: modelOf(c), x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: c.ridge });
      expect(out.report!.newton_step_se).toBeLessThan(1e-6);
    }
  });

  it('intervals in target units match the reference (t quantile, s_y, σ̂) to 1e-12 relative', () => {
    const c = cases.find((k) => k.intervals !== undefined)!;
    const model = modelOf(c);
    model.uncertainty = computeUncertainty({ model, x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: c.ridge }).stored;
    const iv = predictIntervals(model, Float64Array.from(c.intervals!.flatMap((q) => q.x)), c.intervals!.length, c.level!);
    c.intervals!.forEach((q, i) => {
      expect(rel(iv.prediction[i], q.prediction)).toBeLessThan(1e-12);
      // Half-widths, the part the uncertainty computes.
      expect(rel(iv.meanUpper[i] - iv.prediction[i], q.mean_ci[1] - q.prediction)).toBeLessThan(1e-12);
      expect(rel(iv.prediction[i] - iv.meanLower[i], q.prediction - q.mean_ci[0])).toBeLessThan(1e-12);
      expect(rel(iv.obsUpper[i] - iv.prediction[i], q.obs_ci[1] - q.prediction)).toBeLessThan(1e-12);
      expect(rel(iv.prediction[i] - iv.obsLower[i], q.prediction - q.obs_ci[0])).toBeLessThan(1e-12);
    });
  });

  it('a fit whose (w, b) is not the ridge solution gets no uncertainty, with a one-line reason', () => {
    const c = cases.find((k) => k.name === 'five-unit-wb')!;
    const model = modelOf(c);
    model.w = model.w.map((v) => v * 1.2);
    const out = computeUncertainty({ model, x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: c.ridge });
    expect(out.report).toBeNull();
    expect(out.stored).toBeUndefined();
    expect(out.warning).toMatch(/^no standard errors or intervals: w, b are not the ridge solution for the stored theta: a Newton step would move the parameters by [0-9.e+]+ standard errors/);
    expect(out.warning).not.toContain('\n');
  });

  it('a singular JᵀJ without a ridge gets no uncertainty and says to use one', () => {
    const c = cases.find((k) => k.name === 'five-unit-wb')!;
    // Two identical units: their columns of J coincide, so JᵀJ is singular.
    const model = modelOf(c);
    model.theta = [...model.theta, model.theta[0].slice()];
    model.w = [...model.w, 0];
    const out = computeUncertainty({ model, x: Float64Array.from(c.x), y: Float64Array.from(c.y), n: c.y.length, ridge: 0 });
    expect(out.report).toBeNull();
    expect(out.warning).toMatch(/singular or ill-conditioned .*--ridge auto/);
  });
});
