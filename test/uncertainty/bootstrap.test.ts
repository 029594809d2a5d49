/**
 * The bootstrap's statistics (src/uncertainty/bootstrap.ts) against brute force,
 * and its refits (src/train/bootstrap.ts): seeded, a refit independent of how
 * many come after it, the spread of a linear model's refits against the
 * closed-form sandwich it converges to.
 */
import { describe, expect, it } from 'vitest';
import { runBootstrap } from '../../src/train/bootstrap.js';
import type { FitRunner } from '../../src/train/fit-job.js';
import { drawRows, resample } from '../../src/train/resample.js';
import type { Dataset, FitOutcome } from '../../src/train/types.js';
import { quantileSorted, residualPool, sumQuantile, sumRank } from '../../src/uncertainty/bootstrap.js';
import { RESIDUAL_POOL } from '../../src/uncertainty/types.js';
import { Rng } from '../../src/util/rng.js';

/** The smallest of the B·K sums z with #{sums ≤ z} ≥ q·B·K. */
function bruteSumQuantile(v: number[], pool: number[], q: number): number {
  const sums = v.flatMap((a) => pool.map((r) => a + r)).sort((a, b) => a - b);
  return sums[sumRank(q, sums.length) - 1];
}

describe('percentiles', () => {
  it('quantileSorted is R type 7: quantile(c(1,2,4,8), c(0,.1,.5,.9,1))', () => {
    const s = [1, 2, 4, 8];
    // R: 1.0 1.3 3.0 6.8 8.0
    const want = [1, 1.3, 3, 6.8, 8];
    [0, 0.1, 0.5, 0.9, 1].forEach((q, i) => {
      expect(Math.abs(quantileSorted(s, q) - want[i])).toBeLessThan(1e-14);
    });
  });

  it('sumQuantile equals the order statistic of all B·K sums', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const b = 1 + Math.floor(rng.next() * 30);
      const k = 1 + Math.floor(rng.next() * 40);
      const v = Array.from({ length: b }, () => rng.normal() * 3);
      const pool = Array.from({ length: k }, () => rng.normal()).sort((x, y) => x - y);
      for (const q of [0.025, 0.1, 0.5, 0.9, 0.975]) {
        const got = sumQuantile(Float64Array.from(v), pool, q);
        const want = bruteSumQuantile(v, pool, q);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
      }
    }
  });

  it('the residual pool is centred, inflated by sqrt(N/dof), sorted, and capped', () => {
    const r = Float64Array.from([3, -1, 2, 0, 1]);
    const pool = residualPool(r, 3);
    const f = Math.sqrt(5 / 3);
    expect(pool).toEqual([-2, -1, 0, 1, 2].map((x) => x * f));
    const big = Float64Array.from({ length: 5000 }, (_, i) => i);
    const capped = residualPool(big, 5000);
    expect(capped).toHaveLength(RESIDUAL_POOL);
    // Quantile (0 + 0.5)/1000 of 0..4999 centred on 2499.5: h = 4999 · 0.0005.
    expect(capped[0]).toBeCloseTo(-2499.5 + 4999 * 0.0005, 9);
    for (let i = 1; i < capped.length; i++) expect(capped[i]).toBeGreaterThan(capped[i - 1]);
  });
});

/** Least squares y ≈ w x + b on a data set: a stand-in "fit" whose bootstrap spread is known. */
function lineFit(data: Dataset): FitOutcome {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < data.n; i++) {
    mx += data.x[i];
    my += data.y[i];
  }
  mx /= data.n;
  my /= data.n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < data.n; i++) {
    sxy += (data.x[i] - mx) * (data.y[i] - my);
    sxx += (data.x[i] - mx) ** 2;
  }
  const w = sxy / sxx;
  return { theta: [[0]], w: [w], b: my - w * mx, epochs: 1, bestEpoch: 1, stopped: 'max-epochs', history: { train: [], validation: null }, trainSeconds: 0, recoveries: 0 };
}

describe('refits', () => {
  const rng = new Rng(3);
  const n = 200;
  const x = Float64Array.from({ length: n }, () => rng.normal());
  // Heteroscedastic noise: the pairs bootstrap follows the sandwich (HC0), not σ²/Sxx.
  const y = Float64Array.from(x, (v) => 2 * v + 1 + (0.5 + Math.abs(v)) * rng.normal());
  const data: Dataset = { x, y, n, d: 1 };
  const from = { theta: [[0]], w: [0], b: 0, ridge: 0 };
  /** Refits in this thread: each job's rows drawn from its own fork, as fit-job.ts draws them, then a line fitted. */
  const lines = (seed: number): FitRunner => ({
    local: async (job) => ({ outcome: lineFit(resample(data, drawRows(n, Rng.at(seed, job.forks)))), warnings: [] }),
  });

  it('drawRows is seeded and in range; resample copies the drawn rows', () => {
    const a = drawRows(50, new Rng(1).fork(9));
    const b = drawRows(50, new Rng(1).fork(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.max(...a)).toBeLessThan(50);
    const r = resample(data, Uint32Array.from([5, 5, 0]));
    expect(Array.from(r.x)).toEqual([x[5], x[5], x[0]]);
    expect(Array.from(r.y)).toEqual([y[5], y[5], y[0]]);
  });

  it('refit b is the same whatever the number of refits', async () => {
    const five = await runBootstrap(5, from, new Rng(11), lines(11), {});
    const eight = await runBootstrap(8, from, new Rng(11), lines(11), {});
    expect(eight.replicates.slice(0, 5)).toEqual(five.replicates);
    const other = await runBootstrap(5, from, new Rng(12), lines(12), {});
    expect(other.replicates).not.toEqual(five.replicates);
  });

  it("the slope's spread over 2000 refits matches the sandwich standard error within Monte Carlo error", async () => {
    const full = lineFit(data);
    const boot = await runBootstrap(2000, from, new Rng(5), lines(5), {});
    const slopes = boot.replicates.map((r) => r.w[0]);
    const mean = slopes.reduce((s, v) => s + v, 0) / slopes.length;
    const sd = Math.sqrt(slopes.reduce((s, v) => s + (v - mean) ** 2, 0) / (slopes.length - 1));
    // HC0: sqrt(Σ (x−x̄)² e² ) / Sxx.
    let mx = 0;
    for (const v of x) mx += v / n;
    let sxx = 0;
    let meat = 0;
    for (let i = 0; i < n; i++) {
      const e = y[i] - full.w[0] * x[i] - full.b;
      sxx += (x[i] - mx) ** 2;
      meat += (x[i] - mx) ** 2 * e * e;
    }
    const hc0 = Math.sqrt(meat) / sxx;
    // sd of a sample sd over 2000 draws is about 1/sqrt(4000) ≈ 1.6% (more with heavy tails): 8% is 5 of them.
    expect(Math.abs(sd / hc0 - 1)).toBeLessThan(0.08);
    // And it is not the homoscedastic one, which this noise makes noticeably smaller.
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (y[i] - full.w[0] * x[i] - full.b) ** 2;
    const classical = Math.sqrt(rss / (n - 2) / sxx);
    expect(sd / classical).toBeGreaterThan(1.1);
  });
});
