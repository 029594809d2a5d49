/** The Float64Array Cholesky against ml-matrix's, whose operations it repeats: the same bits. */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, solveSpd } from '../../src/solve/cholesky.js';
import { rng, uniform } from '../engine/helpers.js';

/** B Bᵀ + δI for a random B: symmetric, positive definite for δ > 0. */
function spd(n: number, seed: number, delta: number): Float64Array {
  const B = uniform(rng(seed), [n, n], -1, 1).data;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      a[i * n + j] = s + (i === j ? delta : 0);
      a[j * n + i] = a[i * n + j];
    }
  }
  return a;
}

it.each([1, 2, 7, 40, 101])('n = %i: the factor and the solution match ml-matrix bit for bit', (n) => {
  const a = spd(n, n, 1e-3);
  const b = uniform(rng(n + 7), [n], -1, 1).data;
  const ref = new CholeskyDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))));
  expect(ref.isPositiveDefinite()).toBe(true);
  const l = cholesky(a, n);
  expect(l).not.toBeNull();
  const L = ref.lowerTriangularMatrix;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect((l as Float64Array)[i * n + j]).toBe(L.get(i, j));
  const x = choleskySolve(l as Float64Array, n, b);
  expect(Array.from(x)).toEqual(ref.solve(Matrix.columnVector(Array.from(b))).getColumn(0));
  // And it solves the system.
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
    expect(Math.abs(s - b[i])).toBeLessThan(1e-8 * (1 + Math.abs(b[i])));
  }
});

it('refuses a matrix that is not positive definite, as ml-matrix does', () => {
  const a = spd(6, 3, 0);
  a[0] = -1;
  expect(cholesky(a, 6)).toBeNull();
  // Rank-deficient: a zero pivot is not positive.
  expect(cholesky(Float64Array.of(1, 1, 1, 1), 2)).toBeNull();
});

describe('the WebAssembly kernel', () => {
  // Orders around each of the kernel's blockings (8 rows, 2 rows, 1 row a pass) and its threshold.
  it.each([12, 13, 16, 17, 18, 19, 24, 25, 26, 31, 33, 82, 150])('n = %i: solveSpd gives cholesky and choleskySolve’s bits on both paths, from the lower triangle only', (n) => {
    const a = spd(n, 200 + n, 1e-6);
    const b = uniform(rng(300 + n), [n], -1, 1).data;
    const ref = choleskySolve(cholesky(a, n) as Float64Array, n, b);
    // The upper triangle is never read: garbage there changes nothing.
    const lowerOnly = Float64Array.from(a, (v, i) => (i % n > Math.floor(i / n) ? Number.NaN : v));
    for (const mode of ['scalar', 'wasm'] as const) {
      const x = solveSpd(lowerOnly, n, b, mode) as Float64Array;
      expect(x).not.toBeNull();
      expect(x.length).toBe(n);
      for (let i = 0; i < n; i++) expect(Object.is(x[i], ref[i])).toBe(true);
    }
  });

  it('refuses what the scalar loop refuses', () => {
    const n = 30;
    const rhs = new Float64Array(n);
    const indefinite = spd(n, 5, 0);
    indefinite[(n - 1) * n + n - 1] = -1;
    expect(cholesky(indefinite, n)).toBeNull();
    expect(solveSpd(indefinite, n, rhs, 'wasm')).toBeNull();
    expect(solveSpd(indefinite, n, rhs, 'scalar')).toBeNull();
    // Rank 20 of 30: the pivots after the 20th are rounding residues of either sign, as in the scalar loop.
    const B = uniform(rng(9), [n, 20], -1, 1).data;
    const low = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < 20; k++) low[i * n + j] += B[i * 20 + k] * B[j * 20 + k];
    expect(solveSpd(low, n, rhs, 'wasm') === null).toBe(cholesky(low, n) === null);
    expect(solveSpd(new Float64Array(n * n), n, rhs, 'wasm')).toBeNull();
  });
});
