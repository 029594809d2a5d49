/**
 * The small dense linear algebra the covariance needs, on row-major
 * Float64Arrays: JᵀJ, a symmetric eigendecomposition (solve/eigen.ts) for the
 * inverse and the condition number, products, traces, and a triangular
 * factor for storing the covariance compactly.
 */
import { symmetricEigen } from '../solve/eigen.js';
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

/** A condition number for a message: a singular matrix's is "infinite", never the JavaScript word Infinity. */
export function conditionText(condition: number): string {
  return Number.isFinite(condition) ? condition.toPrecision(3) : 'infinite';
}

/** A⁻¹ of a symmetric positive definite A (P × P) from its eigendecomposition, with its condition number. */
export function symmetricInverse(A: Float64Array, p: number): SymmetricInverse {
  // Symmetrise against rounding so the symmetric solver's assumption holds exactly.
  const { values: e, vectors: V } = symmetricEigen(symmetrised(A, p), p);
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
      const vk = k * p;
      for (let a = 0; a < p; a++) {
        const va = V[vk + a] * inv;
        if (va === 0) continue;
        for (let b = 0; b < p; b++) inverse[a * p + b] += va * V[vk + b];
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
 * returned as its rows R[i][i..P−1]: R from the Householder QR of a square root
 * F = E^½ Vᵀ (C = V E Vᵀ, negative rounding eigenvalues dropped). A Cholesky
 * factorisation without pivoting divides by pivots that are rounding residues
 * wherever C is singular, as a committee's covariance always is (rank at most
 * its N rows, with K·J + 1 parameters): its factor then reproduced variances
 * hundreds of times C's own (docs/defaults.md). QR never divides, so each
 * gᵀRᵀRg is gᵀCg to rounding relative to ‖C‖.
 */
export function covarianceFactorRows(C: Float64Array, p: number): number[][] {
  const { values: e, vectors: V } = symmetricEigen(symmetrised(C, p), p);
  const keep = Array.from(e, (v, k) => (v > 0 ? k : -1)).filter((k) => k >= 0);
  const m = keep.length;
  // F (m × P), row-major: row r is √e_k v_kᵀ.
  const F = new Float64Array(m * p);
  keep.forEach((k, r) => {
    const s = Math.sqrt(e[k]);
    for (let a = 0; a < p; a++) F[r * p + a] = s * V[k * p + a];
  });
  const v = new Float64Array(m);
  for (let j = 0; j < Math.min(m, p); j++) {
    // The Householder reflection taking column j's entries j..m−1 onto row j.
    let norm = 0;
    for (let i = j; i < m; i++) norm += F[i * p + j] * F[i * p + j];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = F[j * p + j] > 0 ? -norm : norm;
    let vv = 0;
    for (let i = j; i < m; i++) {
      v[i] = F[i * p + j] - (i === j ? alpha : 0);
      vv += v[i] * v[i];
    }
    if (vv === 0) continue;
    for (let c = j; c < p; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * F[i * p + c];
      const f = (2 * dot) / vv;
      if (f === 0) continue;
      for (let i = j; i < m; i++) F[i * p + c] -= f * v[i];
    }
  }
  // Rows below the rank (and below the diagonal) are zero by construction; rounding left there is dropped.
  return Array.from({ length: p }, (_, i) => (i < m ? Array.from(F.subarray(i * p + i, (i + 1) * p)) : new Array<number>(p - i).fill(0)));
}

/** ‖R g‖² = gᵀ C g for the factor rows of covarianceFactorRows, g of length P. */
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

/** ½(A + Aᵀ). */
function symmetrised(A: Float64Array, p: number): Float64Array {
  const S = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) S[a * p + b] = 0.5 * (A[a * p + b] + A[b * p + a]);
  return S;
}
