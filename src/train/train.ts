/**
 * The library API the CLI is a thin layer over: train(options) loads the CSV,
 * splits and scales it, fits (with restarts), measures and writes the model,
 * and returns the result document (docs/contract.md). `stream: true` reads
 * the file in chunks instead (stream-train.ts); both end in outcome.ts.
 */
import { type BasisFamily, basisFamily } from '../basis/index.js';
import { assertPositiveFeatures, columnStats, loadTable, type Standardization, splitRows, standardization, type Table, takeRows } from '../data/index.js';
import { Tensor } from '../engine/index.js';
import { assertNotSameFile, type ModelFile, type Scaling } from '../model/index.js';
import { metrics } from '../model/metrics.js';
import { predictRows, scaleInputs, scaleTarget } from '../model/predict.js';
import { Rng } from '../util/rng.js';
import { type DataSettings, IN_MEMORY_DEFAULTS, resolveSettings, type SettingsInput, type TrainSettings } from './defaults.js';
import { runCommittee } from './committee.js';
import { committeeDecision } from './committee-rule.js';
import { type FitContext, runFitJob } from './fit-job.js';
import { loadInitModel } from './init-model.js';
import { completeRun, nanMetrics, type RelevanceReport, type TrainResult, type WarningSink } from './outcome.js';
import { defaultThreads } from './parallel.js';
import { chooseRelevance, type RelevanceChoice } from './relevance.js';
import { type RelevanceDecision, relevanceDecision } from './relevance-rule.js';
import type { EpochListener } from './restarts.js';
import { cvRmse, UNIT_GRID } from './select.js';
import { MIN_START_RIDGE, RIDGE_GRID } from './start.js';
import type { Dataset, LabelledRows } from './types.js';
import { assertUnitCount, type GradientWork, gradientThreads, unitWarnings } from './workload.js';

export { scaleTarget } from '../model/predict.js';
export type { SettingsInput } from './defaults.js';
export { resolveSettings } from './defaults.js';
export type { TrainResult } from './outcome.js';
export type { LabelledRows } from './types.js';

export interface TrainOptions extends SettingsInput, DataSettings {
  /** CSV path, or '-' for standard input. */
  file: string;
  /** Where to write the model file; null or omitted writes none. */
  out?: string | null;
  stdin?: NodeJS.ReadableStream;
  /** Each epoch's losses, as mean squared errors in the target's units. */
  onEpoch?: EpochListener;
  /** After each bootstrap refit (--bootstrap): how many are done, of how many. */
  onRefit?: (done: number, of: number) => void;
  onWarning?: (message: string) => void;
  /** Polled between steps; true finishes the current step, keeps the best model so far and stops. */
  shouldStop?: () => boolean;
  /** Each start search's share done (0 to 1), while it runs (it can take minutes with many units). */
  onSearch?: (done: number) => void;
  /** Start from these θ rows (model-file layout, for the scaled data) instead of the data-driven start. */
  initialTheta?: number[][];
  /** --init: a model file to start from (same basis, features and units; see init-model.ts). */
  init?: string;
}

export interface TrainOutput {
  result: TrainResult;
  /** The model (also when no file was written, e.g. after divergence it is null). */
  model: ModelFile | null;
  /** The rows the model was trained and validated on, in the target's own units (for plots). */
  rows: { train: LabelledRows; validation: LabelledRows | null };
}

/** Collects warnings and passes each on as it happens. */
export function warningSink(onWarning?: (m: string) => void): WarningSink {
  const warnings: string[] = [];
  return {
    warnings,
    warn: (m) => {
      warnings.push(m);
      onWarning?.(m);
    },
  };
}

/** Keeps the relevance search's draws apart from the split's and the starts'. */
const RELEVANCE_FORK = 0x7e1e;

export async function train(options: TrainOptions): Promise<TrainOutput> {
  // Bad settings fail before the data are read, not after.
  resolveSettings(options);
  if (options.out) await assertNotSameFile(options.out, options.file);
  const t0 = performance.now();
  const table = await loadTable(options.file, { ...dataSettings(options), stdin: options.stdin });
  const loadSeconds = (performance.now() - t0) / 1000;
  return trainTable(table, options, loadSeconds);
}

/**
 * train() on a table already in memory (its rows, e.g. the training folds of
 * cross-validation): the split, scaling, fit, metrics and model file as train() makes them.
 */
