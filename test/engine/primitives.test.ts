/**
 * Every primitive through the gradient checker: central differences along
 * random directions in both modes and <u, Jv> = <Jᵀu, v>, at random points and
 * random shapes, including every broadcasting pattern the bases and losses use.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  affine,
  cos,
  div,
  exp,
  type Fn,
  jacobian,
  log,
  matmul,
  mean,
  mul,
  neg,
  pow,
  primitives,
  reshape,
  sin,
  sqdist,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  valueAndGrad,
  vjp,
} from '../../src/engine/index.js';
import { expectGradsAgree, int, maxRelDiff, primitivesUsed, type Rng, rng, uniform } from './helpers.js';

interface Case {
  name: string;
  f: Fn;
  /** Random arguments (and so random shapes) for one seed, inside the function's smooth domain. */
  args: (r: Rng) => Tensor[];
}

const SEEDS = [11, 22, 33, 44];

type Dims = { N: number; J: number; D: number };
const dimsOf = (r: Rng): Dims => ({ N: int(r, 1, 4), J: int(r, 1, 4), D: int(r, 1, 3) });

// ---------------------------------------------------------------- unary
type Domain = [number, number];
const unaryOps: [string, (x: Tensor) => Tensor, Domain][] = [
  ['neg', neg, [-2, 2]],
  ['exp', exp, [-2, 2]],
  ['log', log, [0.2, 3]],
  ['sin', sin, [-3, 3]],
  ['cos', cos, [-3, 3]],
  ['tanh', tanh, [-3, 3]],
  ['square', square, [-2, 2]],
];
const unaryShapes: [string, (d: Dims) => number[]][] = [
  ['scalar', () => []],
  ['vector', (d) => [d.N]],
  ['matrix', (d) => [d.N, d.J]],
  ['rank 3', (d) => [d.D, d.N, d.J]],
];
const unaryCases: Case[] = unaryOps.flatMap(([name, op, [lo, hi]]) =>
  unaryShapes.map(([shapeName, shape]) => ({
    name: `${name} on a ${shapeName}`,
    f: (x: Tensor) => op(x),
    args: (r: Rng) => [uniform(r, shape(dimsOf(r)), lo, hi)],
  })),
);

// ---------------------------------------------------------------- binary, broadcasting
const binaryOps: [string, (a: Tensor, b: Tensor) => Tensor, Domain, Domain][] = [
  ['add', add, [-2, 2], [-2, 2]],
  ['sub', sub, [-2, 2], [-2, 2]],
  ['mul', mul, [-2, 2], [-2, 2]],
  ['div', div, [-2, 2], [0.5, 2]],
  ['div by negatives', div, [-2, 2], [-2, -0.5]],
  // base and exponent both differentiable; a random exponent is non-integer
  ['pow', pow, [0.5, 2], [-1.5, 1.5]],
];
const shapePairs: [string, (d: Dims) => [number[], number[]]][] = [
  ['(N,J) with (N,J)', (d) => [[d.N, d.J], [d.N, d.J]]],
  ['(N,J) with (J)', (d) => [[d.N, d.J], [d.J]]],
  ['(J) with (N,J)', (d) => [[d.J], [d.N, d.J]]],
  ['(N,J) with (N,1)', (d) => [[d.N, d.J], [d.N, 1]]],
  ['(N,1) with (N,J)', (d) => [[d.N, 1], [d.N, d.J]]],
  ['scalar with (N,J)', (d) => [[], [d.N, d.J]]],
  ['(N,J) with scalar', (d) => [[d.N, d.J], []]],
  ['(1,J) with (N,1)', (d) => [[1, d.J], [d.N, 1]]],
  ['(D,N,J) with (N,1)', (d) => [[d.D + 1, d.N, d.J], [d.N, 1]]],
  ['(D,1,J) with (N,J)', (d) => [[d.D + 1, 1, d.J], [d.N, d.J]]],
  ['scalar with scalar', () => [[], []]],
];
const binaryCases: Case[] = binaryOps.flatMap(([name, op, [alo, ahi], [blo, bhi]]) =>
  shapePairs.map(([pairName, pair]) => ({
    name: `${name}: ${pairName}`,
    f: (a: Tensor, b: Tensor) => op(a, b),
    args: (r: Rng) => {
      const [sa, sb] = pair(dimsOf(r));
      return [uniform(r, sa, alo, ahi), uniform(r, sb, blo, bhi)];
    },
  })),
);

