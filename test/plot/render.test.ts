import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BasisfitError } from '../../src/errors.js';
import { GRID_POINTS } from '../../src/report/plot-data.js';
import { fitPlotSvg, writeFitPlot } from '../../src/report/plot-render.js';
import { LAYERS } from '../../src/report/plot.js';
import { predictRows } from '../../src/model/predict.js';
import { items, model, parseSvg, rows, translate, vertices } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'basisfit-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const history = { train: [0.9, 0.4, 0.2, 0.15, 0.12], validation: [1, 0.5, 0.3, 0.28, 0.29] };
const oneFeature = model(
  'rbf',
  [
    [-1, 0.5],
    [0, 0.8],
    [1.2, 0.3],
    [0.5, 2],
  ],
  [0.7, -0.4, 1.1, 0.3],
  0.1,
  { scaling: { x: { mean: [0.1], std: [1.3] }, y: { mean: 0.5, std: 2 } }, history, bestEpoch: 4 },
);
const train = rows(60, 1, ([x]) => Math.sin(2 * x));
const validation = rows(15, 1, ([x]) => Math.sin(2 * x) + 0.1, -1.9, 1.9);
const sets = [
  { name: 'train', rows: train },
  { name: 'validation', rows: validation },
];

/** The affine map a → α + β·a through two pairs, checked on all pairs. */
function affine(pairs: [number, number][]): (a: number) => number {
  const [[a0, s0], [a1, s1]] = [pairs[0], pairs.reduce((far, p) => (Math.abs(p[0] - pairs[0][0]) > Math.abs(far[0] - pairs[0][0]) ? p : far))];
  const beta = (s1 - s0) / (a1 - a0);
  return (a) => s0 + beta * (a - a0);
}

describe('the fit plot for one feature', async () => {
  const svg = await fitPlotSvg(oneFeature, sets);
  const doc = parseSvg(svg);

  it('is an SVG document with a size', () => {
    expect(doc.root.tagName).toBe('svg');
    expect(Number(doc.root.getAttribute('width'))).toBeGreaterThan(500);
    expect(Number(doc.root.getAttribute('height'))).toBeGreaterThan(400);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws one symbol per row, where the row is', () => {
    const [group] = doc.layer(LAYERS.points);
    const symbols = items(group);
    expect(symbols).toHaveLength(train.n + validation.n);
    const data = [...Array.from(train.x, (x, i) => [x, train.y[i]]), ...Array.from(validation.x, (x, i) => [x, validation.y[i]])];
    const at = symbols.map(translate);
    // Screen coordinates are one affine map of the data, the same for every row (y pointing down).
    const sx = affine(data.map(([x], i) => [x, at[i][0]]));
    const sy = affine(data.map(([, y], i) => [y, at[i][1]]));
    data.forEach(([x, y], i) => {
      expect(at[i][0]).toBeCloseTo(sx(x), 6);
      expect(at[i][1]).toBeCloseTo(sy(y), 6);
    });
    expect(sy(1)).toBeLessThan(sy(0));
  });

  it('draws the curve through the model predictions', () => {
    const [group] = doc.layer(LAYERS.curve);
    const [path] = items(group);
    const points = vertices(path);
    expect(points).toHaveLength(GRID_POINTS);
    // Invert the screen map fitted on the data symbols, then compare with predict.
    const symbols = items(doc.layer(LAYERS.points)[0]).map(translate);
    const xs = [...train.x, ...validation.x];
    const ys = [...train.y, ...validation.y];
    const toX = affine(symbols.map((s, i) => [s[0], xs[i]]));
    const toY = affine(symbols.map((s, i) => [s[1], ys[i]]));
    const gridX = Float64Array.from(points, ([px]) => toX(px));
    const pred = predictRows(oneFeature, gridX, gridX.length);
    const span = Math.max(...ys) - Math.min(...ys);
    points.forEach(([, py], i) => {
      // Vega rounds path coordinates to 3 decimals: a few thousandths of a pixel.
      expect(Math.abs(toY(py) - pred[i])).toBeLessThan(1e-3 * span);
    });
  });

  it('draws one faint line per unit under the curve', () => {
    const groups = doc.layer(LAYERS.basis);
    expect(groups).toHaveLength(oneFeature.w.length);
    for (const g of groups) {
      const [path] = items(g);
      expect(vertices(path)).toHaveLength(GRID_POINTS);
      expect(Number(path.getAttribute('stroke-opacity') ?? path.getAttribute('opacity'))).toBeLessThan(1);
    }
    // Under it: the basis lines come before the curve in document order.
    expect(svg.indexOf(`${LAYERS.basis}_marks`)).toBeLessThan(svg.indexOf(`${LAYERS.curve}_marks`));
  });

  it('draws the training and validation loss and the kept epoch', () => {
    const lines = doc.layer(LAYERS.loss);
    expect(lines).toHaveLength(2);
    expect(lines.map((g) => vertices(items(g)[0]).length)).toEqual([history.train.length, history.validation.length]);
    expect(items(doc.layer(LAYERS.bestEpoch)[0])).toHaveLength(1);
    expect(doc.texts()).toContain('loss by epoch');
  });

  it('names the axes after the columns', () => {
    const texts = doc.texts();
    expect(texts).toContain('x');
    expect(texts).toContain('y');
    expect(texts).toContain('epoch');
  });

  it('gives the same bytes every time', async () => {
    const again = await fitPlotSvg(oneFeature, sets);
    expect(again).toBe(svg);
  });
});

