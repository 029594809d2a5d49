/**
 * Out-of-core training: train() for a CSV larger than memory. The file is read
 * in chunks, once per pass, and never held whole:
 *
 *   pass 1      row count, validation split (seeded hash of the row index),
 *               scaling statistics, seeded samples (stream-survey.ts);
 *   start       the start search (start.ts) on the training sample;
 *   each epoch  one read: mini-batch steps on consecutive training rows in file
 *               order, or (full batch) the gradient summed over fixed 4096-row
 *               blocks in order, then one step (stream-batches.ts);
 *   last pass   metrics of the final model over every row.
 *
 * The epochs run in the same loop as in-memory training (loop.ts), and the run
 * ends in the same place (outcome.ts). Memory is the read buffer, one batch,
 * the samples and the model: bounded whatever the file's length.
 * docs/streaming.md says what matches train().
 */
import { basisFamily } from '../basis/index.js';
import { assertValidationFraction } from '../data/split.js';
import { Tensor } from '../engine/index.js';
import { UsageError } from '../errors.js';
import { assertNotSameFile, type ModelFile } from '../model/index.js';
import { metrics } from '../model/metrics.js';
import { predictRows, scaleInputs, scaleTarget } from '../model/predict.js';
import { Rng } from '../util/rng.js';
import { resolveSettings } from './defaults.js';
import { fitFrom } from './fit.js';
import { completeRun, nanMetrics, type TrainResult } from './outcome.js';
import { createEvaluator } from './parallel.js';
import { initialParams, searchStart } from './start.js';
import { fileBatches, fileGradientSum, metricsPass, type Pass } from './stream-batches.js';
import { HashSplit, scalingOf, survey } from './stream-survey.js';
import { checkWorkload, dataSettings, fitSettings, initialModel, type TrainOptions, type TrainOutput, warningSink } from './train.js';
import type { EpochReport, FitOptions, FitOutcome, LabelledRows } from './types.js';
import { meanSquaredError } from './validation.js';

/** Training rows kept in memory for the start (and for diagnostics and plots). */
export const SAMPLE_ROWS = 10_000;
/** Validation rows kept in memory for each epoch's validation loss. */
export const VALIDATION_ROWS = 100_000;
/** Each sample also stays under this many bytes of numbers, however many columns there are. */
const SAMPLE_BYTES = 32 * 1024 * 1024;
const SAMPLE_FORK = 0x5a3e;

export interface StreamTrainOptions extends Omit<TrainOptions, 'stdin'> {
  /** Largest training sample for the start (default SAMPLE_ROWS). */
  sampleRows?: number;
  /** Largest validation sample for each epoch's validation loss (default VALIDATION_ROWS). */
  validationRows?: number;
}

