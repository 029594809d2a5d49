import { affine, tanh as tanhOp, Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';

/** Sigmoidal units: φ_j(x) = tanh(a_j · x + c_j); θ_j = [a_j1 .. a_jD, c_j]. */
export const tanh: BasisFamily = {
  name: 'tanh',
  formula: 'phi_j(x) = tanh(a_j . x + c_j)',
  paramNames: ['slopes', 'offsets'],
  positive: [false, false],
  thetaWidth: (d) => d + 1,
  prepare: (x) => x,
  features(x, [a, c]) {
    return tanhOp(affine(x, a, c));
  },
  unpack(theta, d) {
    const J = theta.length;
    const a = new Float64Array(J * d);
    const c = new Float64Array(J);
    theta.forEach((row, j) => {
      for (let k = 0; k < d; k++) a[j * d + k] = row[k];
      c[j] = row[d];
    });
    return [new Tensor(a, [J, d]), new Tensor(c, [J])];
  },
  pack([a, c], d) {
    return Array.from({ length: c.size }, (_, j) => [...a.data.subarray(j * d, (j + 1) * d), c.data[j]]);
  },
  init(x, units, rng: Rng) {
    const [n, d] = x.shape;
    const a = new Float64Array(units * d);
    const c = new Float64Array(units);
    for (let j = 0; j < units; j++) {
      // A random direction with a slope that makes the kink span a fraction
      // of the data's range, placed so the kink crosses a random data row:
      // every unit starts where it can bend the fit, none saturated.
      let norm = 0;
      for (let k = 0; k < d; k++) {
        a[j * d + k] = rng.normal();
        norm += a[j * d + k] ** 2;
      }
      const slope = (1 + 2 * rng.next()) / Math.sqrt(Math.max(norm, 1e-12));
      const row = rng.int(n);
      let dotRow = 0;
      for (let k = 0; k < d; k++) {
        a[j * d + k] *= slope;
        dotRow += a[j * d + k] * x.data[row * d + k];
      }
      c[j] = -dotRow;
    }
    return [new Tensor(a, [units, d]), new Tensor(c, [units])];
  },
};
