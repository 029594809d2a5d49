import { affine, exp as expOp, Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';

/**
 * At init scale 1, rate magnitudes |a_j| run geometrically from RATE_LO to
 * RATE_HI over 1/range of the data: from a unit that changes by e^0.5 across
 * the data (nearly linear) to one that changes by e^4 (a sharp decay).
 */
const RATE_LO = 0.5;
const RATE_HI = 4;
/**
 * |a_j · x| stays below this on the data at the start, so no unit starts near
 * overflow (e^40 ≈ 2e17) or as a wall of zeros, even on inputs far from 0.
 */
const MAX_EXPONENT = 40;
/**
 * Rate multipliers the start search tries: from nearly linear units to sharp decays. A
 * negative scale makes every unit a decay (|scale| as the multiplier): with signs that
 * alternate, a sum of two decays (NIST's MGH17 form) started from a decay and a growth and
 * ended at a cancelling pair of growths, 1300 × the least-squares optimum's RSS.
 */
const RATE_SCALES = [0.25, 0.5, 1, 2, 4, -0.25, -0.5, -1, -2, -4];

/**
 * Exponentials: φ_j(x) = exp(a_j · x); θ_j = [a_j1 .. a_jD]. Sums of these are
 * decay (a < 0) and growth (a > 0) curves; there is no offset, since
 * exp(a·x + c) = e^c·exp(a·x) and e^c is already the weight w_j.
 */
export const exp: BasisFamily = {
  name: 'exp',
  formula: 'phi_j(x) = exp(a_j . x)',
  paramNames: ['rates'],
  positive: [false],
  thetaWidth: (d) => d,
  prepare: (x) => x,
  features(x, [a]) {
    return expOp(affine(x, a));
  },
  unpack(theta, d) {
    const J = theta.length;
    const a = new Float64Array(J * d);
    theta.forEach((row, j) => {
      for (let k = 0; k < d; k++) a[j * d + k] = row[k];
    });
    return [new Tensor(a, [J, d])];
  },
  pack([a], d) {
    return Array.from({ length: a.shape[0] }, (_, j) => Array.from(a.data.subarray(j * d, (j + 1) * d)));
  },
  initScales: RATE_SCALES,
  init(x, units, rng: Rng, scale = 1, jitter = false) {
    const [n, d] = x.shape;
    const a = new Float64Array(units * d);
    // The data's extent along each feature: its range and its largest magnitude.
    const range = new Float64Array(d);
    const reach = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let r = 0; r < n; r++) {
        const v = x.data[r * d + k];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      range[k] = hi > lo ? hi - lo : 1;
      reach[k] = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
    }
    const decays = scale < 0;
    for (let j = 0; j < units; j++) {
      // Magnitudes spread geometrically; signs alternate, decays first (units 0, 2, ...), or all decay.
      // With jitter, a random point of unit j's stratum of [0, 1] instead of its grid point.
      const q = jitter ? (j + rng.next()) / units : units === 1 ? 0.5 : j / (units - 1);
      const magnitude = Math.abs(scale) * RATE_LO * (RATE_HI / RATE_LO) ** q;
      const sign = decays || j % 2 === 0 ? -1 : 1;
      if (d === 1) {
        a[j] = sign * Math.min(magnitude / range[0], MAX_EXPONENT / reach[0]);
        continue;
      }
      // Several features: a random direction, each coordinate in its feature's units.
      let norm = 0;
      const dir = new Float64Array(d);
      for (let k = 0; k < d; k++) {
        const v = rng.normal();
        // All decays: the rate is negative along every feature.
        dir[k] = decays ? -Math.abs(v) : v;
        norm += v * v;
      }
      norm = Math.sqrt(Math.max(norm, 1e-24));
      let exponent = 0;
      for (let k = 0; k < d; k++) {
        a[j * d + k] = (magnitude * dir[k]) / norm / range[k];
        exponent += Math.abs(a[j * d + k]) * reach[k];
      }
      if (exponent > MAX_EXPONENT) for (let k = 0; k < d; k++) a[j * d + k] *= MAX_EXPONENT / exponent;
    }
    return [new Tensor(a, [units, d])];
  },
};
