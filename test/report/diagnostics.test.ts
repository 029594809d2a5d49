import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { BasisName, ModelFile, Scaling } from '../../src/model/index.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { train } from '../../src/train/train.js';
import { COLLAPSE, DUPLICATE, diagnose, diagnosticsSummary, EXPLOSION, SATURATION } from '../../src/report/diagnostics.js';

const plain = new Chalk({ level: 0 });

function model(basis: BasisName, theta: number[][], w: number[], scaling: Scaling | null = null, features = ['x']): ModelFile {
  return { format: 'basisfit-model', version: 1, basis, features, target: 'y', theta, w, b: 0, scaling, training: { seed: 1, epochs: 1 } };
}

/** n evenly spaced values from lo to hi. */
function even(n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

describe('share of the fit', () => {
  it('is |w_j| times the spread of φ_j, normalised over the units', () => {
    const x = even(201, -3, 3);
    const theta = [
      [-1, 0.5],
      [1.5, 2],
      [0, 1],
    ];
    const w = [2, -0.5, 0];
    const dx = diagnose(model('rbf', theta, w), x, x.length);
    // The spread computed independently, straight from the formula.
    const sd = theta.map(([c, s]) => {
      const phi = Array.from(x, (v) => Math.exp(-((v - c) ** 2) / s));
      const mean = phi.reduce((a, b) => a + b, 0) / phi.length;
      return Math.sqrt(phi.reduce((a, b) => a + (b - mean) ** 2, 0) / phi.length);
    });
    const raw = sd.map((s, j) => Math.abs(w[j]) * s);
    const total = raw.reduce((a, b) => a + b, 0);
    dx.units.forEach((u, j) => {
      expect(u.unit).toBe(j + 1);
      expect(u.share).toBeCloseTo(raw[j] / total, 12);
    });
    expect(dx.units[2].share).toBe(0);
    expect(dx.units.reduce((a, u) => a + u.share, 0)).toBeCloseTo(1, 12);
  });

  it('does not depend on the scaling of the target', () => {
    const x = even(50, 0, 5);
    const theta = [
      [1, 1],
      [4, 0.5],
    ];
    const scaled: Scaling = { x: { mean: [0], std: [1] }, y: { mean: 7, std: 30 } };
    const a = diagnose(model('rbf', theta, [1, 3]), x, x.length);
    const b = diagnose(model('rbf', theta, [1, 3], scaled), x, x.length);
    expect(b.units.map((u) => u.share)).toEqual(a.units.map((u) => u.share));
  });
});

describe('tanh saturation', () => {
  // x in [-1, -0.1] ∪ [0.1, 1]: a steep unit through 0 is a step that is saturated on every row.
  const x = Float64Array.from([...even(40, -1, -0.1), ...even(40, 0.1, 1)]);

  it('flags units with |a·x + c| at or above the threshold on every row, and only those', () => {
    const theta = [
      [50, 200], // 150..250 everywhere: a constant
      [1, 0], // |z| <= 1: fine
      [60, 0], // |z| >= 6 on both sides: a hard step
      [SATURATION, 0], // |z| reaches 0.3 at x = 0.1: not saturated everywhere
    ];
    const dx = diagnose(model('tanh', theta, [1, 1, 1, 1]), x, x.length);
    expect(dx.saturated).toEqual([1, 3]);
    expect(dx.units[0].flags).toContain('saturated');
    expect(dx.units[1].flags).not.toContain('saturated');
  });

  it('judges saturation on the inputs as the model acts on them', () => {
    // The model sees x / 0.001: a slope of 0.1 becomes 100 per raw unit, so |z| >= 10 for |x| >= 0.1.
    const scaling: Scaling = { x: { mean: [0], std: [0.001] }, y: { mean: 0, std: 1 } };
    const raw = diagnose(model('tanh', [[0.1, 0]], [1]), x, x.length);
    const scaled = diagnose(model('tanh', [[0.1, 0]], [1], scaling), x, x.length);
    expect(raw.saturated).toEqual([]);
    expect(scaled.saturated).toEqual([1]);
  });
});

describe('rbf widths', () => {
  const x = even(100, 0, 99); // neighbouring rows 1 apart

  it('flags bumps narrower than the gap between rows as collapsed and bumps wider than the data as exploded', () => {
    const narrow = (COLLAPSE * 0.8) ** 2;
    const fine = 4;
    // φ ≥ exp(-99² / s) on every row, above EXPLOSION for this s.
    const wide = (99 * 99) / -Math.log(EXPLOSION) + 1;
    const theta = [
      [50.5, narrow],
      [20, fine],
      [50, wide],
      [10, (COLLAPSE * 1.2) ** 2],
    ];
    const dx = diagnose(model('rbf', theta, [1, 1, 1, 1]), x, x.length);
    expect(dx.collapsed).toEqual([1]);
    expect(dx.exploded).toEqual([3]);
    expect(dx.units.map((u) => u.flags)).toEqual([['collapsed'], [], ['exploded'], []]);
  });

  it('measures the gap on the scaled inputs, so rescaling the data does not change the verdict', () => {
    const std = 25;
    const scaling: Scaling = { x: { mean: [50], std: [std] }, y: { mean: 0, std: 1 } };
    // The same bumps expressed for the scaled inputs (centre (c - 50)/25, width s/25²).
    const theta = [
      [(50.5 - 50) / std, (COLLAPSE * 0.8) ** 2 / std ** 2],
      [(20 - 50) / std, 4 / std ** 2],
    ];
    expect(diagnose(model('rbf', theta, [1, 1], scaling), x, x.length).collapsed).toEqual([1]);
  });

  it('estimates the gap from a subset of a large data set at the full data set spacing', () => {
    const big = even(6001, 0, 6000); // gap 1, more rows than the pairwise subset
    const theta = [
      [100.5, (COLLAPSE * 0.9) ** 2],
      [200.5, (COLLAPSE * 1.1) ** 2],
    ];
    expect(diagnose(model('rbf', theta, [1, 1]), big, big.length).collapsed).toEqual([1]);
  });

  it('ignores repeated x values when measuring the gap', () => {
    // Each value five times: the gap between distinct values is still 1.
    const repeated = Float64Array.from({ length: 100 }, (_, i) => Math.floor(i / 5));
    const dx = diagnose(model('rbf', [[10.5, (COLLAPSE * 0.8) ** 2]], [1]), repeated, repeated.length);
    expect(dx.collapsed).toEqual([1]);
  });
});

describe('near-duplicate units', () => {
  const x = even(120, -2, 2);

  it('pairs rbf units that compute the same bump', () => {
    const theta = [
      [0.5, 1],
      [-1, 0.3],
      [0.5, 1.0000001],
    ];
    const dx = diagnose(model('rbf', theta, [1, 1, -2]), x, x.length);
    expect(dx.duplicates).toEqual([[1, 3]]);
    expect(dx.units.map((u) => u.flags.includes('duplicate'))).toEqual([true, false, true]);
  });

  it('pairs a tanh unit with its mirror image, which is the same unit with the opposite sign', () => {
    const theta = [
      [1.2, 0.3],
      [-1.2, -0.3],
      [0.4, -1],
    ];
    const dx = diagnose(model('tanh', theta, [1, 1, 1]), x, x.length);
    expect(dx.duplicates).toEqual([[1, 2]]);
  });

  it('leaves units below the correlation threshold alone', () => {
    // Two power laws close to each other: correlated, but measurably below DUPLICATE.
    const pos = even(100, 1, 3);
    const theta = [[1], [3]];
    const dx = diagnose(model('poly', theta, [1, 1]), pos, pos.length);
    const a = Array.from(pos, (v) => v);
    const b = Array.from(pos, (v) => v ** 3);
    expect(Math.abs(correlation(a, b))).toBeLessThan(DUPLICATE);
    expect(dx.duplicates).toEqual([]);
  });
});

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('several features', () => {
  it('diagnoses rows of D features in the model order', () => {
    // x1 carries the signal, x2 is offset so a unit along x2 alone saturates.
    const n = 60;
    const x = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[2 * i] = -1 + (2 * i) / (n - 1);
      x[2 * i + 1] = 10 + (i % 7) / 7;
    }
    const theta = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    const dx = diagnose(model('tanh', theta, [1, 1], null, ['x1', 'x2']), x, n);
    expect(dx.saturated).toEqual([2]);
    expect(dx.rows).toBe(n);
  });
});

