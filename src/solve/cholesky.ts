/**
 * Cholesky factorisation and solve of a small symmetric positive definite
 * system on a row-major Float64Array: ml-matrix's algorithm (the same
 * operations in the same order, so the same bits) without its per-element
 * get/set calls and Matrix objects, which cost more than the arithmetic at
 * the ridge solve's sizes; from order KERNEL_MIN_ORDER on, a WebAssembly SIMD
 * kernel in the same order (assembly/kernels.ts, choleskyLower), which the
 * start search's thousands of fold solves spend most of their time in.
 * bench/gram.mjs times the three.
 */

import { kernelMode, solveSpdKernel } from '../engine/kernels.js';

/**
 * From this order on the WebAssembly kernel (the same bits) runs. A solve at
 * order 8 costs the same either way (1.3 µs: the copies in and out of the
 * module's memory eat the gain); at 12, 2.9 µs against 5.0.
 */
const KERNEL_MIN_ORDER = 12;
/**
 * ... and up to this one: the kernel's scratch (3n² doubles, 100 MB here) stays
 * reserved in the module's memory, which has 1 GiB for everything; the scalar
 * loop (the same bits) takes larger systems (up to 10,000 units).
 */
const KERNEL_MAX_ORDER = 2048;

const useKernel = (mode: 'wasm' | 'scalar', n: number) => mode === 'wasm' && n >= KERNEL_MIN_ORDER && n <= KERNEL_MAX_ORDER;

/** x with A x = b for A symmetric positive definite (its lower triangle read), by cholesky and choleskySolve; null when A is not. */
export function solveSpd(a: Float64Array, n: number, b: Float64Array, mode: 'wasm' | 'scalar' = kernelMode()): Float64Array | null {
  if (useKernel(mode, n)) return solveSpdKernel(a, n, b);
  const l = cholesky(a, n);
  return l === null ? null : choleskySolve(l, n, b);
}

/**
 * The lower factor L (n × n, row-major) of A = L Lᵀ, or null when A is not positive
 * definite; only A's lower triangle is read. The reference loop: the kernel follows its order.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  let positiveDefinite = true;
  for (let j = 0; j < n; j++) {
    const lj = j * n;
    let d = 0;
    for (let k = 0; k < j; k++) {
      const lk = k * n;
      let s = 0;
      for (let i = 0; i < k; i++) s += l[lk + i] * l[lj + i];
      s = (a[lj + k] - s) / l[lk + k];
      l[lj + k] = s;
      d = d + s * s;
    }
    d = a[lj + j] - d;
    positiveDefinite &&= d > 0;
    l[lj + j] = Math.sqrt(Math.max(d, 0));
  }
  return positiveDefinite ? l : null;
}

/** x with L Lᵀ x = b, for L from cholesky(). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let v = x[k];
    for (let i = 0; i < k; i++) v = v - x[i] * l[k * n + i];
    x[k] = v / l[k * n + k];
  }
  for (let k = n - 1; k >= 0; k--) {
    let v = x[k];
    for (let i = k + 1; i < n; i++) v = v - x[i] * l[i * n + k];
    x[k] = v / l[k * n + k];
  }
  return x;
}
