/**
 * What the HTML report shows, as plain JSON-able data computed from a model and
 * labelled rows: no markup here, so every number can be checked without a
 * browser, and user-controlled text (column names) stays data until the page
 * renders it with escaping.
 */
import type { ModelFile } from '../../model/index.js';
import { pictured } from '../../util/printable.js';
import { metrics, type Metrics } from '../../model/metrics.js';
import { predictRows } from '../../model/predict.js';
import { type Diagnostics, diagnose } from '../diagnostics.js';
import { type CurveView, extent, fitView, type LossPoint, lossView, type PlotSet, thinned, yDomain as plotDomain } from '../plot-data.js';

/** Interval bands at given rows: of the mean (mean_ci_*) and of a new observation (obs_ci_*), as predict --interval gives them. */
export interface Band {
  level: number;
  method: string;
  meanLower: ArrayLike<number>;
  meanUpper: ArrayLike<number>;
  obsLower: ArrayLike<number>;
  obsUpper: ArrayLike<number>;
}

/** Computes a Band for N raw rows (N × D row-major, the model's feature order). */
export type IntervalFn = (x: Float64Array, n: number) => Band;

/** Standard errors of the stored parameters, in the layout of the model file; null where unknown. */
export interface StdErrors {
  w: (number | null)[];
  b: number | null;
  theta: (number | null)[][];
}

export interface ReportInput {
  model: ModelFile;
  /** The labelled rows, in the target's own units: one set per colour (train / validation, or the file). */
  sets: readonly PlotSet[];
  /** The command line after the program name, exactly as given. */
  command: readonly string[];
  version: string;
  /** ISO time of writing, or null for a report whose bytes depend on its inputs alone. */
  timestamp: string | null;
  /** The bands a one-feature fit is drawn with (see uncertainty.ts's modelBand); none when absent. */
  interval?: IntervalFn | null;
  stderr?: StdErrors | null;
  /**
   * Metrics the run measured that the model and the rows cannot reproduce: a
   * committee's out-of-fold predictions, each row by the member that did not
   * train on it. Shown after the sets' own rows.
   */
  measured?: MetricsRow | null;
}

export interface ColumnSummary {
  name: string;
  role: 'feature' | 'target';
  min: number;
  mean: number;
  max: number;
}

export interface MetricsRow {
  set: string;
  metrics: Metrics;
}

export interface ParameterRow {
  unit: number;
  theta: number[];
  thetaStderr: (number | null)[] | null;
  w: number;
  wStderr: number | null;
  share: number;
  flags: string[];
}

export interface CurvePoint {
  /** Identifies the point across charts (1-based over all sets). */
  row: number;
  /** The file line the row starts on (header counted), as basisfit's messages count lines; null where unknown. */
  line: number | null;
  set: string;
  x: number;
  y: number;
  fitted: number;
  residual: number;
}

export interface CurveData {
  kind: 'curve';
  feature: string;
  target: string;
  points: CurvePoint[];
  /** f on an even grid, with the bands' bounds when there are bands. */
  curve: { x: number; y: number; mean_lo?: number; mean_hi?: number; obs_lo?: number; obs_hi?: number }[];
  band: { level: number; method: string } | null;
  components: CurveView['components'];
  intercept: number;
  yDomain: [number, number];
}

/** One row of a several-feature model: its feature values as f0..f(D-1), so column names never become field names. */
export interface ScatterPoint {
  /** As CurvePoint's. */
  row: number;
  line: number | null;
  set: string;
  actual: number;
  predicted: number;
  residual: number;
  [feature: `f${number}`]: number;
}

export interface ScatterData {
  kind: 'scatter';
  features: string[];
  target: string;
  points: ScatterPoint[];
  /** Partial dependence: the mean prediction over (a subset of) the rows with feature `feature` set to `value`. */
  partial: { feature: number; value: number; mean: number }[];
}

export interface ReportData {
  basis: string;
  units: number;
  features: string[];
  target: string;
  seed: number;
  version: string;
  command: string;
  timestamp: string | null;
  rows: { total: number; shown: number; sets: { name: string; n: number }[] };
  columns: ColumnSummary[];
  metrics: MetricsRow[];
  diagnostics: Diagnostics;
  parameters: { thetaNames: string[]; units: ParameterRow[]; b: number; bStderr: number | null };
  scaling: ModelFile['scaling'];
  fit: CurveData | ScatterData;
  loss: LossPoint[];
  bestEpoch: number | null;
}

