/**
 * The linear part of the model in closed form. For fixed θ, w and b minimise
 * a ridge-regularised least-squares problem (docs/contract.md section 1):
 *   min  (1/2N) Σ_n (w·Φ_n + b − y_n)² + (λ/2) ‖w‖²
 * solved by centring (which takes b out) and a Cholesky solve of the J×J
 * normal equations, falling back to SVD when they are not positive definite.
 * Choosing λ scores many of them at once on held-out folds (select.ts).
 */
import { Matrix, SVD } from 'ml-matrix';
import { solveSpd } from '../solve/cholesky.js';
import { type CrossProducts, columnSums, crossProducts, type Rows } from '../solve/gram.js';

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

/** Where the products are taken about: the column means of Φ (from its column sums) and ȳ; zeros without an intercept (nothing centred, b = 0). */
export function centre(sums: Float64Array | null, y: Float64Array, n: number, j: number): { mean: Float64Array; ymean: number } {
  const mean = new Float64Array(j);
  if (sums === null) return { mean, ymean: 0 };
  let ymean = 0;
  for (let r = 0; r < n; r++) ymean += y[r];
  for (let k = 0; k < j; k++) mean[k] = sums[k] / n;
  return { mean, ymean: ymean / n };
}

/**
 * The normal equations from the products about (mean, ymean): the
 * cancellation-free form, unlike ΦᵀΦ − N·μμᵀ; this is what varpro pays for at
 * every step.
 */
function normalEquations(cross: CrossProducts, n: number, j: number, mean: Float64Array, ymean: number): NormalEquations {
  const gram = cross.gram;
  const rhs = cross.atb as Float64Array;
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
  const { mean, ymean } = centre(withIntercept ? columnSums(phi, n, j) : null, y, n, j);
  return ridgeFromProducts(crossProducts(phi, n, j, { b: y, shift: mean, bShift: ymean }), n, j, mean, ymean, lambda);
}

/** The ridge solution from [Φ y]'s products about (mean, ymean) (centre()), however they were summed. */
export function ridgeFromProducts(cross: CrossProducts, n: number, j: number, mean: Float64Array, ymean: number, lambda: number): LinearPart {
  const eq = normalEquations(cross, n, j, mean, ymean);
  const A = eq.gram.slice();
  for (let a = 0; a < j; a++) A[a * j + a] += lambda + eq.jitter;
  const w = solveSpd(A, j, eq.rhs) ?? svdSolve(A, j, eq.rhs);
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