describe('diagnosticsSummary', () => {
  it('names the problem units and the largest shares', () => {
    const x = even(100, 0, 99);
    const dx = diagnose(
      model(
        'rbf',
        [
          [50, 100],
          [50, 100.00001],
          [20, 0.01],
        ],
        [3, 1, 0.5],
      ),
      x,
      x.length,
    );
    const text = diagnosticsSummary(dx, plain);
    expect(text).toMatch(/share of the fit by unit: 1 \d+%, 2 \d+%, 3 \d+%/);
    expect(text).toMatch(/rbf unit 3 collapsed/);
    expect(text).toMatch(/near-duplicate units .*: 1~2/);
    expect(text).not.toMatch(/exploded|saturated/);
  });

  it('has no warning lines for a healthy model', () => {
    const x = even(100, -3, 3);
    const dx = diagnose(
      model(
        'tanh',
        [
          [1, 0],
          [0.5, 1],
        ],
        [1, 1],
      ),
      x,
      x.length,
    );
    const text = diagnosticsSummary(dx, plain);
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).not.toContain('diagnostics:');
  });
});

describe('train --json', () => {
  it('reports the diagnostics of the model it writes, on the rows it trained on', async () => {
    const file = fileURLToPath(new URL('../../data/sinc.csv', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'basisfit-diag-'));
    const out = join(dir, 'm.json');
    const run = await runCli(['train', file, '--basis', 'rbf', '--units', '6', '--epochs', '5', '--seed', '3', '--out', out, '--json', '--quiet']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    const written = JSON.parse(readFileSync(out, 'utf8')) as ModelFile;
    // The same rows train() trains on: its split and its seed.
    const { rows } = await train({ file, basis: 'rbf', units: 6, epochs: 5, seed: 3, out: null });
    expect(doc.diagnostics.units).toHaveLength(6);
    expect(doc.diagnostics.rows).toBe(rows.train.n);
    expect(doc.diagnostics).toEqual(JSON.parse(JSON.stringify(diagnose(written, rows.train.x, rows.train.n))));
  });
});
