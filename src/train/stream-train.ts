/**
 * Out-of-core training: train() for a CSV larger than memory. The file is read
 * in chunks, once per pass, and never held whole:
 *
 *   pass 1      row count, validation split (seeded hash of the row index),
 *               scaling statistics, seeded samples (stream-survey.ts);
 *   start       the family's init and the ridge least-squares w, b on the
 *               training sample;
 *   each epoch  one read: mini-batch steps on consecutive training rows in file
 *               order, or (full batch) the gradient summed over fixed 4096-row
 *               blocks in order, then one step;
 *   last pass   metrics of the final model over every row.
 *
 * Memory is the read buffer, one batch, the samples and the model: bounded
 * whatever the file's length. docs/streaming.md says what matches train().
 */
import { type BasisFamily, basisFamily } from '../basis/index.js';
import { assertValidationFraction } from '../data/split.js';
import { type RowChunk, readChunks } from '../data/stream.js';
import { Tensor } from '../engine/index.js';
import { DataError, NumericError, TrainingError, UsageError } from '../errors.js';
import { assertNotSameFile, type ModelFile, type Scaling, writeModel } from '../model/index.js';
import { Rng } from '../util/rng.js';
import { CHUNK_ROWS, chunkLossAndGrad, combineChunks } from './chunked.js';
import type { DataSettings, TrainSettings } from './defaults.js';
import type { EpochReport, FitOutcome, StopReason } from './fit.js';
import { ridgeSolve } from './linear.js';
import { type Metrics, metrics } from '../model/metrics.js';
import { modelTheta } from './objective.js';
import { predictTensor } from '../model/predict.js';
import { Optimizer } from './optimizer.js';
import { createEvaluator } from './parallel.js';
import { EpochLog, type Params, paramsFinite, restore, snapshot } from './params.js';
import { predictRows, scaleInputs } from '../model/predict.js';
import { runRestarts } from './restarts.js';
import { MetricsAccumulator } from './stream-metrics.js';
import { HashSplit, READ_ROWS, scalingOf, survey } from './stream-survey.js';
import {
  type LabelledRows,
  nanMetrics,
  resolveSettings,
  round,
  scaleTarget,
  type TrainOptions,
  type TrainOutput,
  type TrainResult,
  trainingRecord,
} from './train.js';

/** Training rows kept in memory for the initialisation (and for diagnostics and plots). */
export const SAMPLE_ROWS = 10_000;
/** Validation rows kept in memory for each epoch's validation loss. */
export const VALIDATION_ROWS = 100_000;
/** Each sample also stays under this many bytes of numbers, however many columns there are. */
const SAMPLE_BYTES = 32 * 1024 * 1024;
const SAMPLE_FORK = 0x5a3e;

export interface StreamTrainOptions extends Omit<TrainOptions, 'stdin'> {
  /** Largest training sample for the initialisation (default SAMPLE_ROWS). */
  sampleRows?: number;
  /** Largest validation sample for each epoch's validation loss (default VALIDATION_ROWS). */
  validationRows?: number;
  /** Start from these θ rows (model-file layout, for the scaled data) instead of the family's init on the sample. */
  initialTheta?: number[][];
}

/** How the streaming run went, in the result document's `stream` key. */
export interface StreamInfo {
  /** Reads of the whole file: statistics, one per epoch, metrics. */
  passes: number;
  /** Training rows the initialisation used (all of them when they fit the sample). */
  sample_rows: number;
  /** The scaling statistics are train()'s own: the sample held every training row. */
  exact_stats: boolean;
  /** Validation rows each epoch's validation loss is computed on (null without validation). */
  validation_loss_rows: number | null;
  /** Rows the reported metrics cover: all of them, or the samples after an interruption. */
  metrics_rows: 'all' | 'sample';
}

export interface StreamTrainOutput extends TrainOutput {
  result: TrainResult & { stream: StreamInfo };
}

/** What each pass over the file needs to know. */
interface Pass {
  file: string;
  load: DataSettings;
  split: HashSplit;
  /** Kept rows of the first pass; a later pass that differs means the file changed. */
  rows: number;
  trainRows: number;
  d: number;
  scaling: Scaling | null;
  count: number;
}

