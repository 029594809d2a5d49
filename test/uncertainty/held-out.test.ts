/**
 * σ̂ checked on held-out rows (src/uncertainty/held-out.ts): the F tail against the
 * t distribution it reduces to, and the rescaling when held-out errors are too large.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/train/train.js';
import { checkHeldOut, fUpperTail, HELD_OUT_ALPHA } from '../../src/uncertainty/held-out.js';
import { predictIntervals } from '../../src/uncertainty/intervals.js';
import { studentTCdf } from '../../src/uncertainty/student-t.js';
import { curveRows, normal, uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();

describe('fUpperTail', () => {
  it.each([
    [1.7, 4],
    [0.4, 30],
    [3.2, 120],
  ])('P(F(1, ν) ≥ t²) is the two-sided t tail (t = %f, ν = %i)', (t, nu) => {
    expect(fUpperTail(t * t, 1, nu)).toBeCloseTo(2 * (1 - studentTCdf(t, nu)), 12);
  });

  it('swaps its degrees of freedom with 1/x, and is 1 at 0 and falls with x', () => {
    for (const [x, d1, d2] of [
      [1.3, 10, 55],
      [0.6, 7, 3.5],
    ]) {
      expect(fUpperTail(x, d1, d2)).toBeCloseTo(1 - fUpperTail(1 / x, d2, d1), 12);
    }
    expect(fUpperTail(0, 10, 50)).toBe(1);
    expect(fUpperTail(2, 10, 50)).toBeLessThan(fUpperTail(1.5, 10, 50));
  });
});

describe('checkHeldOut', () => {
  const file = writeCsv(tmp.file('curve.csv'), ['x', 'y'], curveRows({ n: 150, lo: -3, hi: 3, f: Math.sin, noise: 0.2, seed: 3 }));

  async function fitted() {
    const { model, result } = await train({ file, basis: 'rbf', units: 10, out: null });
    return { model: model!, stored: model!.uncertainty!, report: result.uncertainty! };
  }

  /** m held-out rows whose errors are `k` times the observation band's standard deviation. */
  function heldOut(model: Awaited<ReturnType<typeof fitted>>['model'], m: number, k: number) {
    const u = uniform(11);
    const z = normal(12);
    const x = Float64Array.from({ length: m }, () => -3 + 6 * u());
    const iv = predictIntervals(model, x, m, 0.6826894921370859);
    const y = Float64Array.from(x, (_, i) => iv.prediction[i] + k * ((iv.obsUpper[i] - iv.obsLower[i]) / 2) * z());
    return { x, y, n: m };
  }

  it('leaves σ̂ alone when the held-out errors are what the intervals expect', async () => {
    const { model, stored, report } = await fitted();
    const before = { sigma: stored.sigma, dof: stored.dof, w: report.stderr.w.slice() };
    const check = checkHeldOut(model, stored, report, heldOut(model, 200, 1))!;
    expect(check.rescaled).toBe(false);
    expect(check.p).toBeGreaterThan(HELD_OUT_ALPHA);
    expect(Math.abs(check.ratio - 1)).toBeLessThan(0.35);
    expect(stored.sigma).toBe(before.sigma);
    expect(stored.dof).toBe(before.dof);
    expect(report.stderr.w).toEqual(before.w);
  });

  it('scales σ̂, the factor and the standard errors by √T, with ν = m, when they are three times larger', async () => {
    const { model, stored, report } = await fitted();
    const sigma = stored.sigma;
    const w0 = report.stderr.w[0];
    const r00 = stored.factor![0][0];
    const check = checkHeldOut(model, stored, report, heldOut(model, 12, 3))!;
    expect(check.rescaled).toBe(true);
    expect(check.p).toBeLessThan(HELD_OUT_ALPHA);
    expect(check.ratio).toBeGreaterThan(3);
    const c = Math.sqrt(check.ratio);
    expect(stored.sigma).toBeCloseTo(sigma * c, 12);
    expect(report.sigma).toBeCloseTo(stored.sigma, 12);
    expect(stored.dof).toBe(12);
    expect(report.dof).toBe(12);
    expect(report.stderr.w[0]).toBeCloseTo(w0 * c, 12);
    expect(stored.factor![0][0]).toBeCloseTo(r00 * c, 12);
    expect(stored.method).toMatch(/; sigma from the held-out rows$/);
    expect(report.method).toBe(stored.method);
  });

  it('says nothing with fewer than 3 rows, and checks 3 (with ν = 3 when it rescales)', async () => {
    const { model, stored, report } = await fitted();
    expect(checkHeldOut(model, { ...stored }, { ...report }, heldOut(model, 2, 5))).toBeNull();
    const three = checkHeldOut(model, stored, report, heldOut(model, 3, 5))!;
    expect(three.rows).toBe(3);
    if (three.rescaled) expect(stored.dof).toBe(3);
    else expect(three.p).toBeGreaterThanOrEqual(HELD_OUT_ALPHA);
  });

  it('reports the check in train\'s result (held_out) and warns when σ̂ was 1.5× too small or worse', async () => {
    // One model: a committee (the default on these rows) has no held-out rows to check on.
    const { result } = await train({ file, basis: 'rbf', units: 10, committee: 0, out: null });
    const h = result.uncertainty!.held_out!;
    expect(h.rows).toBe(result.validation!.n);
    expect(h.p).toBeGreaterThan(0);
    expect(result.warnings.some((w) => w.includes('validation rows'))).toBe(h.rescaled && h.ratio >= 2.25);
  });
});
