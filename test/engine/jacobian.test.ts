/**
 * Whole Jacobians: forward mode builds them by columns, reverse mode by rows,
 * two independent paths through the primitive table that must meet to rounding,
 * and both must match central finite differences column by column.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  affine,
  div,
  exp,
  type Fn,
  finiteDifferenceJv,
  jacobian,
  log,
  matmul,
  mul,
  neg,
  pow,
  sin,
  sqdist,
  sub,
  sum,
  Tensor,
  tanh,
} from '../../src/engine/index.js';
import { maxRelDiff, rng, uniform } from './helpers.js';

const r = rng(2024);

interface MultiOutput {
  name: string;
  f: Fn;
  args: Tensor[];
}

const functions: MultiOutput[] = [
  {
    name: 'rbf layer exp(-sqdist(X, C) / s)',
    f: (x, c, s) => exp(neg(div(sqdist(x, c), s))),
    args: [uniform(r, [4, 2]), uniform(r, [3, 2]), uniform(r, [], 0.5, 2)],
  },
  {
    name: 'tanh layer tanh(X·Aᵀ + c)',
    f: (x, a, c) => tanh(affine(x, a, c)),
    args: [uniform(r, [5, 3]), uniform(r, [2, 3]), uniform(r, [2])],
  },
  {
    name: 'poly layer exp(log(X)·Pᵀ)',
    f: (x, p) => exp(affine(log(x), p)),
    args: [uniform(r, [3, 2], 0.5, 2), uniform(r, [4, 2], 0, 3)],
  },
  {
    name: 'column sums of sin(x)·y + x^y',
    f: (x, y) => sum(add(mul(sin(x), y), pow(x, y)), 0),
    args: [uniform(r, [3, 4], 0.5, 2), uniform(r, [4], -1.5, 1.5)],
  },
  {
    name: 'a two-layer network with a residual, vector output',
    f: (x, w1, w2) => sub(matmul(tanh(matmul(x, w1)), w2), sum(x, 1)),
    args: [uniform(r, [4, 3]), uniform(r, [3, 5]), uniform(r, [5])],
  },
];

/** The Jacobian by central differences, one unit direction per column. */
function finiteDifferenceJacobian(f: Fn, args: readonly Tensor[]): Float64Array {
  const n = args.reduce((s, a) => s + a.size, 0);
  const m = f(...args).size;
  let scale = 1; // the checker's step: relative to the largest argument value
  for (const a of args) for (const v of a.data) scale = Math.max(scale, Math.abs(v));
  const J = new Float64Array(m * n);
  let col = 0;
  for (let k = 0; k < args.length; k++) {
    for (let e = 0; e < args[k].size; e++, col++) {
      const dirs = args.map((a, i) => (i === k ? Tensor.zeros(a.shape) : null));
      dirs[k]!.data[e] = 1;
      const column = finiteDifferenceJv(f, args, dirs, 1e-6 * scale);
      for (let i = 0; i < m; i++) J[i * n + col] = column[i];
    }
  }
  return J;
}

describe.each(functions)('jacobian of $name', ({ f, args }) => {
  const m = f(...args).size;
  const n = args.reduce((s, a) => s + a.size, 0);

  it('forward mode (by columns) and reverse mode (by rows) agree to 1e-12', () => {
    const fwd = jacobian(f, args, 'forward');
    const rev = jacobian(f, args, 'reverse');
    expect(fwd.shape).toEqual([m, n]);
    expect(rev.shape).toEqual([m, n]);
    expect(maxRelDiff(fwd.data, rev.data)).toBeLessThan(1e-12);
  });

  it('matches central finite differences', () => {
    const J = jacobian(f, args);
    expect(maxRelDiff(J.data, finiteDifferenceJacobian(f, args))).toBeLessThan(1e-7);
  });
});

describe('jacobian of known forms', () => {
  it('of x -> A·x is A itself, in both modes', () => {
    const A = uniform(r, [3, 4]);
    const x = uniform(r, [4]);
    for (const mode of ['forward', 'reverse'] as const) {
      const J = jacobian((v) => matmul(A, v), [x], mode);
      expect(J.shape).toEqual([3, 4]);
      expect(maxRelDiff(J.data, A.data)).toBeLessThan(1e-15);
    }
  });

  it('of an elementwise map is diagonal with the derivative on the diagonal', () => {
    const x = uniform(r, [5]);
    for (const mode of ['forward', 'reverse'] as const) {
      const J = jacobian((v) => sin(v), [x], mode);
      for (let i = 0; i < 5; i++) {
        for (let k = 0; k < 5; k++) {
          if (i === k) expect(Math.abs(J.data[i * 5 + k] - Math.cos(x.data[i]))).toBeLessThan(1e-15);
          else expect(J.data[i * 5 + k]).toBe(0);
        }
      }
    }
  });

  it('of a scalar function is the gradient as one row, reverse by default', () => {
    const x = uniform(r, [2, 3]);
    const J = jacobian((v) => sum(mul(v, v)), [x]);
    expect(J.shape).toEqual([1, 6]);
    expect(maxRelDiff(J.data, x.data.map((v) => 2 * v))).toBeLessThan(1e-15);
  });
});
