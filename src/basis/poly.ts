import { affine, exp, log, Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';

/**
 * Learned exponents: φ_j(x) = ∏_d x_d^p_jd = exp(p_j · log x); θ_j = [p_j1 .. p_jD].
 * Needs x_d > 0; log x is computed once per data set since x is data.
 */
export const poly: BasisFamily = {
  name: 'poly',
  formula: 'phi_j(x) = prod_d x_d ^ p_jd',
  paramNames: ['exponents'],
  positive: [false],
  thetaWidth: (d) => d,
  prepare: (x) => log(x),
  features(logx, [p]) {
    return exp(affine(logx, p));
  },
  unpack(theta, d) {
    const J = theta.length;
    const p = new Float64Array(J * d);
    theta.forEach((row, j) => {
      for (let k = 0; k < d; k++) p[j * d + k] = row[k];
    });
    return [new Tensor(p, [J, d])];
  },
  pack([p], d) {
    return Array.from({ length: p.shape[0] }, (_, j) => Array.from(p.data.subarray(j * d, (j + 1) * d)));
  },
  init(x, units, rng: Rng) {
    const d = x.shape[1];
    const p = new Float64Array(units * d);
    if (d === 1) {
      // Exponents evenly over [-1, 3]: from a reciprocal to a cubic, skipping the
      // constant (the bias b already is one).
      for (let j = 0; j < units; j++) {
        const e = units === 1 ? 1 : -1 + (4 * j) / (units - 1);
        p[j] = Math.abs(e) < 1e-3 ? 0.5 : e;
      }
    } else {
      for (let k = 0; k < units * d; k++) p[k] = -0.5 + 2.5 * rng.next();
    }
    return [new Tensor(p, [units, d])];
  },
};
