/** The cv command's folds: the shared K-fold assignment (data/folds.ts) from --seed, and the rows of each fold. */
import { UsageError } from '../errors.js';
import type { Table } from '../data/index.js';
import { assignFolds, takeRows } from '../data/index.js';
import { Rng } from '../util/rng.js';

/** fold[r]: the fold that holds out row r. */
export function foldOf(n: number, k: number, seed: number): Uint32Array {
  if (k < 2 || k > n) {
    throw new UsageError(`--folds ${k} does not fit ${n} data row${n === 1 ? '' : 's'}: each fold must hold out at least one row and leave some to train on`, `use --folds between 2 and ${Math.max(2, n)}`);
  }
  // A fork of the seed, so the folds do not share their draws with the trainer's own split.
  return assignFolds(n, k, new Rng(seed).fork(0xcf));
}

/** Row indices (file order) held out by fold f, and the others. */
export function foldRows(fold: Uint32Array, f: number): { train: Uint32Array; held: Uint32Array } {
  const train: number[] = [];
  const held: number[] = [];
  for (let r = 0; r < fold.length; r++) (fold[r] === f ? held : train).push(r);
  return { train: Uint32Array.from(train), held: Uint32Array.from(held) };
}

/** The table restricted to some of its rows, as trainTable takes it. */
export function subTable(table: Table, rows: Uint32Array): Table {
  const r = takeRows(table, rows);
  return { ...table, x: r.x, y: r.y, n: r.n, droppedRows: 0, lines: Uint32Array.from(rows, (i) => table.lines[i]), raw: undefined };
}
