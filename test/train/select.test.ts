import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { assignFolds } from '../../src/data/index.js';
import { trainSummary } from '../../src/report/summary.js';
import { ridgeSolve } from '../../src/train/linear.js';
import { CV_MAX_REPEATS, CV_REPEAT_ROWS, cvRepeats, cvRidge, startFolds } from '../../src/train/select.js';
import { finish } from '../../src/util/steps.js';
import { train } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { normal, uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-select-');

/** N × J features, with a pair of nearly collinear columns, and a noisy target. */
function problem(n: number, j: number, seed: number) {
  const u = uniform(seed);
  const e = normal(seed + 1);
  const phi = new Float64Array(n * j);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < j; k++) phi[r * j + k] = k === 1 ? phi[r * j] + 1e-3 * u() : u() * 2 + k;
    y[r] = 3 * phi[r * j] - phi[r * j + 2] + 0.3 * e();
  }
  return { phi, y };
}

/** The K-fold CV error of ridgeSolve (linear.ts) fitted on each fold's other rows: the definition cvRidge must match. */
function bruteForceCv(phi: Float64Array, n: number, j: number, y: Float64Array, lambda: number, fold: Uint32Array, k: number): number {
  let sse = 0;
  for (let f = 0; f < k; f++) {
    const train = [...fold.keys()].filter((r) => fold[r] !== f);
    const held = [...fold.keys()].filter((r) => fold[r] === f);
    const pt = new Float64Array(train.length * j);
    for (const [i, r] of train.entries()) pt.set(phi.subarray(r * j, (r + 1) * j), i * j);
    const lin = ridgeSolve(pt, train.length, j, Float64Array.from(train, (r) => y[r]), lambda);
    for (const r of held) {
      let p = lin.b;
      for (let c = 0; c < j; c++) p += lin.w[c] * phi[r * j + c];
      sse += (p - y[r]) ** 2;
    }
  }
  return sse / n;
}

describe('cross-validated ridge (select.ts)', () => {
  it('scores each λ as the mean held-out error of ridge fits on the other folds, over every repetition', () => {
    const n = 53;
    const j = 6;
    const { phi, y } = problem(n, j, 7);
    const folds = startFolds(n, new Rng(3));
    expect(folds.k).toBe(10);
    expect(folds.fold.length).toBe(cvRepeats(n));
    expect(folds.fold.length).toBeGreaterThan(1);
    for (const lambda of [1e-4, 1e-2, 1]) {
      const got = finish(cvRidge(phi, n, j, y, [lambda], folds))!;
      expect(got.lambda).toBe(lambda);
      const each = folds.fold.map((fold) => bruteForceCv(phi, n, j, y, lambda, fold, folds.k));
      expect(got.cv).toBeCloseTo(each.reduce((a, b) => a + b, 0) / each.length, 8);
      // One score per (repetition, fold); the standard error counts the K folds, not R·K.
      expect(got.foldMse.length).toBe(folds.k * folds.fold.length);
      const mean = got.foldMse.reduce((a, b) => a + b, 0) / got.foldMse.length;
      const sd = Math.sqrt(got.foldMse.reduce((a, v) => a + (v - mean) ** 2, 0) / (got.foldMse.length - 1));
      expect(got.se).toBeCloseTo(sd / Math.sqrt(folds.k), 12);
    }
  });

  it('repeats the folds with fresh assignments on few rows only, the first assignment as without repeats', () => {
    expect(cvRepeats(30)).toBe(CV_MAX_REPEATS);
    expect(cvRepeats(CV_REPEAT_ROWS / 2)).toBe(2);
    expect(cvRepeats(CV_REPEAT_ROWS)).toBe(1);
    expect(cvRepeats(50_000)).toBe(1);
    const few = startFolds(40, new Rng(9));
    expect(few.fold[1]).not.toEqual(few.fold[0]);
    for (const fold of few.fold) for (let f = 0; f < few.k; f++) expect(fold.filter((v) => v === f).length).toBe(4);
    // The first assignment is the one a single repetition would draw.
    expect(few.fold[0]).toEqual(assignFolds(40, 10, new Rng(9)));
    expect(startFolds(2000, new Rng(9)).fold.length).toBe(1);
  });

  it('picks the λ with the least held-out error from a grid', () => {
    const n = 40;
    const j = 6;
    const { phi, y } = problem(n, j, 11);
    const folds = startFolds(n, new Rng(5));
    const grid = [1e-6, 1e-3, 1e-1, 10];
    const best = finish(cvRidge(phi, n, j, y, grid, folds))!;
    const each = grid.map((l) => finish(cvRidge(phi, n, j, y, [l], folds))!.cv);
    expect(best.cv).toBe(Math.min(...each));
    expect(best.lambda).toBe(grid[each.indexOf(best.cv)]);
  });

  it('holds out nothing, and so scores nothing, with a single row', () => {
    const folds = startFolds(1, new Rng(1));
    expect(finish(cvRidge(Float64Array.of(1), 1, 1, Float64Array.of(2), [1e-3], folds))).toBeNull();
  });
});

