/**
 * The grid of `basisfit cv`: every train option that varies is an axis, and the
 * cells are the product of the axes. The order is fixed so that a cell's index
 * (and so a task's index, its shard and its result file) means the same on
 * every machine: axes in the order of GRID_OPTIONS (train's own option order),
 * the first axis slowest, the values of an axis in the order they were given.
 */
import type { BasisName } from '../basis/index.js';
import { BASIS_NAMES } from '../model/types.js';
import type { RidgeOption } from '../train/defaults.js';
import type { TrainOptions } from '../train/train.js';

/** The train options that may take a comma list under cv (CLI names), in grid order. */
export const GRID_OPTIONS = [
  'basis',
  'units',
  'epochs',
  'batch-size',
  'optimizer',
  'solver',
  'lr',
  'lr-w',
  'lr-b',
  'lr-theta',
  'ridge',
  'val-split',
  'patience',
  'restarts',
] as const;
export type GridOption = (typeof GRID_OPTIONS)[number];

/** One value of an option; null: not given, train's default. */
export type OptionValue = string | number | null;
export type Axes = Record<GridOption, OptionValue[]>;
export type CellOptions = Partial<Record<GridOption, OptionValue>>;

/** Every cell, as the value of each grid option, in grid order. */
export function gridCells(axes: Axes): Record<GridOption, OptionValue>[] {
  let cells: Record<string, OptionValue>[] = [{}];
  for (const name of GRID_OPTIONS) {
    const values = axes[name].length > 0 ? axes[name] : [null];
    cells = cells.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return cells as Record<GridOption, OptionValue>[];
}

/** The axes with more than one value: what tells the cells apart. */
export function varyingAxes(axes: Axes): GridOption[] {
  return GRID_OPTIONS.filter((n) => axes[n].length > 1);
}

/** The options trainTable takes for one cell (the data options come with the table). */
export function trainSettingsOf(cell: Record<GridOption, OptionValue>): Omit<TrainOptions, 'file'> {
  const num = (v: OptionValue) => (v === null ? undefined : Number(v));
  const str = (v: OptionValue) => (v === null ? undefined : String(v));
  return {
    basis: str(cell.basis) as BasisName | undefined,
    units: cell.units === 'auto' ? 'auto' : num(cell.units),
    epochs: num(cell.epochs),
    batchSize: cell['batch-size'] === 'full' ? 'full' : num(cell['batch-size']),
    optimizer: str(cell.optimizer) as TrainOptions['optimizer'],
    solver: str(cell.solver) as TrainOptions['solver'],
    lr: num(cell.lr),
    lrW: cell['lr-w'] === null ? null : Number(cell['lr-w']),
    lrB: cell['lr-b'] === null ? null : Number(cell['lr-b']),
    lrTheta: cell['lr-theta'] === null ? null : Number(cell['lr-theta']),
    ridge: cell.ridge === null ? undefined : cell.ridge === 'auto' ? 'auto' : (Number(cell.ridge) as RidgeOption),
    valSplit: num(cell['val-split']),
    // The CLI's --patience 0 means "never stop early", which the library spells null.
    patience: cell.patience === null ? undefined : Number(cell.patience) === 0 ? null : Number(cell.patience),
    restarts: num(cell.restarts),
  };
}

/**
 * "Simplest first", the order the one-standard-error rule picks by: fewer units
 * (not given or 'auto', train's default, counts as the most), then the basis in BASIS_NAMES order (poly, rbf, tanh), then the larger ridge
 * (more shrinkage; 'auto' has no fixed λ and counts as the least simple), then
 * grid order. Negative: a is simpler than b.
 */
export function simplerFirst(a: { index: number; options: CellOptions }, b: { index: number; options: CellOptions }): number {
  const units = (c: CellOptions) => (c.units === null || c.units === undefined || c.units === 'auto' ? Number.POSITIVE_INFINITY : Number(c.units));
  const basis = (c: CellOptions) => BASIS_NAMES.indexOf(String(c.basis) as BasisName);
  const ridge = (c: CellOptions) => (typeof c.ridge === 'number' ? c.ridge : Number.NEGATIVE_INFINITY);
  return units(a.options) - units(b.options) || basis(a.options) - basis(b.options) || ridge(b.options) - ridge(a.options) || a.index - b.index;
}
