/**
 * The linear part of the model in closed form. For fixed θ, w and b minimise
 * a ridge-regularised least-squares problem (notes, Eqn 2):
 *   min  (1/2N) Σ_n (w·Φ_n + b − y_n)² + (λ/2) ‖w‖²
 * solved by centring (which takes b out) and a Cholesky solve of the J×J
 * normal equations, falling back to SVD when they are not positive definite.
 */
import { CholeskyDecomposition, Matrix, SVD } from 'ml-matrix';

export interface LinearPart {
  w: Float64Array;
  b: number;
}

/** Φ is (N, J) row-major; y has N values; λ ≥ 0 is the ridge on w (not on b). */
export function ridgeSolve(phi: Float64Array, n: number, j: number, y: Float64Array, lambda: number): LinearPart {
  const mean = new Float64Array(j);
  let ymean = 0;
  for (let r = 0; r < n; r++) {
    ymean += y[r];
    for (let k = 0; k < j; k++) mean[k] += phi[r * j + k];
  }
  ymean /= n;
  for (let k = 0; k < j; k++) mean[k] /= n;

  // Normal equations of the centred problem, scaled by 1/N so λ means the same at any N.
  const G = new Float64Array(j * j);
  const rhs = new Float64Array(j);
  const row = new Float64Array(j);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < j; k++) row[k] = phi[r * j + k] - mean[k];
    const yc = y[r] - ymean;
    for (let a = 0; a < j; a++) {
      const va = row[a];
      if (va === 0) continue;
      rhs[a] += va * yc;
      for (let b = a; b < j; b++) G[a * j + b] += va * row[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < j; a++) trace += G[a * j + a] / n;
  // A floor relative to the problem's scale keeps exactly collinear units solvable.
  const jitter = 1e-12 * Math.max(trace / j, 1e-300);
  const A = new Matrix(j, j);
  for (let a = 0; a < j; a++) {
    for (let b = a; b < j; b++) {
      const v = G[a * j + b] / n + (a === b ? lambda + jitter : 0);
      A.set(a, b, v);
      A.set(b, a, v);
    }
  }
  const B = Matrix.columnVector(Array.from(rhs, (v) => v / n));
  let sol: Matrix;
  const chol = new CholeskyDecomposition(A);
  if (chol.isPositiveDefinite()) sol = chol.solve(B);
  else sol = new SVD(A, { autoTranspose: true }).solve(B);
  const w = Float64Array.from(sol.getColumn(0));
  let b = ymean;
  for (let k = 0; k < j; k++) b -= w[k] * mean[k];
  return { w, b };
}
