/**
 * From the fits' lines to the run's document: each cell's mean and standard
 * deviation over folds, the best cell by mean held-out RMSE, and the
 * one-standard-error choice. It reads only the spec and the lines, so an
 * unsharded run and `cv collect` over shards print the same bytes.
 */
import { type CellOptions, gridCells, simplerFirst, varyingAxes } from './grid.js';
import type { CvSpec } from './spec.js';
import type { ResultLine } from './task.js';

export interface Spread {
  mean: number | null;
  sd: number | null;
}

export interface CellSummary {
  cell: number;
  options: CellOptions;
  rmse: Spread & { se: number | null };
  mae: Spread;
  r2: Spread;
  folds: Omit<ResultLine, 'run' | 'task' | 'cell' | 'options'>[];
}

export type Choice = 'best' | '1se';

export interface CvDocument {
  file: string;
  rows: number;
  features: string[];
  target: string;
  folds: number;
  seed: number;
  /** Options every cell shares (null: train's default). */
  options: Record<string, unknown>;
  /** The options that vary, with their values in grid order. */
  grid: Record<string, unknown[]>;
  cells: CellSummary[];
  best: { cell: number; options: CellOptions; rmse: number; se: number } | null;
  one_se: { cell: number; options: CellOptions; rmse: number; threshold: number } | null;
  choose: Choice;
  chosen: number | null;
}

/** Mean and sample standard deviation (n − 1), summed in fold order; null if any value is missing. */
export function spread(values: (number | null)[]): Spread {
  if (values.length === 0 || values.some((v) => v === null)) return { mean: null, sd: null };
  const v = values as number[];
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd };
}

export function summarize(spec: CvSpec, lines: Map<number, ResultLine>, choose: Choice): CvDocument {
  const varying = varyingAxes(spec.axes);
  const all = gridCells(spec.axes);
  const cells: CellSummary[] = all.map((values, cell) => {
    const folds = Array.from({ length: spec.folds }, (_, f) => lines.get(cell * spec.folds + f)!);
    const rmse = spread(folds.map((l) => l.rmse));
    return {
      cell,
      options: Object.fromEntries(varying.map((n) => [n, values[n]])),
      rmse: { ...rmse, se: rmse.sd === null ? null : rmse.sd / Math.sqrt(spec.folds) },
      mae: spread(folds.map((l) => l.mae)),
      r2: spread(folds.map((l) => l.r2)),
      folds: folds.map(({ fold, n, rmse, mae, r2, epochs, stopped, error }) => ({ fold, n, rmse, mae, r2, epochs, stopped, error })),
    };
  });
  // Cells whose every fold finished compete; a tie keeps the earlier cell.
  const scored = cells.filter((c) => c.rmse.mean !== null);
  const best = scored.reduce<CellSummary | null>((b, c) => (b === null || c.rmse.mean! < b.rmse.mean! ? c : b), null);
  let oneSe: CvDocument['one_se'] = null;
  if (best) {
    const threshold = best.rmse.mean! + best.rmse.se!;
    const within = scored.filter((c) => c.rmse.mean! <= threshold);
    const simplest = within.map((c) => ({ index: c.cell, options: all[c.cell], c })).sort(simplerFirst)[0].c;
    oneSe = { cell: simplest.cell, options: simplest.options, rmse: simplest.rmse.mean!, threshold };
  }
  const fixed = Object.fromEntries(Object.entries(spec.axes).filter(([, v]) => v.length <= 1).map(([k, v]) => [k, v[0] ?? null]));
  return {
    file: spec.file,
    rows: spec.data.rows,
    features: spec.data.features,
    target: spec.data.target,
    folds: spec.folds,
    seed: spec.seed,
    options: { ...fixed, ...spec.fixed },
    grid: Object.fromEntries(varying.map((n) => [n, spec.axes[n]])),
    cells,
    best: best ? { cell: best.cell, options: best.options, rmse: best.rmse.mean!, se: best.rmse.se! } : null,
    one_se: oneSe,
    choose,
    chosen: (choose === 'best' ? best?.cell : oneSe?.cell) ?? null,
  };
}

/** Which tasks are missing from the lines. */
export function missingTasks(spec: CvSpec, lines: Map<number, ResultLine>): number[] {
  const out: number[] = [];
  for (let t = 0; t < spec.tasks; t++) if (!lines.has(t)) out.push(t);
  return out;
}