export async function trainTable(table: Table, options: Omit<TrainOptions, 'file' | 'stdin'>, loadSeconds = 0): Promise<TrainOutput> {
  const s = resolveSettings({ ...options, solver: options.solver ?? IN_MEMORY_DEFAULTS.solver });
  const family = basisFamily(s.basis);
  const sink = warningSink(options.onWarning);
  const { warn } = sink;
  if (table.droppedRows > 0) warn(`dropped ${table.droppedRows} row(s) with empty cells (--missing drop)`);
  if (s.basis === 'poly') assertPositiveFeatures(table, 'poly');

  const rng = new Rng(s.seed);
  const committee = committeeDecision(s.committee, {
    rows: table.n,
    valSplit: s.valSplit,
    valSplitGiven: options.valSplit !== undefined,
    restarts: s.restarts,
    bootstrap: s.bootstrap,
    init: options.init !== undefined,
    solver: s.solver,
  });
  // A committee takes its validation rows in turns from every row (committee.ts): none are split off here.
  const split = splitRows(table, committee.members > 0 ? 0 : s.valSplit, () => rng.next());
  const stats = standardization(table, split.train);
  if (stats.constantTarget) warn(`target '${table.target}' is constant: there is nothing to fit and r2 is reported as null`);
  for (const f of stats.constantFeatures) warn(`feature '${f}' is constant over the training rows and carries no information`);
  const standardized = s.standardize ? scalingFor(s.basis, table, split.train, stats) : null;

  const labelled = (idx: Uint32Array): LabelledRows => {
    const r = takeRows(table, idx);
    return { x: r.x, y: r.y!, n: r.n, lines: r.lines };
  };
  const trainRows = labelled(split.train);
  const valRows = split.validation.length > 0 ? labelled(split.validation) : null;
  const toDataset = (rows: LabelledRows): Dataset => ({
    // Reads `scaling` when called, so datasets made after the relevance search use its scales.
    x: scaleInputs({ features: table.features, scaling } as ModelFile, rows.x, rows.n),
    y: scaleTarget(rows.y, scaling),
    n: rows.n,
    d: table.d,
  });
  let scaling = standardized;
  // Without an intercept the target is only divided by its std, so the fit has no constant term in the target's units either.
  if (!s.intercept && scaling) scaling.y.mean = 0;
  let trainSet = toDataset(trainRows);
  const decision = relevanceDecision(s.relevance, { basis: s.basis, d: table.d, rows: trainSet.n, init: options.init !== undefined, standardized: scaling !== null });
  const searched = decision.search ? inputRelevance(s, family, trainSet, rng) : null;
  const relevance = searched?.scales.some((v) => v !== 1) ? searched.scales : null;
  if (relevance && scaling) {
    scaling = { ...scaling, x: { mean: scaling.x.mean, std: scaling.x.std.map((v, k) => v / relevance[k]) } };
    trainSet = toDataset(trainRows);
  }
  const valSet = valRows ? toDataset(valRows) : null;
  const start = await initialModel(options, s, table.features, scaling);

  // The requested threads, at most the cores: fits at once for restarts and bootstrap refits, each on one thread.
  const poolSize = Math.min(s.threads, defaultThreads());
  checkWorkload(s, options, family, table.d, trainRows.n, 'full', warn, (s.restarts > 1 || s.bootstrap > 0) && poolSize > 1);
  const measureOn = (model: ModelFile | null, rows: LabelledRows) => (model ? metrics(predictRows(model, rows.x, rows.n), rows.y) : nanMetrics(rows.n));
  const context: FitContext = { basis: s.basis, seed: s.seed, train: trainSet, validation: valSet, settings: { ...fitSettings(s, options), ...start, threads: 1 } };
  const here: FitContext = { ...context, settings: { ...context.settings, threads: s.threads } };

  const { result, model } = await completeRun(
    s,
    {
      features: table.features,
      target: table.target!,
      rows: table.n,
      scaling,
      loadSeconds,
      droppedRows: table.droppedRows,
      fits: { local: (job, hooks) => runFitJob(here, job, hooks, warn), pool: { context, size: poolSize } },
      measure: async (m) => ({ train: measureOn(m, trainRows), validation: valRows ? measureOn(m, valRows) : null }),
      fitRows: trainSet,
      ...(valRows ? { heldOut: valRows } : {}),
      ...(committee.members > 0 ? { committee: (hooks) => runCommittee(committee, here, family, trainRows, scaling, rng, hooks) } : {}),
    },
    rng,
    sink,
    options,
  );
  // One model by choice (the default) is nothing to report; under auto, why none ran is.
  if (committee.auto && committee.members === 0) result.committee = { auto: true, members: 0, reason: committee.reason };
  if (relevance) result.relevance = Object.fromEntries(table.features.map((f, k) => [f, relevance[k]]));
  // One feature has nothing to weigh: no key, as with --stream, which never searches.
  if (table.d > 1) result.relevance_search = relevanceReport(decision, searched, scaling);
  return { result, model, rows: { train: trainRows, validation: valRows } };
}

