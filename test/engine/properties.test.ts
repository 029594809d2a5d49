/**
 * Property-based checks: random expression trees over the primitives, and
 * random broadcastable shape pairs, each run through the gradient checker.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  cos,
  div,
  exp,
  gradCheckReport,
  jacobian,
  log,
  matmul,
  mul,
  neg,
  pow,
  sin,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
} from '../../src/engine/index.js';
import { maxRelDiff, rng, uniform } from './helpers.js';

// ---------------------------------------------------------------- expression trees
/** Operand kinds: M is (R,C), W is (C,C), V is (C), S is a scalar; one input of each. */
type Kind = 'M' | 'W' | 'V' | 'S';
const UNARY = ['neg', 'sin', 'cos', 'tanh', 'square', 'expOfTanh', 'logOnePlusSquare'] as const;
const BINARY = ['add', 'sub', 'mul', 'divByPositive', 'powOfPositive'] as const;

type Expr =
  | { op: 'leaf'; kind: Kind }
  | { op: 'unary'; fn: (typeof UNARY)[number]; x: Expr }
  | { op: 'binary'; fn: (typeof BINARY)[number]; a: Expr; b: Expr }
  | { op: 'sum'; axis: number | null; x: Expr }
  | { op: 'matmul'; a: Expr; b: Expr };

const depth = { maxDepth: 4, depthIdentifier: 'expr' } as const;

const exprs = fc.letrec<Record<Kind, Expr>>((tie) => {
  const leaf = (kind: Kind) => fc.constant<Expr>({ op: 'leaf', kind });
  const unary = (kind: Kind) => fc.record({ op: fc.constant('unary' as const), fn: fc.constantFrom(...UNARY), x: tie(kind) });
  const binary = (a: Kind, b: Kind) =>
    fc
      .record({ op: fc.constant('binary' as const), fn: fc.constantFrom(...BINARY), a: tie(a), b: tie(b) })
      // x - x is zero by construction; comparing its exact-zero tangent with reverse mode's rounding residue measures nothing
      .filter((e) => !(e.fn === 'sub' && describeExpr(e.a) === describeExpr(e.b)));
  const reduce = (kind: Kind, axis: number | null) => fc.record({ op: fc.constant('sum' as const), axis: fc.constant(axis), x: tie(kind) });
  const product = (a: Kind, b: Kind) => fc.record({ op: fc.constant('matmul' as const), a: tie(a), b: tie(b) });
  return {
    // every shape pairing the broadcasting rules allow, in both operand orders
    M: fc.oneof(depth, leaf('M'), unary('M'), binary('M', 'M'), binary('M', 'V'), binary('V', 'M'), binary('M', 'S'), binary('S', 'M'), product('M', 'W')),
    W: fc.oneof(depth, leaf('W'), unary('W'), binary('W', 'W'), binary('W', 'V'), binary('S', 'W'), product('W', 'W')),
    V: fc.oneof(
      depth,
      leaf('V'),
      unary('V'),
      binary('V', 'V'),
      binary('V', 'S'),
      reduce('M', 0),
      reduce('W', 1),
      product('V', 'W'),
      product('W', 'V'),
    ),
    S: fc.oneof(depth, leaf('S'), unary('S'), binary('S', 'S'), reduce('M', null), reduce('V', 0), product('V', 'V')),
  } as Record<Kind, fc.Arbitrary<Expr>>;
});

interface Bounded {
  t: Tensor;
  /** A bound on |value| known from the tree alone, so that rescaling keeps f one smooth function. */
  bound: number;
}

/**
 * Evaluates the tree on inputs in [-1, 1]. Any subtree whose bound exceeds 2 is
 * scaled down by a constant: values then stay where tanh is far from flat and
 * exp far from overflow, so finite differences stay an honest reference.
 */
function evaluate(e: Expr, env: Record<Kind, Tensor>, rows: number, cols: number): Bounded {
  const r = evaluateRaw(e, env, rows, cols);
  return r.bound > 2 ? { t: mul(r.t, 2 / r.bound), bound: 2 } : r;
}

