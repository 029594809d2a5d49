/**
 * Validation of the model file's optional `uncertainty` field, called by
 * validate.ts on load and before every write. The sizes follow from
 * the model itself: P = J + 1 for 'w,b', J + 1 + J·(row length of θ) for
 * 'w,b,theta', and the factor's row i holds P − i numbers.
 */
import type { Fail } from './problem.js';
import { type CovarianceParameters, MAX_REPLICATES, type ModelUncertainty, parameterCount, RESIDUAL_POOL } from '../uncertainty/types.js';

const PARAMETERS: readonly CovarianceParameters[] = ['w,b', 'w,b,theta'];
const HINT = 're-train the model with basisfit train to rebuild its uncertainty';

export function readUncertainty(v: unknown, model: { w: number[]; theta: number[][] }, fail: Fail): ModelUncertainty {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail({ message: 'uncertainty is not an object; expected {"method", "parameters", "sigma", "dof", "factor"}', hint: HINT });
  const o = v as Record<string, unknown>;
  const method = o.method;
  if (typeof method !== 'string' || method === '') fail({ message: 'uncertainty.method is missing or not a non-empty string', hint: HINT });
  const parameters = o.parameters as CovarianceParameters;
  if (!PARAMETERS.includes(parameters)) fail({ message: `uncertainty.parameters must be "w,b" or "w,b,theta", got ${JSON.stringify(o.parameters) ?? 'nothing'}`, hint: HINT });
  const sigma = number(o.sigma, 'uncertainty.sigma', fail);
  if (!(sigma > 0)) fail({ message: `uncertainty.sigma must be > 0, got ${sigma}`, hint: HINT });
  const dof = number(o.dof, 'uncertainty.dof', fail);
  if (!(dof > 0)) fail({ message: `uncertainty.dof must be > 0, got ${dof}`, hint: HINT });
  if (o.bootstrap !== undefined) {
    if (o.factor !== undefined) fail({ message: 'uncertainty has both a factor and bootstrap refits; a file holds one of them', hint: HINT });
    return { method, parameters, sigma, dof, bootstrap: readBootstrap(o.bootstrap, model, fail) };
  }
  const p = parameterCount(model, parameters);
  const rows = o.factor;
  if (!Array.isArray(rows)) fail({ message: 'uncertainty.factor is not a list of rows', hint: HINT });
  if (rows.length !== p) fail({ message: `uncertainty.factor has ${rows.length} rows, expected ${p} (parameters "${parameters}" of ${model.w.length} units)`, hint: HINT });
  const factor = rows.map((row, i) => {
    const path = `uncertainty.factor[${i}]`;
    if (!Array.isArray(row)) fail({ message: `${path} is not a list of numbers`, hint: HINT });
    if (row.length !== p - i) fail({ message: `${path} has ${row.length} numbers, expected ${p - i} (row i of the triangular factor holds P - i)`, hint: HINT });
    return row.map((e, k) => number(e, `${path}[${k}]`, fail));
  });
  return { method, parameters, sigma, dof, factor };
}

function readBootstrap(v: unknown, model: { w: number[]; theta: number[][] }, fail: Fail): NonNullable<ModelUncertainty['bootstrap']> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail({ message: 'uncertainty.bootstrap is not an object; expected {"replicates", "residuals"}', hint: HINT });
  const o = v as Record<string, unknown>;
  const reps = o.replicates;
  if (!Array.isArray(reps) || reps.length < 2 || reps.length > MAX_REPLICATES) {
    fail({ message: `uncertainty.bootstrap.replicates must be a list of 2 to ${MAX_REPLICATES} refits`, hint: HINT });
  }
  const j = model.w.length;
  const width = model.theta[0]?.length ?? 0;
  const list = (x: unknown, length: number, path: string): number[] => {
    if (!Array.isArray(x) || x.length !== length) fail({ message: `${path} must be a list of ${length} numbers`, hint: HINT });
    return x.map((e, k) => number(e, `${path}[${k}]`, fail));
  };
  const replicates = reps.map((r, i) => {
    const path = `uncertainty.bootstrap.replicates[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) fail({ message: `${path} is not an object; expected {"theta", "w", "b"}`, hint: HINT });
    const rec = r as Record<string, unknown>;
    if (!Array.isArray(rec.theta) || rec.theta.length !== j) fail({ message: `${path}.theta must have ${j} rows, like the model's theta`, hint: HINT });
    const theta = rec.theta.map((row, k) => list(row, width, `${path}.theta[${k}]`));
    return { theta, w: list(rec.w, j, `${path}.w`), b: number(rec.b, `${path}.b`, fail) };
  });
  const res = o.residuals;
  if (!Array.isArray(res) || res.length === 0 || res.length > RESIDUAL_POOL) fail({ message: `uncertainty.bootstrap.residuals must be a list of 1 to ${RESIDUAL_POOL} numbers`, hint: HINT });
  const residuals = res.map((e, k) => number(e, `uncertainty.bootstrap.residuals[${k}]`, fail));
  for (let k = 1; k < residuals.length; k++) {
    if (residuals[k] < residuals[k - 1]) fail({ message: `uncertainty.bootstrap.residuals must be sorted (entry ${k} is smaller than the one before)`, hint: HINT });
  }
  return { replicates, residuals };
}

function number(v: unknown, path: string, fail: Fail): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return fail({ message: `${path} is not a finite number (got ${typeof v === 'number' ? String(v) : JSON.stringify(v) ?? 'nothing'})`, nonFinite: v === null || typeof v === 'number', hint: HINT });
}
