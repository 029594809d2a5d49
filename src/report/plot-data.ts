/**
 * The numbers a fit plot shows, computed from a model and labelled rows:
 * for one feature the data, the fitted curve and each weighted basis function;
 * for several, predicted against actual with residuals; and the loss history.
 */
import type { ModelFile } from '../model/index.js';
import { predictRows } from '../model/predict.js';
import { basisValues } from './diagnostics.js';

/** Labelled rows in the model's feature order (N × D row-major x), in the target's own units. */
export interface PlotRows {
  x: Float64Array;
  y: Float64Array;
  n: number;
  /** The file line (1-based, the header counted) each row starts on, where known: the report's tooltips name it. */
  lines?: Uint32Array;
}

/** A named set of rows ('train', 'validation', or the file's name); each is drawn in its own colour. */
export interface PlotSet {
  name: string;
  rows: PlotRows;
}

export interface CurveView {
  kind: 'curve';
  feature: string;
  target: string;
  points: { x: number; y: number; set: string }[];
  /** Rows drawn as points, and rows given (more than MAX_POINTS are thinned); units whose term is drawn (at most MAX_UNIT_CURVES). */
  shown: { points: number; rows: number; units: number };
  /** f on an even grid over the data's range of the feature. */
  curve: { x: number; y: number }[];
  /** Each unit's term of f in the target's units, σ_y · w_j · φ_j(x), on the same grid: f = intercept + Σ terms. */
  components: { x: number; y: number; unit: number }[];
  /** The constant part of f in the target's units, σ_y · b + μ_y. */
  intercept: number;
  /** A y range that shows the data and the curve; basis terms beyond it are clipped rather than squashing the fit. */
  yDomain: [number, number];
}

export interface ScatterView {
  kind: 'scatter';
  target: string;
  points: { actual: number; predicted: number; residual: number; set: string }[];
  shown: { points: number; rows: number };
}

export type FitView = CurveView | ScatterView;

export interface LossPoint {
  epoch: number;
  mse: number;
  set: 'train' | 'validation';
}

export const GRID_POINTS = 300;
/** More points than this are thinned to an even subset: they would only make the SVG huge, not clearer. */
export const MAX_POINTS = 5000;
/**
 * More units' terms than this are not drawn, only the ones that vary most over the grid: each
 * is a line of GRID_POINTS points, and 20,000 of them (a committee of large members) took
 * minutes and gigabytes to lay out, for a plot no one could read.
 */
export const MAX_UNIT_CURVES = 1000;

export function fitView(model: ModelFile, sets: readonly PlotSet[], gridPoints = GRID_POINTS): FitView {
  return model.features.length === 1 ? curveView(model, sets, gridPoints) : scatterView(model, sets);
}

function curveView(model: ModelFile, sets: readonly PlotSet[], gridPoints: number): CurveView {
  const points = sets.flatMap(({ name, rows }) => thinned(rows.n, sets).map((i) => ({ x: rows.x[i], y: rows.y[i], set: name })));
  // The grid spans every row, also those thinned out of the drawing.
  const [lo, hi] = extent(sets.flatMap(({ rows }) => Array.from(rows.x))) ?? [0, 0];
  const m = hi > lo ? gridPoints : 1;
  // The ends are the data's own extremes, not lo + (hi - lo), which can round past hi.
  const grid = Float64Array.from({ length: m }, (_, i) => (i === 0 ? lo : i === m - 1 ? hi : lo + ((hi - lo) * i) / (m - 1)));
  const f = predictRows(model, grid, m);
  const curve = Array.from(grid, (x, i) => ({ x, y: f[i] }));

  const J = model.w.length;
  const phi = basisValues(model, grid, m);
  const sy = model.scaling?.y.std ?? 1;
  const components: CurveView['components'] = [];
  for (const j of drawnUnits(phi, model.w, m)) for (let i = 0; i < m; i++) components.push({ x: grid[i], y: sy * model.w[j] * phi[i * J + j], unit: j + 1 });
  const intercept = sy * model.b + (model.scaling?.y.mean ?? 0);

  return {
    kind: 'curve',
    feature: model.features[0],
    target: model.target,
    points,
    shown: { points: points.length, rows: totalRows(sets), units: Math.min(J, MAX_UNIT_CURVES) },
    curve,
    components,
    intercept,
    yDomain: yDomain(
      [...points.map((p) => p.y), ...curve.map((c) => c.y)],
      components.map((c) => c.y),
    ),
  };
}

/** The units whose terms are drawn, in unit order: all of them, or the MAX_UNIT_CURVES whose w·φ spans the most over the grid. */
function drawnUnits(phi: Float64Array, w: readonly number[], m: number): number[] {
  const J = w.length;
  const all = Array.from({ length: J }, (_, j) => j);
  if (J <= MAX_UNIT_CURVES) return all;
  const span = all.map((j) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < m; i++) {
      const t = w[j] * phi[i * J + j];
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return hi - lo;
  });
  return all.sort((a, b) => span[b] - span[a] || a - b).slice(0, MAX_UNIT_CURVES).sort((a, b) => a - b);
}

/**
 * The data and the curve always fit; the basis terms widen the range by at
 * most half its span on each side, since terms that cancel each other can be
 * far larger than the fit itself.
 */
export function yDomain(shown: readonly number[], extra: readonly number[]): [number, number] {
  const main = extent(shown);
  if (main === null) return [0, 1];
  let [lo, hi] = main;
  const span = hi - lo || Math.abs(hi) || 1;
  const more = extent(extra);
  if (more !== null) {
    lo = Math.max(Math.min(lo, more[0]), lo - span / 2);
    hi = Math.min(Math.max(hi, more[1]), hi + span / 2);
  }
  return [lo, hi];
}

/** [min, max] of the finite values (a loop: spreading a large array into Math.min overflows the stack), null when there are none. */
export function extent(values: readonly number[]): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

function scatterView(model: ModelFile, sets: readonly PlotSet[]): ScatterView {
  const points = sets.flatMap(({ name, rows }) => {
    const pred = predictRows(model, rows.x, rows.n);
    return thinned(rows.n, sets).map((i) => ({ actual: rows.y[i], predicted: pred[i], residual: rows.y[i] - pred[i], set: name }));
  });
  return { kind: 'scatter', target: model.target, points, shown: { points: points.length, rows: totalRows(sets) } };
}

function totalRows(sets: readonly PlotSet[]): number {
  return sets.reduce((a, s) => a + s.rows.n, 0);
}

/** Indices of an evenly spaced subset of one set's n rows, each set keeping its share of MAX_POINTS. */
export function thinned(n: number, sets: readonly PlotSet[]): number[] {
  const total = totalRows(sets);
  const keep = total <= MAX_POINTS ? n : Math.max(1, Math.floor((n * MAX_POINTS) / total));
  return Array.from({ length: Math.min(n, keep) }, (_, i) => Math.floor((i * n) / Math.min(n, keep)));
}

/** The model file's loss history as points; non-finite and non-positive values (which a log scale cannot show) are left out. */
export function lossView(model: ModelFile): LossPoint[] {
  const h = model.history;
  if (!h) return [];
  const series = (values: number[], set: LossPoint['set']) =>
    values.flatMap((mse, i) => (Number.isFinite(mse) && mse > 0 ? [{ epoch: i + 1, mse, set }] : []));
  return [...series(h.train, 'train'), ...(h.validation ? series(h.validation, 'validation') : [])];
}
