/**
 * The WebAssembly kernels against the scalar loops they replace: every
 * kernel-backed primitive run both ways on the same inputs, and whole
 * objectives' gradients compared between the two modes.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { affine, exp, type OpContext, type Primitive, primitives, sqdist, Tape, Tensor, valueAndGrad } from '../../src/engine/index.js';
import { inArena, type KernelMode, kernelMode, setKernels, tanhKernel } from '../../src/engine/kernels.js';
import { freshAlloc } from '../../src/engine/pool.js';
import { trainingObjective } from '../../src/train/objective.js';
import { Rng as SeededRng } from '../../src/util/rng.js';
import { maxRelDiff, type Rng, rng, uniform } from './helpers.js';

const RTOL = 1e-12;
const prim = (name: string) => primitives.find((p) => p.name === name) as Primitive<undefined>;

let initial: KernelMode;
beforeAll(() => {
  initial = kernelMode();
});
afterAll(() => setKernels(initial));

/** f's result with the scalar loops and with the kernels. */
function bothModes<T>(f: () => T): { scalar: T; wasm: T } {
  setKernels('scalar');
  const scalar = f();
  setKernels('wasm');
  const wasm = f();
  return { scalar, wasm };
}

/** Largest elementwise |a − b| / |b|; equal values (including both ±Infinity, or both NaN) count as 0. */
function elementwiseRelDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  }
  return worst;
}

function forward(name: string, inputs: Tensor[]): Float64Array {
  return prim(name).forward(inputs, undefined, freshAlloc).data;
}

/** The vjp for input i, accumulated onto a copy of `acc0` (a nonzero start checks that kernels add rather than overwrite). */
function vjp(name: string, i: number, g: Float64Array, inputs: Tensor[], acc0: Float64Array): Float64Array {
  const p = prim(name);
  const output = p.forward(inputs, undefined, freshAlloc);
  const ctx: OpContext<undefined> = { inputs, output, attrs: undefined };
  const acc = acc0.slice();
  p.vjp(i, g, ctx, acc);
  return acc;
}

function randomArray(random: Rng, n: number, lo = -1, hi = 1): Float64Array {
  return uniform(random, [n], lo, hi).data;
}

/** Shapes (N, D, J): odd J for the f64x2 tail, odd N for paired rows, N·J beyond one streamed block, J alone beyond a block. */
const SHAPES: [number, number, number][] = [
  [64, 1, 8],
  [257, 1, 7],
  [300, 3, 77],
  [33, 8, 101],
  [4096, 1, 100],
  [3, 2, 17000],
];

it('the built module loads (npm run build makes dist/kernels.wasm)', () => {
  expect(() => setKernels('wasm')).not.toThrow();
  expect(kernelMode()).toBe('wasm');
});

it('BASISFIT_KERNELS=scalar selects the scalar loops at start-up', () => {
  const url = new URL('../../dist/engine/kernels.js', import.meta.url).href;
  const script = `const k = await import(${JSON.stringify(url)}); process.stdout.write(k.kernelMode());`;
  const run = (env: string | undefined) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, BASISFIT_KERNELS: env },
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    }).stdout;
  expect(run('scalar')).toBe('scalar');
  expect(run('wasm')).toBe('wasm');
});