/** How the streaming run went, in the result document's `stream` key. */
export interface StreamInfo {
  /** Reads of the whole file: statistics, one per epoch, metrics. */
  passes: number;
  /** Training rows the start used (all of them when they fit the sample). */
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

export async function trainStream(options: StreamTrainOptions): Promise<StreamTrainOutput> {
  const s = resolveSettings(options);
  const family = basisFamily(s.basis);
  if (options.file === '-') {
    throw new UsageError('--stream reads the file once per epoch, so it cannot read standard input', 'save the data to a file and pass its path');
  }
  if (s.solver !== 'gd') {
    throw new UsageError(`--stream supports --solver gd only, not ${s.solver}`, 'leave out --solver, or train without --stream');
  }
  if (s.bootstrap > 0) {
    throw new UsageError('--bootstrap refits on the training rows in memory, which --stream does not keep', 'leave out --bootstrap (the delta method needs the rows too), or train without --stream');
  }
  if (s.relevance === true) {
    throw new UsageError('--relevance searches input scales on the training rows in memory, which --stream does not keep', 'leave out --relevance, or train without --stream');
  }
  assertValidationFraction(s.valSplit);
  const sink = warningSink(options.onWarning);
  const { warn } = sink;
  if (options.out) await assertNotSameFile(options.out, options.file);

  const load = dataSettings(options);
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
  // As train(): without an intercept the target is only divided by its std.
  if (!s.intercept && scaling) scaling.y.mean = 0;
  const start = await initialModel(options, s, sv.features, scaling);
  const fullBatch = s.batchSize === 'full' || s.batchSize >= sv.trainRows;
  checkWorkload(s, options, family, sv.d, sv.trainRows, fullBatch ? 'streamFull' : 'full', warn);
  const toModelUnits = (rows: LabelledRows): LabelledRows => ({
    x: scaleInputs({ features: sv.features, scaling } as ModelFile, rows.x, rows.n),
    y: scaleTarget(rows.y, scaling),
    n: rows.n,
  });
  const sampleRows = sv.sample.rows();
  const validationRows = sv.validationRows > 0 ? sv.validation.rows() : null;
  const pass: Pass = { file: sv.file, load, split, rows: sv.rows, trainRows: sv.trainRows, d: sv.d, scaling, count: 1 };
  const sample = toModelUnits(sampleRows);
  const validation = validationRows ? toModelUnits(validationRows) : null;
  const measureOn = (model: ModelFile, rows: LabelledRows) => metrics(predictRows(model, rows.x, rows.n), rows.y);
  let metricsRows: StreamInfo['metrics_rows'] = 'all';

  const { result, model } = await completeRun(
    s,
    {
      features: sv.features,
      target: sv.target,
      rows: sv.rows,
      scaling,
      loadSeconds,
      droppedRows: sv.droppedRows,
      // Only starts run here: --bootstrap needs the rows in memory, so there is no pool either.
      fits: {
        local: async (job, hooks) => {
          const opts = { ...fitSettings(s, options), ...start, family, onEpoch: (e: EpochReport) => hooks.post({ epoch: e }), onWarning: warn, shouldStop: hooks.stopped };
          return { outcome: await fitStream(pass, sample, validation, opts, Rng.at(s.seed, job.forks)), warnings: [] };
        },
      },
      measure: async (m, stopped) => {
        if (m === null) return { train: nanMetrics(sv.trainRows), validation: validationRows ? nanMetrics(sv.validationRows) : null };
        // After an interruption the user is waiting: the samples stand in for a last pass over the file.
        if (stopped !== 'interrupted') return metricsPass(pass, m, sv.stats.y.mean);
        metricsRows = 'sample';
        return { train: measureOn(m, sampleRows), validation: validationRows ? measureOn(m, validationRows) : null };
      },
    },
    rng,
    sink,
    options,
  );
  const stream: StreamInfo = {
    passes: pass.count,
    sample_rows: sampleRows.n,
    exact_stats: sv.exactStats,
    validation_loss_rows: validationRows?.n ?? null,
    metrics_rows: metricsRows,
  };
  return { result: { ...result, stream }, model, rows: { train: sampleRows, validation: validationRows } };
}

/** One start over the file: the start on the sample, then the loop on batches read from the file. */
async function fitStream(pass: Pass, sample: LabelledRows, validation: LabelledRows | null, opts: FitOptions, rng: Rng): Promise<FitOutcome> {
  const { family } = opts;
  const d = pass.d;
  const X = family.prepare(new Tensor(sample.x, [sample.n, d]));
  const start = await searchStart(initialParams(family, X, sample.y, opts, rng), opts);
  const p = start.params;
  const all = [p.w, p.b, ...p.raw];
  const fullBatch = opts.batchSize === 'full' || opts.batchSize >= pass.trainRows;
  const source = fullBatch
    ? fileGradientSum(pass, family, all, all.map((_, i) => i).filter((i) => i !== 1 || opts.intercept !== false))
    : fileBatches(pass, opts.batchSize as number, family, createEvaluator(family, opts.threads ?? 1, all.map((t) => t.shape)));
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, d])) : null;
  return fitFrom(start, source, d, opts, {
    validationLoss: XV && validation ? () => meanSquaredError(family, p, XV, validation.y) : null,
    // The sample stands in for the training rows when an epoch kept no step.
    trainingLoss: () => meanSquaredError(family, p, X, sample.y),
  });
}
