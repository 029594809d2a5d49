/** Evaluating a model file on raw rows: scaling in, basis, linear part, scaling out. */
import { families } from '../basis/index.js';
import type { BasisFamily } from '../basis/index.js';
import { add, matmul, Tensor } from '../engine/index.js';
import type { ModelFile, Scaling } from './types.js';

/** f(X) = Φθ(X) · w + b, from prepared inputs (see BasisFamily.prepare). */
export function predictTensor(family: BasisFamily, prepared: Tensor, w: Tensor, b: Tensor, theta: readonly Tensor[]): Tensor {
  return add(matmul(family.features(prepared, theta), w), b);
}
/** Raw rows (N × D, the model's feature order) -> the model's inputs (scaled as it acts on them). */
export function scaleInputs(model: ModelFile, x: Float64Array, n: number): Float64Array {
  const s = model.scaling;
  if (s === null) return x;
  const d = model.features.length;
  const out = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) out[r * d + k] = (x[r * d + k] - s.x.mean[k]) / s.x.std[k];
  return out;
}

/** Targets in the units the model acts on (scaled like its inputs). */
export function scaleTarget(y: Float64Array, scaling: Scaling | null): Float64Array {
  if (scaling === null) return y;
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] - scaling.y.mean) / scaling.y.std;
  return out;
}

/** Predictions in the target's units for N raw rows. */
export function predictRows(model: ModelFile, x: Float64Array, n: number): Float64Array {
  const family = families[model.basis];
  const d = model.features.length;
  const prepared = family.prepare(new Tensor(scaleInputs(model, x, n), [n, d]));
  const pred = predictTensor(family, prepared, Tensor.vector(model.w), Tensor.scalar(model.b), family.unpack(model.theta, d)).data;
  const s = model.scaling;
  if (s === null) return pred;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pred[i] * s.y.std + s.y.mean;
  return out;
}
