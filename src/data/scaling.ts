import { DataError } from '../errors.js';
import type { Table } from './table.js';

export interface ColumnStats {
  mean: number;
  /** Population standard deviation; 1 for a constant column, so dividing by it is always safe. */
  std: number;
  /** Every value equal (std is then reported as 1). */
  constant: boolean;
}

/** Mean and std per feature and for the target, in the shape of the model file's `scaling`. */
export interface Standardization {
  x: { mean: number[]; std: number[] };
  y: { mean: number; std: number } | null;
  /** Names of the feature columns that hold a single value. */
  constantFeatures: string[];
  /** The target holds a single value (R^2 is then undefined and there is nothing to fit). */
  constantTarget: boolean;
}

/** A column whose mean or spread overflows a double: no scaling of it can be computed. */
export class ScalingOverflow extends DataError {
  constructor(
    /** The column's offset in its row-major array. */
    readonly offset: number,
    /** The value of largest magnitude. */
    readonly value: number,
  ) {
    super(`values as large as ${value} overflow the column's mean and spread, so it cannot be scaled for training`, undefined, OVERFLOW_HINT);
  }
}

const OVERFLOW_HINT = 'rescale the column before training (e.g. divide it by a power of ten, or take its logarithm)';

/**
 * Statistics of values[offset + i * stride] over the given rows (all n rows when
 * `rows` is omitted). Two passes, so a large mean does not swamp the variance.
 */
export function columnStats(
  values: Float64Array,
  n: number,
  stride: number,
  offset: number,
  rows?: ArrayLike<number>,
): ColumnStats {
  const count = rows === undefined ? n : rows.length;
  if (count === 0) return { mean: 0, std: 1, constant: true };
  const at = (i: number): number => values[offset + (rows === undefined ? i : rows[i]) * stride];
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const v = at(i);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / count;
  if (min === max) return { mean: min, std: 1, constant: true };
  // Near ±1.7e308 the sum (or the spread) overflows, and a non-finite mean or std reached
  // the linear solve as "Matrix is not symmetric". The caller names the column and line.
  if (!Number.isFinite(mean) || !Number.isFinite(max - min)) throw new ScalingOverflow(offset, Math.abs(max) > Math.abs(min) ? max : min);
  // A spread like 1e-162 (or 1e+160) squares out of the normal range and loses
  // its digits, so such deltas are divided by the largest before squaring.
  let largest = 0;
  for (let i = 0; i < count; i++) largest = Math.max(largest, Math.abs(at(i) - mean));
  const unit = largest > 0 && (largest < 1e-140 || largest > 1e140) ? largest : 1;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const delta = (at(i) - mean) / unit;
    squares += delta * delta;
  }
  const std = unit * Math.sqrt(squares / count);
  if (!Number.isFinite(std)) throw new ScalingOverflow(offset, Math.abs(max) > Math.abs(min) ? max : min);
  // Distinct values whose spread underflows would still divide by zero.
  return { mean, std: std > 0 ? std : 1, constant: false };
}

/** Standardisation statistics of a table, over `rows` only (e.g. the training rows) when given. */
export function standardization(table: Table, rows?: ArrayLike<number>): Standardization {
  const mean: number[] = [];
  const std: number[] = [];
  const constantFeatures: string[] = [];
  for (let j = 0; j < table.d; j++) {
    const stats = locatedStats(table, table.x, table.d, j, table.features[j], rows);
    mean.push(stats.mean);
    std.push(stats.std);
    if (stats.constant) constantFeatures.push(table.features[j]);
  }
  const target = table.y === null ? null : locatedStats(table, table.y, 1, 0, table.target!, rows);
  return {
    x: { mean, std },
    y: target === null ? null : { mean: target.mean, std: target.std },
    constantFeatures,
    constantTarget: target?.constant ?? false,
  };
}

/** columnStats, with an overflow located at the first row holding the offending value. */
function locatedStats(table: Table, values: Float64Array, stride: number, offset: number, column: string, rows?: ArrayLike<number>): ColumnStats {
  try {
    return columnStats(values, table.n, stride, offset, rows);
  } catch (err) {
    if (!(err instanceof ScalingOverflow)) throw err;
    let row = 0;
    while (row < table.n - 1 && values[offset + row * stride] !== err.value) row++;
    throw overflowAt(err.value, { file: table.file, line: table.lines[row], column });
  }
}

/** The overflow of a column, located (file, line of its largest value, column name): what the user fixes. */
export function overflowAt(value: number, location: { file: string; line: number; column: string }): DataError {
  return new DataError(new ScalingOverflow(0, value).message, location, OVERFLOW_HINT);
}
/** (x - mean) / std for each column of a row-major n x d matrix, into a new array. */
export function standardizeColumns(x: Float64Array, d: number, stats: { mean: number[]; std: number[] }): Float64Array {
  const out = new Float64Array(x.length);
  for (let base = 0; base < x.length; base += d) {
    for (let j = 0; j < d; j++) out[base + j] = (x[base + j] - stats.mean[j]) / stats.std[j];
  }
  return out;
}

/** (y - mean) / std into a new array. */
export function standardizeValues(y: Float64Array, stats: { mean: number; std: number }): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - stats.mean) / stats.std;
  return out;
}
