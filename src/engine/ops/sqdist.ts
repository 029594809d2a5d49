import { sqdistKernel, sqdistVjpCKernel, sqdistVjpMKernel, useKernels } from '../kernels.js';
import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';
import { layerDims } from './layer.js';

/**
 * Pairwise squared distances between the rows of X(N,D) and C(J,D) -> (N,J),
 * optionally weighted per column by m(J): out[n,j] = m_j ‖x_n − c_j‖².
 * Fused: composing it from sub/square/sum would materialise an N×J×D array,
 * and the weight saves a whole N×J pass where a layer scales each unit.
 */
export const sqdist: Primitive<undefined> = {
  name: 'sqdist',
  saves: 'inputs',
  forward(inputs, _attrs, alloc) {
    const [x, c] = inputs;
    const m = inputs[2]?.data;
    const { N, J, D } = dims(inputs);
    const X = x.data;
    const C = c.data;
    const out = alloc.take(N * J);
    if (useKernels(N * J)) {
      const t = new Tensor(out, [N, J]);
      t.finite = sqdistKernel(X, C, m, out, N, J, D);
      return t;
    }
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        const s = rowSqDist(X, C, n, j, D);
        out[n * J + j] = m === undefined ? s : m[j] * s;
      }
    }
    return new Tensor(out, [N, J]);
  },
  vjp(i, g, ctx, acc) {
    const { N, J, D } = dims(ctx.inputs);
    const X = ctx.inputs[0].data;
    const C = ctx.inputs[1].data;
    const m = ctx.inputs[2]?.data;
    // Kernels for the parameters' adjoints; the adjoint of X (derivatives in the inputs, off the training path) stays scalar.
    if (i > 0 && useKernels(N * J)) {
      if (i === 2) sqdistVjpMKernel(X, C, g, acc, N, J, D);
      // The kernel scales by sign·m_j, which is −dDifference(m_j) since dDifference is linear in m.
      else sqdistVjpCKernel(X, C, m, g, acc, N, J, D, -dDifference(1));
      return;
    }
    if (i === 2) {
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < J; j++) {
          const gnj = g[n * J + j];
          if (gnj !== 0) acc[j] += gnj * rowSqDist(X, C, n, j, D);
        }
      }
      return;
    }
    // The adjoint of c is the adjoint of x with the sign turned: t = x − c.
    const sign = i === 0 ? 1 : -1;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        const gs = sign * g[n * J + j] * dDifference(m === undefined ? 1 : m[j]);
        if (gs === 0) continue;
        for (let d = 0; d < D; d++) {
          const t = X[n * D + d] - C[j * D + d];
          if (i === 0) acc[n * D + d] += gs * t;
          else acc[j * D + d] += gs * t;
        }
      }
    }
  },
  jvp(tangents, ctx, alloc) {
    const { N, J, D } = dims(ctx.inputs);
    const X = ctx.inputs[0].data;
    const C = ctx.inputs[1].data;
    const m = ctx.inputs[2]?.data;
    const [tx, tc] = tangents;
    const tm = tangents[2] ?? null;
    const out = alloc.takeZeroed(N * J);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let tdt = 0;
        for (let d = 0; d < D; d++) {
          const dt = (tx === null ? 0 : tx[n * D + d]) - (tc === null ? 0 : tc[j * D + d]);
          tdt += (X[n * D + d] - C[j * D + d]) * dt;
        }
        const viaDifference = dDifference(m === undefined ? 1 : m[j]) * tdt;
        out[n * J + j] = tm === null ? viaDifference : viaDifference + tm[j] * rowSqDist(X, C, n, j, D);
      }
    }
    return out;
  },
};

/** ‖x_n − c_j‖²: the value before the weight, and so also ∂out[n,j]/∂m_j. */
function rowSqDist(X: Float64Array, C: Float64Array, n: number, j: number, D: number): number {
  let s = 0;
  for (let d = 0; d < D; d++) {
    const t = X[n * D + d] - C[j * D + d];
    s += t * t;
  }
  return s;
}

/**
 * ∂out[n,j]/∂t_d = 2 m_j t_d for the difference t = x_n − c_j, given as the
 * factor 2 m_j of t_d. (Powers of two scale exactly, so the kernels' sign·g·m
 * rounds as g·2m does here.)
 */
function dDifference(m: number): number {
  return 2 * m;
}

const dims = (inputs: readonly Tensor[]) => layerDims('sqdist', ['C', 'm'], inputs);
