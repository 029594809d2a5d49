import { div, exp, sqdist, Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BasisFamily } from './family.js';
import { packVectorAndScalar, unpackVectorAndScalar } from './layout.js';
import { columnQuantiles, kmeansPlusPlus, nearestNeighbourSqDist } from './spread.js';

/** s_j = WIDTH_FACTOR · (squared distance to the nearest other centre) / scale. */
const WIDTH_FACTOR = 2;
/**
 * Width divisors the trainer's start search tries (docs/defaults.md): 4^-6 .. 4,
 * from bumps wider than the data (σ about 4 standard deviations at 80 units,
 * for nearly polynomial curves such as powerlaw) to bumps narrower than their
 * spacing (fine detail such as co2_trend's).
 */
const WIDTH_SCALES = [4 ** -6, 4 ** -5, 4 ** -4, 4 ** -3, 4 ** -2, 4 ** -1, 1, 4];

/**
 * The near-linear start (nearLinear): bump k centred L = 16 standard deviations
 * out on feature k's negative side, width s = 48 L. Then
 * φ_k = e^(−L/48) · exp(−2L x_k / s) · exp(−‖x‖² / s): over ±3 standard deviations
 * the first exponent moves by 0.25 (about 1% curvature), and the last, shared by
 * all units, adds a curvature about 1/(2L) of the linear part per standard
 * deviation. The height e^(−1/3) is far from underflow.
 */
const NEAR_LINEAR_DISTANCE = 16;
const NEAR_LINEAR_WIDTH = 48 * NEAR_LINEAR_DISTANCE;

/** Gaussian bumps: φ_j(x) = exp(-‖x - c_j‖² / s_j); θ_j = [c_j1 .. c_jD, s_j]. */
export const rbf: BasisFamily = {
  name: 'rbf',
  formula: 'phi_j(x) = exp(-||x - c_j||^2 / s_j)',
  paramNames: ['centres', 'widths'],
  positive: [false, true],
  thetaWidth: (d) => d + 1,
  prepare: (x) => x,
  features(x, [c, s]) {
    // exp(−‖x − c_j‖² / s_j), with the division folded into the distance's per-unit weight −1/s_j.
    return exp(sqdist(x, c, div(-1, s)));
  },
  unpack: unpackVectorAndScalar,
  pack: packVectorAndScalar,
  initScales: WIDTH_SCALES,
  nearLinear(x) {
    const d = x.shape[1];
    const c = new Float64Array(d * d);
    for (let k = 0; k < d; k++) c[k * d + k] = -NEAR_LINEAR_DISTANCE;
    return [new Tensor(c, [d, d]), new Tensor(new Float64Array(d).fill(NEAR_LINEAR_WIDTH), [d])];
  },
  init(x, units, rng: Rng, scale = 1, jitter = false) {
    const [n, d] = x.shape;
    // Centres spread over the data: quantiles in 1-D, k-means++ seeding otherwise.
    const c = d === 1 ? columnQuantiles(x, units, jitter ? rng : undefined) : kmeansPlusPlus(x, units, rng);
    // Widths from the spacing: each bump reaches about its nearest neighbour,
    // so neighbouring bumps overlap and the sum can be smooth.
    const nn = nearestNeighbourSqDist(c);
    const s = new Float64Array(units);
    let fallback = 0;
    for (let k = 0; k < n * d; k++) fallback += x.data[k] * x.data[k];
    fallback = Math.max(fallback / Math.max(n, 1), 1e-6);
    for (let j = 0; j < units; j++) s[j] = (Number.isFinite(nn[j]) && nn[j] > 0 ? WIDTH_FACTOR * nn[j] : fallback) / scale;
    return [c, new Tensor(s, [units])];
  },
};