describe('--units auto', () => {
  it('chooses few units on a few rows of a linear function, and says so in the result', async () => {
    const u = uniform(21);
    const e = normal(22);
    const rows = Array.from({ length: 40 }, () => {
      const x = [u(), u(), u(), u()].map((v) => 10 * v);
      return [...x, 2 * x[0] - x[1] + 0.5 * x[2] + 3 + 0.5 * e()];
    });
    const file = writeCsv(tmp.file('linear.csv'), ['a', 'b', 'c', 'd', 'y'], rows);
    for (const basis of ['rbf', 'tanh'] as const) {
      // One model's start search: a committee (the default on 40 rows) reports K times its units.
      const { result } = await train({ file, basis, committee: 0, out: null });
      expect(result.selection?.units_auto).toBe(true);
      const candidates = result.selection!.candidates!;
      // The near-linear start (one unit per feature) first, then the unit counts.
      expect(candidates.map((c) => c.units)).toEqual([4, 5, 10, 20, 40, 80]);
      expect(candidates.map((c) => c.near_linear === true)).toEqual([true, false, false, false, false, false]);
      // The one-standard-error rule: the first (simplest) within the bound, which the lowest CV error sets.
      const bound = result.selection!.threshold_rmse!;
      expect(bound).toBeGreaterThanOrEqual(Math.min(...candidates.map((c) => c.cv_rmse)));
      const chosen = candidates.find((c) => c.cv_rmse <= bound)!;
      expect(result.units).toBe(chosen.units);
      expect(result.selection!.cv_rmse).toBe(chosen.cv_rmse);
      // A linear truth: the near-linear start is within the bound, and so it wins.
      expect(chosen.near_linear).toBe(true);
      expect(result.selection!.near_linear).toBe(true);
      expect(trainSummary(result, new Chalk({ level: 0 }))).toContain('near-linear start (one unit per feature)');
    }
  });

  it('chooses many units for a wiggly curve with many rows', async () => {
    const u = uniform(31);
    const e = normal(32);
    const rows = Array.from({ length: 1500 }, () => {
      const x = u() * 6;
      return [x, Math.sin(5 * x) + 0.5 * Math.sin(13 * x) + 0.05 * e()];
    });
    const file = writeCsv(tmp.file('wiggly.csv'), ['x', 'y'], rows);
    const { result } = await train({ file, basis: 'rbf', epochs: 3, out: null });
    expect(result.units).toBeGreaterThanOrEqual(40);
    expect(result.selection?.units_auto).toBe(true);
  });

  it('keeps a given unit count, and reports the start cross-validation without candidates', async () => {
    const u = uniform(41);
    const rows = Array.from({ length: 60 }, () => {
      const x = u() * 4;
      return [x, Math.sin(x)];
    });
    const file = writeCsv(tmp.file('fixed.csv'), ['x', 'y'], rows);
    const { result, model } = await train({ file, basis: 'rbf', units: 7, epochs: 3, committee: 0, out: null });
    expect(result.units).toBe(7);
    expect(model!.theta.length).toBe(7);
    expect(result.selection).toMatchObject({ method: 'cv', folds: 10, units_auto: false, near_linear: false });
    expect(result.selection!.candidates).toBeUndefined();
  });
});