export async function trainStream(options: StreamTrainOptions): Promise<StreamTrainOutput> {
  const s = resolveSettings(options);
  const family = basisFamily(s.basis);
  if (options.file === '-') {
    throw new UsageError('--stream reads the file once per epoch, so it cannot read standard input', 'save the data to a file and pass its path');
  }
  if (s.solver !== 'gd') {
    throw new UsageError(`--stream supports --solver gd only, not ${s.solver}`, 'leave out --solver, or train without --stream');
  }
  assertValidationFraction(s.valSplit);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  if (options.out) await assertNotSameFile(options.out, options.file);

  const load: DataSettings = {
    target: options.target,
    features: options.features,
    header: options.header,
    delimiter: options.delimiter,
    missing: options.missing,
  };
  const rng = new Rng(s.seed);
  const split = new HashSplit(s.valSplit, s.seed);
  const t0 = performance.now();
  const sv = await survey(options.file, {
    load,
    split,
    positiveInputs: s.basis === 'poly',
    basis: s.basis,
    sampleRows: options.sampleRows ?? SAMPLE_ROWS,
    validationRows: options.validationRows ?? VALIDATION_ROWS,
    sampleBytes: SAMPLE_BYTES,
    rng: rng.fork(SAMPLE_FORK),
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  if (sv.droppedRows > 0) warn(`dropped ${sv.droppedRows} row(s) with empty cells (--missing drop)`);
  if (sv.stats.y.constant) warn(`target '${sv.target}' is constant: there is nothing to fit and r2 is reported as null`);
  sv.stats.x.forEach((c, k) => {
    if (c.constant) warn(`feature '${sv.features[k]}' is constant over the training rows and carries no information`);
  });
  if (s.valSplit > 0 && sv.validationRows === 0) {
    warn(`no row of ${sv.rows} fell into the validation split (--val-split ${s.valSplit} picks each row with that chance): training without validation`);
  }
  const scaling = s.standardize ? scalingOf(s.basis, sv.stats) : null;
  const toModelUnits = (rows: LabelledRows): LabelledRows => ({
    x: scaleInputs({ features: sv.features, scaling } as ModelFile, rows.x, rows.n),
    y: scaleTarget(rows.y, scaling),
    n: rows.n,
  });
  const sampleRows = sv.sample.rows();
  const validationRows = sv.validationRows > 0 ? sv.validation.rows() : null;
  const pass: Pass = { file: sv.file, load, split, rows: sv.rows, trainRows: sv.trainRows, d: sv.d, scaling, count: 1 };
  const fitInput: StreamFitInput = {
    pass,
    sample: toModelUnits(sampleRows),
    validation: validationRows ? toModelUnits(validationRows) : null,
  };

  const lr = { w: s.lrW ?? s.lr, b: s.lrB ?? s.lr, theta: s.lrTheta ?? s.lr };
  const { best, bestIndex, losses, trainSeconds, epochsRun } = await runRestarts(s.restarts, scaling, options.onEpoch, (r, onEpoch) =>
    fitStream(fitInput, {
      family,
      settings: s,
      lr: { ...lr },
      onEpoch,
      onWarning: warn,
      shouldStop: options.shouldStop,
      rng: s.restarts === 1 ? rng : rng.fork(r + 1),
      initialTheta: options.initialTheta,
    }),
  );
  const stopped: StopReason = best === null ? 'diverged' : best.stopped;
  const model: ModelFile | null =
    best === null
      ? null
      : {
          format: 'basisfit-model',
          version: 1,
          basis: s.basis,
          features: sv.features,
          target: sv.target,
          theta: best.theta,
          w: best.w,
          b: best.b,
          scaling,
          training: trainingRecord(s, best, { n: sv.rows }),
          history: best.history,
        };

  // After an interruption the user is waiting: the samples stand in for a last pass over the file.
  const onSamples = stopped === 'interrupted';
  let measured: { train: Metrics; validation: Metrics | null };
  if (model === null) measured = { train: nanMetrics(sv.trainRows), validation: validationRows ? nanMetrics(sv.validationRows) : null };
  else if (onSamples) {
    measured = {
      train: metrics(predictRows(model, sampleRows.x, sampleRows.n), sampleRows.y),
      validation: validationRows ? metrics(predictRows(model, validationRows.x, validationRows.n), validationRows.y) : null,
    };
  } else measured = await metricsPass(pass, model, sv.stats.y.mean);

  const result: TrainResult & { stream: StreamInfo } = {
    basis: s.basis,
    units: s.units,
    features: sv.features,
    target: sv.target,
    epochs: best?.epochs ?? 0,
    stopped,
    train: measured.train,
    validation: measured.validation,
    timing: { load_s: round(loadSeconds), train_s: round(trainSeconds), epoch_s: round(trainSeconds / Math.max(epochsRun, 1)) },
    model: null,
    seed: s.seed,
    best_epoch: best?.bestEpoch ?? 0,
    restarts: { count: s.restarts, best: bestIndex + 1, losses },
    dropped_rows: sv.droppedRows,
    warnings,
    stream: {
      passes: pass.count,
      sample_rows: sampleRows.n,
      exact_stats: sv.exactStats,
      validation_loss_rows: validationRows?.n ?? null,
      metrics_rows: onSamples ? 'sample' : 'all',
    },
  };
  if (model === null) {
    throw Object.assign(
      new TrainingError('training diverged: the loss or the parameters became non-finite', 'lower --lr (or --lr-theta), or try --optimizer adam'),
      { result },
    );
  }
  if (options.out) {
    await writeModel(options.out, model);
    result.model = options.out;
  }
  return { result, model, rows: { train: sampleRows, validation: validationRows } };
}

/**
 * The file's rows, chunk by chunk, for one pass after the first; fails if the
 * file no longer has the first pass's rows. Stopping early (break) closes it.
 */
async function* passChunks(pass: Pass): AsyncGenerator<RowChunk, void, undefined> {
  pass.count++;
  let rows = 0;
  for await (const chunk of readChunks(pass.file, { ...pass.load, rowsPerChunk: READ_ROWS })) {
    rows += chunk.n;
    if (rows > pass.rows) break;
    yield chunk;
  }
  if (rows !== pass.rows) {
    throw new DataError(
      `the file changed during training: the first pass read ${pass.rows} rows, pass ${pass.count} ${rows > pass.rows ? 'more' : rows}`,
      { file: pass.file },
      'leave the file alone while basisfit trains on it (or train on a copy)',
    );
  }
}

/**
 * One pass over the training rows in file order, scaled as the model acts on
 * them, handed to `onBatch` `size` rows at a time (the last batch may be
 * shorter). The buffers are reused: onBatch must be done with them when it
 * returns, and returns false to stop the pass early. Resolves to whether the
 * pass ran to the end.
 */
async function forEachBatch(pass: Pass, size: number, onBatch: (x: Float64Array, y: Float64Array, m: number) => boolean): Promise<boolean> {
  const { d, scaling, split } = pass;
  const bx = new Float64Array(size * d);
  const by = new Float64Array(size);
  let m = 0;
  for await (const chunk of passChunks(pass)) {
    const { x, y, first } = chunk;
    for (let r = 0; r < chunk.n; r++) {
      if (split.isValidation(first + r)) continue;
      // The formulas of scaleInputs and scaleTarget, so values match train()'s bit for bit.
      for (let k = 0; k < d; k++) bx[m * d + k] = scaling ? (x[r * d + k] - scaling.x.mean[k]) / scaling.x.std[k] : x[r * d + k];
      by[m] = scaling ? (y![r] - scaling.y.mean) / scaling.y.std : y![r];
      if (++m === size) {
        m = 0;
        if (!onBatch(bx, by, size)) return false;
      }
    }
  }
  return m === 0 || onBatch(bx, by, m);
}

/** The final model's metrics over every training and every validation row. */
async function metricsPass(pass: Pass, model: ModelFile, centre: number): Promise<{ train: Metrics; validation: Metrics | null }> {
  const train = new MetricsAccumulator(centre);
  const validation = new MetricsAccumulator(centre);
  let validationRows = 0;
  for await (const chunk of passChunks(pass)) {
    const pred = predictRows(model, chunk.x, chunk.n);
    for (let r = 0; r < chunk.n; r++) {
      if (pass.split.isValidation(chunk.first + r)) {
        validation.add(pred[r], chunk.y![r]);
        validationRows++;
      } else train.add(pred[r], chunk.y![r]);
    }
  }
  return { train: train.result(), validation: validationRows > 0 ? validation.result() : null };
}

interface StreamFitInput {
  pass: Pass;
  /** Training sample and validation rows (or sample), in model units. */
  sample: LabelledRows;
  validation: LabelledRows | null;
}

interface StreamFitOptions {
  family: BasisFamily;
  settings: TrainSettings;
  lr: { w: number; b: number; theta: number };
  onEpoch?: (r: EpochReport) => void;
  onWarning: (message: string) => void;
  shouldStop?: () => boolean;
  rng: Rng;
  initialTheta?: number[][];
}

/** fit()'s loop (fit.ts) over a file: the same steps, recovery from divergence, early stopping and interruption. */
async function fitStream(input: StreamFitInput, opts: StreamFitOptions): Promise<FitOutcome> {
  const { family, settings: s } = opts;
  const { pass, validation } = input;
  const d = pass.d;
  const params = initialParams(family, input.sample, d, s, opts.rng, opts.initialTheta);
  const all = [params.w, params.b, ...params.raw];
  const argnums = all.map((_, i) => i);
  const optimizer = new Optimizer(s.optimizer, [
    { value: params.w.data, group: 'w' },
    { value: params.b.data, group: 'b' },
    ...params.raw.map((t) => ({ value: t.data, group: 'theta' as const })),
  ], opts.lr);
  const fullBatch = s.batchSize === 'full' || s.batchSize >= pass.trainRows;
  const evaluator = fullBatch ? null : createEvaluator(family, s.threads, all.map((t) => t.shape));
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, d])) : null;

  const log = new EpochLog(validation !== null, Number.POSITIVE_INFINITY, snapshot(params));
  let stopped = 'max-epochs' as StopReason;
  let recoveries = 0;
  const maxRecoveries = 8;
  let lossSum = 0;
  let rows = 0;
  let epoch = 0;
  const validationLoss = () => (XV && validation ? meanSquaredError(family, params, XV, validation.y) : null);

  /** After a step: false ends training (diverged for good, or interrupted). */
  const afterStep = (loss: number, m: number, good: Float64Array[], goodState: ReturnType<Optimizer['snapshot']>): boolean => {
    if (!Number.isFinite(loss) || !paramsFinite(family, params)) {
      restore(params, good);
      optimizer.restore(goodState);
      if (recoveries >= maxRecoveries) {
        stopped = 'diverged';
        opts.onWarning(`diverged in epoch ${epoch}: still non-finite after ${recoveries} learning-rate halvings`);
        return false;
      }
      recoveries++;
      optimizer.scaleLearningRates(0.5);
      const { w, b, theta } = optimizer.lr;
      opts.onWarning(
        `diverged in epoch ${epoch}: rolled back to the last good parameters and halved the learning rates (now w ${fmt(w)}, b ${fmt(b)}, theta ${fmt(theta)})`,
      );
      return true;
    }
    lossSum += loss * m;
    rows += m;
    if (opts.shouldStop?.()) {
      stopped = 'interrupted';
      return false;
    }
    return true;
  };

  const miniBatch = (x: Float64Array, y: Float64Array, m: number): boolean => {
    const good = snapshot(params);
    const goodState = optimizer.snapshot();
    const X = family.prepare(new Tensor(x.subarray(0, m * d), [m, d]));
    const loss = guarded(opts.onWarning, () => {
      const r = evaluator!.evaluate(X, new Tensor(y.subarray(0, m), [m]), all, argnums, s.ridge);
      if (Number.isFinite(r.value)) optimizer.step(r.grads);
      return r.value;
    });
    return afterStep(loss, m, good, goodState);
  };

  const t0 = performance.now();
  try {
    for (epoch = 1; epoch <= s.epochs; epoch++) {
      lossSum = 0;
      rows = 0;
      let going: boolean;
      if (fullBatch) {
        const good = snapshot(params);
        const goodState = optimizer.snapshot();
        const sum = await fullGradientSum(family, pass, all, argnums);
        const loss = guarded(opts.onWarning, () => {
          const r = combineChunks([sum], all, argnums, pass.trainRows, s.ridge);
          if (Number.isFinite(r.value)) optimizer.step(r.grads);
          return r.value;
        });
        going = afterStep(loss, pass.trainRows, good, goodState);
      } else {
        going = await forEachBatch(pass, s.batchSize as number, miniBatch);
      }
      if (!going) {
        if (stopped === 'interrupted') {
          // As fit() does: the partial epoch goes into the history, and cannot become the best.
          log.partial(rows > 0 ? (2 * lossSum) / rows : Number.NaN, validationLoss());
        }
        break;
      }
      // Steps report ½·MSE (+ ridge); history keeps the plain MSE of the epoch's steps.
      const trainLoss = rows > 0 ? (2 * lossSum) / rows : Number.NaN;
      const stop = log.close(epoch, trainLoss, validationLoss(), () => snapshot(params), { ...opts, epochs: s.epochs, patience: s.patience });
      if (stop !== null) {
        stopped = stop;
        break;
      }
    }
  } finally {
    await evaluator?.close();
  }
  const epochsRun = Math.min(epoch, s.epochs);
  const trainSeconds = (performance.now() - t0) / 1000;
  if (validation && s.patience !== null && log.best.epoch > 0) restore(params, log.best.state);
  else log.best.epoch = epochsRun;
  return {
    theta: family.pack(modelTheta(family, params.raw), d),
    w: Array.from(params.w.data),
    b: params.b.data[0],
    epochs: epochsRun,
    bestEpoch: log.best.epoch,
    stopped,
    history: log.history,
    trainSeconds,
    recoveries,
  };
}

