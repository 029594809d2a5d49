/**
 * predict --interval (the bootstrap's percentile bands are in bootstrap.ts): for each row the delta-method band of the mean,
 * f̂(x) ± t·s_y·√(g(x)ᵀ Cov g(x)), and of a new observation,
 * f̂(x) ± t·√(s_y² g(x)ᵀ Cov g(x) + σ̂²), with g = ∂f/∂(stored parameters)
 * from the engine and t the (1 + level)/2 quantile of Student's t with the
 * model's ν. In the target's own units.
 */
import { ModelError } from '../errors.js';
import { predictRows, scaleInputs } from '../model/predict.js';
import type { ModelFile } from '../model/types.js';
import { bootstrapBands } from './bootstrap.js';
import { parameterJacobian } from './jacobian.js';
import { factorQuadratic } from './linalg.js';
import { studentTQuantile } from './student-t.js';
import type { ModelUncertainty } from './types.js';

export interface Intervals {
  prediction: Float64Array;
  meanLower: Float64Array;
  meanUpper: Float64Array;
  obsLower: Float64Array;
  obsUpper: Float64Array;
  level: number;
  method: string;
}

/** Rows per Jacobian: bounds the N × P block in memory (P = 81 for 80 units: about 2.6 MB). */
const CHUNK_ROWS = 4096;

/** The model's stored uncertainty, or a one-line error saying how to get one. */
export function requireUncertainty(model: ModelFile, modelPath?: string): ModelUncertainty {
  if (model.uncertainty === undefined) {
    throw new ModelError(
      'the model has no uncertainty to draw intervals from (trained by an older basisfit, or training could not estimate it)',
      modelPath,
      're-train with this version of basisfit (train prints a warning when it cannot estimate standard errors), then predict --interval again',
    );
  }
  return model.uncertainty;
}

/**
 * Intervals at `level` (0 < level < 1) for N raw rows (N × D, the model's feature order);
 * `prediction`, when the caller has them already, are the model's predictions of those rows.
 */
export function predictIntervals(model: ModelFile, x: Float64Array, n: number, level: number, modelPath?: string, prediction = predictRows(model, x, n)): Intervals {
  const u = requireUncertainty(model, modelPath);
  if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be between 0 and 1, got ${level}`);
  if (u.bootstrap) return { prediction, ...bootstrapBands(model, u, x, n, level), level, method: u.method };
  const factor = u.factor!;
  const t = studentTQuantile((1 + level) / 2, u.dof);
  const out: Intervals = {
    prediction,
    meanLower: new Float64Array(n),
    meanUpper: new Float64Array(n),
    obsLower: new Float64Array(n),
    obsUpper: new Float64Array(n),
    level,
    method: u.method,
  };
  const sigma2 = u.sigma * u.sigma;
  const varMean = meanVariances(model, factor, u.parameters, x, n);
  for (let i = 0; i < n; i++) {
    const halfMean = t * Math.sqrt(varMean[i]);
    const halfObs = t * Math.sqrt(varMean[i] + sigma2);
    out.meanLower[i] = prediction[i] - halfMean;
    out.meanUpper[i] = prediction[i] + halfMean;
    out.obsLower[i] = prediction[i] - halfObs;
    out.obsUpper[i] = prediction[i] + halfObs;
  }
  return out;
}

/** The delta method's variance of f at each of N raw rows, in the target's units, a chunk of Jacobian rows at a time. */
export function meanVariances(model: ModelFile, factor: readonly (readonly number[])[], parameters: ModelUncertainty['parameters'], x: Float64Array, n: number): Float64Array {
  const d = model.features.length;
  const ys = model.scaling?.y.std ?? 1;
  const scaled = scaleInputs(model, x, n);
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, n - start);
    const { J, p } = parameterJacobian(model, scaled.subarray(start * d, (start + m) * d), m, parameters);
    for (let r = 0; r < m; r++) out[start + r] = ys * ys * factorQuadratic(factor, J, r * p);
  }
  return out;
}
