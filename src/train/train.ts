/**
 * The library API the CLI is a thin layer over: train(options) loads the CSV,
 * splits and scales it, fits (with restarts), measures and writes the model,
 * and returns the SPEC's result document.
 */
import { basisFamily } from '../basis/index.js';
import {
  assertPositiveFeatures,
  columnStats,
  loadTable,
  type Standardization,
  splitRows,
  standardization,
  type Table,
  takeRows,
} from '../data/index.js';
import { TrainingError } from '../errors.js';
import { assertNotSameFile, type ModelFile, type Scaling, writeModel } from '../model/index.js';
import { Rng } from '../util/rng.js';
import { type DataSettings, DEFAULTS, IN_MEMORY_DEFAULTS, type RidgeOption, type TrainSettings } from './defaults.js';
import { type Dataset, type EpochReport, fit, type FitOutcome, type StopReason } from './fit.js';
import { type Metrics, metrics } from '../model/metrics.js';
import { predictRows, scaleInputs } from '../model/predict.js';
import { runRestarts } from './restarts.js';
import { computeUncertainty } from '../uncertainty/covariance.js';
import type { UncertaintyReport } from '../uncertainty/types.js';

/** Settings as callers give them: any subset, with the ridge as a number or 'auto'. */
export type SettingsInput = Partial<Omit<TrainSettings, 'ridge'>> & { ridge?: RidgeOption };

export interface TrainOptions extends SettingsInput, DataSettings {
  /** CSV path, or '-' for standard input. */
  file: string;
  /** Where to write the model file; null or omitted writes none. */
  out?: string | null;
  stdin?: NodeJS.ReadableStream;
  /** Each epoch's losses, as mean squared errors in the target's units. */
  onEpoch?: (r: EpochReport & { restart: number; restarts: number }) => void;
  onWarning?: (message: string) => void;
  /** Polled between steps; true finishes the current step, keeps the best model so far and stops. */
  shouldStop?: () => boolean;
}

export interface TrainResult {
  basis: string;
  units: number;
  features: string[];
  target: string;
  epochs: number;
  stopped: StopReason;
  train: Metrics;
  validation: Metrics | null;
  timing: { load_s: number; train_s: number; epoch_s: number };
  model: string | null;
  seed: number;
  best_epoch: number;
  restarts: { count: number; best: number; losses: number[] };
  dropped_rows: number;
  warnings: string[];
  /** The ridge λ the chosen start trained with (chosen by GCV under --ridge auto). */
  ridge?: number;
  /** The init scale the chosen start's search picked (see BasisFamily.initScales). */
  init_scale?: number;
  /** Standard errors of the stored parameters (SPEC section 6), null when they cannot be estimated; see src/uncertainty. */
  uncertainty?: UncertaintyReport | null;
}

/** Labelled rows in the model's feature order (N × D row-major x). */
export interface LabelledRows {
  x: Float64Array;
  y: Float64Array;
  n: number;
}

export interface TrainOutput {
  result: TrainResult;
  /** The model (also when no file was written, e.g. after divergence it is null). */
  model: ModelFile | null;
  /** The rows the model was trained and validated on, in the target's own units (for plots). */
  rows: { train: LabelledRows; validation: LabelledRows | null };
}

export function resolveSettings(opts: SettingsInput): TrainSettings {
  const s: TrainSettings = { ...DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && k in DEFAULTS) (s as unknown as Record<string, unknown>)[k] = v;
  // ridge 'auto' searches λ; a number fixes it (unless ridgeAuto is given explicitly).
  if (opts.ridge === 'auto') {
    s.ridge = DEFAULTS.ridge;
    s.ridgeAuto = true;
  } else if (typeof opts.ridge === 'number' && opts.ridgeAuto === undefined) {
    s.ridgeAuto = false;
  }
  return s;
}

