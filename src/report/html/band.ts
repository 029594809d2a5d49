/**
 * The report's interval bands: those of predict --interval and the SVG plot, at the
 * plot's level, for a model that carries an uncertainty (trained by this basisfit, and
 * not with --stream). A model without one has no band, and the report says nothing of it.
 */
import type { ModelFile } from '../../model/index.js';
import { predictIntervals } from '../../uncertainty/index.js';
import { PLOT_LEVEL } from '../../uncertainty/report.js';
import type { IntervalFn } from './data.js';

export function modelBand(model: ModelFile): IntervalFn | null {
  if (model.uncertainty === undefined || model.features.length !== 1) return null;
  return (x, n) => {
    const iv = predictIntervals(model, x, n, PLOT_LEVEL);
    return { level: iv.level, method: iv.method, meanLower: iv.meanLower, meanUpper: iv.meanUpper, obsLower: iv.obsLower, obsUpper: iv.obsUpper };
  };
}
