/**
 * The bootstrap as a second way to the uncertainty of a fit (train --bootstrap B):
 * B refits on rows drawn with replacement, each warm-started from the fit
 * (src/train/bootstrap.ts), give B versions f_b of the fitted function.
 *
 * - standard errors: the spread (sample sd) of each stored parameter over the
 *   refits; the warm start keeps unit j of every refit unit j of the fit;
 * - the mean band at level 1 − α: the α/2 and 1 − α/2 quantiles of f_b(x)
 *   (the percentile method);
 * - a new observation: the same quantiles of f_b(x) + r over the refits and a
 *   pool of the fit's residuals r, centred and inflated by √(N/ν) so their
 *   spread is that of the noise rather than of the (smaller) training residuals.
 *
 * Nothing here assumes the fit is at a stationary point, that the noise is
 * Gaussian, or that f is close to linear in its parameters; the price is B
 * refits at train time and B predictions per row at predict time.
 */
import { families } from '../basis/index.js';
import { Tensor } from '../engine/index.js';
import { predictRows, predictTensor } from '../model/predict.js';
import type { ModelFile } from '../model/types.js';
import { type BootstrapReplicate, type ModelUncertainty, RESIDUAL_POOL, type UncertaintyReport } from './types.js';

/** Rows per block of B predictions at predict time: bounds the B × rows block in memory. */
const CHUNK_ROWS = 2048;

export function bootstrapMethod(replicates: number): string {
  return `bootstrap percentile (${replicates} refits on resampled rows, warm-started from the fit)`;
}

export interface BootstrapInput {
  model: ModelFile;
  replicates: readonly BootstrapReplicate[];
  /** The fit's residuals y − f on the rows it was solved on, in the model's units. */
  residuals: Float64Array;
  /** ν: the residual degrees of freedom (the delta method's effective one when it had one). */
  dof: number;
  /** What the delta method found, kept beside the bootstrap's numbers when there is one. */
  delta: UncertaintyReport | null;
}

/** train's report and the model file's field for a bootstrap fit. */
export function bootstrapUncertainty(input: BootstrapInput): { report: UncertaintyReport; stored: ModelUncertainty } {
  const { model, replicates } = input;
  const n = input.residuals.length;
  const ys = model.scaling?.y.std ?? 1;
  const pool = residualPool(input.residuals, input.dof);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += input.residuals[i] ** 2;
  const sigma = Math.sqrt(ss / input.dof) * ys;
  const method = bootstrapMethod(replicates.length);
  const spread = (get: (r: BootstrapReplicate) => number) => sampleSd(replicates.map(get));
  const report: UncertaintyReport = {
    sigma,
    dof: input.dof,
    stderr: {
      w: model.w.map((_, j) => spread((r) => r.w[j])),
      b: model.training.intercept === false ? null : spread((r) => r.b),
      theta: model.theta.map((row, j) => row.map((_, k) => spread((r) => r.theta[j][k]))),
    },
    method,
    replicates: replicates.length,
    ...(input.delta ? { newton_step_se: input.delta.newton_step_se, condition: input.delta.condition } : {}),
  };
  return { report, stored: { method, parameters: 'w,b,theta', sigma, dof: input.dof, bootstrap: { replicates: replicates.map(copyReplicate), residuals: pool } } };
}

/** y − f on rows already scaled as the model acts on them, in the model's units. */
export function fitResiduals(model: ModelFile, x: Float64Array, y: Float64Array, n: number): Float64Array {
  const family = families[model.basis];
  const X = family.prepare(new Tensor(x, [n, model.features.length]));
  const f = predictTensor(family, X, Tensor.vector(model.w), Tensor.scalar(model.b), family.unpack(model.theta, model.features.length)).data;
  return Float64Array.from(y, (v, i) => v - f[i]);
}

function copyReplicate(r: BootstrapReplicate): BootstrapReplicate {
  return { theta: r.theta.map((row) => [...row]), w: [...r.w], b: r.b };
}

