import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { Tensor } from '../../src/engine/index.js';
import { predictRows } from '../../src/model/predict.js';
import { chooseRelevance } from '../../src/train/relevance.js';
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
    const plain = await train({ file, basis: 'rbf', units: 20, epochs: 5, out: null });
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
    }
  });
});
