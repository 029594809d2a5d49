/**
 * The uncertainty in train's terminal summary and in the fit plot: small
 * pieces src/report/summary.ts and src/report/plot.ts call, so those files
 * change by a line each.
 */
import type { ModelFile } from '../model/types.js';
import { predictIntervals } from './intervals.js';
import type { UncertaintyReport } from './types.js';

/** The plot's band level. */
export const PLOT_LEVEL = 0.95;
/** How many of the least certain parameters the summary names. */
const SHOWN = 3;

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : v.toPrecision(3);
}

/**
 * Summary lines: σ̂ with ν and the method, and the parameters with the largest
 * standard error relative to their value (|se / value|), the ones the data pin
 * down least. Under a ridge such weights are shrunk, not absent: a large
 * relative error is information, not a fault.
 */
export function uncertaintySummary(u: UncertaintyReport | null | undefined, model: Pick<ModelFile, 'w' | 'b' | 'theta'>): string[] {
  if (u === undefined) return [];
  if (u === null) return ['uncertainty: none (see the warning above); predict --interval needs it'];
  const entries: { name: string; rel: number }[] = [];
  const add = (name: string, se: number | null, value: number) => {
    if (se !== null && value !== 0) entries.push({ name, rel: Math.abs(se / value) });
  };
  u.stderr.w.forEach((se, j) => {
    add(`w[${j}]`, se, model.w[j]);
  });
  add('b', u.stderr.b, model.b);
  u.stderr.theta.forEach((row, j) => {
    row.forEach((se, k) => {
      add(`theta[${j}][${k}]`, se, model.theta[j][k]);
    });
  });
  entries.sort((a, b) => b.rel - a.rel);
  // Percent reads well up to a few hundred; beyond it "420× its value" says more than 4.2e+4%.
  const top = entries.slice(0, SHOWN).map((e) => `${e.name} ${e.rel >= 10 ? `${fmt(e.rel)}× its value` : `${fmt(100 * e.rel)}%`}`);
  return [`sigma ${fmt(u.sigma)} (dof ${fmt(u.dof)}; ${u.method})`, ...(top.length > 0 ? [`largest relative standard errors: ${top.join(', ')}`] : [])];
}

/** The 95% bands along the plot's grid, as Vega-Lite area layers; none when the model has no uncertainty. */
export function bandLayers(model: ModelFile, grid: readonly number[], x: object, y: object): object[] {
  if (model.uncertainty === undefined || model.features.length !== 1 || grid.length === 0) return [];
  const iv = predictIntervals(model, Float64Array.from(grid), grid.length, PLOT_LEVEL);
  const values = grid.map((gx, i) => ({ x: gx, obs_lo: iv.obsLower[i], obs_hi: iv.obsUpper[i], mean_lo: iv.meanLower[i], mean_hi: iv.meanUpper[i] }));
  const area = (lo: string, hi: string, opacity: number) => ({
    data: { values },
    mark: { type: 'area', clip: true, opacity, color: '#1f4e9c' },
    encoding: { x, y: { ...y, field: lo }, y2: { field: hi } },
  });
  return [
    { name: 'band_obs', ...area('obs_lo', 'obs_hi', 0.08) },
    { name: 'band_mean', ...area('mean_lo', 'mean_hi', 0.2) },
  ];
}
