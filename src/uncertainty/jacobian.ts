/**
 * g(x) = ∂f(x)/∂(stored parameters) for many rows at once, from the engine's
 * forward-mode Jacobian of the model's own predictTensor (never finite
 * differences), with the columns put in the model file's layout:
 * w_1..w_J, b, θ_1 (row 1 of `theta`) .. θ_J. Shared by train (the covariance)
 * and predict (the delta method), so both differentiate the same function.
 */
import { families } from '../basis/index.js';
import type { BasisFamily } from '../basis/index.js';
import { columnwiseJacobianPasses, Tensor } from '../engine/index.js';
import { predictFromFeatures } from '../model/predict.js';
import type { ModelFile } from '../model/types.js';
import { finish, type Steps } from '../util/steps.js';
import type { CovarianceParameters } from './types.js';

/**
 * For each element of the family's parameter tensors (in the engine's argument
 * order), its index in the model file's θ rows, flattened: unpacking a θ whose
 * entries are their own indices reads the layout off the family itself, so a
 * new family needs no bookkeeping here.
 */
function thetaLayout(family: BasisFamily, theta: readonly (readonly number[])[], d: number): Int32Array {
  const width = theta[0]?.length ?? 0;
  const marked = theta.map((row, j) => row.map((_, k) => j * width + k));
  const tensors = family.unpack(marked, d);
  const out = new Int32Array(tensors.reduce((s, t) => s + t.size, 0));
  let i = 0;
  for (const t of tensors) for (const v of t.data) out[i++] = v;
  return out;
}

export interface JacobianRows {
  /** N × P, row-major, columns in the model file's layout. */
  J: Float64Array;
  /** f at the rows, in the model's units (before s_y). */
  value: Float64Array;
  p: number;
}

/**
 * ∂f/∂(w, b[, θ]) at N rows that are already scaled as the model acts on them
 * (N × D row-major), with f in the model's units.
 */
export function parameterJacobian(model: ModelFile, scaledX: Float64Array, n: number, which: CovarianceParameters): JacobianRows {
  return finish(parameterJacobianPasses(model, scaledX, n, which));
}

/**
 * parameterJacobian, yielding after each forward pass. f = Φθ·w + b, so the
 * w columns are Φ, b's is 1, and θ_j's are w_j·∂φ_j/∂θ_j: φ_j depends on
 * unit j alone, which columnwiseJacobian uses to take one pass per position
 * in a unit's θ (D + 1 for rbf) rather than one per parameter.
 */
export function* parameterJacobianPasses(model: ModelFile, scaledX: Float64Array, n: number, which: CovarianceParameters): Steps<JacobianRows> {
  const family = families[model.basis];
  const d = model.features.length;
  const X = family.prepare(new Tensor(scaledX, [n, d]));
  const w = Tensor.vector(model.w);
  const theta = family.unpack(model.theta, d);
  const jw = model.w.length;
  const units = which === 'w,b' ? { value: family.features(X, theta).data, t: new Float64Array(0) } : yield* columnwiseJacobianPasses((...th) => family.features(X, th), theta);
  const phi = units.value;
  const layout = which === 'w,b' ? new Int32Array(0) : thetaLayout(family, model.theta, d);
  const p = jw + 1 + layout.length;
  // The unit each θ entry belongs to, in the engine's argument order (none under 'w,b').
  const unitOf = new Int32Array(layout.length);
  let o = 0;
  for (const t of layout.length > 0 ? theta : []) {
    const width = t.size / jw;
    for (let e = 0; e < t.size; e++) unitOf[o + e] = Math.floor(e / width);
    o += t.size;
  }
  const J = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    const row = r * p;
    for (let k = 0; k < jw; k++) J[row + k] = phi[r * jw + k];
    J[row + jw] = 1;
    for (let q = 0; q < layout.length; q++) J[row + jw + 1 + layout[q]] = model.w[unitOf[q]] * units.t[r * layout.length + q];
  }
  const value = predictFromFeatures(new Tensor(phi, [n, jw]), w, Tensor.scalar(model.b)).data;
  return { J, value, p };
}

/** A gradient given per engine argument (w, b, ...θ tensors) -> one vector in the model file's layout. */
export function toFileLayout(model: ModelFile, grads: readonly Tensor[]): Float64Array {
  const family = families[model.basis];
  const layout = thetaLayout(family, model.theta, model.features.length);
  const jw = model.w.length;
  const out = new Float64Array(jw + 1 + layout.length);
  out.set(grads[0].data, 0);
  out[jw] = grads[1].data[0];
  let i = 0;
  for (const g of grads.slice(2)) for (const v of g.data) out[jw + 1 + layout[i++]] = v;
  return out;
}
