/**
 * Cross products (src/solve/gram.ts): the WebAssembly kernel against the
 * scalar loop that defines its summation order (the same bits), and both
 * against a plain textbook sum in another order (1e-12 relative).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KernelMode, kernelMode, setKernels } from '../../src/engine/kernels.js';
import { columnSums, crossProducts, GRAM_CHUNK_ROWS } from '../../src/solve/gram.js';
import { rng, uniform } from '../engine/helpers.js';

let initial: KernelMode;
beforeAll(() => {
  initial = kernelMode();
  setKernels('wasm');
});
afterAll(() => setKernels(initial));

/** Σ_r (A[r,i] − s_i)(A[r,j] − s_j) summed in pairs (a different order from the blocked one). */
function textbook(A: Float64Array, n: number, k: number, b: Float64Array | null, s: Float64Array, sb: number) {
  const col = (r: number, i: number) => (i < k ? A[r * k + i] - s[i] : (b as Float64Array)[r] - sb);
  const w = k + (b === null ? 0 : 1);
  const out = new Float64Array(w * w);
  for (let i = 0; i < w; i++) {
    for (let j = 0; j < w; j++) {
      let even = 0;
      let odd = 0;
      for (let r = 0; r < n; r++) {
        if (r % 2 === 0) even += col(r, i) * col(r, j);
        else odd += col(r, i) * col(r, j);
      }
      out[i * w + j] = even + odd;
    }
  }
  return out;
}

function relDiff(a: number, b: number, scale: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), scale);
}

// k below, at and above a tile of 4, odd N, N across a chunk and several blocks.
const SHAPES: [number, number][] = [
  [1, 1],
  [7, 3],
  [33, 4],
  [257, 5],
  [300, 17],
  [GRAM_CHUNK_ROWS + 37, 10],
  [1500, 101],
];

describe.each(SHAPES)('crossProducts, N = %i, k = %i', (n, k) => {
  const random = rng(n * 131 + k);
  const A = uniform(random, [n, k], -2, 3).data;
  const b = uniform(random, [n], -1, 1).data;
  const shift = uniform(random, [k], 0, 1).data;

  it('the kernel gives the scalar loop’s bits, with and without b and a shift', () => {
    for (const opts of [{}, { b }, { b, shift, bShift: 0.25 }, { shift }]) {
      const s = crossProducts(A, n, k, { ...opts, mode: 'scalar' });
      const w = crossProducts(A, n, k, { ...opts, mode: 'wasm' });
      expect(Array.from(w.gram)).toEqual(Array.from(s.gram));
      expect(w.atb === null ? null : Array.from(w.atb)).toEqual(s.atb === null ? null : Array.from(s.atb));
      expect(w.btb).toBe(s.btb);
    }
  });

  it('agrees with a plain sum to 1e-12, symmetric', () => {
    const ref = textbook(A, n, k, b, shift, 0.25);
    const w = k + 1;
    // Entries can cancel to near 0; relative to the diagonal's scale.
    let scale = 0;
    for (let i = 0; i < w; i++) scale = Math.max(scale, Math.abs(ref[i * w + i]));
    for (const mode of ['scalar', 'wasm'] as const) {
      const got = crossProducts(A, n, k, { b, shift, bShift: 0.25, mode });
      let worst = 0;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          expect(got.gram[i * k + j]).toBe(got.gram[j * k + i]);
          worst = Math.max(worst, relDiff(got.gram[i * k + j], ref[i * w + j], 1e-3 * scale));
        }
        worst = Math.max(worst, relDiff((got.atb as Float64Array)[i], ref[i * w + k], 1e-3 * scale));
      }
      worst = Math.max(worst, relDiff(got.btb, ref[k * w + k], 1e-3 * scale));
      expect(worst).toBeLessThan(1e-12);
    }
  });
});

it('non-finite entries propagate the same way on both paths', () => {
  const A = Float64Array.of(1, 2, Number.POSITIVE_INFINITY, 4, 5, Number.NaN);
  const s = crossProducts(A, 3, 2, { mode: 'scalar' });
  const w = crossProducts(A, 3, 2, { mode: 'wasm' });
  expect(Array.from(w.gram)).toEqual(Array.from(s.gram));
  expect(Number.isNaN(s.gram[3])).toBe(true);
});

it.each([
  [1, 1],
  [257, 7],
  [GRAM_CHUNK_ROWS + 3, 100],
])('columnSums, N = %i, k = %i: the kernel gives the row-order loop’s bits', (n, k) => {
  const A = uniform(rng(n + k), [n, k], -1, 2).data;
  const ref = new Float64Array(k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) ref[j] += A[r * k + j];
  expect(Array.from(columnSums(A, n, k, 'wasm'))).toEqual(Array.from(ref));
  expect(Array.from(columnSums(A, n, k, 'scalar'))).toEqual(Array.from(ref));
});
