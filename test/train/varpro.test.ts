/**
 * --solver varpro: w and b are solved exactly for θ at every step, so the
 * model it returns has w and b optimal for its final θ: the gradient of the
 * training objective (mean ½ squared error + λ/2 ‖w‖²) with respect to w and
 * b is zero up to rounding.
 */
import { describe, expect, it } from 'vitest';
import { type BasisFamily, families } from '../../src/basis/index.js';
import { Tensor, valueAndGrad } from '../../src/engine/index.js';
import { type Dataset, fit as fitModel, type FitOptions, type FitOutcome } from '../../src/train/fit.js';
import { trainingObjective } from '../../src/train/objective.js';
import { Rng } from '../../src/util/rng.js';
import { curveRows } from '../helpers/datasets.js';

function dataset(n: number, f: (x: number) => number, seed: number): Dataset {
  const rows = curveRows({ n, lo: -2, hi: 2, f, noise: 0.05, seed });
  return { x: Float64Array.from(rows, (r) => r[0]), y: Float64Array.from(rows, (r) => r[1]), n, d: 1 };
}

const options = (over: Partial<FitOptions>): FitOptions => ({
  family: families.rbf,
  units: 10,
  epochs: 40,
  batchSize: 'full',
  optimizer: 'adam',
  lr: { w: 0.01, b: 0.01, theta: 0.01 },
  solver: 'varpro',
  ridge: 1e-3,
  patience: null,
  ...over,
});

/** ∂/∂w and ∂/∂b of the training objective at the outcome's parameters, with θ held fixed. */
function linearGradient(family: BasisFamily, data: Dataset, out: FitOutcome, ridge: number): { w: Float64Array; b: number; scale: number } {
  const prepared = family.prepare(new Tensor(data.x, [data.n, data.d]));
  const theta = family.unpack(out.theta, data.d);
  const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const objective = trainingObjective(family, prepared, new Tensor(data.y, [data.n]), ridge);
  const { grads } = valueAndGrad(objective, [0, 1])(Tensor.vector(out.w), Tensor.scalar(out.b), ...raw);
  // The gradient's natural size: mean |y| times the largest feature, so "~0" means relative to it.
  const features = family.features(prepared, theta).data;
  const scale = Math.max(...Array.from(features, Math.abs)) * (data.y.reduce((s, v) => s + Math.abs(v), 0) / data.n);
  return { w: grads[0].data, b: grads[1].data[0], scale };
}

const maxAbs = (a: Float64Array) => Math.max(...Array.from(a, Math.abs));

describe('varpro', () => {
  it.each([
    ['rbf', 1e-3],
    ['tanh', 1e-3],
    ['rbf', 0],
    ['tanh', 1e-6],
  ] as const)('%s, ridge %s: w and b are exactly optimal for the final θ', async (name, ridge) => {
    const data = dataset(200, (x) => Math.sin(3 * x) / (1 + x * x), 7);
    const family = families[name];
    const out = await fitModel(data, null, options({ family, ridge }), new Rng(2));
    expect(out.stopped).toBe('max-epochs');
    const g = linearGradient(family, data, out, ridge);
    expect(maxAbs(g.w)).toBeLessThan(1e-9 * g.scale);
    expect(Math.abs(g.b)).toBeLessThan(1e-9 * g.scale);
  });

  it('holds for the kept epoch under early stopping and for the λ chosen by ridge auto', async () => {
    const data = dataset(240, (x) => Math.tanh(4 * x) + 0.2 * x, 3);
    const validation = dataset(60, (x) => Math.tanh(4 * x) + 0.2 * x, 4);
    const out = await fitModel(data, validation, options({ family: families.tanh, ridge: 'auto', patience: 5, epochs: 200 }), new Rng(5));
    expect(out.ridge).toBeGreaterThan(0);
    const g = linearGradient(families.tanh, data, out, out.ridge!);
    expect(maxAbs(g.w)).toBeLessThan(1e-9 * g.scale);
    expect(Math.abs(g.b)).toBeLessThan(1e-9 * g.scale);
  });

  it('is what makes the gradient vanish: joint descent leaves w and b short of optimal', async () => {
    const data = dataset(200, (x) => Math.sin(3 * x) / (1 + x * x), 7);
    const out = await fitModel(data, null, options({ solver: 'gd' }), new Rng(2));
    const g = linearGradient(families.rbf, data, out, 1e-3);
    expect(maxAbs(g.w)).toBeGreaterThan(1e-6 * g.scale);
  });

  it('descends: the training loss falls while w, b stay exact', async () => {
    const data = dataset(200, (x) => Math.sin(3 * x) / (1 + x * x), 7);
    const out = await fitModel(data, null, options({ epochs: 60 }), new Rng(2));
    const h = out.history.train;
    expect(h[h.length - 1]).toBeLessThan(h[0]);
  });
});
