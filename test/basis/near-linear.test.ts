import { describe, expect, it } from 'vitest';
import { rbf } from '../../src/basis/rbf.js';
import { tanh } from '../../src/basis/tanh.js';
import { Tensor } from '../../src/engine/index.js';
import { ridgeSolve } from '../../src/train/linear.js';
import { normal } from '../helpers/datasets.js';

/** Standardised-looking inputs: n rows of d features, each N(0, 1) and clipped to ±3. */
function inputs(n: number, d: number, seed: number): Tensor {
  const e = normal(seed);
  return new Tensor(
    Float64Array.from({ length: n * d }, () => Math.max(-3, Math.min(3, e()))),
    [n, d],
  );
}

/** R² of column k of Φ regressed on the inputs x (with an intercept), and the weights. */
function linearFit(phi: Float64Array, x: Tensor, j: number, k: number) {
  const [n, d] = x.shape;
  const col = Float64Array.from({ length: n }, (_, r) => phi[r * j + k]);
  const fit = ridgeSolve(x.data, n, d, col, 0);
  let mean = 0;
  for (const v of col) mean += v / n;
  let ss = 0;
  let res = 0;
  for (let r = 0; r < n; r++) {
    let p = fit.b;
    for (let c = 0; c < d; c++) p += fit.w[c] * x.data[r * d + c];
    res += (col[r] - p) ** 2;
    ss += (col[r] - mean) ** 2;
  }
  return { r2: 1 - res / ss, w: fit.w };
}

// How close to linear each family's near-linear units come over ±3 standard deviations:
// tanh(x_k / 16) is within about 1%; the rbf bumps add a curvature |x|² / s shared by all
// units, about 1 / (2 · 16) of their linear part per standard deviation (rbf.ts).
const CASES = [
  { family: rbf, r2: 0.99, misfit: 0.05 },
  { family: tanh, r2: 0.9999, misfit: 0.01 },
];

describe('near-linear starts (family.nearLinear)', () => {
  for (const { family, r2: minR2, misfit } of CASES) {
    it(`${family.name}: one unit per feature, each nearly linear in its own feature alone`, () => {
      const d = 4;
      const x = inputs(400, d, 5);
      const theta = family.nearLinear!(x);
      const phi = family.features(x, theta);
      expect(phi.shape).toEqual([400, d]);
      expect(phi.data.every(Number.isFinite)).toBe(true);
      for (let k = 0; k < d; k++) {
        const { r2, w } = linearFit(phi.data, x, d, k);
        expect(r2).toBeGreaterThan(minR2);
        // The unit follows its own feature; the others move it by under 1% as much.
        for (let c = 0; c < d; c++) if (c !== k) expect(Math.abs(w[c])).toBeLessThan(0.01 * Math.abs(w[k]));
      }
    });

    it(`${family.name}: its ridge fit reproduces a linear truth`, () => {
      const d = 3;
      const n = 200;
      const x = inputs(n, d, 9);
      const y = Float64Array.from({ length: n }, (_, r) => 1.5 * x.data[r * d] - 0.7 * x.data[r * d + 1] + 0.2 * x.data[r * d + 2] + 4);
      const phi = family.features(x, family.nearLinear!(x));
      const lin = ridgeSolve(phi.data, n, d, y, 1e-12);
      let sse = 0;
      let sst = 0;
      const mean = y.reduce((a, b) => a + b, 0) / n;
      for (let r = 0; r < n; r++) {
        let p = lin.b;
        for (let k = 0; k < d; k++) p += lin.w[k] * phi.data[r * d + k];
        sse += (p - y[r]) ** 2;
        sst += (y[r] - mean) ** 2;
      }
      // The fit's RMSE as a fraction of the target's standard deviation.
      expect(Math.sqrt(sse / sst)).toBeLessThan(misfit);
    });
  }
});
