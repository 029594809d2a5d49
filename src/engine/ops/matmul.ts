import { matvecKernel, outerKernel, useKernels, vecmatKernel } from '../kernels.js';
import type { Primitive } from '../primitive.js';
import { Tensor, shapeString } from '../tensor.js';

/**
 * Matrix product A(M,K) · B(K,N) -> (M,N); a rank-1 operand is a row (A) or a
 * column (B) vector and its unit dimension is dropped from the result.
 */
export const matmul: Primitive<undefined> = {
  name: 'matmul',
  saves: 'inputs',
  forward([a, b], _attrs, alloc) {
    const { M, K, N, shape } = dims(a.shape, b.shape);
    const out = alloc.takeZeroed(M * N);
    gemmAcc(a.data, b.data, out, M, K, N);
    return new Tensor(out, shape);
  },
  vjp(i, g, ctx, acc) {
    const [a, b] = ctx.inputs;
    const { M, K, N } = dims(a.shape, b.shape);
    const A = a.data;
    const B = b.data;
    if (N === 1 && useKernels(M * K)) {
      // A matrix times a vector (Φ·w): the shape a training step runs.
      if (i === 0) outerKernel(g, B, acc, M, K);
      else vecmatKernel(A, g, acc, M, K);
      return;
    }
    if (i === 0) {
      // dA[m,k] += sum_n g[m,n] B[k,n]
      for (let m = 0; m < M; m++) {
        for (let k = 0; k < K; k++) {
          let s = 0;
          for (let n = 0; n < N; n++) s += g[m * N + n] * B[k * N + n];
          acc[m * K + k] += s;
        }
      }
    } else {
      // dB[k,n] += sum_m A[m,k] g[m,n]
      for (let m = 0; m < M; m++) {
        for (let k = 0; k < K; k++) {
          const amk = A[m * K + k];
          if (amk === 0) continue;
          for (let n = 0; n < N; n++) acc[k * N + n] += amk * g[m * N + n];
        }
      }
    }
  },
  jvp([ta, tb], ctx, alloc) {
    const [a, b] = ctx.inputs;
    const { M, K, N } = dims(a.shape, b.shape);
    const out = alloc.takeZeroed(M * N);
    if (ta !== null) gemmAcc(ta, b.data, out, M, K, N);
    if (tb !== null) gemmAcc(a.data, tb, out, M, K, N);
    return out;
  },
};

/** out += A(M,K) B(K,N), row-major, walking B by rows so the inner loop is contiguous. */
function gemmAcc(A: Float64Array, B: Float64Array, out: Float64Array, M: number, K: number, N: number): void {
  if (N === 1) {
    if (useKernels(M * K)) {
      matvecKernel(A, B, out, M, K);
      return;
    }
    for (let m = 0; m < M; m++) {
      let s = 0;
      const base = m * K;
      for (let k = 0; k < K; k++) s += A[base + k] * B[k];
      out[m] += s;
    }
    return;
  }
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      const amk = A[m * K + k];
      if (amk === 0) continue;
      const bRow = k * N;
      const oRow = m * N;
      for (let n = 0; n < N; n++) out[oRow + n] += amk * B[bRow + n];
    }
  }
}

function dims(as: readonly number[], bs: readonly number[]) {
  if (as.length < 1 || as.length > 2 || bs.length < 1 || bs.length > 2) {
    throw new RangeError(`matmul takes rank-1 or rank-2 operands, got ${shapeString(as)} and ${shapeString(bs)}`);
  }
  const M = as.length === 2 ? as[0] : 1;
  const K = as[as.length - 1];
  const Kb = bs[0];
  const N = bs.length === 2 ? bs[1] : 1;
  if (K !== Kb) throw new RangeError(`matmul: inner dimensions differ, ${shapeString(as)} · ${shapeString(bs)}`);
  const shape: number[] = [];
  if (as.length === 2) shape.push(M);
  if (bs.length === 2) shape.push(N);
  return { M, K, N, shape };
}
