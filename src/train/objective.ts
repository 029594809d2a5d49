/**
 * The model and its objective written on the engine, so every gradient —
 * w, b and θ alike — comes from reverse mode.
 */
import type { BasisFamily } from '../basis/index.js';
import { add, exp, mul, square, sub, sum, type Tensor } from '../engine/index.js';
import { predictTensor } from '../model/predict.js';

/** scale · ½ Σ_n (f_n − y_n)²: scale 1 is the L of docs/contract.md section 1, scale 1/N the mean the trainer steps on. */
export function halfSquaredError(pred: Tensor, y: Tensor, scale: number): Tensor {
  return mul(sum(square(sub(pred, y))), 0.5 * scale);
}

/** θ as the model file holds it, from the parameters training moves (logs of the positive ones). */
export function modelTheta(family: BasisFamily, raw: readonly Tensor[]): Tensor[] {
  return raw.map((t, k) => (family.positive[k] ? exp(t) : t));
}

/**
 * The training objective in the trainer's own parameterisation:
 * mean half squared error plus (λ/2)‖w‖², taking (w, b, ...rawθ).
 */
export function trainingObjective(family: BasisFamily, prepared: Tensor, y: Tensor, ridge: number) {
  const scale = 1 / y.size;
  return (w: Tensor, b: Tensor, ...raw: Tensor[]): Tensor => {
    const loss = halfSquaredError(predictTensor(family, prepared, w, b, modelTheta(family, raw)), y, scale);
    return ridge > 0 ? add(loss, mul(sum(square(w)), 0.5 * ridge)) : loss;
  };
}