function evaluateRaw(e: Expr, env: Record<Kind, Tensor>, rows: number, cols: number): Bounded {
  switch (e.op) {
    case 'leaf':
      return { t: env[e.kind], bound: 1 };
    case 'unary': {
      const { t, bound } = evaluate(e.x, env, rows, cols);
      switch (e.fn) {
        case 'neg':
          return { t: neg(t), bound };
        case 'sin':
          return { t: sin(t), bound: Math.min(bound, 1) };
        case 'cos':
          return { t: cos(t), bound: 1 };
        case 'tanh':
          return { t: tanh(t), bound: Math.min(bound, 1) };
        case 'square':
          return { t: square(t), bound: bound * bound };
        case 'expOfTanh':
          return { t: exp(tanh(t)), bound: Math.E };
        case 'logOnePlusSquare':
          return { t: log(add(1, square(t))), bound: Math.log1p(bound * bound) };
      }
      throw new Error('unreachable');
    }
    case 'binary': {
      const a = evaluate(e.a, env, rows, cols);
      const b = evaluate(e.b, env, rows, cols);
      switch (e.fn) {
        case 'add':
          return { t: add(a.t, b.t), bound: a.bound + b.bound };
        case 'sub':
          return { t: sub(a.t, b.t), bound: a.bound + b.bound };
        case 'mul':
          return { t: mul(a.t, b.t), bound: a.bound * b.bound };
        case 'divByPositive':
          return { t: div(a.t, add(1, square(b.t))), bound: a.bound };
        case 'powOfPositive':
          // e^tanh(a) is positive and, unlike 1 + a², nowhere stationary
          return { t: pow(exp(tanh(a.t)), b.t), bound: Math.exp(Math.min(a.bound, 1) * b.bound) };
      }
      throw new Error('unreachable');
    }
    case 'sum': {
      const x = evaluate(e.x, env, rows, cols);
      return { t: sum(x.t, e.axis), bound: x.bound * (e.axis === null ? x.t.size : x.t.shape[e.axis]) };
    }
    case 'matmul': {
      const a = evaluate(e.a, env, rows, cols);
      const b = evaluate(e.b, env, rows, cols);
      return { t: matmul(a.t, b.t), bound: a.bound * b.bound * cols };
    }
  }
}

function describeExpr(e: Expr): string {
  switch (e.op) {
    case 'leaf':
      return e.kind;
    case 'unary':
      return `${e.fn}(${describeExpr(e.x)})`;
    case 'binary':
      return `${e.fn}(${describeExpr(e.a)}, ${describeExpr(e.b)})`;
    case 'sum':
      return `sum(${describeExpr(e.x)}, ${e.axis})`;
    case 'matmul':
      return `matmul(${describeExpr(e.a)}, ${describeExpr(e.b)})`;
  }
}

