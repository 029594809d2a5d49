import { sqdistKernel, sqdistVjpCKernel, sqdistVjpMKernel, useKernels } from '../kernels.js';
import type { Primitive } from '../primitive.js';
import { Tensor, shapeString } from '../tensor.js';

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
      sqdistKernel(X, C, m, out, N, J, D);
      return new Tensor(out, [N, J]);
    }
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) {
          const t = X[n * D + d] - C[j * D + d];
          s += t * t;
        }
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
      else sqdistVjpCKernel(X, C, m, g, acc, N, J, D, -2);
      return;
    }
    if (i === 2) {
      // d/dm_j = ‖x_n − c_j‖²
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < J; j++) {
          const gnj = g[n * J + j];
          if (gnj === 0) continue;
          let s = 0;
          for (let d = 0; d < D; d++) {
            const t = X[n * D + d] - C[j * D + d];
            s += t * t;
          }
          acc[j] += gnj * s;
        }
      }
      return;
    }
    // d/dx_nd = 2 m_j (x_nd − c_jd), d/dc_jd = −2 m_j (x_nd − c_jd)
    const sign = i === 0 ? 2 : -2;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        const gs = sign * g[n * J + j] * (m === undefined ? 1 : m[j]);
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
        let s = 0;
        let ds = 0;
        for (let d = 0; d < D; d++) {
          const t = X[n * D + d] - C[j * D + d];
          const dt = (tx === null ? 0 : tx[n * D + d]) - (tc === null ? 0 : tc[j * D + d]);
          s += t * t;
          ds += 2 * t * dt;
        }
        out[n * J + j] = (m === undefined ? ds : m[j] * ds) + (tm === null ? 0 : tm[j] * s);
      }
    }
    return out;
  },
};

function dims(inputs: readonly Tensor[]) {
  const xs = inputs[0].shape;
  const cs = inputs[1].shape;
  const ms = inputs[2]?.shape;
  const ok = xs.length === 2 && cs.length === 2 && xs[1] === cs[1] && (ms === undefined || (ms.length === 1 && ms[0] === cs[0]));
  if (!ok) {
    throw new RangeError(
      `sqdist needs X(N,D), C(J,D) and optionally m(J), got ${shapeString(xs)}, ${shapeString(cs)}${ms ? `, ${shapeString(ms)}` : ''}`,
    );
  }
  return { N: xs[0], J: cs[0], D: xs[1] };
}
