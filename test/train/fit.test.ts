import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { type Dataset, type FitOptions, fit as fitModel } from '../../src/train/fit.js';
import { Rng } from '../../src/util/rng.js';

function curve(n: number, f: (x: number) => number, lo: number, hi: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = lo + (hi - lo) * rng.next();
    y[i] = f(x[i]) + noise * rng.normal();
  }
  return { x, y, n, d: 1 };
}

const base = (over: Partial<FitOptions>): FitOptions => ({
  family: families.rbf,
  units: 12,
  epochs: 300,
  batchSize: 'full',
  optimizer: 'adam',
  lr: { w: 0.01, b: 0.01, theta: 0.01 },
  solver: 'gd',
  ridge: 0,
  patience: null,
  ...over,
});

describe('fit', () => {
  it.each(['rbf', 'tanh'] as const)('%s reduces the training loss on a smooth curve', async (name) => {
    const data = curve(300, (x) => Math.sin(2 * x), -2, 2, 0.05, 3);
    const out = await fitModel(data, null, base({ family: families[name] }), new Rng(1));
    expect(out.history.train.length).toBe(300);
    const first = out.history.train[0];
    const last = out.history.train[out.history.train.length - 1];
    expect(last).toBeLessThan(first);
    expect(last).toBeLessThan(0.01);
  });
  it('is deterministic for a seed', async () => {
    const data = curve(200, Math.cos, -2, 2, 0.05, 4);
    const a = await fitModel(data, null, base({ batchSize: 32, epochs: 20 }), new Rng(7));
    const b = await fitModel(data, null, base({ batchSize: 32, epochs: 20 }), new Rng(7));
    expect(JSON.stringify(a.theta)).toBe(JSON.stringify(b.theta));
    expect(a.w).toEqual(b.w);
  });
  it('varpro fits at least as well as plain descent for the same epochs', async () => {
    const data = curve(300, (x) => Math.sin(3 * x) / (1 + x * x), -3, 3, 0.02, 5);
    const gd = await fitModel(data, null, base({ epochs: 100 }), new Rng(1));
    const vp = await fitModel(data, null, base({ epochs: 100, solver: 'varpro' }), new Rng(1));
    const last = (o: typeof gd) => o.history.train[o.history.train.length - 1];
    expect(last(vp)).toBeLessThanOrEqual(last(gd) * 1.0001);
  });
});
