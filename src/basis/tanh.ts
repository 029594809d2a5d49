import { affine, Tensor, tanh as tanhOp } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';
import { packVectorAndScalar, unpackVectorAndScalar } from './layout.js';
import { columnQuantiles, kmeansPlusPlus } from './spread.js';

/** Slopes |a_j| (standardised inputs) are drawn from scale · [SLOPE_LO, SLOPE_HI]. */
const SLOPE_LO = 1;
const SLOPE_HI = 3;
/**
 * Slope multipliers the trainer's start search tries (docs/defaults.md): 1/16
 * (units linear to within a few per cent over ±2 standard deviations, so a
 * handful of them make a near-linear model, which small multi-feature sets
 * often want) to 32 (steps far sharper than the data's spread; co2_trend
 * picks 8 to 16).
 */
const SLOPE_SCALES = [1 / 16, 1 / 8, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

/** The near-linear candidate's slope (standardised inputs): the smallest init scale times SLOPE_LO. */
const NEAR_LINEAR_SLOPE = SLOPE_SCALES[0] * SLOPE_LO;

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
  unpack: unpackVectorAndScalar,
  pack: packVectorAndScalar,
  initScales: SLOPE_SCALES,
  canonical(theta, w) {
    // tanh is odd: (a, c, w) and (−a, −c, −w) are the same unit. The form kept has its
    // largest slope coordinate positive (a > 0 with one feature, as a logistic is written).
    theta.forEach((row, j) => {
      let k = 0;
      for (let i = 1; i < row.length - 1; i++) if (Math.abs(row[i]) > Math.abs(row[k])) k = i;
      if (row[k] < 0) {
        for (let i = 0; i < row.length; i++) row[i] = -row[i];
        w[j] = -w[j];
      }
    });
  },
  nearLinear(x) {
    // Unit k: tanh(x_k / 16), through the data's centre: within 1.2% of linear over ±3 standard deviations.
    const d = x.shape[1];
    const a = new Float64Array(d * d);
    for (let k = 0; k < d; k++) a[k * d + k] = NEAR_LINEAR_SLOPE;
    return [new Tensor(a, [d, d]), new Tensor(new Float64Array(d), [d])];
  },
  init(x, units, rng: Rng, scale = 1, jitter = false) {
    const d = x.shape[1];
    const a = new Float64Array(units * d);
    const c = new Float64Array(units);
    // Points the kinks pass through, spread over the data as rbf centres are:
    // random rows would leave gaps and clumps, which matter with many units.
    const through = d === 1 ? columnQuantiles(x, units, jitter ? rng : undefined) : kmeansPlusPlus(x, units, rng);
    for (let j = 0; j < units; j++) {
      // A random direction with a slope that makes the kink span a fraction
      // of the data's range, placed so the kink crosses its spread point:
      // every unit starts where it can bend the fit, none saturated.
      let norm = 0;
      for (let k = 0; k < d; k++) {
        a[j * d + k] = rng.normal();
        norm += a[j * d + k] ** 2;
      }
      const slope = (scale * (SLOPE_LO + (SLOPE_HI - SLOPE_LO) * rng.next())) / Math.sqrt(Math.max(norm, 1e-12));
      let dot = 0;
      for (let k = 0; k < d; k++) {
        a[j * d + k] *= slope;
        dot += a[j * d + k] * through.data[j * d + k];
      }
      c[j] = -dot;
    }
    return [new Tensor(a, [units, d]), new Tensor(c, [units])];
  },
};