describe('exp kernel', () => {
  it.each([1, 2, 3, 255, 256, 257, 1001, 40_001])('matches the scalar loop within 1e-12 relative at length %i', (n) => {
    const random = rng(n);
    const x = new Tensor(randomArray(random, n, -745, 709.7), [n]);
    const { scalar, wasm } = bothModes(() => forward('exp', [x]));
    expect(elementwiseRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
  });

  it('agrees at the extremes: flushing below the normal range, 0, large and overflowing arguments', () => {
    const specials = [-745, -708.5, -708.3964185322641, -708.39, -1e-300, 0, -0, 1e-10, 700, 709.7, 709.78, 710, 1e300, -1e300, Infinity, -Infinity];
    // Long enough to take the kernel path, odd so one special lands in the scalar tail.
    const x = new Float64Array(257);
    x.set(randomArray(rng(5), 257, -50, 50));
    x.set(specials, 0);
    x.set(specials.slice(0, 1), 256);
    const { scalar, wasm } = bothModes(() => forward('exp', [new Tensor(x, [257])]));
    expect(elementwiseRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
    expect(wasm[0]).toBe(0); // e^-745 is subnormal: flushed
    expect(wasm[1]).toBe(0);
    expect(wasm[256]).toBe(0);
    expect(wasm[2]).toBeGreaterThan(0); // at the threshold itself: kept
    expect(wasm[11]).toBe(Infinity);
    expect(wasm[12]).toBe(Infinity);
    expect(wasm[15]).toBe(0);
  });

  it('NaN in gives NaN out', () => {
    const x = new Float64Array(300).fill(0.5);
    x[7] = Number.NaN;
    setKernels('wasm');
    const y = forward('exp', [new Tensor(x, [300])]);
    expect(Number.isNaN(y[7])).toBe(true);
    expect(y[6]).toBe(Math.exp(0.5));
  });

  it('overflow is refused by the numeric check in both modes', () => {
    const x = new Tensor(new Float64Array(400).fill(1), [400]);
    x.data[123] = 710;
    for (const mode of ['scalar', 'wasm'] as const) {
      setKernels(mode);
      expect(() => exp(x), mode).toThrow(/overflow/);
    }
  });
});

describe('tanh kernel', () => {
  it.each([1, 3, 256, 257, 999, 40_001])('matches the scalar loop within 1e-12 relative at length %i', (n) => {
    const random = rng(100 + n);
    // Log-uniform magnitudes from 1e-12 to 30 with random signs: both branches and the switch between them.
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (random() < 0.5 ? -1 : 1) * 10 ** (-12 + 13.5 * random());
    const { scalar, wasm } = bothModes(() => forward('tanh', [new Tensor(x, [n])]));
    expect(elementwiseRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
  });

  it('agrees at the extremes and is exactly ±1 far out', () => {
    const specials = [300, -300, 20, -20, 1e-10, -1e-10, 0, -0, 0.625, -0.625, 0.6249999999999999, 5e-324, 400, 1e300, Infinity, -Infinity];
    const x = new Float64Array(259);
    x.set(randomArray(rng(6), 259, -3, 3));
    x.set(specials, 0);
    x[258] = -300;
    const { scalar, wasm } = bothModes(() => forward('tanh', [new Tensor(x, [259])]));
    expect(elementwiseRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
    expect([wasm[0], wasm[1], wasm[258], wasm[13], wasm[15]]).toEqual([1, -1, -1, 1, -1]);
    expect(Object.is(wasm[7], -0)).toBe(true);
    expect(wasm[4]).toBe(Math.tanh(1e-10));
  });
});

it('wasm mode really runs the kernels: the primitive gives the kernel output bit for bit, which differ from Math.tanh in the last place', () => {
  const x = randomArray(rng(9), 40_000, -2, 2);
  const direct = new Float64Array(x.length);
  tanhKernel(x, direct);
  const { scalar, wasm } = bothModes(() => forward('tanh', [new Tensor(x, [x.length])]));
  expect(wasm.every((v, k) => v === direct[k])).toBe(true);
  expect(scalar.some((v, k) => v !== direct[k])).toBe(true);
});

describe('exp and tanh adjoints', () => {
  it.each(['exp', 'tanh'])('%s vjp (g·y, g·(1 − y²)) matches the scalar loop', (name) => {
    for (const n of [255, 256, 257, 20_001]) {
      const random = rng(n + 7);
      const x = new Tensor(randomArray(random, n, -5, 5), [n]);
      const g = randomArray(random, n);
      const acc0 = randomArray(random, n);
      const { scalar, wasm } = bothModes(() => vjp(name, 0, g, [x], acc0));
      expect(maxRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
      expect(maxRelDiff(wasm, acc0)).toBeGreaterThan(0);
    }
  });
});

describe.each(SHAPES)('fused layer primitives at N=%i D=%i J=%i', (N, D, J) => {
  const random = rng(N * 1000 + D * 10 + J);
  const X = uniform(random, [N, D]);
  const C = uniform(random, [J, D]);
  const m = uniform(random, [J], -2, -0.1);
  const c = uniform(random, [J]);
  const G = randomArray(random, N * J);
  const accJD = randomArray(random, J * D);
  const accJ = randomArray(random, J);

  it('sqdist forward, with and without weights', () => {
    for (const inputs of [
      [X, C, m],
      [X, C],
    ]) {
      const { scalar, wasm } = bothModes(() => forward('sqdist', inputs));
      expect(maxRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
    }
  });

  it('sqdist vjp for C and for m', () => {
    for (const [i, acc0, inputs] of [
      [1, accJD, [X, C, m]],
      [1, accJD, [X, C]],
      [2, accJ, [X, C, m]],
    ] as const) {
      const { scalar, wasm } = bothModes(() => vjp('sqdist', i, G, [...inputs], acc0));
      expect(maxRelDiff(wasm, scalar), `input ${i}`).toBeLessThanOrEqual(RTOL);
    }
  });

  it('affine forward, with and without bias', () => {
    for (const inputs of [
      [X, C, c],
      [X, C],
    ]) {
      const { scalar, wasm } = bothModes(() => forward('affine', inputs));
      expect(maxRelDiff(wasm, scalar)).toBeLessThanOrEqual(RTOL);
    }
  });

  it('affine vjp for A and for c', () => {
    for (const [i, acc0] of [
      [1, accJD],
      [2, accJ],
    ] as const) {
      const { scalar, wasm } = bothModes(() => vjp('affine', i, G, [X, C, c], acc0));
      expect(maxRelDiff(wasm, scalar), `input ${i}`).toBeLessThanOrEqual(RTOL);
    }
  });

  it('matrix · vector forward and both vjps', () => {
    const A = new Tensor(G, [N, J]);
    const w = uniform(random, [J]);
    const g = randomArray(random, N);
    const accA = randomArray(random, N * J);
    const fwd = bothModes(() => forward('matmul', [A, w]));
    expect(maxRelDiff(fwd.wasm, fwd.scalar)).toBeLessThanOrEqual(RTOL);
    const dA = bothModes(() => vjp('matmul', 0, g, [A, w], accA));
    expect(maxRelDiff(dA.wasm, dA.scalar)).toBeLessThanOrEqual(RTOL);
    const dw = bothModes(() => vjp('matmul', 1, g, [A, w], accJ));
    expect(maxRelDiff(dw.wasm, dw.scalar)).toBeLessThanOrEqual(RTOL);
  });

  it('keeps the scalar summation order: the linear kernels give the same numbers exactly', () => {
    const same = (f: () => Float64Array) => {
      const { scalar, wasm } = bothModes(f);
      return wasm.every((v, k) => v === scalar[k]);
    };
    expect(same(() => forward('sqdist', [X, C, m]))).toBe(true);
    expect(same(() => vjp('sqdist', 1, G, [X, C, m], accJD))).toBe(true);
    expect(same(() => vjp('sqdist', 2, G, [X, C, m], accJ))).toBe(true);
    expect(same(() => forward('affine', [X, C, c]))).toBe(true);
    expect(same(() => vjp('affine', 1, G, [X, C, c], accJD))).toBe(true);
    expect(same(() => forward('matmul', [new Tensor(G, [N, J]), c]))).toBe(true);
    expect(same(() => vjp('matmul', 0, randomArray(rng(1), N), [new Tensor(G, [N, J]), c], G))).toBe(true);
    expect(same(() => vjp('matmul', 1, randomArray(rng(2), N), [new Tensor(G, [N, J]), c], accJ))).toBe(true);
  });
});

describe('full objective gradients', () => {
  const configs: [string, number, number, number][] = [
    ['rbf', 4096, 1, 100],
    ['rbf', 1000, 3, 21],
    ['tanh', 4096, 1, 100],
    ['tanh', 1000, 3, 21],
  ];

  /** The trainer's objective at random data and a random starting point away from any optimum. */
  function problem(basis: string, N: number, D: number, J: number) {
    const random = rng(N + D + J);
    const family = families[basis as 'rbf' | 'tanh'];
    const X = family.prepare(uniform(random, [N, D], -1.7, 1.7));
    const y = new Tensor(Float64Array.from({ length: N }, (_, n) => Math.sin(2 * X.data[n * D]) + 0.1 * random()), [N]);
    const theta = family.init(X, J, new SeededRng(N + J));
    const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
    const args = [uniform(random, [J]), Tensor.scalar(0.3), ...raw];
    return { f: valueAndGrad(trainingObjective(family, X, y, 1e-3)), args };
  }

  it.each(configs)('%s at N=%i D=%i J=%i: value and every gradient agree between modes within 1e-12', (basis, N, D, J) => {
    const { f, args } = problem(basis, N, D, J);
    const { scalar, wasm } = bothModes(() => f(...args));
    expect(Math.abs(wasm.value.item() - scalar.value.item()) / Math.abs(scalar.value.item())).toBeLessThanOrEqual(RTOL);
    expect(wasm.grads.length).toBe(4);
    for (let k = 0; k < 4; k++) {
      expect(maxRelDiff(wasm.grads[k].data, scalar.grads[k].data), `gradient ${k}`).toBeLessThanOrEqual(RTOL);
      expect(wasm.grads[k].data.some((v) => v !== 0), `gradient ${k} is not trivially zero`).toBe(true);
    }
  });

  it('is deterministic: the same bits twice in wasm mode', () => {
    for (const basis of ['rbf', 'tanh']) {
      const { f, args } = problem(basis, 3000, 2, 50);
      setKernels('wasm');
      const a = f(...args);
      const b = f(...args);
      expect(b.value.item()).toBe(a.value.item());
      for (let k = 0; k < a.grads.length; k++) expect(Array.from(b.grads[k].data)).toEqual(Array.from(a.grads[k].data));
    }
  });
});

describe('finiteness reported by the kernels (apply() skips its scan when they saw none)', () => {
  // Positions in the unrolled body, in the paired tail and in the odd last element.
  it.each([0, 5, 255, 256, 258, 260])('exp: an overflow at index %i of 261 is refused', (at) => {
    setKernels('wasm');
    const x = new Tensor(new Float64Array(261).fill(-1), [261]);
    x.data[at] = 710;
    expect(() => exp(x)).toThrow(/overflow/);
    x.data[at] = -1;
    expect(exp(x).finite).toBe(true);
  });

  it.each([0, 7, 16])('sqdist and affine: an overflow at row %i is refused', (row) => {
    setKernels('wasm');
    const J = 33;
    const X = new Tensor(new Float64Array(17 * 2).fill(0.5), [17, 2]);
    const C = new Tensor(new Float64Array(J * 2).fill(0.25), [J, 2]);
    const c = new Tensor(new Float64Array(J).fill(0.1), [J]);
    expect(sqdist(X, C).finite).toBe(true);
    expect(affine(X, C, c).finite).toBe(true);
    X.data[row * 2] = 1e200;
    expect(() => sqdist(X, C)).toThrow(/overflow/);
    expect(() => affine(X, new Tensor(new Float64Array(J * 2).fill(1e200), [J, 2]), c)).toThrow(/overflow/);
  });
});

describe('arrays in the kernels’ memory (the buffer pool’s) are used in place', () => {
  it('forward and vjp give the same values whether the arrays lie in the pool’s wasm memory or not', () => {
    setKernels('wasm');
    const random = rng(77);
    const [N, D, J] = [300, 3, 77];
    const inputs = [uniform(random, [N, D]), uniform(random, [J, D]), uniform(random, [J], 0.5, 1.5)];
    const tape = new Tape();
    try {
      for (const name of ['sqdist', 'affine']) {
        const p = prim(name);
        const plain = p.forward(inputs, undefined, freshAlloc);
        const pooled = p.forward(inputs, undefined, tape.alloc);
        expect(inArena(plain.data)).toBe(false);
        expect(inArena(pooled.data)).toBe(true);
        expect(Array.from(pooled.data)).toEqual(Array.from(plain.data));
        const g = tape.alloc.take(N * J);
        g.set(uniform(random, [N * J]).data);
        for (const i of [1, 2]) {
          const a = vjp(name, i, Float64Array.from(g), inputs, new Float64Array(inputs[i].size).fill(0.5));
          const b = vjp(name, i, g, inputs, new Float64Array(inputs[i].size).fill(0.5));
          expect(Array.from(b)).toEqual(Array.from(a));
        }
        const e = prim('exp');
        const x = new Tensor(pooled.data, pooled.shape);
        expect(Array.from(e.forward([x], undefined, tape.alloc).data)).toEqual(Array.from(e.forward([plain], undefined, freshAlloc).data));
      }
    } finally {
      tape.release();
    }
  });
});
