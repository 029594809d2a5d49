import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportModel, foldModel } from '../../src/export/index.js';
import type { BasisName, ModelFile, Scaling } from '../../src/model/index.js';
import { predictRows } from '../../src/model/predict.js';

const dir = mkdtempSync(join(tmpdir(), 'basisfit-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const THETA: Record<BasisName, number[][]> = {
  rbf: [
    [0.4, -1.2, 0.7],
    [-0.8, 0.3, 2.5],
    [1.5, 1.1, 0.05],
  ],
  tanh: [
    [1.3, -0.6, 0.2],
    [-0.4, 2.1, -1.7],
    [0, 0.9, 0],
  ],
  poly: [
    [1.5, 0],
    [-0.5, 2],
    [0.3, -1.25],
  ],
  exp: [
    [0.4, -0.3],
    [-1.1, 0],
    [0.05, 0.9],
  ],
};

function model(basis: BasisName, scaled: boolean, features = ['x1', 'x2']): ModelFile {
  const scaling: Scaling | null = scaled
    ? { x: { mean: basis === 'poly' ? [0, 0] : [2.5, -40], std: [0.7, 12] }, y: { mean: 105.5, std: 17.25 } }
    : null;
  return {
    format: 'basisfit-model',
    version: 1,
    basis,
    features,
    target: 'y',
    theta: THETA[basis],
    w: [1.7, -0.35, 2.2],
    b: -0.45,
    scaling,
    training: { seed: 1, epochs: 1 },
  };
}

/** Rows in the raw units the scaled models expect (positive for poly). */
function rowsFor(basis: BasisName, n = 25): Float64Array {
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = (i * 0.618034) % 1;
    x[2 * i] = basis === 'poly' ? 0.2 + 3 * t : 2.5 + 0.7 * (4 * t - 2);
    x[2 * i + 1] = basis === 'poly' ? 0.5 + 2 * ((i * 0.414214) % 1) : -40 + 12 * (3 * ((i * 0.414214) % 1) - 1.5);
  }
  return x;
}

function rowOf(x: Float64Array, i: number): number[] {
  return [x[2 * i], x[2 * i + 1]];
}

/** Folding rounds a few times per parameter: agreement to about 1e-12 of the value's size. */
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(expected)));
}

let counter = 0;
async function importModule(code: string): Promise<{ predict: (row: number[] | Record<string, number>) => number; features: string[]; target: string }> {
  const file = join(dir, `model-${counter++}.mjs`);
  writeFileSync(file, code);
  return import(/* @vite-ignore */ pathToFileURL(file).href);
}

