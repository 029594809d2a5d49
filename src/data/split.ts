import { DataError, UsageError } from '../errors.js';
import type { Table } from './table.js';

/** Row indices of each part, each in file order. */
export interface Split {
  train: Uint32Array;
  validation: Uint32Array;
}

/**
 * Holds out round(n * fraction) randomly chosen rows (at least one when the
 * fraction is positive) for validation. `random` returns uniform numbers in
 * [0, 1); the same sequence gives the same split.
 */
export function splitRows(table: Pick<Table, 'n' | 'file'>, fraction: number, random: () => number): Split {
  const { n, file } = table;
  assertValidationFraction(fraction);
  const held = heldOutCount(n, fraction);
  if (held >= n) throw tooFewRowsToSplit(n, fraction, file);
  // A partial Fisher-Yates shuffle picks the held-out rows with `held` draws.
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 0; i < held; i++) {
    const j = Math.min(n - 1, i + Math.floor(random() * (n - i)));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  const isHeld = new Uint8Array(n);
  for (let i = 0; i < held; i++) isHeld[order[i]] = 1;
  const train = new Uint32Array(n - held);
  const validation = new Uint32Array(held);
  for (let i = 0, t = 0, v = 0; i < n; i++) {
    if (isHeld[i]) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}

/** How many of n rows splitRows holds out: round(n * fraction), at least one when the fraction is positive. */
export function heldOutCount(n: number, fraction: number): number {
  return fraction === 0 ? 0 : Math.max(1, Math.round(n * fraction));
}

export function assertValidationFraction(fraction: number): void {
  if (!(fraction >= 0 && fraction < 1)) {
    throw new UsageError(
      `validation fraction must be at least 0 and below 1, got ${fraction}`,
      'pass --val-split with a value such as 0.2, or 0 for no validation',
    );
  }
}

/** The error for a split that would leave no row to train on. */
export function tooFewRowsToSplit(n: number, fraction: number, file: string): DataError {
  return new DataError(
    `too few rows for a validation split: ${n} data row${n === 1 ? '' : 's'}, ` +
      `and holding out ${fraction} of them leaves none to train on`,
    { file },
    'use more rows, a smaller --val-split, or --val-split 0',
  );
}

/** The features and target of the given rows, as new arrays. */
export function takeRows(
  table: Pick<Table, 'x' | 'y' | 'd'> & Partial<Pick<Table, 'lines'>>,
  rows: ArrayLike<number>,
): { x: Float64Array; y: Float64Array | null; n: number; lines?: Uint32Array } {
  const { d } = table;
  const x = new Float64Array(rows.length * d);
  const y = table.y === null ? null : new Float64Array(rows.length);
  const lines = table.lines === undefined ? undefined : new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    x.set(table.x.subarray(r * d, r * d + d), i * d);
    if (y !== null) y[i] = table.y![r];
    if (lines !== undefined) lines[i] = table.lines![r];
  }
  return { x, y, n: rows.length, ...(lines === undefined ? {} : { lines }) };
}