/** Grid points of a partial-dependence curve, and the rows it averages over (an even subset beyond that). */
export const PARTIAL_GRID = 40;
export const PARTIAL_ROWS = 200;

export function reportData(raw: ReportInput): ReportData {
  const input = shownNames(raw);
  const { model, sets } = input;
  const d = model.features.length;
  const all = concatSets(sets, d);
  const fit = d === 1 ? curveData(input) : scatterData(model, sets, all);
  const fitted = trainingRows(sets, d);
  const diagnostics = diagnose(model, fitted.x, fitted.n);
  return {
    basis: model.basis,
    units: model.w.length,
    features: model.features,
    target: model.target,
    seed: model.training.seed,
    version: input.version,
    command: pictured(commandLine(input.command)),
    timestamp: input.timestamp,
    rows: { total: all.n, shown: fit.points.length, sets: sets.map((s) => ({ name: s.name, n: s.rows.n })) },
    columns: columnSummaries(model, all),
    metrics: [...sets.filter((s) => s.rows.n > 0).map((s) => ({ set: s.name, metrics: metrics(predictRows(model, s.rows.x, s.rows.n), s.rows.y) })), ...(input.measured ? [input.measured] : [])],
    diagnostics,
    parameters: parameterTable(model, input.stderr ?? null, diagnostics),
    scaling: model.scaling,
    fit,
    loss: lossView(model),
    bestEpoch: typeof model.training.best_epoch === 'number' ? model.training.best_epoch : null,
  };
}

/**
 * Column and file names as the page shows them: control characters, line separators and
 * bidirectional overrides become visible stand-ins (as in the SVG plot), so a header can
 * neither reorder the text around it nor break a chart title, which Vega-Lite copies
 * into expressions unescaped. Markup characters are left to the page's escaping.
 */
function shownNames(input: ReportInput): ReportInput {
  const { model, sets } = input;
  return {
    ...input,
    model: { ...model, features: model.features.map(pictured), target: pictured(model.target) },
    sets: sets.map((s) => ({ ...s, name: pictured(s.name) })),
  };
}

/** The diagnostics describe the rows the model was fitted on: the 'train' set when there is one, else every row. */
function trainingRows(sets: readonly PlotSet[], d: number) {
  const train = sets.find((s) => s.name === 'train');
  return train ? train.rows : concatSets(sets, d);
}

function concatSets(sets: readonly PlotSet[], d: number): { x: Float64Array; y: Float64Array; n: number } {
  const n = sets.reduce((a, s) => a + s.rows.n, 0);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let at = 0;
  for (const s of sets) {
    x.set(s.rows.x.subarray(0, s.rows.n * d), at * d);
    y.set(s.rows.y.subarray(0, s.rows.n), at);
    at += s.rows.n;
  }
  return { x, y, n };
}

function curveData(input: ReportInput): CurveData {
  const { model, sets } = input;
  const view = fitView(model, sets) as CurveView;
  // fitView's points are the thinned rows of each set in order; the same indices give their row numbers.
  const points: CurvePoint[] = [];
  let offset = 0;
  for (const { name, rows } of sets) {
    const keep = thinned(rows.n, sets);
    const x = Float64Array.from(keep, (i) => rows.x[i]);
    const fitted = predictRows(model, x, keep.length);
    keep.forEach((i, k) => {
      points.push({ row: offset + i + 1, line: rows.lines?.[i] ?? null, set: name, x: rows.x[i], y: rows.y[i], fitted: fitted[k], residual: rows.y[i] - fitted[k] });
    });
    offset += rows.n;
  }
  let curve: CurveData['curve'] = view.curve;
  let band: CurveData['band'] = null;
  if (input.interval) {
    const grid = Float64Array.from(view.curve, (c) => c.x);
    const b = input.interval(grid, grid.length);
    curve = view.curve.map((c, i) => ({ ...c, mean_lo: b.meanLower[i], mean_hi: b.meanUpper[i], obs_lo: b.obsLower[i], obs_hi: b.obsUpper[i] }));
    band = { level: b.level, method: b.method };
  }
  // The basis terms have a chart of their own here, so the fit's range holds only the data, the curve and the bands.
  const yDomain = plotDomain([...points.map((p) => p.y), ...curve.flatMap((c) => (band ? [c.y, c.obs_lo!, c.obs_hi!] : [c.y]))], []);
  return { kind: 'curve', feature: view.feature, target: view.target, points, curve, band, components: view.components, intercept: view.intercept, yDomain };
}