/**
 * ½ Σ (f − y)² over every training row and its gradient, packed as
 * chunkLossAndGrad packs one chunk: the rows are cut into the blocks of
 * CHUNK_ROWS that train() cuts its training rows into, and the blocks are
 * added in the same order, so the sum is train()'s to the bit.
 */
async function fullGradientSum(family: BasisFamily, pass: Pass, params: readonly Tensor[], argnums: readonly number[]): Promise<Float64Array> {
  const width = 1 + argnums.reduce((n, i) => n + params[i].size, 0);
  const sum = new Float64Array(width);
  const block = new Float64Array(width);
  await forEachBatch(pass, CHUNK_ROWS, (x, y, m) => {
    const X = family.prepare(new Tensor(x.subarray(0, m * pass.d), [m, pass.d]));
    try {
      chunkLossAndGrad(family, X, new Tensor(y.subarray(0, m), [m]), 0, params, argnums, block);
    } catch (e) {
      // As the gradient evaluators do: a numeric failure is a non-finite loss, which is rolled back.
      if (!(e instanceof NumericError)) throw e;
      block.fill(0);
      block[0] = Number.NaN;
    }
    for (let i = 0; i < width; i++) sum[i] += block[i];
    return true;
  });
  return sum;
}

/**
 * The family's seeded init (or the given θ) on the sample, then the ridge
 * least-squares w and b for it: the start fit() made before it searched init
 * scales and λ, which needs every training row in memory.
 */
