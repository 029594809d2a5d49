/** Shared by the engine's tests: seeded random tensors and a look at which primitives a function records. */
import { expect } from 'vitest';
import { type Fn, gradCheckReport, Tape, Tensor, withTape } from '../../src/engine/index.js';
import { mulberry32 } from '../../src/engine/check.js';

export type Rng = () => number;

export function rng(seed: number): Rng {
  return mulberry32(seed);
}

/** Uniform values in [lo, hi) with the given shape. */
export function uniform(random: Rng, shape: readonly number[], lo = -1, hi = 1): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = lo + (hi - lo) * random();
  return t;
}

/** A random integer in [lo, hi]. */
export function int(random: Rng, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Names of the primitives f records when every argument is tracked. */
export function primitivesUsed(f: Fn, args: readonly Tensor[]): Set<string> {
  const tape = new Tape();
  try {
    withTape(tape, () => f(...args.map((a) => tape.leaf(a))));
    return new Set(tape.entries.flatMap((e) => (e.prim === null ? [] : [e.prim.name])));
  } finally {
    tape.release();
  }
}

/**
 * The checker with the tolerances honest for float64 central differences
 * (step 1e-6 relative to the arguments' scale, relative error 1e-6; forward
 * against reverse mode is held to 1e-10 by the checker itself), asserting
 * each agreement separately so a failure names the one that broke.
 */
export function expectGradsAgree(f: Fn, args: readonly Tensor[], seed = 1, argnums?: readonly number[]): void {
  const report = gradCheckReport(f, args, { eps: 1e-6, directions: 3, random: rng(seed), argnums });
  expect(report.forwardVsFd, 'forward mode vs finite differences').toBeLessThanOrEqual(1e-6);
  expect(report.reverseVsFd, 'reverse mode vs finite differences').toBeLessThanOrEqual(1e-6);
  expect(report.forwardVsReverse, '<u, Jv> vs <J^T u, v>').toBeLessThanOrEqual(1e-10);
}

/** Largest |a - b| relative to the largest magnitude in either (floor 1e-300 so exact zeros compare). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-300);
}
