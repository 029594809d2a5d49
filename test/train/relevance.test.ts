import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { Tensor } from '../../src/engine/index.js';
import { predictRows } from '../../src/model/predict.js';
import { trainSummary } from '../../src/report/summary.js';
import { chooseRelevance } from '../../src/train/relevance.js';
import { ROWS_PER_SCALE, relevanceDecision } from '../../src/train/relevance-rule.js';
import { RIDGE_GRID } from '../../src/train/start.js';
import { train } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-relevance-');

/** y = sin(2·x1) + x2² on standardised-looking inputs; x3 and x4 are noise the target never sees. */
function rows(n: number, seed: number): number[][] {
  const u = uniform(seed);
  return Array.from({ length: n }, () => {
    const x = [0, 0, 0, 0].map(() => 4 * u() - 2);
    return [...x, Math.sin(2 * x[0]) + x[1] * x[1] + 0.05 * (u() - 0.5)];
  });
}

describe('input relevance', () => {
  it('shrinks the scales of features the target ignores below those it uses', () => {
    const data = rows(400, 3);
    const x = new Tensor(Float64Array.from(data.flatMap((r) => r.slice(0, 4))), [400, 4]);
    const y = Float64Array.from(data, (r) => r[4]);
    const { scales, cv, baseline } = chooseRelevance(families.rbf, x, y, 30, new Rng(1), RIDGE_GRID);
    expect(cv).toBeLessThan(baseline);
    expect(Math.max(scales[2], scales[3])).toBeLessThan(Math.min(scales[0], scales[1]));
  });

  it('folds the chosen scales into the stored scaling, so the model file predicts as trained', async () => {
    const file = writeCsv(tmp.file('ard.csv'), ['x1', 'x2', 'x3', 'x4', 'y'], rows(300, 4));
    const plain = await train({ file, basis: 'rbf', units: 20, epochs: 5, relevance: false, out: null });
    const { result, model } = await train({ file, basis: 'rbf', units: 20, epochs: 5, relevance: true, out: null });
    expect(result.relevance).toBeDefined();
    const r = result.relevance!;
    expect(Math.max(r.x3, r.x4)).toBeLessThan(Math.min(r.x1, r.x2));
    // Same means, stds divided by the scales.
    expect(model!.scaling!.x.mean).toEqual(plain.model!.scaling!.x.mean);
    const scales = Object.values(r);
    for (const [k, s] of model!.scaling!.x.std.entries()) expect(s).toBeCloseTo(plain.model!.scaling!.x.std[k] / scales[k], 12);
    const x = Float64Array.from(rows(50, 9).flatMap((row) => row.slice(0, 4)));
    expect(predictRows(model!, x, 50).every(Number.isFinite)).toBe(true);
    expect(result.train.rmse).toBeLessThan(plain.result.train.rmse);
  });

  it('leaves one-feature data and poly alone', async () => {
    const file = writeCsv(tmp.file('one.csv'), ['x', 'y'], rows(100, 5).map((r) => [r[0] + 3, r[4] + 3]));
    for (const basis of ['rbf', 'poly'] as const) {
      const { result } = await train({ file, basis, units: 5, epochs: 2, relevance: true, out: null });
      expect(result.relevance).toBeUndefined();
      // Nothing to weigh, so nothing to report (as under --stream).
      expect(result.relevance_search).toBeUndefined();
    }
  });
});