/** The text formula as JavaScript: its grammar is JavaScript's, with ^ for powers and bare exp/tanh. */
function evaluateText(text: string, names: string[], row: number[]): number {
  const formula = text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join(' ')
    .replace(/^\s*\S+\s*=/, '');
  const js = formula
    .replaceAll('^', '**')
    .replace(/\bexp\(/g, 'Math.exp(')
    .replace(/\btanh\(/g, 'Math.tanh(');
  return new Function(...names, `return ${js};`)(...row) as number;
}

describe.each(['rbf', 'tanh', 'poly', 'exp'] as const)('%s', (basis) => {
  describe.each([true, false])('scaled %s', (scaled) => {
    const m = model(basis, scaled);
    const x = rowsFor(basis);
    const n = x.length / 2;
    const expected = predictRows(m, x, n);

    it('the exported JavaScript module computes what predict computes', async () => {
      const mod = await importModule(exportModel(m, 'js'));
      expect(mod.features).toEqual(m.features);
      expect(mod.target).toBe('y');
      for (let i = 0; i < n; i++) {
        close(mod.predict(rowOf(x, i)), expected[i]);
        close(mod.predict({ x1: x[2 * i], x2: x[2 * i + 1] }), expected[i]);
      }
    });

    it('the text formula computes what predict computes', () => {
      const text = exportModel(m, 'text');
      for (let i = 0; i < n; i++) close(evaluateText(text, m.features, rowOf(x, i)), expected[i]);
    });

    it('the LaTeX has one line per unit and balanced delimiters', () => {
      const tex = exportModel(m, 'latex');
      const body = tex.slice(tex.indexOf('\\begin{aligned}'), tex.indexOf('\\end{aligned}'));
      expect(body.split('\\\\')).toHaveLength(1 + m.w.length);
      expect(count(tex, '{')).toBe(count(tex, '}'));
      expect(count(tex, '\\left(')).toBe(count(tex, '\\right)'));
      for (const t of foldModel(m).terms) expect(tex).toContain(String(Math.abs(t.weight)));
    });
  });
});

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

describe('foldModel', () => {
  it('folds the output scaling into the intercept and weights', () => {
    const m = model('rbf', true);
    const f = foldModel(m);
    expect(f.intercept).toBeCloseTo(17.25 * -0.45 + 105.5, 12);
    expect(f.terms.map((t) => t.weight)).toEqual(m.w.map((w) => 17.25 * w));
  });

  it('is the identity on the parameters of an unscaled model', () => {
    const f = foldModel(model('tanh', false));
    if (f.basis !== 'tanh') throw new Error('basis');
    expect(f.terms.map((t) => [...t.slope, t.offset])).toEqual(THETA.tanh);
    expect(f.intercept).toBe(-0.45);
  });
});

describe('exportModel', () => {
  it('rounds every number to the requested significant digits', () => {
    const text = exportModel(model('rbf', true), 'text', { digits: 3 });
    const numbers = text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join(' ')
      .match(/\d+\.?\d*(e[+-]?\d+)?/g)!;
    // Exponents in the formula (the 2 of a square) are integers; every other number has at most 3 significant digits.
    for (const v of numbers) expect(v.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(3);
    expect(numbers.length).toBeGreaterThan(10);
  });

  it('keeps full precision by default, so the numbers read back to the same doubles', () => {
    const m = model('tanh', false);
    m.w = [Math.PI, -Math.E, 1 / 3];
    const text = exportModel(m, 'text');
    expect(text).toContain(`+ ${Math.PI} * tanh(`);
    expect(text).toContain(`- ${Math.E} * tanh(`);
  });

  it('writes column names that are not identifiers so they stay readable and usable', async () => {
    const m = model('tanh', false, ['horse power', 'class']);
    const text = exportModel(m, 'text');
    expect(text).toContain('[horse power]');
    const mod = await importModule(exportModel(m, 'js'));
    const x = rowsFor('tanh', 3);
    const expected = predictRows(m, x, 3);
    for (let i = 0; i < 3; i++) close(mod.predict({ 'horse power': x[2 * i], class: x[2 * i + 1] }), expected[i]);
    expect(exportModel(m, 'latex')).toContain('\\mathrm{horse\\ power}');
  });

  it('writes indexed and special names in LaTeX', () => {
    const tex = exportModel(model('poly', false, ['x1', 'a_b%']), 'latex');
    expect(tex).toContain('x_{1}^{1.5}');
    expect(tex).toContain('\\mathrm{a\\_b\\%}');
  });

  it('spells small numbers as powers of ten in LaTeX', () => {
    const m = model('rbf', false);
    m.w = [1.5e-9, 1, 1];
    expect(exportModel(m, 'latex')).toContain('1.5 \\times 10^{-9}\\,\\exp');
  });

  it('comments say which model it is and that the scaling is folded in', () => {
    for (const [format, mark] of [
      ['text', '#'],
      ['latex', '%'],
      ['js', '//'],
    ] as const) {
      const out = exportModel(model('rbf', true), format);
      const first = out.split('\n')[0];
      expect(first.startsWith(mark)).toBe(true);
      expect(first).toContain('rbf model, 3 units: y from x1, x2');
      expect(out).toContain('scaling folded in');
    }
  });
});
