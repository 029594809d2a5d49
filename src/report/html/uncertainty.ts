/**
 * What the report shows of a model's stored uncertainty (trained by this basisfit, and
 * not with --stream): the interval bands of predict --interval and the SVG plot, at the
 * plot's level, and the parameters' standard errors. A model without one has neither,
 * and the report says nothing of them.
 */
import type { ModelFile } from '../../model/index.js';
import { sampleSd } from '../../uncertainty/bootstrap.js';
import { predictIntervals } from '../../uncertainty/index.js';
import { PLOT_LEVEL } from '../../uncertainty/report.js';
import type { BootstrapReplicate } from '../../uncertainty/types.js';
import type { IntervalFn, StdErrors } from './data.js';

export function modelBand(model: ModelFile): IntervalFn | null {
  if (model.uncertainty === undefined || model.features.length !== 1) return null;
  return (x, n) => {
    const iv = predictIntervals(model, x, n, PLOT_LEVEL);
    return { level: iv.level, method: iv.method, meanLower: iv.meanLower, meanUpper: iv.meanUpper, obsLower: iv.obsLower, obsUpper: iv.obsUpper };
  };
}

/**
 * The standard errors train reported, recovered from the model file: the square roots of
 * the covariance's diagonal (Cov = RᵀR, so Cov_ii = Σ_k R[k][i]², with row k of the
 * stored factor holding R[k][k..]), or under --bootstrap the spread of the refits.
 */
export function modelStderr(model: ModelFile): StdErrors | null {
  const u = model.uncertainty;
  if (u === undefined) return null;
  const j = model.w.length;
  if (u.bootstrap) {
    const { replicates } = u.bootstrap;
    const spread = (get: (r: BootstrapReplicate) => number) => sampleSd(replicates.map(get));
    return {
      w: model.w.map((_, i) => spread((r) => r.w[i])),
      b: model.training.intercept === false ? null : spread((r) => r.b),
      theta: model.theta.map((row, i) => row.map((_, k) => spread((r) => r.theta[i][k]))),
    };
  }
  const factor = u.factor;
  if (!factor) return null;
  const se = factor.map((_, i) => Math.sqrt(factor.slice(0, i + 1).reduce((s, row, k) => s + row[i - k] ** 2, 0)));
  const width = model.theta[0]?.length ?? 0;
  return {
    w: se.slice(0, j),
    b: se[j],
    theta: model.theta.map((_, i) => Array.from({ length: width }, (_, k) => (u.parameters === 'w,b' ? null : se[j + 1 + i * width + k]))),
  };
}