/** Per-feature input scales by cross-validation (relevance.ts) on the standardised training rows, with the start's ridge candidates. */
function inputRelevance(s: TrainSettings, family: BasisFamily, rows: Dataset, rng: Rng): RelevanceChoice {
  const x = family.prepare(new Tensor(rows.x, [rows.n, rows.d]));
  const lambdas = s.ridgeAuto ? RIDGE_GRID : [Math.max(s.ridge, MIN_START_RIDGE)];
  return chooseRelevance(family, x, rows.y, s.units, rng.fork(RELEVANCE_FORK), lambdas);
}

/** The decision and, when the search ran, its CV scores as RMSEs in the target's units. */
function relevanceReport(decision: RelevanceDecision, searched: RelevanceChoice | null, scaling: Scaling | null): RelevanceReport {
  const report: RelevanceReport = { auto: decision.auto, searched: searched !== null, reason: decision.reason };
  if (!searched) return report;
  return { ...report, cv_rmse: cvRmse(searched.cv, scaling), baseline_cv_rmse: cvRmse(searched.baseline, scaling) };
}

/** --init: the model file's parameters re-expressed for this run's scaling (and its unit count as --units). */
export async function initialModel(
  options: Pick<TrainOptions, 'init' | 'units'>,
  s: TrainSettings,
  features: readonly string[],
  scaling: Scaling | null,
): Promise<{ initialTheta?: number[][]; initialLinear?: { w: number[]; b: number } }> {
  if (!options.init) return {};
  const init = await loadInitModel(options.init, { basis: s.basis, features, units: typeof options.units === 'number' ? options.units : undefined, scaling });
  assertUnitCount(init.theta.length, options.init);
  s.units = init.theta.length;
  s.unitsAuto = false;
  return { initialTheta: init.theta, initialLinear: { w: init.w, b: init.b } };
}

/**
 * Caps the threads at the cores and the work, and warns about a unit count too large for
 * the rows: once the training rows are counted, before the start search. `streamFull`:
 * streaming full-batch gradients, summed over fixed blocks on one thread. `pooled`: the
 * threads also set how many fits run at once on the pool (fit-job.ts).
 */
export function checkWorkload(
  s: TrainSettings,
  options: Pick<TrainOptions, 'threads' | 'units' | 'init'>,
  family: BasisFamily,
  d: number,
  trainRows: number,
  mode: 'full' | 'streamFull',
  warn: (m: string) => void,
  pooled = false,
): void {
  const batch = s.batchSize === 'full' ? trainRows : Math.min(s.batchSize, trainRows);
  const work: GradientWork = mode === 'streamFull' ? { serial: 'the one thread a streaming full-batch gradient runs on' } : { rows: batch };
  s.threads = gradientThreads(options.threads, s.threads, work, warn, pooled);
  unitWarnings(s.units, typeof options.units === 'number' || options.init !== undefined, family, d, trainRows, warn);
}

/** The loader's settings from the training options. */
export function dataSettings(o: DataSettings): DataSettings {
  return { target: o.target, features: o.features, header: o.header, delimiter: o.delimiter, missing: o.missing };
}

/** One start's settings, shared by in-memory and streaming training (each job adds its own stop test). */
export function fitSettings(s: ReturnType<typeof resolveSettings>, o: Pick<TrainOptions, 'initialTheta'>) {
  return {
    units: s.units,
    unitGrid: s.unitsAuto ? UNIT_GRID : undefined,
    epochs: s.epochs,
    batchSize: s.batchSize,
    optimizer: s.optimizer,
    lr: { w: s.lrW ?? s.lr, b: s.lrB ?? s.lr, theta: s.lrTheta ?? s.lr },
    solver: s.solver,
    ridge: s.ridgeAuto ? ('auto' as const) : s.ridge,
    patience: s.patience,
    threads: s.threads,
    initialTheta: o.initialTheta,
    intercept: s.intercept,
    tol: s.tol,
  };
}

/**
 * Standardisation for rbf and tanh. Poly needs positive inputs, so its inputs
 * are only divided by their geometric mean (mean 0): log x is then centred.
 */
function scalingFor(basis: string, table: Table, rows: Uint32Array, stats: Standardization): Scaling {
  const y = stats.y ?? { mean: 0, std: 1 };
  if (basis !== 'poly') return { x: { mean: stats.x.mean.slice(), std: stats.x.std.slice() }, y: { ...y } };
  const d = table.d;
  const logs = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) for (let k = 0; k < d; k++) logs[i * d + k] = Math.log(table.x[rows[i] * d + k]);
  const std = Array.from({ length: d }, (_, k) => Math.exp(columnStats(logs, rows.length, d, k).mean));
  return { x: { mean: new Array(d).fill(0), std }, y: { ...y } };
}