function scatterData(model: ModelFile, sets: readonly PlotSet[], all: { x: Float64Array; n: number }): ScatterData {
  const d = model.features.length;
  const points: ScatterPoint[] = [];
  let offset = 0;
  for (const { name, rows } of sets) {
    const pred = predictRows(model, rows.x, rows.n);
    for (const i of thinned(rows.n, sets)) {
      const p: ScatterPoint = { row: offset + i + 1, line: rows.lines?.[i] ?? null, set: name, actual: rows.y[i], predicted: pred[i], residual: rows.y[i] - pred[i] };
      for (let k = 0; k < d; k++) p[`f${k}`] = rows.x[i * d + k];
      points.push(p);
    }
    offset += rows.n;
  }
  return { kind: 'scatter', features: model.features, target: model.target, points, partial: partialDependence(model, all) };
}

/** For each feature, f averaged over the rows with that feature moved along an even grid over its range. */
export function partialDependence(model: ModelFile, all: { x: Float64Array; n: number }): ScatterData['partial'] {
  const d = model.features.length;
  const rows = Array.from({ length: Math.min(all.n, PARTIAL_ROWS) }, (_, i) => Math.floor((i * all.n) / Math.min(all.n, PARTIAL_ROWS)));
  const out: ScatterData['partial'] = [];
  if (rows.length === 0) return out;
  for (let k = 0; k < d; k++) {
    const [lo, hi] = extent(Array.from({ length: all.n }, (_, i) => all.x[i * d + k])) ?? [0, 0];
    const m = hi > lo ? PARTIAL_GRID : 1;
    const x = new Float64Array(m * rows.length * d);
    for (let g = 0; g < m; g++) {
      const v = g === m - 1 ? hi : lo + ((hi - lo) * g) / Math.max(m - 1, 1);
      rows.forEach((r, i) => {
        const at = (g * rows.length + i) * d;
        x.set(all.x.subarray(r * d, r * d + d), at);
        x[at + k] = v;
      });
    }
    const f = predictRows(model, x, m * rows.length);
    for (let g = 0; g < m; g++) {
      let sum = 0;
      for (let i = 0; i < rows.length; i++) sum += f[g * rows.length + i];
      out.push({ feature: k, value: x[g * rows.length * d + k], mean: sum / rows.length });
    }
  }
  return out;
}

function columnSummaries(model: ModelFile, all: { x: Float64Array; y: Float64Array; n: number }): ColumnSummary[] {
  const d = model.features.length;
  const summary = (name: string, role: ColumnSummary['role'], at: (i: number) => number): ColumnSummary => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < all.n; i++) {
      const v = at(i);
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return all.n === 0 ? { name, role, min: Number.NaN, mean: Number.NaN, max: Number.NaN } : { name, role, min, mean: sum / all.n, max };
  };
  return [...model.features.map((f, k) => summary(f, 'feature', (i) => all.x[i * d + k])), summary(model.target, 'target', (i) => all.y[i])];
}

/** Column headings of theta as the SPEC lays a row out: exponents (poly), centre and width (rbf), slopes and offset (tanh). */
export function thetaNames(model: ModelFile): string[] {
  const f = model.features;
  if (model.basis === 'poly') return f.map((n) => `p[${n}]`);
  if (model.basis === 'rbf') return [...f.map((n) => `c[${n}]`), 's'];
  return [...f.map((n) => `a[${n}]`), 'c'];
}

function parameterTable(model: ModelFile, se: StdErrors | null, dx: Diagnostics): ReportData['parameters'] {
  return {
    thetaNames: thetaNames(model),
    units: model.w.map((w, j) => ({
      unit: j + 1,
      theta: model.theta[j],
      thetaStderr: se?.theta[j] ?? null,
      w,
      wStderr: se?.w[j] ?? null,
      share: dx.units[j]?.share ?? 0,
      flags: dx.units[j]?.flags ?? [],
    })),
    b: model.b,
    bStderr: se?.b ?? null,
  };
}

/** The command as a person would type it again: arguments with spaces or shell characters single-quoted. */
export function commandLine(args: readonly string[]): string {
  const quote = (a: string) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['basisfit', ...args.map(quote)].join(' ');
}