describe('relevance auto', () => {
  const rbf = { basis: 'rbf', d: 4, rows: ROWS_PER_SCALE * 4, init: false, standardized: true } as const;

  it('searches for rbf from ROWS_PER_SCALE training rows per feature, not one row fewer', () => {
    expect(relevanceDecision('auto', rbf)).toEqual({ search: true, auto: true, reason: `auto: ${rbf.rows} training rows ≥ ${ROWS_PER_SCALE} × 4 features` });
    expect(relevanceDecision('auto', { ...rbf, rows: rbf.rows - 1 })).toEqual({ search: false, auto: true, reason: `auto: ${rbf.rows - 1} training rows < ${ROWS_PER_SCALE} × 4 features` });
  });

  it('stays off for the other families, one feature, --init and raw inputs; the flags force it', () => {
    for (const basis of ['tanh', 'exp', 'poly'] as const) expect(relevanceDecision('auto', { ...rbf, basis }).search).toBe(false);
    expect(relevanceDecision('auto', { ...rbf, basis: 'tanh' }).reason).toBe('auto: off for tanh (rbf only)');
    expect(relevanceDecision('auto', { ...rbf, d: 1, rows: 10_000 }).reason).toBe('auto: one feature');
    expect(relevanceDecision('auto', { ...rbf, init: true }).search).toBe(false);
    expect(relevanceDecision('auto', { ...rbf, standardized: false }).search).toBe(false);
    expect(relevanceDecision(true, { ...rbf, basis: 'tanh', rows: 10 })).toEqual({ search: true, auto: false, reason: '--relevance' });
    expect(relevanceDecision(false, rbf)).toEqual({ search: false, auto: false, reason: '--no-relevance' });
    expect(relevanceDecision(true, { ...rbf, basis: 'poly' }).search).toBe(false);
  });

  it('is the default: train() searches on enough rows and says so in the result and the summary', async () => {
    // 300 rows, 30 held out: 270 training rows for 4 features.
    const file = writeCsv(tmp.file('auto.csv'), ['x1', 'x2', 'x3', 'x4', 'y'], rows(300, 4));
    const plain = new Chalk({ level: 0 });
    const on = await train({ file, basis: 'rbf', units: 20, epochs: 2, out: null });
    expect(on.result.relevance_search).toMatchObject({ auto: true, searched: true, reason: `auto: 270 training rows ≥ ${ROWS_PER_SCALE} × 4 features` });
    const search = on.result.relevance_search!;
    expect(search.cv_rmse!).toBeLessThan(search.baseline_cv_rmse!);
    expect(on.result.relevance).toBeDefined();
    expect(trainSummary(on.result, plain)).toContain(`input scales chosen by cross-validation (auto: 270 training rows ≥ ${ROWS_PER_SCALE} × 4 features): `);
    // The same search as forcing it.
    const forced = await train({ file, basis: 'rbf', units: 20, epochs: 2, relevance: true, out: null });
    expect(forced.result.relevance).toEqual(on.result.relevance);
    expect(forced.result.relevance_search).toMatchObject({ auto: false, searched: true, reason: '--relevance' });

    const tanh = await train({ file, basis: 'tanh', units: 5, epochs: 2, out: null });
    expect(tanh.result.relevance).toBeUndefined();
    expect(tanh.result.relevance_search).toEqual({ auto: true, searched: false, reason: 'auto: off for tanh (rbf only)' });
    expect(trainSummary(tanh.result, plain)).toContain('input scales: not searched (auto: off for tanh (rbf only))');
  });

  it('leaves a set with fewer rows per feature alone, and says why', async () => {
    // 60 rows: the committee (the default below 200 rows) holds none out, so 60 training rows, under 20 × 4.
    const file = writeCsv(tmp.file('few.csv'), ['x1', 'x2', 'x3', 'x4', 'y'], rows(60, 6));
    const { result } = await train({ file, basis: 'rbf', units: 5, epochs: 2, out: null });
    expect(result.relevance).toBeUndefined();
    expect(result.relevance_search).toEqual({ auto: true, searched: false, reason: `auto: 60 training rows < ${ROWS_PER_SCALE} × 4 features` });
    expect(trainSummary(result, new Chalk({ level: 0 }))).toContain(`input scales: not searched (auto: 60 training rows < ${ROWS_PER_SCALE} × 4 features)`);
    // One model holds 6 out: 54 training rows.
    const one = await train({ file, basis: 'rbf', units: 5, epochs: 2, committee: 0, out: null });
    expect(one.result.relevance_search).toEqual({ auto: true, searched: false, reason: `auto: 54 training rows < ${ROWS_PER_SCALE} × 4 features` });
  });
});
