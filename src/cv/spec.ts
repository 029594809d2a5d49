/**
 * What a cross-validation run is: the data (by content hash), the folds, the
 * seed, the fixed options and the axes. Every shard of a run computes the same
 * spec; it is written to the results folder as cv.json, and `cv collect` needs
 * nothing else to rebuild the run's document.
 */
import type { DataSettings } from '../train/defaults.js';
import type { Table } from '../data/index.js';
import { murmur3Words } from '../util/hash.js';
import { type Axes, GRID_OPTIONS, gridCells } from './grid.js';

export interface CvSpec {
  format: 'basisfit-cv';
  version: 1;
  /** The data file as given (for messages and for a refit from `cv collect`). */
  file: string;
  data: { rows: number; features: string[]; target: string; hash: string };
  loader: DataSettings;
  folds: number;
  seed: number;
  /** --standardize (not a grid option: a boolean). */
  standardize: boolean;
  axes: Axes;
  /** cells × folds. */
  tasks: number;
}

export function makeSpec(file: string, table: Table, loader: DataSettings, folds: number, seed: number, standardize: boolean, axes: Axes): CvSpec {
  const ordered = Object.fromEntries(GRID_OPTIONS.map((n) => [n, axes[n]])) as Axes;
  return {
    format: 'basisfit-cv',
    version: 1,
    file,
    data: { rows: table.n, features: table.features, target: table.target!, hash: tableHash(table) },
    loader: { target: loader.target ?? null, features: loader.features ?? null, header: loader.header, delimiter: loader.delimiter ?? null, missing: loader.missing } as DataSettings,
    folds,
    seed,
    standardize,
    axes: ordered,
    tasks: gridCells(ordered).length * folds,
  };
}

/** The same run: everything but the file name (the same data may sit at another path on another machine). */
export function sameRun(a: CvSpec, b: CvSpec): boolean {
  return JSON.stringify({ ...a, file: '' }) === JSON.stringify({ ...b, file: '' });
}

/** Two murmur3 hashes of the numbers' bits (x then y): a check that two runs read the same data, not a security measure. */
export function tableHash(table: Table): string {
  const words = (a: Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length * 2));
  const w = [...words(table.x), ...words(table.y!)];
  return [murmur3Words(w, 1), murmur3Words(w, 2)].map((h) => h.toString(16).padStart(8, '0')).join('');
}