// ---------------------------------------------------------------- reductions, products, fused ops
const structuralCases: Case[] = [
  { name: 'sum of all elements', f: (x) => sum(x), args: (r) => [uniform(r, [int(r, 1, 4), int(r, 1, 4)])] },
  { name: 'sum along axis 0', f: (x) => sum(x, 0), args: (r) => [uniform(r, [int(r, 1, 4), int(r, 1, 4)])] },
  { name: 'sum along axis 1', f: (x) => sum(x, 1), args: (r) => [uniform(r, [int(r, 1, 4), int(r, 1, 4)])] },
  { name: 'sum along axis -1', f: (x) => sum(x, -1), args: (r) => [uniform(r, [int(r, 1, 3), int(r, 1, 4)])] },
  { name: 'sum along the middle axis of a rank-3 tensor', f: (x) => sum(x, 1), args: (r) => [uniform(r, [2, int(r, 1, 4), 3])] },
  { name: 'mean (composite)', f: (x) => mean(x), args: (r) => [uniform(r, [int(r, 1, 4), int(r, 1, 4)])] },
  {
    name: 'matmul (M,K)·(K,N)',
    f: (a, b) => matmul(a, b),
    args: (r) => {
      const [M, K, N] = [int(r, 1, 4), int(r, 1, 4), int(r, 2, 4)];
      return [uniform(r, [M, K]), uniform(r, [K, N])];
    },
  },
  {
    name: 'matmul (M,K)·(K,1), the single-column path',
    f: (a, b) => matmul(a, b),
    args: (r) => {
      const [M, K] = [int(r, 1, 4), int(r, 1, 4)];
      return [uniform(r, [M, K]), uniform(r, [K, 1])];
    },
  },
  {
    name: 'matmul (K)·(K,N)',
    f: (a, b) => matmul(a, b),
    args: (r) => {
      const K = int(r, 1, 4);
      return [uniform(r, [K]), uniform(r, [K, int(r, 1, 4)])];
    },
  },
  {
    name: 'matmul (M,K)·(K)',
    f: (a, b) => matmul(a, b),
    args: (r) => {
      const K = int(r, 1, 4);
      return [uniform(r, [int(r, 1, 4), K]), uniform(r, [K])];
    },
  },
  {
    name: 'matmul (K)·(K), a dot product',
    f: (a, b) => matmul(a, b),
    args: (r) => {
      const K = int(r, 1, 5);
      return [uniform(r, [K]), uniform(r, [K])];
    },
  },
  {
    name: 'sqdist (N,D) against (J,D)',
    f: (x, c) => sqdist(x, c),
    args: (r) => {
      const { N, J, D } = dimsOf(r);
      return [uniform(r, [N, D]), uniform(r, [J, D])];
    },
  },
  {
    name: 'sqdist weighted per unit, m_j ‖x_n − c_j‖²',
    f: (x, c, m) => sqdist(x, c, m),
    args: (r) => {
      const { N, J, D } = dimsOf(r);
      return [uniform(r, [N, D]), uniform(r, [J, D]), uniform(r, [J], -2, 2)];
    },
  },
  {
    name: 'sqdist with one point and one centre',
    f: (x, c) => sqdist(x, c),
    args: (r) => [uniform(r, [1, 2]), uniform(r, [1, 2])],
  },
  {
    name: 'affine X(N,D)·A(J,D)ᵀ + c(J)',
    f: (x, a, c) => affine(x, a, c),
    args: (r) => {
      const { N, J, D } = dimsOf(r);
      return [uniform(r, [N, D]), uniform(r, [J, D]), uniform(r, [J])];
    },
  },
  {
    name: 'affine without bias',
    f: (x, a) => affine(x, a),
    args: (r) => {
      const { N, J, D } = dimsOf(r);
      return [uniform(r, [N, D]), uniform(r, [J, D])];
    },
  },
  {
    name: 'reshape (N,J) -> (J·N) then a broadcasting product',
    f: (x, w) => mul(reshape(x, [x.size]), w),
    args: (r) => {
      const [N, J] = [int(r, 1, 4), int(r, 1, 4)];
      return [uniform(r, [N, J]), uniform(r, [N * J])];
    },
  },
];

const allCases = [...unaryCases, ...binaryCases, ...structuralCases];

/** A fixed random cotangent shaped like f's output: the upstream gradient is then not all ones. */
function cotangentFor(f: Fn, args: readonly Tensor[], r: Rng): Tensor {
  const p = vjp(f, args);
  p.dispose();
  return uniform(r, p.value.shape);
}

describe.each(allCases)('$name', ({ f, args }) => {
  it.each(SEEDS)('checker agrees in both modes at random point and shape (seed %i)', (seed) => {
    const r = rng(seed);
    expectGradsAgree(f, args(r), seed);
  });

  it('a non-unit upstream gradient: grad of sum(f(x)·u) is Jᵀu with J built by forward mode', () => {
    const r = rng(99);
    const x = args(r);
    const u = cotangentFor(f, x, r);
    const { grads } = valueAndGrad((...a: Tensor[]) => sum(mul(f(...a), u)))(...x);
    const J = jacobian(f, x, 'forward');
    const [m, n] = J.shape;
    const Jtu = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) Jtu[k] += J.data[i * n + k] * u.data[i];
    const flat = grads.flatMap((g) => g.toArray());
    expect(maxRelDiff(flat, Jtu)).toBeLessThan(1e-12);
    for (let k = 0; k < grads.length; k++) expect(grads[k].shape).toEqual(x[k].shape);
  });
});

describe('the checker covers the engine', () => {
  it('every primitive in the table is exercised by a case above', () => {
    const r = rng(5);
    const used = new Set<string>();
    for (const c of allCases) for (const name of primitivesUsed(c.f, c.args(r))) used.add(name);
    expect([...used].sort()).toEqual(primitives.map((p) => p.name).sort());
  });

  it('checks only the arguments in argnums, leaving the rest as data', () => {
    const r = rng(8);
    const x = uniform(r, [3, 2]);
    const c = uniform(r, [4, 2]);
    expectGradsAgree((a, b) => exp(neg(sqdist(a, b))), [x, c], 8, [1]);
    expectGradsAgree((a, b) => exp(neg(sqdist(a, b))), [x, c], 8, [0]);
  });
});