export async function train(options: TrainOptions): Promise<TrainOutput> {
  const s = resolveSettings({ ...options, solver: options.solver ?? IN_MEMORY_DEFAULTS.solver });
  const family = basisFamily(s.basis);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  if (options.out) await assertNotSameFile(options.out, options.file);

  const t0 = performance.now();
  const table = await loadTable(options.file, {
    target: options.target,
    features: options.features,
    header: options.header,
    delimiter: options.delimiter,
    missing: options.missing,
    stdin: options.stdin,
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  if (table.droppedRows > 0) warn(`dropped ${table.droppedRows} row(s) with empty cells (--missing drop)`);
  if (s.basis === 'poly') assertPositiveFeatures(table, 'poly');

  const rng = new Rng(s.seed);
  const split = splitRows(table, s.valSplit, () => rng.next());
  const stats = standardization(table, split.train);
  if (stats.constantTarget) warn(`target '${table.target}' is constant: there is nothing to fit and r2 is reported as null`);
  for (const f of stats.constantFeatures) warn(`feature '${f}' is constant over the training rows and carries no information`);
  const scaling = s.standardize ? scalingFor(s.basis, table, split.train, stats) : null;

  const trainRows = takeRows(table, split.train);
  const valRows = split.validation.length > 0 ? takeRows(table, split.validation) : null;
  const model0 = { features: table.features, scaling };
  const toDataset = (rows: { x: Float64Array; y: Float64Array | null; n: number }): Dataset => ({
    x: scaleInputs(model0 as ModelFile, rows.x, rows.n),
    y: scaleTarget(rows.y!, scaling),
    n: rows.n,
    d: table.d,
  });
  const trainSet = toDataset(trainRows);
  const valSet = valRows ? toDataset(valRows) : null;

  const lr = { w: s.lrW ?? s.lr, b: s.lrB ?? s.lr, theta: s.lrTheta ?? s.lr };
  const { best, bestIndex, losses, trainSeconds, epochsRun } = await runRestarts(s.restarts, scaling, options.onEpoch, (r, onEpoch) =>
    fit(
      trainSet,
      valSet,
      {
        family,
        units: s.units,
        epochs: s.epochs,
        batchSize: s.batchSize,
        optimizer: s.optimizer,
        lr: { ...lr },
        solver: s.solver,
        ridge: s.ridgeAuto ? 'auto' : s.ridge,
        patience: s.patience,
        onEpoch,
        onWarning: warn,
        shouldStop: options.shouldStop,
        threads: s.threads,
      },
      // Start r draws the same numbers whatever the number of restarts, so
      // more restarts can only add candidates, never change the first ones.
      rng.fork(r + 1),
    ),
  );
  const chosen = best ?? null;
  const stopped: StopReason = chosen === null ? 'diverged' : chosen.stopped;
  const last = chosen;
  const model: ModelFile | null =
    chosen === null
      ? null
      : {
          format: 'basisfit-model',
          version: 1,
          basis: s.basis,
          features: table.features,
          target: table.target!,
          theta: chosen.theta,
          w: chosen.w,
          b: chosen.b,
          scaling,
          training: trainingRecord(s, chosen, table),
          history: chosen.history,
        };

  const trainMetrics = model ? metrics(predictRows(model, trainRows.x, trainRows.n), trainRows.y!) : nanMetrics(trainRows.n);
  const valMetrics = valRows ? (model ? metrics(predictRows(model, valRows.x, valRows.n), valRows.y!) : nanMetrics(valRows.n)) : null;
  const epochsOfChosen = last?.epochs ?? 0;
  const result: TrainResult = {
    basis: s.basis,
    units: s.units,
    features: table.features,
    target: table.target!,
    epochs: epochsOfChosen,
    stopped,
    train: trainMetrics,
    validation: valMetrics,
    timing: { load_s: round(loadSeconds), train_s: round(trainSeconds), epoch_s: round(trainSeconds / Math.max(epochsRun, 1)) },
    model: null,
    seed: s.seed,
    best_epoch: last?.bestEpoch ?? 0,
    restarts: { count: s.restarts, best: bestIndex + 1, losses },
    dropped_rows: table.droppedRows,
    warnings,
    ridge: chosen?.ridge,
    init_scale: chosen?.initScale,
  };
  if (model === null) {
    throw Object.assign(new TrainingError('training diverged: the loss or the parameters became non-finite', 'lower --lr (or --lr-theta), or try --optimizer adam'), {
      result,
    });
  }
  // Standard errors and interval data for predict --interval (src/uncertainty/covariance.ts).
  const unc = computeUncertainty({ model, x: trainSet.x, y: trainSet.y, n: trainSet.n, ridge: chosen!.ridge ?? s.ridge, stopped });
  result.uncertainty = unc.report;
  if (unc.stored) model.uncertainty = unc.stored;
  if (unc.warning) warn(unc.warning);
  if (options.out) {
    await writeModel(options.out, model);
    result.model = options.out;
  }
  const labelled = (r: typeof trainRows): LabelledRows => ({ x: r.x, y: r.y!, n: r.n });
  return { result, model, rows: { train: labelled(trainRows), validation: valRows ? labelled(valRows) : null } };
}

export function round(v: number): number {
  return Number(v.toPrecision(6));
}

export function nanMetrics(n: number): Metrics {
  return { n, mse: Number.NaN, rmse: Number.NaN, mae: Number.NaN, r2: null };
}

/** Restarts are compared by validation loss, or by training loss without a split. */
export function selectionLoss(o: FitOutcome): number {
  if (o.selectionLoss !== undefined) return Number.isFinite(o.selectionLoss) ? o.selectionLoss : Number.POSITIVE_INFINITY;
  const h = o.history.validation ?? o.history.train;
  if (h.length === 0) return Number.POSITIVE_INFINITY;
  const i = Math.min(o.bestEpoch, h.length) - 1;
  const v = h[Math.max(i, 0)];
  return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
}

export function trainingRecord(s: TrainSettings, o: FitOutcome, table: Pick<Table, 'n'>): ModelFile['training'] {
  return {
    seed: s.seed,
    epochs: o.epochs,
    best_epoch: o.bestEpoch,
    stopped: o.stopped,
    optimizer: s.optimizer,
    solver: s.solver,
    batch_size: s.batchSize,
    lr: { w: s.lrW ?? s.lr, b: s.lrB ?? s.lr, theta: s.lrTheta ?? s.lr },
    val_split: s.valSplit,
    patience: s.patience,
    ridge: o.ridge ?? s.ridge,
    ...(s.ridgeAuto && o.ridge !== undefined ? { ridge_auto: true } : {}),
    ...(o.initScale !== undefined ? { init_scale: o.initScale } : {}),
    rows: table.n,
  };
}

export function scaleTarget(y: Float64Array, scaling: Scaling | null): Float64Array {
  if (scaling === null) return y;
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - scaling.y.mean) / scaling.y.std;
  return out;
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

