/**
 * Random expressions, printed to text and parsed back, must trace to what a
 * plain JavaScript evaluation of the generated tree gives, and the trace's
 * derivatives must agree with central finite differences of that evaluation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BinaryOp, type Expr, exprKey, type FunctionName } from '../../src/trace/ast.js';
import { parseExpression, printExpr, runTrace } from '../../src/trace/index.js';

const VARS = ['x', 'y', 'z'] as const;

const num = (value: number, text = String(value)): Expr => ({ kind: 'number', value, text, column: 0 });
const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, column: 0 });
const call = (fn: FunctionName, argument: Expr): Expr => ({ kind: 'call', fn, argument, column: 0 });
/** 1 + a^2: positive and away from zero, for denominators, logarithms, roots and real powers. */
const positive = (a: Expr): Expr => bin('+', num(1), bin('^', a, num(2)));

const constant = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((v) => num(v)),
  fc.double({ min: 0, max: 3, noNaN: true }).map((v) => num(v)),
  fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((v) => num(v, String(v).replace(/^0\./, '.'))),
  fc.integer({ min: 1, max: 9 }).map((m) => num(Number(`${m}e-3`), `${m}e-3`)),
);

type Sign = '+' | '-';
const sign = fc.constantFrom<Sign>('+', '-');
const variable = fc.constantFrom(...VARS).map((name): Expr => ({ kind: 'variable', name, column: 0 }));

/**
 * (a s1 b s2 c) op (b ± c): the notes' shape, where the trace regroups the
 * left sum as a s1 (b ± c) to share the right factor. Random trees almost
 * never contain it by chance.
 */
function sharedRun(term: fc.Arbitrary<Expr>): fc.Arbitrary<Expr> {
  return fc.tuple(term, term, term, sign, sign, fc.constantFrom<BinaryOp>('+', '-', '*')).map(([a, b, c, s1, s2, op]) =>
    bin(op, bin(s2, bin(s1, a, b), c), bin(s1 === s2 ? '+' : '-', b, c)),
  );
}

/** Trees whose every operation is defined on any real input (the wrappers keep log, /, sqrt and real powers in their domain). */
const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variable,
    constant,
    tie('expr').map((a): Expr => ({ kind: 'negate', operand: a, column: 0 })),
    fc.tuple(fc.constantFrom<BinaryOp>('+', '-', '*'), tie('expr'), tie('expr')).map(([op, a, b]) => bin(op, a, b)),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => bin('/', a, positive(b))),
    fc.tuple(tie('expr'), fc.constantFrom(2, 3)).map(([a, k]) => bin('^', a, num(k))),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => bin('^', positive(a), b)),
    fc.tuple(fc.constantFrom<FunctionName>('sin', 'cos', 'tanh', 'exp'), tie('expr')).map(([f, a]) => call(f, a)),
    fc.tuple(fc.constantFrom<FunctionName>('log', 'sqrt'), tie('expr')).map(([f, a]) => call(f, positive(a))),
    sharedRun(tie('expr')),
  ),
}));

/** Integer polynomials: every operation is exact in doubles while the values stay below 2^53. */
const { poly } = fc.letrec<{ poly: Expr }>((tie) => ({
  poly: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variable,
    fc.integer({ min: 0, max: 5 }).map((v) => num(v)),
    tie('poly').map((a): Expr => ({ kind: 'negate', operand: a, column: 0 })),
    fc.tuple(fc.constantFrom<BinaryOp>('+', '-', '*'), tie('poly'), tie('poly')).map(([op, a, b]) => bin(op, a, b)),
    tie('poly').map((a) => bin('^', a, num(2))),
    sharedRun(tie('poly')),
  ),
}));

const point = fc.record({
  x: fc.double({ min: -2, max: 2, noNaN: true }),
  y: fc.double({ min: -2, max: 2, noNaN: true }),
  z: fc.double({ min: -2, max: 2, noNaN: true }),
});