const problems = fc.record({
  expr: fc.oneof(exprs.M, exprs.W, exprs.V, exprs.S),
  rows: fc.integer({ min: 1, max: 3 }),
  cols: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/** Values in ±[0.5, 1]: away from 0, where square and 1 + square are stationary. */
function awayFromZero(r: () => number, shape: readonly number[]): Tensor {
  const t = uniform(r, shape, 0.5, 1);
  for (let i = 0; i < t.size; i++) if (r() < 0.5) t.data[i] = -t.data[i];
  return t;
}

/*
 * Central differences lose digits where a directional derivative is tiny next
 * to the values it is computed from (near a stationary point, or for a function
 * that is zero by cancellation, like (v·v)s - (v·s)v); there the relative
 * measures fail whatever the engine does. Inputs away from zero and a step of
 * 1e-5 (near the optimum for central differences, the cube root of machine
 * epsilon) make such points rare: one tree in 10,000 when measured. A fixed
 * seed keeps the suite deterministic; set ENGINE_FC_SEED to explore others.
 */
const FC_SEED = Number(process.env.ENGINE_FC_SEED ?? 20260101);
const EPS = 1e-5;

describe('random compositions of primitives', () => {
  it('pass the checker: both modes against finite differences and <u, Jv> = <Jᵀu, v>', () => {
    fc.assert(
      fc.property(problems, ({ expr, rows, cols, seed }) => {
        const r = rng(seed);
        const args = [awayFromZero(r, [rows, cols]), awayFromZero(r, [cols, cols]), awayFromZero(r, [cols]), awayFromZero(r, [])];
        const f = (M: Tensor, W: Tensor, V: Tensor, S: Tensor) => evaluate(expr, { M, W, V, S }, rows, cols).t;
        const report = gradCheckReport(f, args, { eps: EPS, directions: 2, random: rng(seed + 1) });
        const where = `${describeExpr(expr)} with R=${rows}, C=${cols}, seed ${seed}`;
        expect(report.forwardVsFd, `forward vs fd: ${where}`).toBeLessThanOrEqual(1e-6);
        expect(report.reverseVsFd, `reverse vs fd: ${where}`).toBeLessThanOrEqual(1e-6);
        expect(report.forwardVsReverse, `forward vs reverse: ${where}`).toBeLessThanOrEqual(1e-10);
        expect(maxRelDiff(jacobian(f, args, 'forward').data, jacobian(f, args, 'reverse').data), `jacobians: ${where}`).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: FC_SEED },
    );
  });
});

// ---------------------------------------------------------------- broadcasting
/** An output shape and two operand shapes that broadcast to it: each a suffix of it with some dimensions set to 1. */
const broadcastPairs = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })
  .chain((out) => {
    const operand = fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([rank, ones]) => out.slice(out.length - rank).map((d, i) => (ones[out.length - rank + i] ? 1 : d)));
    return fc.tuple(operand, operand, fc.integer({ min: 0, max: 2 ** 31 - 1 }));
  });

/** add by NumPy's rules, one multi-index at a time. */
function naiveAdd(a: Tensor, b: Tensor, out: readonly number[]): number[] {
  const size = out.reduce((p, d) => p * d, 1);
  const result: number[] = [];
  const at = (t: Tensor, idx: number[]) => {
    let flat = 0;
    for (let k = 0; k < t.rank; k++) {
      const d = t.shape[k];
      flat = flat * d + (d === 1 ? 0 : idx[idx.length - t.rank + k]);
    }
    return t.data[flat];
  };
  for (let o = 0; o < size; o++) {
    const idx = new Array<number>(out.length);
    for (let k = out.length - 1, rest = o; k >= 0; k--) {
      idx[k] = rest % out[k];
      rest = Math.floor(rest / out[k]);
    }
    result.push(at(a, idx) + at(b, idx));
  }
  return result;
}

describe('random broadcastable shapes', () => {
  it('add matches an index-by-index broadcast', () => {
    fc.assert(
      fc.property(broadcastPairs, ([sa, sb, seed]) => {
        const r = rng(seed);
        const a = uniform(r, sa);
        const b = uniform(r, sb);
        const rank = Math.max(sa.length, sb.length);
        const out = Array.from({ length: rank }, (_, i) => Math.max(sa[sa.length - rank + i] ?? 1, sb[sb.length - rank + i] ?? 1));
        const y = add(a, b);
        expect(y.shape).toEqual(out);
        expect(y.toArray()).toEqual(naiveAdd(a, b, out));
      }),
      { numRuns: 200, seed: FC_SEED },
    );
  });

  it('every binary primitive passes the checker on them, in both operand orders', () => {
    fc.assert(
      fc.property(broadcastPairs, ([sa, sb, seed]) => {
        const r = rng(seed);
        const ops = [add, sub, mul, div, pow];
        for (const [x, y] of [
          [sa, sb],
          [sb, sa],
        ]) {
          // positive operands in [0.5, 2] keep div and pow smooth
          const args = [uniform(r, x, 0.5, 2), uniform(r, y, 0.5, 2)];
          for (const op of ops) {
            const report = gradCheckReport((p, q) => op(p, q), args, { eps: EPS, random: rng(seed) });
            const where = `${op.name} on [${x}] and [${y}]`;
            expect(report.forwardVsFd, where).toBeLessThanOrEqual(1e-6);
            expect(report.reverseVsFd, where).toBeLessThanOrEqual(1e-6);
            expect(report.forwardVsReverse, where).toBeLessThanOrEqual(1e-10);
          }
        }
      }),
      { numRuns: 60, seed: FC_SEED },
    );
  });
});
