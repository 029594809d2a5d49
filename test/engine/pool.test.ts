/**
 * Buffer reuse must be invisible: a recycled buffer never leaks a stale value
 * into a result, results handed out are never overwritten later, and the pool
 * reaches a steady size instead of growing with the number of steps.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  add,
  affine,
  div,
  exp,
  type Fn,
  matmul,
  mean,
  mul,
  neg,
  pow,
  reshape,
  sqdist,
  square,
  sub,
  sum,
  Tape,
  Tensor,
  tanh,
  type ValueAndGrad,
  valueAndGrad,
  withTape,
} from '../../src/engine/index.js';
import { BufferPool } from '../../src/engine/pool.js';
import { sharedPool } from '../../src/engine/tape.js';
import { NumericError } from '../../src/errors.js';
import { type Rng, rng, uniform } from './helpers.js';

/** A loss touching every kind of primitive: rbf and tanh units, a linear head, and a pow penalty. */
function lossFor(X: Tensor, y: Tensor): Fn {
  return (C, s, w, A, c) => {
    const rbf = exp(neg(div(sqdist(X, C), exp(s))));
    const units = add(rbf, mul(tanh(affine(X, A, c)), 0.5));
    const pred = sum(reshape(matmul(units, w), [y.size, 1]), 1);
    const penalty = sum(pow(add(1, square(sum(units, 0))), 0.3));
    return add(mean(square(sub(pred, y))), mul(penalty, 0.01));
  };
}

interface Problem {
  data: [Tensor, Tensor];
  params: Tensor[];
}

function problem(r: Rng, N: number, D: number, J: number): Problem {
  return {
    data: [uniform(r, [N, D]), uniform(r, [N])],
    params: [uniform(r, [J, D]), uniform(r, []), uniform(r, [J]), uniform(r, [J, D]), uniform(r, [J])],
  };
}

function run(p: Problem, params = p.params): ValueAndGrad {
  return valueAndGrad(lossFor(...p.data))(...params);
}

function snapshot(v: ValueAndGrad): number[][] {
  return [v.value.toArray(), ...v.grads.map((g) => g.toArray())];
}

/** Fills the pool with buffers of junk so that any value not overwritten shows up in a result. */
function poison(pool: BufferPool, maxSize: number): void {
  for (let size = 1; size <= maxSize; size++) for (let k = 0; k < 4; k++) pool.give(new Float64Array(size).fill(12345.678));
}

const shapes: [number, number, number][] = [
  [5, 2, 3],
  [8, 1, 4],
  [3, 3, 2],
  [5, 2, 4],
  [1, 1, 1],
  [6, 2, 2],
];

beforeEach(() => sharedPool.clear());

describe('reused buffers never leak stale values', () => {
  it('valueAndGrad over shapes in random order equals a computation on fresh memory, bit for bit', () => {
    const r = rng(31);
    const problems = shapes.map(([N, D, J]) => problem(r, N, D, J));
    const reference = problems.map((p) => {
      sharedPool.clear(); // every buffer of this computation is freshly allocated
      return snapshot(run(p));
    });
    sharedPool.clear();
    poison(sharedPool, 64);
    for (let step = 0; step < 300; step++) {
      const k = Math.floor(r() * problems.length);
      expect(snapshot(run(problems[k]))).toEqual(reference[k]);
    }
  });

  it('results already handed out are not overwritten by later computations of the same shapes', () => {
    const r = rng(32);
    const p = problem(r, 5, 2, 3);
    const first = run(p);
    const kept = snapshot(first);
    for (let i = 0; i < 20; i++) run(p, p.params.map((t) => uniform(r, t.shape)));
    expect(snapshot(first)).toEqual(kept);
  });

  it('a pool hands back the buffer it was given, zeroed on request, and keeps sizes apart', () => {
    const pool = new BufferPool(1024);
    const a = new Float64Array(4).fill(7);
    pool.give(a);
    expect(pool.retainedBytes).toBe(32);
    expect(pool.take(3)).not.toBe(a);
    const b = pool.takeZeroed(4);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual([0, 0, 0, 0]);
    expect(pool.retainedBytes).toBe(0);
    // beyond its limit a pool lets buffers go
    pool.give(new Float64Array(100));
    pool.give(new Float64Array(100));
    expect(pool.retainedBytes).toBe(800);
    pool.clear();
    expect(pool.retainedBytes).toBe(0);
  });
});

describe('the pool stays bounded', () => {
  it('tape.release() gives every recorded output buffer back to the pool', () => {
    const r = rng(33);
    const p = problem(r, 6, 2, 3);
    const tape = new Tape();
    const f = lossFor(...p.data);
    withTape(tape, () => f(...p.params.map((t) => tape.leaf(t))));
    // reshape's output shares its input's buffer; every other recorded op owns one
    const owned = tape.entries.filter((e) => e.prim !== null && e.prim.name !== 'reshape');
    const bytes = 8 * owned.reduce((s, e) => s + e.output.size, 0);
    expect(bytes).toBeGreaterThan(0);
    const before = sharedPool.retainedBytes;
    tape.release();
    expect(sharedPool.retainedBytes - before).toBe(bytes);
    expect(tape.entries).toHaveLength(0);
  });

  it('1000 gradient-descent steps of one shape: the pool settles after the first step and the result matches fresh memory', () => {
    const r = rng(34);
    const p = problem(r, 16, 2, 4);
    let params = p.params;
    const retained: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 1000; step++) {
      const { value, grads } = run(p, params);
      losses.push(value.item());
      params = params.map((t, k) => new Tensor(t.data.map((v, i) => v - 0.05 * grads[k].data[i]), t.shape));
      retained.push(sharedPool.retainedBytes);
    }
    expect(retained[0]).toBeGreaterThan(0);
    expect(new Set(retained).size).toBe(1);
    expect(losses[999]).toBeLessThan(losses[0]);
    const pooled = snapshot(run(p, params));
    sharedPool.clear();
    expect(snapshot(run(p, params))).toEqual(pooled);
  });

  it('1000 steps cycling through shapes: the pool stops growing after the first cycle', () => {
    const r = rng(35);
    const problems = shapes.map(([N, D, J]) => problem(r, N, D, J));
    const retained: number[] = [];
    for (let step = 0; step < 1000; step++) {
      run(problems[step % problems.length]);
      retained.push(sharedPool.retainedBytes);
    }
    const afterFirstCycle = retained[problems.length - 1];
    expect(retained.slice(problems.length)).toEqual(new Array(1000 - problems.length).fill(afterFirstCycle));
  });

  it('a computation that throws part-way still returns its buffers', () => {
    const r = rng(36);
    const x = uniform(r, [10]);
    const overflow = (v: Tensor) => sum(exp(mul(square(v), 1000)));
    const retained: number[] = [];
    for (let i = 0; i < 200; i++) {
      expect(() => valueAndGrad(overflow)(Tensor.vector([...x.data, 40]))).toThrow(NumericError);
      retained.push(sharedPool.retainedBytes);
    }
    expect(retained[0]).toBeGreaterThan(0);
    expect(new Set(retained).size).toBe(1);
  });
});