/** The reference: the generated tree evaluated directly, left to right; also the largest intermediate magnitude. */
function evaluate(e: Expr, at: Record<string, number>, track = { max: 0, minNonZero: Number.POSITIVE_INFINITY }): number {
  const v = ((): number => {
    switch (e.kind) {
      case 'number':
        return e.value;
      case 'variable':
        return at[e.name];
      case 'negate':
        return -evaluate(e.operand, at, track);
      case 'call': {
        const a = evaluate(e.argument, at, track);
        // sqrt as the trace defines it: x^0.5
        const f = { sin: Math.sin, cos: Math.cos, exp: Math.exp, log: Math.log, tanh: Math.tanh, sqrt: (u: number) => u ** 0.5 }[e.fn];
        return f(a);
      }
      case 'binary': {
        const a = evaluate(e.left, at, track);
        const b = evaluate(e.right, at, track);
        switch (e.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          case '^':
            return a ** b;
        }
      }
    }
  })();
  track.max = Math.max(track.max, Number.isNaN(v) ? Number.POSITIVE_INFINITY : Math.abs(v));
  if (v !== 0) track.minNonZero = Math.min(track.minNonZero, Math.abs(v));
  return v;
}

function primitive(op: string, [a, b]: number[]): number {
  const f: Record<string, () => number> = {
    add: () => a + b,
    sub: () => a - b,
    mul: () => a * b,
    div: () => a / b,
    pow: () => a ** b,
    neg: () => -a,
    sin: () => Math.sin(a),
    cos: () => Math.cos(a),
    exp: () => Math.exp(a),
    log: () => Math.log(a),
    tanh: () => Math.tanh(a),
    sqrt: () => a ** 0.5,
  };
  return f[op]();
}

/**
 * Values small enough that finite differences are meaningful and nothing
 * overflows, and no subnormal results (the engine's exp flushes those to 0).
 */
function tame(e: Expr, at: Record<string, number>): boolean {
  const track = { max: 0, minNonZero: Number.POSITIVE_INFINITY };
  evaluate(e, at, track);
  return track.max < 1e3 && track.minNonZero >= 2 ** -1022;
}

/** Integer products without sums, so that the only sums in notesShape are the pattern's own. */
const { monomial } = fc.letrec<{ monomial: Expr }>((tie) => ({
  monomial: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variable,
    fc.integer({ min: 0, max: 5 }).map((v) => num(v)),
    tie('monomial').map((a): Expr => ({ kind: 'negate', operand: a, column: 0 })),
    fc.tuple(tie('monomial'), tie('monomial')).map(([a, b]) => bin('*', a, b)),
    tie('monomial').map((a) => bin('^', a, num(2))),
  ),
}));
/** a, b, c each led by its own variable, so none of the pattern's sums can coincide with another. */
const notesShape = fc
  .tuple(fc.shuffledSubarray([...VARS], { minLength: 3, maxLength: 3 }), monomial, monomial, monomial, sign, sign, fc.constantFrom<BinaryOp>('+', '-', '*'))
  .map(([names, ma, mb, mc, s1, s2, op]) => {
    const [a, b, c] = [ma, mb, mc].map((m, i): Expr => bin('*', { kind: 'variable', name: names[i], column: 0 }, m));
    return [a, b, c, s1, s2, op] as const;
  });

const intPoint = fc.record({ x: fc.integer({ min: -9, max: 9 }), y: fc.integer({ min: -9, max: 9 }), z: fc.integer({ min: -9, max: 9 }) });

