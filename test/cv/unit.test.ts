import { describe, expect, it } from 'vitest';
import { foldOf, foldRows } from '../../src/cv/folds.js';
import { type Axes, GRID_OPTIONS, gridCells, simplerFirst } from '../../src/cv/grid.js';
import { parseShard, resolveShard, shardTasks } from '../../src/cv/shard.js';
import type { CvSpec } from '../../src/cv/spec.js';
import { spread, summarize } from '../../src/cv/summary.js';
import type { ResultLine } from '../../src/cv/task.js';
import { UsageError } from '../../src/errors.js';

function axes(given: Partial<Axes>): Axes {
  return Object.fromEntries(GRID_OPTIONS.map((n) => [n, given[n] ?? []])) as Axes;
}

describe('grid order', () => {
  it('is the product with the first option (in train order) slowest and values as given', () => {
    const cells = gridCells(axes({ units: [20, 10], basis: ['tanh', 'rbf'], ridge: ['auto', 0.001] }));
    expect(cells.map((c) => `${c.basis}/${c.units}/${c.ridge}`)).toEqual([
      'tanh/20/auto', 'tanh/20/0.001', 'tanh/10/auto', 'tanh/10/0.001',
      'rbf/20/auto', 'rbf/20/0.001', 'rbf/10/auto', 'rbf/10/0.001',
    ]);
  });

  it('orders simplest first: fewer units, then poly < rbf < tanh, then the larger ridge, auto last', () => {
    const c = (index: number, basis: string, units: number, ridge: number | string) => ({ index, options: { basis, units, ridge } });
    const sorted = [c(0, 'tanh', 10, 0.1), c(1, 'rbf', 10, 'auto'), c(2, 'rbf', 10, 0.001), c(3, 'rbf', 10, 0.1), c(4, 'poly', 40, 1)].sort(simplerFirst);
    expect(sorted.map((s) => s.index)).toEqual([3, 2, 1, 0, 4]);
  });
});

describe('folds', () => {
  it('hold out each row exactly once, in folds whose sizes differ by at most one', () => {
    const fold = foldOf(103, 5, 7);
    const sizes = [0, 1, 2, 3, 4].map((f) => foldRows(fold, f).held.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(103);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const { train, held } = foldRows(fold, 2);
    expect(new Set([...train, ...held]).size).toBe(103);
  });

  it('depend on the seed and only on it', () => {
    expect(Array.from(foldOf(50, 5, 1))).toEqual(Array.from(foldOf(50, 5, 1)));
    expect(Array.from(foldOf(50, 5, 1))).not.toEqual(Array.from(foldOf(50, 5, 2)));
  });

  it('reject K outside 2..n with a usage error', () => {
    expect(() => foldOf(10, 1, 1)).toThrow(UsageError);
    expect(() => foldOf(10, 11, 1)).toThrow(/--folds 11/);
  });
});

describe('shards', () => {
  it('split the tasks into disjoint slices that cover them all (task t to shard t mod N)', () => {
    const slices = [0, 1, 2].map((i) => shardTasks(10, { index: i, count: 3 }));
    expect(slices).toEqual([[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
    expect(shardTasks(4, null)).toEqual([0, 1, 2, 3]);
  });

  it('parse i/N and refuse i >= N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/0 <= i < N/);
    expect(() => parseShard('1-4')).toThrow(UsageError);
  });

  it('come from JOB_COMPLETION_INDEX and JOB_COMPLETIONS when --shard is absent, and --shard wins', () => {
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '8' })).toEqual({ index: 3, count: 8 });
    expect(resolveShard('1/2', { JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '8' })).toEqual({ index: 1, count: 2 });
    expect(resolveShard(undefined, {})).toBeNull();
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: '3' })).toThrow(/JOB_COMPLETIONS is not set/);
  });
});

describe('summary and the one-standard-error rule', () => {
  const spec = (a: Axes, folds: number): CvSpec => ({
    format: 'basisfit-cv', version: 2, file: 'd.csv', data: { rows: 10, features: ['x'], target: 'y', hash: 'h' },
    loader: {}, folds, seed: 1, fixed: { standardize: true, intercept: true, relevance: null, tol: 1e-10 }, axes: a, tasks: gridCells(a).length * folds,
  });
  const linesFor = (s: CvSpec, rmse: number[][]) => {
    const m = new Map<number, ResultLine>();
    for (const [cell, folds] of rmse.entries()) {
      for (const [fold, r] of folds.entries()) {
        const task = cell * s.folds + fold;
        m.set(task, { run: 'h', task, cell, fold, options: {}, n: 2, rmse: r, mae: r, r2: 0.5, epochs: 1, stopped: 'max-epochs', error: null });
      }
    }
    return m;
  };

  it('uses the sample standard deviation over folds', () => {
    expect(spread([1, 2, 3])).toEqual({ mean: 2, sd: 1 });
    expect(spread([1, null])).toEqual({ mean: null, sd: null });
  });

  it('picks the best by mean RMSE and the simplest cell within one SE of it', () => {
    const s = spec(axes({ units: [5, 10, 40], basis: ['rbf'], ridge: ['auto'] }), 4);
    // units 40 is best (mean 1.0, sd 0.2, se 0.1); units 10 (1.05) is within 1.1, units 5 (1.5) is not.
    const doc = summarize(s, linesFor(s, [[1.5, 1.5, 1.5, 1.5], [1.05, 1.05, 1.05, 1.05], [0.8, 1.2, 0.8, 1.2]]), '1se');
    expect(doc.best?.cell).toBe(2);
    expect(doc.best?.se).toBeCloseTo(0.11547, 4);
    expect(doc.one_se?.cell).toBe(1);
    expect(doc.chosen).toBe(1);
    expect(summarize(s, linesFor(s, [[1.5, 1.5, 1.5, 1.5], [1.05, 1.05, 1.05, 1.05], [0.8, 1.2, 0.8, 1.2]]), 'best').chosen).toBe(2);
  });

  it('leaves a cell with a failed fold out of the choice', () => {
    const s = spec(axes({ units: [5, 10], basis: ['rbf'] }), 2);
    const lines = linesFor(s, [[0.1, 0.1], [0.5, 0.5]]);
    lines.set(1, { ...lines.get(1)!, rmse: null, error: 'diverged' });
    const doc = summarize(s, lines, '1se');
    expect(doc.cells[0].rmse.mean).toBeNull();
    expect(doc.best?.cell).toBe(1);
  });
});