describe('the fit plot for several features', async () => {
  const m = model(
    'tanh',
    [
      [1, -0.5, 0.1],
      [0.3, 0.8, -0.2],
    ],
    [1.5, -0.7],
    0.2,
    { features: ['a', 'b'] },
  );
  const data = rows(40, 2, ([a, b]) => a * b + 0.3 * a);
  const doc = parseSvg(await fitPlotSvg(m, [{ name: 'data', rows: data }]));

  it('draws predicted against actual with the diagonal, and the residuals with the zero line', () => {
    expect(items(doc.layer(LAYERS.predicted)[0])).toHaveLength(data.n);
    expect(items(doc.layer(LAYERS.residuals)[0])).toHaveLength(data.n);
    expect(doc.layer(LAYERS.diagonal)).toHaveLength(1);
    expect(items(doc.layer(LAYERS.zero)[0])).toHaveLength(1);
    expect(doc.layer(LAYERS.points)).toHaveLength(0);
    expect(doc.layer(LAYERS.curve)).toHaveLength(0);
  });

  it('puts the residuals where actual minus predicted is', () => {
    const pred = predictRows(m, data.x, data.n);
    const residuals = Array.from(data.y, (y, i) => y - pred[i]);
    const at = items(doc.layer(LAYERS.residuals)[0]).map(translate);
    const sy = affine(residuals.map((r, i) => [r, at[i][1]]));
    residuals.forEach((r, i) => {
      expect(at[i][1]).toBeCloseTo(sy(r), 6);
    });
  });

  it('has no loss panel without a history', () => {
    expect(doc.layer(LAYERS.loss)).toHaveLength(0);
  });
});

describe('writeFitPlot', () => {
  it('writes the SVG', async () => {
    const path = join(dir, 'fit.svg');
    await writeFitPlot(path, oneFeature, sets);
    expect(readFileSync(path, 'utf8')).toBe(await fitPlotSvg(oneFeature, sets));
  });

  it('fails with exit 1 and leaves an existing file alone when the folder is missing', async () => {
    const path = join(dir, 'missing', 'fit.svg');
    const err = await writeFitPlot(path, oneFeature, sets).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasisfitError);
    expect((err as BasisfitError).exitCode).toBe(1);
    expect((err as BasisfitError).message).toMatch(/cannot write the plot .*missing.*no such file or folder/);
    expect(existsSync(path)).toBe(false);
  });

  it('replaces an existing file whole', async () => {
    const path = join(dir, 'old.svg');
    writeFileSync(path, 'old contents');
    await writeFitPlot(path, oneFeature, sets);
    expect(readFileSync(path, 'utf8').startsWith('<svg')).toBe(true);
  });
});