describe('trace of random expressions', () => {
  it('printing and parsing give back the generated tree', () => {
    fc.assert(
      fc.property(expr, (e) => {
        expect(exprKey(parseExpression(printExpr(e)))).toBe(exprKey(e));
      }),
      { numRuns: 500 },
    );
  });

  it('without regrouping, the traced value is exactly the direct evaluation', () => {
    fc.assert(
      fc.property(expr, point, (e, at) => {
        fc.pre(tame(e, at));
        const r = runTrace(printExpr(e), at, 'x', { regroup: false });
        expect(r.value).toBe(evaluate(e, at));
        // every row is one primitive applied to the rows (or constants) it names
        const values = new Map(r.rows.map((row) => [row.name, row.value]));
        for (const row of r.rows) {
          if (row.op === 'input') continue;
          const args = row.inputs.map((a) => (typeof a === 'number' ? a : values.get(a)!));
          expect(primitive(row.op, args), `${row.name} = ${row.definition}`).toBe(row.value);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('regrouping preserves the value exactly where arithmetic is exact, and saves rows', () => {
    fc.assert(
      fc.property(poly, intPoint, (e, at) => {
        const track = { max: 0, minNonZero: Number.POSITIVE_INFINITY };
        const expected = evaluate(e, at, track);
        fc.pre(track.max < 2 ** 50);
        const text = printExpr(e);
        const grouped = runTrace(text, at);
        const plain = runTrace(text, at, undefined, { regroup: false });
        // reassociation may turn -0 into +0 (x - x + -0), the only difference exact arithmetic allows
        expect(grouped.value + 0).toBe(expected + 0);
        expect(plain.value).toBe(expected);
        expect(grouped.rows.length).toBeLessThanOrEqual(plain.rows.length);
      }),
      { numRuns: 400 },
    );
  });

  it('the notes shape (a ± b ± c) op (b ± c) computes b ± c once and saves a row', () => {
    fc.assert(
      fc.property(notesShape, intPoint, ([a, b, c, s1, s2, op], at) => {
        const run = bin(s1 === s2 ? '+' : '-', b, c);
        const e = bin(op, bin(s2, bin(s1, a, b), c), run);
        const track = { max: 0, minNonZero: Number.POSITIVE_INFINITY };
        const expected = evaluate(e, at, track);
        fc.pre(track.max < 2 ** 50);
        const text = printExpr(e);
        const grouped = runTrace(text, at);
        const plain = runTrace(text, at, undefined, { regroup: false });
        expect(grouped.value + 0).toBe(expected + 0);
        expect(grouped.rows.length, text).toBe(plain.rows.length - 1);
        // the output row reads the shared run twice: once directly, once through a s1 run
        const out = grouped.rows.find((r) => r.name === grouped.output)!;
        const runRow = out.inputs[1] as string;
        const left = grouped.rows.find((r) => r.name === out.inputs[0])!;
        expect(left.inputs[1], text).toBe(runRow);
        expect(left.op).toBe(s1 === '+' ? 'add' : 'sub');
      }),
      { numRuns: 300 },
    );
  });

  it('the gradient matches central finite differences, and forward mode matches reverse mode', () => {
    fc.assert(
      fc.property(expr, point, (e, at) => {
        fc.pre(tame(e, at));
        const text = printExpr(e);
        const r = runTrace(text, at);
        expect(r.wrt).toBe('x');
        for (const v of VARS) {
          const fd = centralDifference(e, at, v);
          fc.pre(fd.reliable);
          const g = r.gradient[v];
          expect(Math.abs(g - fd.value), `${text}: d/d${v} at ${JSON.stringify(at)}`).toBeLessThanOrEqual(fd.error + 1e-6 * Math.max(1, Math.abs(g)));
          const fwd = runTrace(text, at, v).tangent;
          expect(Math.abs(fwd - g), `${text}: forward vs reverse d/d${v}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(g)));
        }
      }),
      { numRuns: 400 },
    );
  });
});

/**
 * Richardson-extrapolated central difference (error O(h^4)) with an estimate
 * of its own error from the difference between two step sizes. Unreliable when
 * the steps leave the tame region or the function changes too fast for the
 * step (the two step sizes then disagree in the leading digits).
 */
function centralDifference(e: Expr, at: Record<string, number>, v: string): { value: number; error: number; reliable: boolean } {
  const h = 1e-4 * Math.max(1, Math.abs(at[v]));
  const f = (d: number) => {
    const p = { ...at, [v]: at[v] + d };
    return tame(e, p) ? evaluate(e, p) : Number.NaN;
  };
  const d1 = (f(h) - f(-h)) / (2 * h);
  const d2 = (f(h / 2) - f(-h / 2)) / h;
  const value = (4 * d2 - d1) / 3;
  const error = Math.abs(d2 - d1);
  const reliable = Number.isFinite(value) && error <= 1e-3 * Math.max(1, Math.abs(value));
  return { value, error, reliable };
}
