/**
 * The small dense linear algebra the covariance needs, on row-major
 * Float64Arrays: JᵀJ, a symmetric eigendecomposition (ml-matrix) for the
 * inverse and the condition number, products, traces, and a semidefinite
 * Cholesky factor for storing the covariance compactly.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Steps } from '../util/steps.js';

/** Rows of J between the yields of gram: 45,000 rows of 241 columns took 4 s at once. */
const GRAM_ROWS = 1024;

/** JᵀJ (P × P) for J (N × P), row-major; yields every GRAM_ROWS rows (see util/steps.ts). */
export function* gram(J: Float64Array, n: number, p: number): Steps<Float64Array> {
  const G = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    if (r % GRAM_ROWS === GRAM_ROWS - 1) yield;
    const o = r * p;
    for (let a = 0; a < p; a++) {
      const ja = J[o + a];
      if (ja === 0) continue;
      for (let b = a; b < p; b++) G[a * p + b] += ja * J[o + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) G[b * p + a] = G[a * p + b];
  return G;
}

export interface SymmetricInverse {
  inverse: Float64Array;
  /** Largest over smallest eigenvalue (Infinity when the smallest is not positive). */
  condition: number;
}

/** A⁻¹ of a symmetric positive definite A (P × P) from its eigendecomposition, with its condition number. */
export function symmetricInverse(A: Float64Array, p: number): SymmetricInverse {
  const M = new Matrix(p, p);
  // Symmetrise against rounding so the symmetric solver's assumption holds exactly.
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) M.set(a, b, 0.5 * (A[a * p + b] + A[b * p + a]));
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const e = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const v of e) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, Math.abs(v));
  }
  const condition = lo > 0 ? hi / lo : Number.POSITIVE_INFINITY;
  const inverse = new Float64Array(p * p);
  if (lo > 0) {
    for (let k = 0; k < p; k++) {
      const inv = 1 / e[k];
      for (let a = 0; a < p; a++) {
        const va = V.get(a, k) * inv;
        if (va === 0) continue;
        for (let b = 0; b < p; b++) inverse[a * p + b] += va * V.get(b, k);
      }
    }
  }
  return { inverse, condition };
}

/** A·B for square P × P matrices. */
export function multiply(A: Float64Array, B: Float64Array, p: number): Float64Array {
  const C = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < p; k++) {
      const a = A[i * p + k];
      if (a === 0) continue;
      for (let j = 0; j < p; j++) C[i * p + j] += a * B[k * p + j];
    }
  return C;
}

export function trace(A: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) s += A[i * p + i];
  return s;
}

/** tr(A·B) without forming the product. */
export function traceOfProduct(A: Float64Array, B: Float64Array, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) s += A[i * p + k] * B[k * p + i];
  return s;
}

/** vᵀ A v. */
export function quadraticForm(A: Float64Array, v: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) {
    let r = 0;
    for (let j = 0; j < p; j++) r += A[i * p + j] * v[j];
    s += v[i] * r;
  }
  return s;
}

/**
 * The upper-triangular R with RᵀR = C for a symmetric positive semidefinite C,
 * returned as its rows R[i][i..P−1]. A pivot at or below `relTol` times the
 * largest diagonal entry is a direction C does not vary in (to rounding): its
 * row is set to zero rather than dividing by a rounding residue, which would
 * blow the factor up where C itself is tame.
 */
export function semidefiniteCholeskyRows(C: Float64Array, p: number, relTol = 1e-13): number[][] {
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, C[i * p + i]);
  const tol = relTol * maxDiag;
  // R stored densely while it is built; R[k][j] for j >= k.
  const R = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    let d = C[k * p + k];
    for (let i = 0; i < k; i++) d -= R[i * p + k] * R[i * p + k];
    if (d <= tol) continue;
    const rkk = Math.sqrt(d);
    R[k * p + k] = rkk;
    for (let j = k + 1; j < p; j++) {
      let s = C[k * p + j];
      for (let i = 0; i < k; i++) s -= R[i * p + k] * R[i * p + j];
      R[k * p + j] = s / rkk;
    }
  }
  return Array.from({ length: p }, (_, i) => Array.from(R.subarray(i * p + i, (i + 1) * p)));
}

/** ‖R g‖² = gᵀ C g for the factor rows of semidefiniteCholeskyRows, g of length P. */
export function factorQuadratic(rows: readonly (readonly number[])[], g: ArrayLike<number>, offset = 0): number {
  let s = 0;
  const p = rows.length;
  for (let i = 0; i < p; i++) {
    const row = rows[i];
    let r = 0;
    for (let k = 0; k < row.length; k++) r += row[k] * g[offset + i + k];
    s += r * r;
  }
  return s;
}
