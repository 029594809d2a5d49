/**
 * The execution trace (Wengert list) of an expression, computed on the
 * engine: every primitive application is one row, a repeated subexpression is
 * one row, and each row carries its value, its forward-mode tangent along one
 * input and its reverse-mode adjoint dy/dv — the course notes' three tables.
 */
import { NumericError, UsageError } from '../errors.js';
import { add, cos, div, exp, log, mul, neg, pow, sin, sub, Tape, Tensor, tanh, withTape } from '../engine/index.js';
import { type Expr, type FunctionName, numberKey, precedence, printExpr, variableUses } from './ast.js';
import { ExpressionError } from './parse.js';
import { regroupSums } from './regroup.js';

export type TraceOp = 'input' | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'neg' | FunctionName;

export interface TraceRow {
  /** The input's own name (x1) or v1, v2, … for intermediates. */
  name: string;
  op: TraceOp;
  /** Right-hand side as the notes write it, e.g. "x1 / x2", "sin(v1)"; "input" for inputs. */
  definition: string;
  /** Row names, or numbers for constants. */
  inputs: (string | number)[];
  value: number;
  /** d(this)/d(wrt) by forward mode; 0 when there is no wrt variable. */
  tangent: number;
  /** dy/d(this) by reverse mode. */
  adjoint: number;
}

export interface TraceResult {
  expression: string;
  at: Record<string, number>;
  /** The forward-mode direction; null only when no variables were given. */
  wrt: string | null;
  /** y. */
  value: number;
  /** Name of the row holding y, or the constant's text when y involves no variable. */
  output: string;
  /** dy/d(wrt) by forward mode. */
  tangent: number;
  /** dy/d(input) by reverse mode, for every input. */
  gradient: Record<string, number>;
  /** Inputs first (in the order given), then v1..vK in evaluation order. */
  rows: TraceRow[];
}

export interface TraceOptions {
  /**
   * Regroup a + b - c as a + (b - c) when b - c also appears elsewhere, so the
   * trace shares it (the notes' layout). Default true.
   */
  regroup?: boolean;
}

type Operand =
  | { kind: 'row'; row: LiveRow }
  | { kind: 'const'; value: number; text: string; /** needs parentheses inside a larger definition */ compound: boolean };

interface LiveRow {
  name: string;
  op: TraceOp;
  definition: string;
  inputs: (string | number)[];
  tensor: Tensor;
}

const BINARY = {
  '+': { op: 'add', f: add },
  '-': { op: 'sub', f: sub },
  '*': { op: 'mul', f: mul },
  '/': { op: 'div', f: div },
  '^': { op: 'pow', f: pow },
} as const;

const CALLS: Record<FunctionName, (x: Tensor) => Tensor> = {
  sin,
  cos,
  exp,
  log,
  tanh,
  // sqrt is not an engine primitive; x^0.5 gives it both derivative rules.
  sqrt: (x) => pow(x, 0.5),
};

/**
 * Checks that every variable of `expr` is given and that `wrt` is one of them;
 * returns the forward-mode direction (the first variable given by default).
 */
export function checkVariables(source: string, expr: Expr, at: Record<string, number>, wrt: string | undefined): string | null {
  const given = Object.keys(at);
  for (const name of given) {
    if (!Number.isFinite(at[name])) throw new UsageError(`the value of ${name} is ${at[name]}`, 'give every variable a finite number');
  }
  const missing = variableUses(expr).filter((u) => !Object.hasOwn(at, u.name));
  if (missing.length > 0) {
    const names = [...new Set(missing.map((u) => u.name))];
    const example = names.map((n) => `${n}=1`).join(',');
    const hint =
      given.length === 0
        ? `no variables were given; give every variable a value, e.g. --at ${example}`
        : `values were given for ${given.join(', ')}; add ${names.join(', ')} (e.g. --at ${[...given.map((g) => `${g}=${at[g]}`), example].join(',')})`;
    throw new ExpressionError(source, missing[0].column, `unknown variable '${missing[0].name}'`, hint);
  }
  if (wrt === undefined) return given.length > 0 ? given[0] : null;
  if (!Object.hasOwn(at, wrt)) {
    const choices = given.length > 0 ? `choose one of ${given.join(', ')}` : 'give it a value with --at';
    throw new UsageError(`--wrt '${wrt}' is not one of the variables given a value`, choices);
  }
  return wrt;
}

