/**
 * What a cross-validation run is: the data (by content hash), the folds, the
 * seed, the fixed options and the axes. Every shard of a run computes the same
 * spec; it is written to the results folder as cv.json, and `cv collect` needs
 * nothing else to rebuild the run's document.
 */
import type { DataSettings } from '../train/defaults.js';
import type { TrainOptions } from '../train/train.js';
import type { Table } from '../data/index.js';
import { murmur3Words } from '../util/hash.js';
import { type Axes, GRID_OPTIONS, gridCells } from './grid.js';

export interface CvSpec {
  format: 'basisfit-cv';
  version: 2;
  /** The data file as given (for messages and for a refit from `cv collect`). */
  file: string;
  data: { rows: number; features: string[]; target: string; hash: string };
  loader: DataSettings;
  folds: number;
  seed: number;
  /** The train options that are the same for every fit: not grid options (booleans, or --tol). */
  fixed: FixedOptions;
  axes: Axes;
  /** cells × folds. */
  tasks: number;
}

/** --standardize, --intercept, --relevance (null: auto) and --tol, as train takes them. */
export interface FixedOptions {
  standardize: boolean;
  intercept: boolean;
  relevance: boolean | null;
  tol: number;
}

export function makeSpec(file: string, table: Table, loader: DataSettings, folds: number, seed: number, fixed: FixedOptions, axes: Axes): CvSpec {
  const ordered = Object.fromEntries(GRID_OPTIONS.map((n) => [n, axes[n]])) as Axes;
  return {
    format: 'basisfit-cv',
    version: 2,
    file,
    data: { rows: table.n, features: table.features, target: table.target!, hash: tableHash(table) },
    loader: { target: loader.target ?? null, features: loader.features ?? null, header: loader.header, delimiter: loader.delimiter ?? null, missing: loader.missing } as DataSettings,
    folds,
    seed,
    fixed: { standardize: fixed.standardize, intercept: fixed.intercept, relevance: fixed.relevance, tol: fixed.tol },
    axes: ordered,
    tasks: gridCells(ordered).length * folds,
  };
}

/** What every fit of the run (and the refit) gets besides its cell's options. */
export function fixedSettings(spec: CvSpec): Pick<TrainOptions, 'standardize' | 'intercept' | 'relevance' | 'tol' | 'seed'> {
  const { standardize, intercept, relevance, tol } = spec.fixed;
  return { standardize, intercept, relevance: relevance ?? undefined, tol, seed: spec.seed };
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
