/**
 * The linear part of the model in closed form. For fixed θ, w and b minimise
 * a ridge-regularised least-squares problem (docs/contract.md section 1):
 *   min  (1/2N) Σ_n (w·Φ_n + b − y_n)² + (λ/2) ‖w‖²
 * solved by centring (which takes b out) and a Cholesky solve of the J×J
 * normal equations, falling back to SVD when they are not positive definite.
 * Choosing λ scores many of them at once on held-out folds (select.ts).
 */
import { CholeskyDecomposition, Matrix, SVD } from 'ml-matrix';

export interface LinearPart {
  w: Float64Array;
  b: number;
}

/** The centred normal equations, scaled by 1/N so λ means the same at any N. */
interface NormalEquations {
  /** (1/N) Σ (Φ_n − Φ̄)(Φ_n − Φ̄)ᵀ, J×J row-major (upper triangle filled, then mirrored). */
  gram: Float64Array;
  /** (1/N) Σ (Φ_n − Φ̄)(y_n − ȳ). */
  rhs: Float64Array;
  mean: Float64Array;
  ymean: number;
  /** A floor relative to the problem's scale that keeps exactly collinear units solvable. */
  jitter: number;
}

/** Without an intercept (b fixed at 0) nothing is centred, and the intercept comes out 0. */
function normalEquations(phi: Float64Array, n: number, j: number, y: Float64Array, withIntercept: boolean): NormalEquations {
  const mean = new Float64Array(j);
  let ymean = 0;
  if (withIntercept) {
    for (let r = 0; r < n; r++) {
      ymean += y[r];
      for (let k = 0; k < j; k++) mean[k] += phi[r * j + k];
    }
    ymean /= n;
    for (let k = 0; k < j; k++) mean[k] /= n;
  }

  // Centred columns, column-major: each Gram entry is then one contiguous dot
  // product (a register accumulator, no read-modify-write per term), which is
  // what varpro pays for at every step.
  const cols = new Float64Array(n * j);
  for (let r = 0; r < n; r++) for (let k = 0; k < j; k++) cols[k * n + r] = phi[r * j + k] - mean[k];
  const yc = new Float64Array(n);
  for (let r = 0; r < n; r++) yc[r] = y[r] - ymean;
  const gram = new Float64Array(j * j);
  const rhs = new Float64Array(j);
  for (let a = 0; a < j; a++) {
    rhs[a] = dot(cols, a * n, yc, 0, n);
    for (let b = a; b < j; b++) gram[a * j + b] = dot(cols, a * n, cols, b * n, n);
  }
  let trace = 0;
  for (let a = 0; a < j; a++) {
    rhs[a] /= n;
    for (let b = a; b < j; b++) {
      gram[a * j + b] /= n;
      gram[b * j + a] = gram[a * j + b];
    }
    trace += gram[a * j + a];
  }
  return { gram, rhs, mean, ymean, jitter: 1e-12 * Math.max(trace / j, 1e-300) };
}

/** Σ_i u[ou + i] · v[ov + i] for i < n, in four interleaved partial sums. */
function dot(u: Float64Array, ou: number, v: Float64Array, ov: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += u[ou + i] * v[ov + i];
    s1 += u[ou + i + 1] * v[ov + i + 1];
    s2 += u[ou + i + 2] * v[ov + i + 2];
    s3 += u[ou + i + 3] * v[ov + i + 3];
  }
  for (; i < n; i++) s0 += u[ou + i] * v[ov + i];
  return s0 + s1 + (s2 + s3);
}

function intercept(eq: NormalEquations, w: Float64Array): number {
  let b = eq.ymean;
  for (let k = 0; k < w.length; k++) b -= w[k] * eq.mean[k];
  return b;
}

/** Φ is (N, J) row-major; y has N values; λ ≥ 0 is the ridge on w (not on b); b = 0 without an intercept. */
export function ridgeSolve(phi: Float64Array, n: number, j: number, y: Float64Array, lambda: number, withIntercept = true): LinearPart {
  const eq = normalEquations(phi, n, j, y, withIntercept);
  const A = new Matrix(j, j);
  for (let a = 0; a < j; a++) for (let b = 0; b < j; b++) A.set(a, b, eq.gram[a * j + b] + (a === b ? lambda + eq.jitter : 0));
  const B = Matrix.columnVector(Array.from(eq.rhs));
  const chol = new CholeskyDecomposition(A);
  const sol = chol.isPositiveDefinite() ? chol.solve(B) : new SVD(A, { autoTranspose: true }).solve(B);
  const w = Float64Array.from(sol.getColumn(0));
  return { w, b: intercept(eq, w) };
}
