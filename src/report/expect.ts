/**
 * `--expect EXPR` checks for CI (docs/contract.md section 2): `KEY OP VALUE`, where KEY is a dotted
 * path into the JSON result (`validation.rmse`, `timing.train_s`) and OP one of
 * <= >= < > == !=. Ordering operators need a number on the right; == and != compare
 * numbers numerically and anything else as text (`stopped==max-epochs`).
 */
import { UsageError } from '../errors.js';

export type ExpectOp = '<=' | '>=' | '<' | '>' | '==' | '!=';

export interface Expect {
  /** The expression as the user wrote it, for reporting. */
  expr: string;
  path: string[];
  op: ExpectOp;
  /** The right side as written (quotes removed). */
  text: string;
  /** The right side as a number, or null when it is not a numeric literal. */
  number: number | null;
}

export interface ExpectResult {
  expr: string;
  ok: boolean;
  /** The value found in the result; undefined when the key is missing. */
  actual: unknown;
  /** Why a check failed, when the failure is not a plain false comparison. */
  reason?: string;
}

// Two-character operators first, so `<=` is never read as `<` followed by `=...`.
const OPERATORS: readonly ExpectOp[] = ['<=', '>=', '==', '!=', '<', '>'];
const ORDERING: ReadonlySet<ExpectOp> = new Set(['<=', '>=', '<', '>']);
const KEY_SEGMENT = /^[A-Za-z0-9_-]+$/;
// Decimal literals only: Number() would also accept '0x10', '' and ' ', which no one means here.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HINT = 'write KEY OP VALUE, e.g. --expect "validation.rmse<=0.12" or --expect "stopped==max-epochs"';

export function parseExpect(expr: string): Expect {
  const at = findOperator(expr);
  if (at === null) {
    if (expr.includes('=')) throw new UsageError(`--expect "${expr}": '=' is not an operator; use == to test equality`, HINT);
    throw new UsageError(`--expect "${expr}": no comparison operator (one of <= >= < > == !=)`, HINT);
  }
  const { index, op } = at;
  const key = expr.slice(0, index).trim();
  let text = expr.slice(index + op.length).trim();

  if (key === '') throw new UsageError(`--expect "${expr}": nothing before ${op}; name a key of the JSON result`, HINT);
  const path = key.split('.');
  const bad = path.find((s) => !KEY_SEGMENT.test(s));
  if (bad !== undefined) {
    const what = bad === '' ? 'an empty segment' : `'${bad}', which is not a plain name`;
    throw new UsageError(`--expect "${expr}": key '${key}' has ${what}`, HINT);
  }

  if (text === '') throw new UsageError(`--expect "${expr}": nothing after ${op}; give a value to compare with`, HINT);
  if (findOperator(text) !== null) {
    throw new UsageError(`--expect "${expr}": more than one comparison operator; write one check per --expect`, HINT);
  }
  text = unquote(text);
  const number = NUMBER.test(text) ? Number(text) : null;
  if (ORDERING.has(op) && (number === null || !Number.isFinite(number))) {
    throw new UsageError(`--expect "${expr}": ${op} needs a number on the right, got '${text}'`, HINT);
  }
  return { expr, path, op, text, number };
}

/** Never throws: a missing key, a null or a value of the wrong kind is a failed check with a reason. */
export function evaluateExpect(e: Expect, result: object): ExpectResult {
  const found = lookup(result, e.path);
  const key = e.path.join('.');
  if (!found.ok) {
    return { expr: e.expr, ok: false, actual: undefined, reason: `${key} is not in the result (${found.why})` };
  }
  const actual = found.value;
  const fail = (reason: string): ExpectResult => ({ expr: e.expr, ok: false, actual, reason });

  if (actual === null) return fail(`${key} is null in the result`);
  if (typeof actual === 'object') return fail(`${key} is ${Array.isArray(actual) ? 'a list' : 'an object'}, not a single value`);

  if (ORDERING.has(e.op)) {
    if (typeof actual !== 'number') return fail(`${key} is ${describe(actual)}, not a number`);
    if (Number.isNaN(actual)) return fail(`${key} is NaN`);
    return { expr: e.expr, ok: compare(actual, e.op, e.number!), actual };
  }

  const equal = typeof actual === 'number' && e.number !== null ? actual === e.number : String(actual) === e.text;
  return { expr: e.expr, ok: e.op === '==' ? equal : !equal, actual };
}

function findOperator(s: string): { index: number; op: ExpectOp } | null {
  for (let i = 0; i < s.length; i++) {
    for (const op of OPERATORS) {
      if (s.startsWith(op, i)) return { index: i, op };
    }
  }
  return null;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

function compare(a: number, op: ExpectOp, b: number): boolean {
  switch (op) {
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

type Lookup = { ok: true; value: unknown } | { ok: false; why: string };

function lookup(root: object, path: readonly string[]): Lookup {
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const here = path.slice(0, i).join('.');
    if (cur === null || typeof cur !== 'object') {
      return { ok: false, why: `${here} is ${cur === null ? 'null' : describe(cur)}, so it has no '${seg}'` };
    }
    // Own properties only: `constructor` or `toString` must not resolve to something inherited.
    if (!Object.hasOwn(cur, seg)) {
      return { ok: false, why: i === 0 ? `no key '${seg}'` : `${here} has no key '${seg}'` };
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined) return { ok: false, why: 'its value is undefined' };
  return { ok: true, value: cur };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `the text '${v}'`;
  return `a ${typeof v} (${String(v)})`;
}
