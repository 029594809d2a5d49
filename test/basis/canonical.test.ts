/**
 * BasisFamily.canonical: tanh's symmetry (a, c, w) ≡ (−a, −c, −w) written in one form, the
 * predictions bit for bit unchanged, and the form the trainer's model files hold.
 */
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { Tensor } from '../../src/engine/index.js';
import { train } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();

function predictions(theta: number[][], w: number[], x: Tensor): Float64Array {
  const phi = families.tanh.features(x, families.tanh.unpack(theta, x.shape[1])).data;
  const J = w.length;
  return Float64Array.from({ length: x.shape[0] }, (_, r) => w.reduce((s, wj, j) => s + wj * phi[r * J + j], 0));
}

describe('tanh canonical form', () => {
  it.each([1, 3])('with %i feature(s): the largest slope coordinate of every unit is positive, and predictions are bit-identical', (d) => {
    const rng = new Rng(9);
    const J = 12;
    const theta = Array.from({ length: J }, () => Array.from({ length: d + 1 }, () => 3 * rng.normal()));
    const w = Array.from({ length: J }, () => rng.normal());
    const x = new Tensor(Float64Array.from({ length: 50 * d }, () => 2 * rng.normal()), [50, d]);
    const before = predictions(theta, w, x);
    const t2 = theta.map((r) => r.slice());
    const w2 = w.slice();
    families.tanh.canonical!(t2, w2);
    expect(t2.some((r, j) => r[0] !== theta[j][0])).toBe(true);
    for (const row of t2) {
      const slopes = row.slice(0, d);
      const k = slopes.reduce((best, v, i) => (Math.abs(v) > Math.abs(slopes[best]) ? i : best), 0);
      expect(slopes[k]).toBeGreaterThan(0);
    }
    expect(Array.from(predictions(t2, w2, x))).toEqual(Array.from(before));
  });

  it('the trained model file holds that form', async () => {
    const file = writeCsv(tmp.file('steps.csv'), ['x', 'y'], curveRows({ n: 150, lo: -3, hi: 3, f: (v) => Math.tanh(3 * v) - 0.5 * Math.tanh(2 * (v - 1)), noise: 0.05, seed: 3 }));
    const { model } = await train({ file, basis: 'tanh', units: 8, epochs: 5, out: null, committee: 0 });
    for (const row of model!.theta) expect(row[0]).toBeGreaterThanOrEqual(0);
  });
});