export function sampleSd(v: readonly number[]): number {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(v.length - 1, 1));
}

/** Centred, inflated by √(N/ν), sorted; at most RESIDUAL_POOL of them (evenly spaced quantiles beyond). */
export function residualPool(residuals: Float64Array, dof: number): number[] {
  const n = residuals.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += residuals[i];
  mean /= n;
  const inflate = Math.sqrt(n / dof);
  const sorted = Float64Array.from(residuals, (r) => (r - mean) * inflate).sort();
  if (n <= RESIDUAL_POOL) return Array.from(sorted);
  return Array.from({ length: RESIDUAL_POOL }, (_, k) => quantileSorted(sorted, (k + 0.5) / RESIDUAL_POOL));
}

/** Linear interpolation between order statistics (R's type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The q quantile of {v_b + r_k : all b, k} (B·K equally likely sums) without
 * forming them: bisection on the step distribution function, each evaluation
 * B binary searches in the sorted pool. Returns the ⌈q·B·K⌉-th smallest sum
 * (q·B·K rounded first, so 0.1·30 is 3, not 3.0000000000000004) to within a few ulps.
 */
export function sumQuantile(v: Float64Array, pool: readonly number[], q: number): number {
  const k = pool.length;
  const target = sumRank(q, v.length * k);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    lo = Math.min(lo, x + pool[0]);
    hi = Math.max(hi, x + pool[k - 1]);
  }
  const below = (z: number) => {
    let count = 0;
    for (const x of v) count += upperBound(pool, z - x);
    return count;
  };
  lo -= Math.abs(lo) * 1e-15 + Number.MIN_VALUE;
  for (let it = 0; it < 200 && hi - lo > Math.abs(hi) * 2e-16 + Number.MIN_VALUE; it++) {
    const mid = lo + (hi - lo) / 2;
    if (below(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The rank (1-based) of the q quantile among `total` equally likely values. */
export function sumRank(q: number, total: number): number {
  return Math.min(Math.max(Math.ceil(q * total - 1e-9), 1), total);
}

/** The number of pool entries ≤ z. */
function upperBound(pool: readonly number[], z: number): number {
  let a = 0;
  let b = pool.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (pool[m] <= z) a = m + 1;
    else b = m;
  }
  return a;
}

export interface Bands {
  meanLower: Float64Array;
  meanUpper: Float64Array;
  obsLower: Float64Array;
  obsUpper: Float64Array;
}

/** Percentile bands at `level` for N raw rows (N × D, the model's feature order), in the target's units. */
export function bootstrapBands(model: ModelFile, u: ModelUncertainty, x: Float64Array, n: number, level: number): Bands {
  const boot = u.bootstrap!;
  const ys = model.scaling?.y.std ?? 1;
  // The pool is in the model's units; predictions come in the target's.
  const pool = boot.residuals.map((r) => r * ys);
  const lowQ = (1 - level) / 2;
  const highQ = 1 - lowQ;
  const out: Bands = { meanLower: new Float64Array(n), meanUpper: new Float64Array(n), obsLower: new Float64Array(n), obsUpper: new Float64Array(n) };
  const d = model.features.length;
  const B = boot.replicates.length;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, n - start);
    const rows = x.subarray(start * d, (start + m) * d);
    const preds = boot.replicates.map((r) => predictRows({ ...model, theta: r.theta, w: r.w, b: r.b }, rows, m));
    const v = new Float64Array(B);
    for (let i = 0; i < m; i++) {
      for (let b = 0; b < B; b++) v[b] = preds[b][i];
      v.sort();
      out.meanLower[start + i] = quantileSorted(v, lowQ);
      out.meanUpper[start + i] = quantileSorted(v, highQ);
      out.obsLower[start + i] = sumQuantile(v, pool, lowQ);
      out.obsUpper[start + i] = sumQuantile(v, pool, highQ);
    }
  }
  return out;
}
