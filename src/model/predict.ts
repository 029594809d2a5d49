/** Evaluating a model file on raw rows: scaling in, basis, linear part, scaling out. */
import { families } from '../basis/index.js';
import type { BasisFamily } from '../basis/index.js';
import { add, matmul, Tensor } from '../engine/index.js';
import type { ModelFile, Scaling } from './types.js';

/** f(X) = Φθ(X) · w + b, from prepared inputs (see BasisFamily.prepare). */
export function predictTensor(family: BasisFamily, prepared: Tensor, w: Tensor, b: Tensor, theta: readonly Tensor[]): Tensor {
  return predictFromFeatures(family.features(prepared, theta), w, b);
}

/** Φ · w + b from the features Φ (N × J). */
export function predictFromFeatures(phi: Tensor, w: Tensor, b: Tensor): Tensor {
  return add(matmul(phi, w), b);
}
/** Raw rows (N × D, the model's feature order) -> the model's inputs (scaled as it acts on them). */
export function scaleInputs(model: ModelFile, x: Float64Array, n: number): Float64Array {
  const s = model.scaling;
  if (s === null) return x;
  const d = model.features.length;
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) out[r * d + k] = (x[r * d + k] - s.x.mean[k]) / s.x.std[k];
  return out;
}

/** Targets in the units the model acts on (scaled like its inputs). */
export function scaleTarget(y: Float64Array, scaling: Scaling | null): Float64Array {
  if (scaling === null) return y;
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - scaling.y.mean) / scaling.y.std;
  return out;
}

/** Predictions in the target's units for N raw rows. */
export function predictRows(model: ModelFile, x: Float64Array, n: number): Float64Array {
  const family = families[model.basis];
  const d = model.features.length;
  const prepared = family.prepare(new Tensor(scaleInputs(model, x, n), [n, d]));
  const pred = predictTensor(family, prepared, Tensor.vector(model.w), Tensor.scalar(model.b), family.unpack(model.theta, d)).data;
  const s = model.scaling;
  if (s === null) return pred;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pred[i] * s.y.std + s.y.mean;
  return out;
}

/**
 * Rows per chunk of chunkedPredictions: the basis matrix of a chunk is CHUNK_ROWS × J
 * doubles (80 units: 2.6 MB), whatever the size of the file. Each row's prediction
 * depends on that row alone, so chunking changes no bit of any prediction.
 */
export const CHUNK_ROWS = 4096;

/** A prediction that could not be made: the row (0-based, in the table) and why. */
export class RowPredictionError extends Error {
  constructor(
    readonly row: number,
    readonly reason: unknown,
  ) {
    super(`row ${row}`);
  }
}

/**
 * Predictions for N raw rows, CHUNK_ROWS at a time, yielded (start row, the chunk's
 * predictions) as they are made: memory stays bounded by the chunk, not N×J.
 * An overflow inside the engine or a non-finite prediction is reported as the first row
 * that has it (a RowPredictionError), found by predicting the failing chunk row by row.
 */
export function* chunkedPredictions(model: ModelFile, x: Float64Array, n: number): Generator<[number, Float64Array]> {
  const d = model.features.length;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const end = Math.min(n, start + CHUNK_ROWS);
    const rows = x.subarray(start * d, end * d);
    let pred: Float64Array | null = null;
    try {
      pred = predictRows(model, rows, end - start);
    } catch {
      // Found below, row by row.
    }
    const bad = pred === null ? -1 : pred.findIndex((v) => !Number.isFinite(v));
    if (pred === null || bad >= 0) throw firstBadRow(model, x, start, end, d);
    yield [start, pred];
  }
}

function firstBadRow(model: ModelFile, x: Float64Array, start: number, end: number, d: number): RowPredictionError {
  for (let r = start; r < end; r++) {
    try {
      const p = predictRows(model, x.subarray(r * d, (r + 1) * d), 1);
      if (!Number.isFinite(p[0])) return new RowPredictionError(r, null);
    } catch (err) {
      return new RowPredictionError(r, err);
    }
  }
  // Not reproducible one row at a time: blame the chunk's first row rather than hide it.
  return new RowPredictionError(start, null);
}
