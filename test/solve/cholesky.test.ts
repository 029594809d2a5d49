/** The Float64Array Cholesky against ml-matrix's, whose operations it repeats: the same bits. */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { expect, it } from 'vitest';
import { cholesky, choleskySolve } from '../../src/solve/cholesky.js';
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
