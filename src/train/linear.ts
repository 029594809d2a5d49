/**
 * The linear part of the model in closed form. For fixed θ, w and b minimise
 * a ridge-regularised least-squares problem (docs/contract.md section 1):
 *   min  (1/2N) Σ_n (w·Φ_n + b − y_n)² + (λ/2) ‖w‖²
 * solved by centring (which takes b out) and a Cholesky solve of the J×J
 * normal equations, falling back to SVD when they are not positive definite.
 * Choosing λ scores many of them at once on held-out folds (select.ts).
 */
import { Matrix, SVD } from 'ml-matrix';
import { cholesky, choleskySolve } from '../solve/cholesky.js';
import { columnSums, crossProducts, type Rows } from '../solve/gram.js';

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
function normalEquations(phi: Rows, n: number, j: number, y: Float64Array, withIntercept: boolean): NormalEquations {
  let mean: Float64Array = new Float64Array(j);
  let ymean = 0;
  if (withIntercept) {
    mean = columnSums(phi, n, j);
    for (let r = 0; r < n; r++) ymean += y[r];
    ymean /= n;
    for (let k = 0; k < j; k++) mean[k] /= n;
  }

  // The products about the means (cancellation-free, unlike ΦᵀΦ − N·μμᵀ);
  // this is what varpro pays for at every step.
  const { gram, atb } = crossProducts(phi, n, j, { b: y, shift: mean, bShift: ymean });
  const rhs = atb as Float64Array;
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

function intercept(eq: NormalEquations, w: Float64Array): number {
  let b = eq.ymean;
  for (let k = 0; k < w.length; k++) b -= w[k] * eq.mean[k];
  return b;
}

/** Φ is (N, J) row-major (one array or blocks of rows, see Rows); y has N values; λ ≥ 0 is the ridge on w (not on b); b = 0 without an intercept. */
export function ridgeSolve(phi: Rows, n: number, j: number, y: Float64Array, lambda: number, withIntercept = true): LinearPart {
  const eq = normalEquations(phi, n, j, y, withIntercept);
  const A = eq.gram.slice();
  for (let a = 0; a < j; a++) A[a * j + a] += lambda + eq.jitter;
  const l = cholesky(A, j);
  const w = l !== null ? choleskySolve(l, j, eq.rhs) : svdSolve(A, j, eq.rhs);
  return { w, b: intercept(eq, w) };
}

/** The least-squares (minimum-norm where singular) solution of A w = r, for a matrix Cholesky refused. */
function svdSolve(A: Float64Array, j: number, rhs: Float64Array): Float64Array {
  const M = new Matrix(j, j);
  for (let a = 0; a < j; a++) for (let b = 0; b < j; b++) M.set(a, b, A[a * j + b]);
  return Float64Array.from(new SVD(M, { autoTranspose: true }).solve(Matrix.columnVector(Array.from(rhs))).getColumn(0));
}

/** Variable projection's update: w, b set to the solution, kept as they were where it is not finite. */
export function keepIfFinite(lin: LinearPart, w: { data: Float64Array }, b: { data: Float64Array }): void {
  if (!lin.w.every(Number.isFinite) || !Number.isFinite(lin.b)) return;
  w.data.set(lin.w);
  b.data[0] = lin.b;
}