/** The trace of `expr` (parsed from `source`) at `at`, with tangents along `wrt` (default: the first variable given). */
export function traceExpression(source: string, expr: Expr, at: Record<string, number>, wrtName?: string, options: TraceOptions = {}): TraceResult {
  const wrt = checkVariables(source, expr, at, wrtName);
  const tree = options.regroup === false ? expr : regroupSums(expr);
  const inputNames = Object.keys(at);
  const prefix = freshPrefix(inputNames);
  const tape = new Tape();
  try {
    const inputs = new Map<string, LiveRow>();
    for (const name of inputNames) {
      const x = Tensor.scalar(at[name]);
      x.tangent = Float64Array.of(name === wrt ? 1 : 0);
      inputs.set(name, { name, op: 'input', definition: 'input', inputs: [], tensor: tape.leaf(x) });
    }
    const rows: LiveRow[] = [];
    const memo = new Map<string, LiveRow>();

    const emit = (e: Expr, op: TraceOp, args: Operand[], definition: string, compute: () => Tensor): Operand => {
      if (args.every((a) => a.kind === 'const')) {
        // No variable below: fold to a constant, still computed by the engine so domain errors are caught.
        const value = guarded(e, definition, compute).item();
        return { kind: 'const', value, text: printExpr(e), compound: precedence(e) < 5 };
      }
      const key = `${op}(${args.map((a) => (a.kind === 'row' ? a.row.name : `#${numberKey(a.value)}`)).join(',')})`;
      const known = memo.get(key);
      if (known) return { kind: 'row', row: known };
      const name = `${prefix}${rows.length + 1}`;
      const row: LiveRow = {
        name,
        op,
        definition,
        inputs: args.map((a) => (a.kind === 'row' ? a.row.name : a.value)),
        tensor: guarded(e, `${name} = ${definition}`, compute),
      };
      rows.push(row);
      memo.set(key, row);
      return { kind: 'row', row };
    };

    const visit = (e: Expr): Operand => {
      switch (e.kind) {
        case 'number':
          return { kind: 'const', value: e.value, text: e.text, compound: false };
        case 'variable':
          return { kind: 'row', row: inputs.get(e.name)! };
        case 'negate': {
          const a = visit(e.operand);
          return emit(e, 'neg', [a], `-${operandText(a)}`, () => neg(tensorOf(a)));
        }
        case 'call': {
          const a = visit(e.argument);
          const f = CALLS[e.fn];
          return emit(e, e.fn, [a], `${e.fn}(${operandText(a, false)})`, () => f(tensorOf(a)));
        }
        case 'binary': {
          const a = visit(e.left);
          const b = visit(e.right);
          const { op, f } = BINARY[e.op];
          return emit(e, op, [a, b], `${operandText(a)} ${e.op} ${operandText(b)}`, () => f(tensorOf(a), tensorOf(b)));
        }
      }
    };

    const y = withTape(tape, () => visit(tree));
    const all = [...inputs.values(), ...rows];
    const adjoints = y.kind === 'row' ? backward(tape, y.row, all) : all.map(() => 0);
    const tangentOf = (r: LiveRow) => r.tensor.tangent?.[0] ?? 0;
    for (const r of all) {
      const t = tangentOf(r);
      if (!Number.isFinite(t)) {
        throw new NumericError('jvp', `tangent d${r.name}/d${wrt} is ${t}: ${source} is not differentiable at the given point`);
      }
    }
    const traceRows: TraceRow[] = all.map((r, i) => ({
      name: r.name,
      op: r.op,
      definition: r.definition,
      inputs: r.inputs,
      value: r.tensor.item(),
      tangent: tangentOf(r),
      adjoint: adjoints[i],
    }));
    return {
      expression: source,
      at: Object.fromEntries(inputNames.map((n) => [n, at[n]])),
      wrt,
      value: y.kind === 'row' ? y.row.tensor.item() : y.value,
      output: y.kind === 'row' ? y.row.name : y.text,
      tangent: y.kind === 'row' ? tangentOf(y.row) : 0,
      gradient: Object.fromEntries(traceRows.slice(0, inputNames.length).map((r) => [r.name, r.adjoint])),
      rows: traceRows,
    };
  } finally {
    tape.release();
  }
}

/** Adjoints of every row; a non-finite one is reported by the row closest to y that has it. */
function backward(tape: Tape, y: LiveRow, rows: LiveRow[]): number[] {
  const seed = Float64Array.of(1);
  try {
    return tape.backward(y.tensor, seed, rows.map((r) => r.tensor)).map((g) => g[0]);
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    for (let i = rows.length - 1; i >= 0; i--) {
      try {
        tape.backward(y.tensor, seed, [rows[i].tensor]);
      } catch {
        throw new NumericError('backward', `adjoint dy/d${rows[i].name} is not finite: the expression is not differentiable at the given point`);
      }
    }
    throw e;
  }
}

/** Runs one engine op; a numeric failure names the row and the column it came from. */
function guarded(e: Expr, what: string, compute: () => Tensor): Tensor {
  try {
    return compute();
  } catch (err) {
    if (!(err instanceof NumericError)) throw err;
    const own = err.message.startsWith(`${err.op}: `) ? err.message.slice(err.op.length + 2) : err.message;
    // Every tensor here is a scalar, so the engine's element position says nothing.
    const detail = own.replace(/ at index 0 of shape \[\]/, '');
    throw new NumericError(err.op, `${detail} (computing ${what}, column ${e.column})`);
  }
}

function tensorOf(a: Operand): Tensor {
  return a.kind === 'row' ? a.row.tensor : Tensor.scalar(a.value);
}

/** How an operand reads inside a definition: a constant folded from a larger subexpression gets parentheses. */
function operandText(a: Operand, inOperator = true): string {
  if (a.kind === 'row') return a.row.name;
  return inOperator && a.compound ? `(${a.text})` : a.text;
}

/** v, unless an input is already called v1, v2, …: then v_, v__, … */
function freshPrefix(inputs: readonly string[]): string {
  let p = 'v';
  while (inputs.some((n) => new RegExp(`^${p}\\d+$`).test(n))) p += '_';
  return p;
}
