/**
 * Each elementwise primitive declares its local derivative once; these tests
 * hold both modes to that one declaration, element by element and bit for bit,
 * and hold the declaration itself to central differences of the op's value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpContext, primitives, Tensor } from '../../src/engine/index.js';
import { type KernelMode, kernelMode, setKernels } from '../../src/engine/kernels.js';
import type { BinaryElementwise, PartialDerivative, UnaryElementwise } from '../../src/engine/ops/elementwise.js';
import { freshAlloc } from '../../src/engine/pool.js';
import { rng, uniform } from './helpers.js';

type Domain = [number, number];
const UNARY: Record<string, Domain> = {
  neg: [-2, 2],
  exp: [-3, 3],
  log: [0.2, 3],
  sin: [-3, 3],
  cos: [-3, 3],
  tanh: [-3, 3],
  square: [-2, 2],
};
const BINARY: Record<string, [Domain, Domain]> = {
  add: [
    [-2, 2],
    [-2, 2],
  ],
  sub: [
    [-2, 2],
    [-2, 2],
  ],
  mul: [
    [-2, 2],
    [-2, 2],
  ],
  div: [
    [-2, 2],
    [0.5, 2],
  ],
  pow: [
    [0.5, 2],
    [-2, 2],
  ],
};

const unary = primitives.filter((p) => 'derivative' in p) as unknown as UnaryElementwise[];
const binary = primitives.filter((p) => 'partials' in p) as unknown as BinaryElementwise[];

let initial: KernelMode;
beforeAll(() => {
  initial = kernelMode();
});
afterAll(() => setKernels(initial));

/** Sizes below and above the length at which exp and tanh call their kernels. */
const SIZES = [7, 301];
const MODES: KernelMode[] = ['scalar', 'wasm'];

/** Central difference of a scalar function, step relative to the point's scale. */
function centralDifference(f: (v: number) => number, v: number): number {
  const h = 1e-6 * Math.max(1, Math.abs(v));
  return (f(v + h) - f(v - h)) / (2 * h);
}

function unaryValue(p: UnaryElementwise, v: number): number {
  return p.forward([Tensor.scalar(v)], undefined, freshAlloc).data[0];
}

function binaryValue(p: BinaryElementwise, a: number, b: number): number {
  return p.forward([Tensor.scalar(a), Tensor.scalar(b)], undefined, freshAlloc).data[0];
}

/** A declared partial's value at one element; a constant is declared as a number. */
function at(d: PartialDerivative, a: number, b: number, out: number): number {
  return typeof d === 'number' ? d : d(a, b, out);
}

/** Relative to the derivative's size, or absolute where it is below 1 (near a zero of cos, say). */
function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1);
}

it('every elementwise primitive is registered with its declared derivative, and no other primitive claims one', () => {
  expect(unary.map((p) => p.name).sort()).toEqual(Object.keys(UNARY).sort());
  expect(binary.map((p) => p.name).sort()).toEqual(Object.keys(BINARY).sort());
});

describe.each(MODES)('unary primitives read their declared derivative (%s)', (mode) => {
  it.each(Object.keys(UNARY))('%s: vjp gives g·d(x, y) and jvp gives t·d(x, y), exactly', (name) => {
    setKernels(mode);
    const p = unary.find((q) => q.name === name) as UnaryElementwise;
    const [lo, hi] = UNARY[name];
    for (const n of SIZES) {
      const random = rng(n * 31 + name.length);
      const x = uniform(random, [n], lo, hi);
      const g = uniform(random, [n]).data;
      const t = uniform(random, [n]).data;
      const y = p.forward([x], undefined, freshAlloc);
      const ctx: OpContext<undefined> = { inputs: [x], output: y, attrs: undefined };
      const acc = new Float64Array(n);
      p.vjp(0, g, ctx, acc);
      const tangent = p.jvp([t], ctx, freshAlloc);
      for (let i = 0; i < n; i++) {
        const d = p.derivative(x.data[i], y.data[i]);
        expect(acc[i], `vjp at ${i} of ${n}`).toBe(g[i] * d);
        expect(tangent[i], `jvp at ${i} of ${n}`).toBe(t[i] * d);
      }
    }
  });
});

describe('binary primitives read their declared partials, also where broadcasting sums them', () => {
  it.each(Object.keys(BINARY))('%s on (3, 4) with (4)', (name) => {
    const p = binary.find((q) => q.name === name) as BinaryElementwise;
    const [[alo, ahi], [blo, bhi]] = BINARY[name];
    const random = rng(name.length * 7 + 1);
    const a = uniform(random, [3, 4], alo, ahi);
    const b = uniform(random, [4], blo, bhi);
    const g = uniform(random, [3, 4]).data;
    const ta = uniform(random, [3, 4]).data;
    const tb = uniform(random, [4]).data;
    const out = p.forward([a, b], undefined, freshAlloc);
    const ctx: OpContext<undefined> = { inputs: [a, b], output: out, attrs: undefined };
    const accA = new Float64Array(12);
    const accB = new Float64Array(4);
    p.vjp(0, g, ctx, accA);
    p.vjp(1, g, ctx, accB);
    const tangent = p.jvp([ta, tb], ctx, freshAlloc);
    const [dA, dB] = p.partials;
    const expectB = new Float64Array(4);
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 4; k++) {
        const o = r * 4 + k;
        const da = at(dA, a.data[o], b.data[k], out.data[o]);
        const db = at(dB, a.data[o], b.data[k], out.data[o]);
        expect(accA[o], `vjp for a at ${o}`).toBe(g[o] * da);
        expect(tangent[o], `jvp at ${o}`).toBe(ta[o] * da + tb[k] * db);
        expectB[k] += g[o] * db;
      }
    }
    expect(Array.from(accB)).toEqual(Array.from(expectB));
  });
});

describe('the declared derivatives are the derivatives of the values', () => {
  it.each(Object.keys(UNARY))('%s', (name) => {
    const p = unary.find((q) => q.name === name) as UnaryElementwise;
    const [lo, hi] = UNARY[name];
    const random = rng(name.length + 100);
    for (let k = 0; k < 20; k++) {
      const x = lo + (hi - lo) * random();
      const d = p.derivative(x, unaryValue(p, x));
      expect(relErr(d, centralDifference((v) => unaryValue(p, v), x)), `at x = ${x}`).toBeLessThan(1e-6);
    }
  });

  it.each(Object.keys(BINARY))('%s', (name) => {
    const p = binary.find((q) => q.name === name) as BinaryElementwise;
    const [[alo, ahi], [blo, bhi]] = BINARY[name];
    const random = rng(name.length + 200);
    const [dA, dB] = p.partials;
    for (let k = 0; k < 20; k++) {
      const a = alo + (ahi - alo) * random();
      const b = blo + (bhi - blo) * random();
      const out = binaryValue(p, a, b);
      expect(relErr(at(dA, a, b, out), centralDifference((v) => binaryValue(p, v, b), a)), `∂/∂a at (${a}, ${b})`).toBeLessThan(1e-6);
      expect(relErr(at(dB, a, b, out), centralDifference((v) => binaryValue(p, a, v), b)), `∂/∂b at (${a}, ${b})`).toBeLessThan(1e-6);
    }
  });
});
