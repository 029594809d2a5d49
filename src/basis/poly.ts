import { affine, exp, log, Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';

/** 1-D exponents start evenly spread over scale · [EXP_LO, EXP_HI]. */
const EXP_LO = -1;
const EXP_HI = 3;
/** With several features, each exponent starts uniform in scale · [EXP_LO_D, EXP_HI_D]. */
const EXP_LO_D = -0.5;
const EXP_HI_D = 2;
/**
 * Spread multipliers the trainer's start search tries (docs/defaults.md).
 * Wider spreads (1.5: exponents down to -1.5) make features with a huge
 * range near x = 0 that GCV under-penalises: powerlaw's test error rose 18%.
 */
const EXPONENT_SCALES = [0.125, 0.25, 0.5, 1];

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
  initScales: EXPONENT_SCALES,
  init(x, units, rng: Rng, scale = 1, jitter = false) {
    const d = x.shape[1];
    const p = new Float64Array(units * d);
    if (d === 1) {
      // Exponents evenly over scale · [-1, 3] (at scale 1 from a reciprocal to a
      // cubic), skipping the constant (the bias b already is one).
      for (let j = 0; j < units; j++) {
        // With jitter, a random point of unit j's stratum instead of its grid point.
        const at = jitter ? (j + rng.next()) / units : units === 1 ? 0.5 : j / (units - 1);
        const e = scale * (units === 1 && !jitter ? 1 : EXP_LO + (EXP_HI - EXP_LO) * at);
        p[j] = Math.abs(e) < 1e-3 ? 0.5 * scale : e;
      }
    } else {
      for (let k = 0; k < units * d; k++) p[k] = scale * (EXP_LO_D + (EXP_HI_D - EXP_LO_D) * rng.next());
    }
    return [new Tensor(p, [units, d])];
  },
};
