import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { metrics } from '../../src/model/metrics.js';

const f64 = (xs: number[]) => Float64Array.from(xs);

describe('metrics', () => {
  it('matches hand-computed values', () => {
    // errors 0, -1, 1, -1; mean(y) = 11/4; SStot = 1.75² + 0.25² + 0.75² + 2.25² = 8.75
    const m = metrics(f64([1, 2, 3, 4]), f64([1, 3, 2, 5]));
    expect(m.n).toBe(4);
    expect(m.mse).toBe(3 / 4);
    expect(m.rmse).toBe(Math.sqrt(3 / 4));
    expect(m.mae).toBe(3 / 4);
    expect(m.r2).toBeCloseTo(1 - 3 / 8.75, 15);
  });

  it('weighs large errors in mse and all errors equally in mae', () => {
    const m = metrics(f64([0, 0, 0, 0]), f64([4, 0, 0, 0]));
    expect(m.mse).toBe(16 / 4);
    expect(m.mae).toBe(4 / 4);
    expect(m.rmse).toBe(2);
  });

  it('gives r2 = 1 for a perfect fit and 0 for predicting the mean', () => {
    const y = f64([2, -1, 7, 3.5, 0]);
    expect(metrics(y, y)).toEqual({ n: 5, mse: 0, rmse: 0, mae: 0, r2: 1 });
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expect(metrics(new Float64Array(5).fill(mean), y).r2).toBeCloseTo(0, 14);
  });

  it('can be negative r2 for a model worse than the mean', () => {
    const r2 = metrics(f64([10, -10]), f64([1, 2])).r2;
    expect(r2).not.toBeNull();
    expect(r2!).toBeLessThan(0);
  });

  it.each([
    ['a constant integer target', [3, 3, 3, 3]],
    // (0.1 + 0.1 + 0.1) / 3 rounds to 0.10000000000000002, not 0.1: a plain two-pass
    // variance would leave SStot ~ 1e-33 and an r2 near -1e33.
    ['a constant target whose mean rounds', [0.1, 0.1, 0.1]],
    ['a single row', [5]],
  ])('gives r2 = null (not NaN) for %s', (_, ys) => {
    const y = f64(ys);
    const m = metrics(f64(ys.map((v) => v + 1)), y);
    expect(m.r2).toBeNull();
    expect(m.mse).toBeCloseTo(1, 12);
  });

  it('keeps r2 accurate when the target sits far from zero (two-pass variance)', () => {
    // Shifting target and predictions by 1e9 changes nothing mathematically; the one-pass
    // formula sum(y²) - n·mean² would lose every digit of SStot here.
    const base = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.5);
    const pred = base.map((v, i) => v + 0.01 * Math.cos(3 * i));
    const near = metrics(f64(pred), f64(base));
    const far = metrics(f64(pred.map((v) => v + 1e9)), f64(base.map((v) => v + 1e9)));
    expect(near.r2).not.toBeNull();
    // The shift itself rounds each value to ~1e-7 absolute (ulp of 1e9); that, not the
    // variance formula, bounds the agreement.
    expect(Math.abs(far.r2! - near.r2!)).toBeLessThan(1e-5);
  });

  it('is invariant under swapping pred and y for mse and mae', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 50 }), (pairs) => {
        const a = f64(pairs.map((p) => p[0]));
        const b = f64(pairs.map((p) => p[1]));
        const ab = metrics(a, b);
        const ba = metrics(b, a);
        expect(ab.mse).toBe(ba.mse);
        expect(ab.mae).toBe(ba.mae);
        expect(ab.rmse).toBe(Math.sqrt(ab.mse));
        expect(ab.r2 === null || ab.r2 <= 1).toBe(true);
      }),
    );
  });

  it('lets non-finite predictions show in the result rather than hiding them', () => {
    const m = metrics(f64([Number.NaN, 1]), f64([1, 2]));
    expect(m.mse).toBeNaN();
  });

  it('refuses zero rows and mismatched lengths with a DataError', () => {
    expect(() => metrics(f64([]), f64([]))).toThrow(DataError);
    expect(() => metrics(f64([1, 2]), f64([1]))).toThrow(/2 predictions for 1 targets/);
  });
});
