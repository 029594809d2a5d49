/**
 * One task of the grid: one cell trained on all folds but one, measured on the
 * held-out fold. The same function runs in the main thread (--workers 1) and
 * in each worker, so the result line does not depend on where it ran.
 */
import { BasisfitError, DataError, UsageError } from '../errors.js';
import type { Table } from '../data/index.js';
import { metrics } from '../model/metrics.js';
import { predictRows } from '../model/predict.js';
import { trainTable } from '../train/train.js';
import { foldOf, foldRows, subTable } from './folds.js';
import { type CellOptions, gridCells, trainSettingsOf, varyingAxes } from './grid.js';
import { type CvSpec, fixedSettings } from './spec.js';

/** One line of a results file: one finished fit. */
export interface ResultLine {
  /** The run's data hash: a line from another run is never mixed in. */
  run: string;
  task: number;
  cell: number;
  fold: number;
  options: CellOptions;
  /** Held-out rows and metrics in the target's units (null: the fit failed). */
  n: number;
  rmse: number | null;
  mae: number | null;
  r2: number | null;
  epochs: number | null;
  stopped: string | null;
  /** Why the fit failed (divergence), or null. */
  error: string | null;
}

/** Task t is fold t mod K of cell floor(t / K): all folds of a cell are neighbours. */
export function taskCell(spec: CvSpec, task: number): { cell: number; fold: number } {
  return { cell: Math.floor(task / spec.folds), fold: task % spec.folds };
}

export class TaskRunner {
  private readonly fold: Uint32Array;
  private readonly cells;
  private readonly varying;

  constructor(
    private readonly spec: CvSpec,
    private readonly table: Table,
  ) {
    this.fold = foldOf(table.n, spec.folds, spec.seed);
    this.cells = gridCells(spec.axes);
    this.varying = varyingAxes(spec.axes);
  }

  async run(task: number): Promise<ResultLine> {
    const { cell, fold } = taskCell(this.spec, task);
    const values = this.cells[cell];
    const options = Object.fromEntries(this.varying.map((n) => [n, values[n]])) as CellOptions;
    const rows = foldRows(this.fold, fold);
    const base = { run: this.spec.data.hash, task, cell, fold, options, n: rows.held.length };
    try {
      const { model, result } = await trainTable(subTable(this.table, rows.train), {
        ...trainSettingsOf(values),
        ...fixedSettings(this.spec),
        // One fit per worker: the workers, not the gradient threads, use the cores.
        threads: 1,
        out: null,
      });
      const held = subTable(this.table, rows.held);
      const m = metrics(predictRows(model!, held.x, held.n), held.y!);
      const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
      return { ...base, rmse: finite(m.rmse), mae: finite(m.mae), r2: finite(m.r2), epochs: result.epochs, stopped: result.stopped, error: null };
    } catch (e) {
      // Bad data or options fail the whole run, as they fail train; a fit that diverges is a result.
      if (!(e instanceof BasisfitError) || e instanceof UsageError || e instanceof DataError) throw e;
      return { ...base, rmse: null, mae: null, r2: null, epochs: null, stopped: 'diverged', error: e.message };
    }
  }
}
