/**
 * Validation of the model file's optional `uncertainty` field, called by
 * validate.ts on load and before every write. The sizes follow from
 * the model itself: P = J + 1 for 'w,b', J + 1 + J·(row length of θ) for
 * 'w,b,theta', and the factor's row i holds P − i numbers.
 */
import type { Fail } from './problem.js';
import { type CovarianceParameters, type ModelUncertainty, parameterCount } from '../uncertainty/types.js';

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

function number(v: unknown, path: string, fail: Fail): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return fail({ message: `${path} is not a finite number (got ${typeof v === 'number' ? String(v) : JSON.stringify(v) ?? 'nothing'})`, nonFinite: v === null || typeof v === 'number', hint: HINT });
}
