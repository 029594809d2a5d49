/**
 * fitLm keeps fit()'s contract: one history entry and one onEpoch report per
 * LM iteration, interruption keeps the best so far, the validation rule
 * (the best validated iterate, the start included), the iteration cap, and
 * b = 0 without an intercept.
 */
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { type Dataset, type EpochReport, type FitOptions, fit as fitModel } from '../../src/train/fit.js';
import { Rng } from '../../src/util/rng.js';
import { curveRows } from '../helpers/datasets.js';

function dataset(n: number, seed: number, lo = -2, hi = 2, f = (x: number) => Math.sin(3 * x) / (1 + x * x)): Dataset {
  const rows = curveRows({ n, lo, hi, f, noise: 0.05, seed });
  return { x: Float64Array.from(rows, (r) => r[0]), y: Float64Array.from(rows, (r) => r[1]), n, d: 1 };
}

const options = (over: Partial<FitOptions>): FitOptions => ({
  family: families.rbf,
  units: 6,
  epochs: 100,
  batchSize: 'full',
  optimizer: 'adam',
  lr: { w: 0.01, b: 0.01, theta: 0.01 },
  solver: 'lm',
  ridge: 1e-6,
  patience: null,
  tol: 1e-10,
  ...over,
});

describe('fitLm', () => {
  it('reports each iteration once, as an epoch, and the training loss never rises', async () => {
    const reports: EpochReport[] = [];
    // Ridge 0: LM decreases ‖f‖², which is then the training loss alone (with a ridge, the MSE may trade against ‖w‖²).
    const out = await fitModel(dataset(150, 3), null, options({ units: 4, epochs: 300, ridge: 0, onEpoch: (r) => reports.push(r) }), new Rng(1));
    expect(out.stopped).toBe('early-stop');
    expect(out.convergence).toMatch(/^(relative-reduction|step|reduction-and-step)$/);
    expect(reports.map((r) => r.epoch)).toEqual(Array.from({ length: out.epochs }, (_, i) => i + 1));
    expect(out.history.train).toHaveLength(out.epochs);
    expect(out.bestEpoch).toBe(out.epochs);
    for (let i = 1; i < out.history.train.length; i++) expect(out.history.train[i]).toBeLessThanOrEqual(out.history.train[i - 1] * (1 + 1e-12));
    expect(out.selectionLoss).toBe(out.history.train.at(-1));
    expect(out.theta).toHaveLength(4);
    for (const row of out.theta) expect(row[1]).toBeGreaterThan(0);
  });

  it('an interruption stops after the current iteration with the iterate so far', async () => {
    let seen = 0;
    const out = await fitModel(dataset(150, 3), null, options({ onEpoch: () => void seen++, shouldStop: () => seen >= 2 }), new Rng(1));
    expect(out.stopped).toBe('interrupted');
    expect(out.epochs).toBe(2);
    expect(out.history.train).toHaveLength(2);
  });

  it('the --epochs cap ends a run that has not converged, with a warning', async () => {
    const warnings: string[] = [];
    const out = await fitModel(dataset(150, 3), null, options({ epochs: 2, onWarning: (m) => warnings.push(m) }), new Rng(1));
    expect(out.stopped).toBe('max-epochs');
    expect(out.convergence).toBe('max-iterations');
    expect(out.epochs).toBe(2);
    expect(warnings.join('\n')).toMatch(/lm did not converge in 2 iterations/);
  });

  it('the cap\'s warning says how far the run was from --tol, measured on its last step', async () => {
    const warnings: string[] = [];
    // Ridge 0: the history is ‖f‖² / N, so the last step's relative reduction is 1 − h_k / h_(k−1).
    const out = await fitModel(dataset(150, 3), null, options({ epochs: 8, ridge: 0, onWarning: (m) => warnings.push(m) }), new Rng(1));
    expect(out.convergence).toBe('max-iterations');
    const h = out.history.train;
    const reduction = 1 - h[7] / h[6];
    // Far from --tol 1e-10 this early: still improving, so loosening --tol is not the remedy.
    expect(reduction).toBeGreaterThan(1e-8);
    const text = warnings.join('\n');
    expect(text).toContain(`lm did not converge in 8 iterations (max-iterations): its last step lowered the sum of squares by ${reduction.toExponential(1)} of itself`);
    expect(text).toContain('against --tol 1.0e-10, still improving: raise --epochs; without validation rows');
    expect(text).not.toContain('loosen --tol');
  });

  it('with validation rows it keeps the best validated iterate, the start counting as iteration 0', async () => {
    // Many narrow units on few rows over-fit: validation turns away from the training loss.
    const out = await fitModel(dataset(40, 5), dataset(60, 6), options({ units: 12, ridge: 1e-9, patience: 1000 }), new Rng(2));
    const val = out.history.validation!;
    expect(val).toHaveLength(out.epochs);
    const best = Math.min(...val);
    if (out.bestEpoch > 0) {
      expect(val[out.bestEpoch - 1]).toBe(best);
      expect(out.selectionLoss).toBeCloseTo(best, 12);
    } else {
      expect(best).toBeGreaterThanOrEqual(out.selectionLoss!);
    }
  });

  it('patience stops the run once validation has not improved for that many iterations', async () => {
    const out = await fitModel(dataset(40, 5), dataset(60, 6), options({ units: 12, ridge: 1e-9, patience: 2 }), new Rng(2));
    if (out.stopped === 'early-stop' && out.convergence === 'validation') expect(out.epochs - out.bestEpoch).toBe(2);
    else expect(out.epochs - out.bestEpoch).toBeLessThan(2);
  });

  it('--no-intercept: b is exactly 0', async () => {
    const data = dataset(80, 8, 0, 4, (t) => 2 * Math.exp(-0.6 * t));
    const out = await fitModel(data, null, options({ family: families.exp, units: 1, ridge: 0, intercept: false }), new Rng(1));
    expect(out.b).toBe(0);
    expect(out.theta[0][0]).toBeCloseTo(-0.6, 1);
    expect(out.w[0]).toBeCloseTo(2, 1);
  });
});
