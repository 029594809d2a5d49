/**
 * σ̂ checked against the rows training held out. The delta method's σ̂² = RSS/ν counts
 * the degrees of freedom of w (and of θ when the fit converged), but an early-stopped
 * fit's θ also moved towards its training rows, and on several features that can take
 * most of the residual away: σ̂ then understates the error on new rows (a 3-feature
 * simulation, bench/coverage.mjs --curve surface3, had sets with σ̂ at a third of the
 * noise and 95% intervals covering 30%).
 *
 * Under the model a held-out residual e_i is N(0, σ²(1 + h_i)), h_i σ² the mean band's
 * variance there, independent of the training residuals; so
 *
 *   T = (1/m) Σ e_i² / (σ̂² + v_i),   v_i = the band's variance at row i,
 *
 * is about F(m, ν) distributed. When T is beyond its 80% point the training residuals
 * are not to be trusted, and σ̂² and the covariance are scaled by T, with m degrees of
 * freedom for the t quantile: the noise level is then the one the held-out rows show.
 * The test is loose on purpose: the default split holds out a tenth of the rows, few
 * enough that a 5% test missed most overfitted sets (surface3 at N = 100: 91.5% coverage
 * at 0.05, 92.7% at 0.2), while a false alarm only widens one fit's intervals to what its
 * held-out rows show (1-D curves: 94.8% → 95.5%). bench/coverage.mjs measures both.
 */
import type { ModelFile } from '../model/types.js';
import { predictRows } from '../model/predict.js';
import { meanVariances } from './intervals.js';
import { incompleteBeta } from './student-t.js';
import type { ModelUncertainty, UncertaintyReport } from './types.js';

/** The check's size: a σ̂ this unlikely under the model (or less likely) is replaced. */
export const HELD_OUT_ALPHA = 0.2;
/**
 * Fewer held-out rows than this say too little about σ to override the training residuals.
 * Three do say something on tiny data, where σ̂ is most often too small (surface3 at N = 40,
 * 4 rows held out: 81% coverage without the check, 92% with it), and ν = m widens t to match.
 */
export const MIN_HELD_OUT = 3;

export interface HeldOutRows {
  /** Raw rows (N × D, the model's feature order) and targets in the target's units. */
  x: Float64Array;
  y: Float64Array;
  n: number;
}

export interface HeldOutCheck {
  /** T above: the held-out error over the error the intervals expect. */
  ratio: number;
  /** P(F(m, ν) ≥ T). */
  p: number;
  rows: number;
  /** σ̂ and the covariance were scaled by √T. */
  rescaled: boolean;
}

/** P(F(d1, d2) ≥ x). */
export function fUpperTail(x: number, d1: number, d2: number): number {
  if (!(x > 0)) return 1;
  return incompleteBeta(d2 / (d2 + d1 * x), d2 / 2, d1 / 2);
}

/**
 * Checks the delta method's uncertainty of `model` on held-out rows and, when they show
 * σ̂ too small, scales it (in place: `stored` and `report`). Null when there are too few rows.
 */
export function checkHeldOut(model: ModelFile, stored: ModelUncertainty, report: UncertaintyReport, rows: HeldOutRows): HeldOutCheck | null {
  const m = rows.n;
  if (m < MIN_HELD_OUT || stored.factor === undefined) return null;
  const pred = predictRows(model, rows.x, m);
  const v = meanVariances(model, stored.factor, stored.parameters, rows.x, m);
  const s2 = stored.sigma * stored.sigma;
  let t = 0;
  for (let i = 0; i < m; i++) t += (rows.y[i] - pred[i]) ** 2 / (s2 + v[i]);
  t /= m;
  if (!Number.isFinite(t)) return null;
  return applyHeldOut(stored, report, t, m);
}

/**
 * The test and the rescale for a ratio T over m held-out rows, however they were held out
 * (one model's validation rows above; a committee's out-of-fold rows, uncertainty/committee.ts).
 */
export function applyHeldOut(stored: ModelUncertainty, report: UncertaintyReport, t: number, m: number): HeldOutCheck | null {
  if (m < MIN_HELD_OUT || stored.factor === undefined) return null;
  const p = fUpperTail(t, m, stored.dof);
  const rescaled = p < HELD_OUT_ALPHA;
  if (rescaled) {
    const c = Math.sqrt(t);
    stored.sigma *= c;
    stored.dof = m;
    stored.factor = stored.factor.map((row) => row.map((r) => r * c));
    stored.method = `${stored.method}; sigma from the held-out rows`;
    report.sigma *= c;
    report.dof = m;
    report.method = stored.method;
    report.stderr = {
      w: report.stderr.w.map((s) => s * c),
      b: report.stderr.b === null ? null : report.stderr.b * c,
      theta: report.stderr.theta.map((row) => row.map((s) => (s === null ? null : s * c))),
    };
  }
  return { ratio: t, p, rows: m, rescaled };
}
