/** The Float64Array symmetric eigendecomposition against ml-matrix's, whose operations it repeats: the same bits. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { expect, it } from 'vitest';
import { symmetricEigen } from '../../src/solve/eigen.js';
import { rng, uniform } from '../engine/helpers.js';

/** B Bᵀ for a random B (n × r): positive semidefinite of rank min(n, r). */
function gramOf(n: number, r: number, seed: number): Float64Array {
  const B = uniform(rng(seed), [n, r], -1, 1).data;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) a[i * n + j] += B[i * r + k] * B[j * r + k];
  return a;
}

function indefinite(n: number, seed: number): Float64Array {
  const B = uniform(rng(seed), [n, n], -1, 1).data;
  return Float64Array.from(B, (_, i) => B[i] + B[(i % n) * n + Math.floor(i / n)]);
}

const cases: [string, number, () => Float64Array][] = [
  ['1 × 1', 1, () => Float64Array.of(2.5)],
  ['2 × 2', 2, () => gramOf(2, 2, 1)],
  ['full rank, 40', 40, () => gramOf(40, 60, 2)],
  ['rank 12 of 30', 30, () => gramOf(30, 12, 3)],
  ['indefinite, 25', 25, () => indefinite(25, 4)],
  ['identity (repeated eigenvalues), 9', 9, () => Float64Array.from({ length: 81 }, (_, i) => (i % 10 === 0 ? 1 : 0))],
  ['zero, 5', 5, () => new Float64Array(25)],
];

it.each(cases)('%s: the eigenvalues and eigenvectors are ml-matrix’s, bit for bit', (_, n, make) => {
  const a = make();
  const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)))), { assumeSymmetric: true });
  const got = symmetricEigen(a, n);
  const values = ref.realEigenvalues;
  const V = ref.eigenvectorMatrix;
  for (let k = 0; k < n; k++) {
    expect(Object.is(got.values[k], values[k])).toBe(true);
    for (let i = 0; i < n; i++) expect(Object.is(got.vectors[k * n + i], V.get(i, k))).toBe(true);
  }
  // And it decomposes A.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += got.vectors[k * n + i] * got.values[k] * got.vectors[k * n + j];
      expect(Math.abs(s - a[i * n + j])).toBeLessThan(1e-12 * (1 + Math.abs(a[i * n + j])) * n);
    }
  }
});