function initialParams(family: BasisFamily, sample: LabelledRows, d: number, s: TrainSettings, rng: Rng, initialTheta?: number[][]): Params {
  const X = family.prepare(new Tensor(sample.x, [sample.n, d]));
  const theta = initialTheta ? family.unpack(initialTheta, d) : family.init(X, s.units, rng);
  const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const units = theta[0].shape[0];
  const phi = family.features(X, modelTheta(family, raw));
  const lin = ridgeSolve(phi.data, sample.n, units, sample.y, Math.max(s.ridge, 1e-6));
  const w = Tensor.zeros([units]);
  const b = Tensor.zeros([]);
  if (lin.w.every(Number.isFinite) && Number.isFinite(lin.b)) {
    w.data.set(lin.w);
    b.data[0] = lin.b;
  }
  return { w, b, raw };
}

/** Runs a step; a numeric failure is reported and counts as a non-finite loss. */
function guarded(onWarning: (m: string) => void, step: () => number): number {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    onWarning(`step failed numerically (${e.message})`);
    return Number.NaN;
  }
}

/** Mean squared error over the rows, predicted a block at a time so the temporaries stay small. */
function meanSquaredError(family: BasisFamily, p: Params, x: Tensor, y: Float64Array): number {
  const d = x.shape[1];
  const theta = modelTheta(family, p.raw);
  let s = 0;
  for (let start = 0; start < y.length; start += CHUNK_ROWS) {
    const end = Math.min(y.length, start + CHUNK_ROWS);
    const block = new Tensor(x.data.subarray(start * d, end * d), [end - start, d]);
    const pred = predictTensor(family, block, p.w, p.b, theta).data;
    for (let i = start; i < end; i++) s += (pred[i - start] - y[i]) ** 2;
  }
  return s / y.length;
}

function fmt(v: number): string {
  return v.toPrecision(3);
}



