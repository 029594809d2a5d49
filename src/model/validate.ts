/**
 * Structural validation of a model document, shared by the reader (a file from disk) and
 * the writer (a model about to go to disk), so that basisfit never writes a file it would
 * refuse to read.
 *
 * Hand-written rather than zod. zod would give declarative shapes and paths for free, but
 * most of what matters here is cross-field (row length depends on basis and D, w's length
 * on theta's, scaling's on D, the rbf width column must be > 0), which in zod becomes
 * superRefine code anyway; its messages would need an error map to read as our one-line
 * "theta[3][1] is not a finite number"; and the CLI would load a sizeable dependency on
 * every start to check one twenty-field document. The checks below are a screen long and
 * build the result from validated fields only, so nothing unchecked reaches the caller.
 */
import type { Fail } from './problem.js';
import { readUncertainty } from './uncertainty-field.js';
import { BASIS_NAMES, type BasisName, MODEL_FORMAT, MODEL_VERSION, type ModelFile, type Scaling, thetaRowLength } from './types.js';

export type { Fail, Problem } from './problem.js';

/** Keys that could reach an object's prototype if a consumer ever merged the document. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
const NOT_A_MODEL = 'this does not look like a basisfit model file (what basisfit train --out writes)';

/** Returns a fresh ModelFile built from the validated fields, keys in docs/contract.md section 4 order. */
export function validateModel(doc: unknown, fail: Fail): ModelFile {
  rejectDangerousKeys(doc, '', 0, fail);
  if (!isRecord(doc)) fail({ message: `the document is ${kind(doc)}, not a JSON object`, hint: NOT_A_MODEL });

  const format = need(doc, 'format', '', fail);
  if (format !== MODEL_FORMAT) fail({ message: `format is ${preview(format)}, expected "${MODEL_FORMAT}"`, hint: NOT_A_MODEL });
  const version = need(doc, 'version', '', fail);
  if (version !== MODEL_VERSION) {
    const newer = typeof version === 'number' && version > MODEL_VERSION;
    fail({
      message: `version ${preview(version)} is not supported (this basisfit reads version ${MODEL_VERSION})`,
      hint: newer ? 'upgrade basisfit, or re-train the model with this version' : 're-train with basisfit train',
    });
  }

  const basisValue = need(doc, 'basis', '', fail);
  if (!BASIS_NAMES.includes(basisValue as BasisName)) {
    fail({ message: `basis is ${preview(basisValue)}, expected one of ${BASIS_NAMES.map((b) => `"${b}"`).join(', ')}` });
  }
  const basis = basisValue as BasisName;

  const features = readFeatures(need(doc, 'features', '', fail), fail);
  const d = features.length;
  const target = need(doc, 'target', '', fail);
  if (typeof target !== 'string' || target === '') fail({ message: `target is ${preview(target)}, expected a column name` });

  const theta = readTheta(need(doc, 'theta', '', fail), basis, d, fail);
  const w = numberList(need(doc, 'w', '', fail), 'w', fail);
  if (w.length !== theta.length) fail({ message: `w has ${w.length} numbers but theta has ${theta.length} rows; they must match` });
  const b = finite(need(doc, 'b', '', fail), 'b', fail);
  const scaling = readScaling(need(doc, 'scaling', '', fail), d, fail);
  const training = readTraining(need(doc, 'training', '', fail), fail);

  const model: ModelFile = { format: MODEL_FORMAT, version: MODEL_VERSION, basis, features, target, theta, w, b, scaling, training };
  if (Object.hasOwn(doc, 'history') && doc.history !== undefined) model.history = readHistory(doc.history, fail);
  if (Object.hasOwn(doc, 'uncertainty') && doc.uncertainty !== undefined) model.uncertainty = readUncertainty(doc.uncertainty, model, fail);
  return model;
}

function readFeatures(v: unknown, fail: Fail): string[] {
  if (!Array.isArray(v)) fail({ message: `features is ${kind(v)}, expected a list of column names` });
  if (v.length === 0) fail({ message: 'features is empty; a model needs at least one feature column' });
  const seen = new Map<string, number>();
  return v.map((name, i) => {
    if (typeof name !== 'string' || name === '') fail({ message: `features[${i}] is ${preview(name)}, expected a non-empty column name` });
    const first = seen.get(name);
    if (first !== undefined) fail({ message: `features[${i}] "${name}" repeats features[${first}]; feature names must be unique` });
    seen.set(name, i);
    return name;
  });
}

function readTheta(v: unknown, basis: BasisName, d: number, fail: Fail): number[][] {
  if (!Array.isArray(v)) fail({ message: `theta is ${kind(v)}, expected a list of rows` });
  if (v.length === 0) fail({ message: 'theta has no rows; a model needs at least one basis function' });
  const len = thetaRowLength(basis, d);
  const layout = basis === 'poly' ? 'p_1..p_D' : basis === 'rbf' ? 'c_1..c_D, s' : basis === 'exp' ? 'a_1..a_D' : 'a_1..a_D, c';
  return v.map((row, j) => {
    const path = `theta[${j}]`;
    if (Array.isArray(row) && row.length !== len) {
      fail({ message: `${path} has ${row.length} numbers, expected ${len} ([${layout}]) for ${basis} with ${d} feature${d === 1 ? '' : 's'}` });
    }
    const nums = numberList(row, path, fail);
    if (basis === 'rbf' && !(nums[d] > 0)) fail({ message: `${path}[${d}] is the rbf width s and must be > 0, got ${nums[d]}` });
    return nums;
  });
}

