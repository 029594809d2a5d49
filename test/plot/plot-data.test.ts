import { describe, expect, it } from 'vitest';
import { predictRows } from '../../src/model/predict.js';
import { type CurveView, fitView, GRID_POINTS, lossView, MAX_POINTS, type ScatterView, yDomain } from '../../src/report/plot-data.js';
import { model, rows } from './helpers.js';

const scaling = { x: { mean: [0.3], std: [1.7] }, y: { mean: 2, std: 0.5 } };
const rbf = model(
  'rbf',
  [
    [-1, 0.4],
    [0.2, 1.5],
    [1.1, 0.2],
  ],
  [0.8, -1.3, 2.1],
  0.4,
  { scaling },
);

describe('fitView with one feature', () => {
  const data = rows(80, 1, ([x]) => Math.sin(2 * x));
  const view = fitView(rbf, [{ name: 'data', rows: data }]) as CurveView;

  it('draws every row and the curve over the data range', () => {
    expect(view.kind).toBe('curve');
    expect(view.points).toHaveLength(data.n);
    expect(view.points.map((p) => p.x)).toEqual(Array.from(data.x));
    expect(view.curve).toHaveLength(GRID_POINTS);
    expect(view.curve[0].x).toBe(Math.min(...data.x));
    expect(view.curve[GRID_POINTS - 1].x).toBe(Math.max(...data.x));
  });

  it('has the curve of predict at each grid point', () => {
    const grid = Float64Array.from(view.curve, (c) => c.x);
    const pred = predictRows(rbf, grid, grid.length);
    view.curve.forEach((c, i) => {
      expect(c.y).toBe(pred[i]);
    });
  });

  it('splits the curve into the intercept and one term per unit that add up to it', () => {
    expect(view.components).toHaveLength(3 * GRID_POINTS);
    view.curve.forEach((c, i) => {
      const terms = view.components.filter((t) => t.x === c.x);
      expect(terms.map((t) => t.unit)).toEqual([1, 2, 3]);
      const sum = view.intercept + terms.reduce((a, t) => a + t.y, 0);
      expect(Math.abs(sum - c.y)).toBeLessThan(1e-12 * (1 + Math.abs(c.y)));
      if (i === 0) expect(view.intercept).toBeCloseTo(scaling.y.std * 0.4 + scaling.y.mean, 14);
    });
  });

  it('keeps the sets apart for colouring', () => {
    const other = rows(20, 1, ([x]) => x, 3, 4);
    const v = fitView(rbf, [
      { name: 'train', rows: data },
      { name: 'validation', rows: other },
    ]) as CurveView;
    expect(v.points.filter((p) => p.set === 'validation')).toHaveLength(20);
    // The grid spans both sets.
    expect(v.curve[GRID_POINTS - 1].x).toBe(Math.max(...other.x));
  });

  it('thins very many rows to an even subset but keeps the grid over all of them', () => {
    const big = rows(MAX_POINTS * 3 + 7, 1, ([x]) => x);
    const v = fitView(rbf, [{ name: 'big', rows: big }]) as CurveView;
    expect(v.points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(v.points.length).toBeGreaterThan(MAX_POINTS * 0.99);
    expect(v.shown).toEqual({ points: v.points.length, rows: big.n, units: rbf.w.length });
    expect(v.curve[0].x).toBe(Math.min(...big.x));
  });
});

describe('fitView with several features', () => {
  const tanh = model(
    'tanh',
    [
      [1, -0.5, 0.1],
      [0.3, 0.8, -0.2],
    ],
    [1.5, -0.7],
    0.2,
    { features: ['a', 'b'] },
  );
  const data = rows(50, 2, ([a, b]) => a * b);

  it('pairs each actual value with its prediction and residual', () => {
    const view = fitView(tanh, [{ name: 'data', rows: data }]) as ScatterView;
    expect(view.kind).toBe('scatter');
    const pred = predictRows(tanh, data.x, data.n);
    expect(view.points).toHaveLength(data.n);
    view.points.forEach((p, i) => {
      expect(p.actual).toBe(data.y[i]);
      expect(p.predicted).toBe(pred[i]);
      expect(p.residual).toBe(data.y[i] - pred[i]);
    });
  });
});

describe('yDomain', () => {
  it('covers the data and lets basis terms widen it by at most half its span', () => {
    expect(yDomain([0, 1], [-0.2, 0.9])).toEqual([-0.2, 1]);
    expect(yDomain([0, 1], [-100, 100])).toEqual([-0.5, 1.5]);
    expect(yDomain([0, 1], [Number.NaN])).toEqual([0, 1]);
  });
});

describe('lossView', () => {
  it('numbers the epochs from 1 and drops values a log scale cannot show', () => {
    const m = model('rbf', [[0, 1]], [1], 0, { history: { train: [0.5, Number.NaN, 0.2, 0], validation: [0.6, 0.4, 0.3, 0.25] } });
    const points = lossView(m);
    expect(points.filter((p) => p.set === 'train')).toEqual([
      { epoch: 1, mse: 0.5, set: 'train' },
      { epoch: 3, mse: 0.2, set: 'train' },
    ]);
    expect(points.filter((p) => p.set === 'validation').map((p) => p.epoch)).toEqual([1, 2, 3, 4]);
  });

  it('is empty for a model file without history', () => {
    expect(lossView(model('rbf', [[0, 1]], [1], 0))).toEqual([]);
  });
});
