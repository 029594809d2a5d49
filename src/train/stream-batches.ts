/**
 * Batch sources over a file read in chunks, once per pass, never held whole
 * (see batches.ts for the interface, stream-train.ts for the setting).
 */
import type { BasisFamily } from '../basis/index.js';
import type { DataSettings } from './defaults.js';
import { type RowChunk, readChunks } from '../data/stream.js';
import { Tensor } from '../engine/index.js';
import { DataError } from '../errors.js';
import type { ModelFile, Scaling } from '../model/index.js';
import type { Metrics } from '../model/metrics.js';
import { predictRows } from '../model/predict.js';
import { type Batch, type BatchSource, rowsBatch } from './batches.js';
import { CHUNK_ROWS, chunkLossAndGrad, combineChunks, type GradientEvaluator } from './chunked.js';
import { MetricsAccumulator } from './stream-metrics.js';
import { type HashSplit, READ_ROWS } from './stream-survey.js';

/** What each pass over the file needs to know. */
export interface Pass {
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
 * them, `size` rows at a time (the last block may be shorter). The buffers
 * are reused: a block is only valid until the next one is asked for.
 */
async function* trainingBlocks(pass: Pass, size: number): AsyncGenerator<{ x: Tensor; y: Tensor }, void, undefined> {
  const { d, scaling, split } = pass;
  const bx = new Float64Array(size * d);
  const by = new Float64Array(size);
  let m = 0;
  const block = () => ({ x: new Tensor(bx.subarray(0, m * d), [m, d]), y: new Tensor(by.subarray(0, m), [m]) });
  for await (const chunk of passChunks(pass)) {
    const { x, y, first } = chunk;
    for (let r = 0; r < chunk.n; r++) {
      if (split.isValidation(first + r)) continue;
      // The formulas of scaleInputs and scaleTarget, so values match train()'s bit for bit.
      for (let k = 0; k < d; k++) bx[m * d + k] = scaling ? (x[r * d + k] - scaling.x.mean[k]) / scaling.x.std[k] : x[r * d + k];
      by[m] = scaling ? (y![r] - scaling.y.mean) / scaling.y.std : y![r];
      if (++m === size) {
        yield block();
        m = 0;
      }
    }
  }
  if (m > 0) yield block();
}

/** Mini-batches of consecutive training rows in file order, one read of the file per epoch. */
export function fileBatches(pass: Pass, size: number, family: BasisFamily, evaluator: GradientEvaluator): BatchSource {
  return {
    async *epoch() {
      for await (const { x, y } of trainingBlocks(pass, size)) yield rowsBatch(family.prepare(x), y, false, evaluator);
    },
    close: () => evaluator.close(),
  };
}

/**
 * One full-batch step per epoch: ½ Σ (f − y)² over every training row and its
 * gradient at the current `params`, summed over the blocks of CHUNK_ROWS that
 * train() cuts its training rows into, in the same order, so the sum is
 * train()'s to the bit.
 */
export function fileGradientSum(pass: Pass, family: BasisFamily, params: readonly Tensor[], argnums: readonly number[]): BatchSource {
  const width = 1 + argnums.reduce((n, i) => n + params[i].size, 0);
  const block = new Float64Array(width);
  return {
    async *epoch() {
      const sum = new Float64Array(width);
      for await (const { x, y } of trainingBlocks(pass, CHUNK_ROWS)) {
        chunkLossAndGrad(family, family.prepare(x), y, 0, params, argnums, block);
        for (let i = 0; i < width; i++) sum[i] += block[i];
      }
      const batch: Batch = {
        rows: pass.trainRows,
        data: null,
        solveLinear: null,
        evaluate: (p, a, ridge) => {
          // The sum was taken for these parameters: descent on another subset (varpro) would misread it.
          if (a.length !== argnums.length || a.some((v, i) => v !== argnums[i])) throw new Error('fileGradientSum: evaluated for other parameters than it summed');
          return combineChunks([sum], p, a, pass.trainRows, ridge);
        },
      };
      yield batch;
    },
    close: async () => {},
  };
}

/** The final model's metrics over every training and every validation row. */
export async function metricsPass(pass: Pass, model: ModelFile, centre: number): Promise<{ train: Metrics; validation: Metrics | null }> {
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