function readScaling(v: unknown, d: number, fail: Fail): Scaling | null {
  if (v === null) return null;
  if (!isRecord(v)) fail({ message: `scaling is ${kind(v)}, expected null or {"x": {...}, "y": {...}}` });
  const x = need(v, 'x', 'scaling', fail);
  if (!isRecord(x)) fail({ message: `scaling.x is ${kind(x)}, expected {"mean": [...], "std": [...]}` });
  const xMean = numberList(need(x, 'mean', 'scaling.x', fail), 'scaling.x.mean', fail);
  const xStd = numberList(need(x, 'std', 'scaling.x', fail), 'scaling.x.std', fail);
  for (const [name, list] of [['mean', xMean], ['std', xStd]] as const) {
    if (list.length !== d) fail({ message: `scaling.x.${name} has ${list.length} numbers, expected ${d} (one per feature)` });
  }
  xStd.forEach((s, i) => {
    if (!(s > 0)) fail({ message: `scaling.x.std[${i}] must be > 0, got ${s}` });
  });
  const y = need(v, 'y', 'scaling', fail);
  if (!isRecord(y)) fail({ message: `scaling.y is ${kind(y)}, expected {"mean": m, "std": s}` });
  const yMean = finite(need(y, 'mean', 'scaling.y', fail), 'scaling.y.mean', fail);
  const yStd = finite(need(y, 'std', 'scaling.y', fail), 'scaling.y.std', fail);
  if (!(yStd > 0)) fail({ message: `scaling.y.std must be > 0, got ${yStd}` });
  return { x: { mean: xMean, std: xStd }, y: { mean: yMean, std: yStd } };
}

function readTraining(v: unknown, fail: Fail): ModelFile['training'] {
  if (!isRecord(v)) fail({ message: `training is ${kind(v)}, expected an object` });
  const seed = finite(need(v, 'seed', 'training', fail), 'training.seed', fail);
  if (!Number.isSafeInteger(seed)) fail({ message: `training.seed must be a whole number, got ${seed}` });
  const epochs = finite(need(v, 'epochs', 'training', fail), 'training.epochs', fail);
  if (!Number.isSafeInteger(epochs) || epochs < 0) fail({ message: `training.epochs must be a whole number >= 0, got ${epochs}` });
  const training: ModelFile['training'] = { seed, epochs };
  // Sorted, so the file does not depend on the order in which the trainer filled these in.
  for (const key of Object.keys(v).sort()) {
    if (key === 'seed' || key === 'epochs') continue;
    training[key] = plainJson(v[key], child('training', key), 0, fail);
  }
  return training;
}

function readHistory(v: unknown, fail: Fail): NonNullable<ModelFile['history']> {
  if (!isRecord(v)) fail({ message: `history is ${kind(v)}, expected {"train": [...], "validation": [...] or null}` });
  const train = numberList(need(v, 'train', 'history', fail), 'history.train', fail);
  const val = need(v, 'validation', 'history', fail);
  return { train, validation: val === null ? null : numberList(val, 'history.validation', fail) };
}

/** A copy of free-form JSON data (training details), refusing anything JSON cannot hold. */
function plainJson(v: unknown, path: string, depth: number, fail: Fail): unknown {
  if (depth > MAX_DEPTH) fail({ message: `${path} is nested more than ${MAX_DEPTH} levels deep` });
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return finite(v, path, fail);
  if (Array.isArray(v)) return v.map((e, i) => plainJson(e, `${path}[${i}]`, depth + 1, fail));
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) out[key] = plainJson(v[key], child(path, key), depth + 1, fail);
    return out;
  }
  return fail({ message: `${path} is ${kind(v)}, which a JSON model file cannot hold` });
}

/**
 * JSON.parse stores "__proto__" as an ordinary own key, so parsing alone is harmless; but
 * such a key has no business in a model file, and refusing it here means no later merge
 * or spread can ever be tricked into rewriting a prototype.
 */
function rejectDangerousKeys(v: unknown, path: string, depth: number, fail: Fail): void {
  if (v === null || typeof v !== 'object') return;
  if (depth > MAX_DEPTH) fail({ message: `${path || 'the document'} is nested more than ${MAX_DEPTH} levels deep` });
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) rejectDangerousKeys(v[i], `${path}[${i}]`, depth + 1, fail);
    return;
  }
  for (const key of Object.keys(v)) {
    const p = child(path, key);
    if (FORBIDDEN_KEYS.has(key)) fail({ message: `${p}: the key "${key}" is not allowed in a model file` });
    rejectDangerousKeys((v as Record<string, unknown>)[key], p, depth + 1, fail);
  }
}

function need(obj: Record<string, unknown>, key: string, parent: string, fail: Fail): unknown {
  if (!Object.hasOwn(obj, key) || obj[key] === undefined) fail({ message: `${child(parent, key)} is missing` });
  return obj[key];
}

function numberList(v: unknown, path: string, fail: Fail): number[] {
  if (!Array.isArray(v)) fail({ message: `${path} is ${kind(v)}, expected a list of numbers` });
  return v.map((e, i) => finite(e, `${path}[${i}]`, fail));
}

function finite(v: unknown, path: string, fail: Fail): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const nonFinite = v === null || typeof v === 'number';
  return fail({ message: `${path} is not a finite number (got ${preview(v)})`, nonFinite });
}

function child(parent: string, key: string): string {
  const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return name.startsWith('[') ? `document${name}` : name;
  return name.startsWith('[') ? `${parent}${name}` : `${parent}.${name}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${preview(v)}`;
}

function preview(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v); // NaN and Infinity by name, not as JSON's null
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function' || typeof v === 'symbol') return `a ${typeof v}`;
  if (typeof v === 'object' && v !== null) return kind(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
