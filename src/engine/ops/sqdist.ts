import type { Primitive } from '../primitive.js';
import { Tensor, shapeString } from '../tensor.js';

/**
 * Pairwise squared distances ‖x_n − c_j‖² between the rows of X(N,D) and
 * C(J,D) -> (N,J). A fused primitive: composing it from sub/square/sum would
 * materialise an N×J×D array.
 */
export const sqdist: Primitive<undefined> = {
  name: 'sqdist',
  saves: 'inputs',
  forward([x, c], _attrs, alloc) {
    const { N, J, D } = dims(x.shape, c.shape);
    const X = x.data;
    const C = c.data;
    const out = alloc.take(N * J);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) {
          const t = X[n * D + d] - C[j * D + d];
          s += t * t;
        }
        out[n * J + j] = s;
      }
    }
    return new Tensor(out, [N, J]);
  },
  vjp(i, g, ctx, acc) {
    const [x, c] = ctx.inputs;
    const { N, J, D } = dims(x.shape, c.shape);
    const X = x.data;
    const C = c.data;
    // d/dx_nd = 2 (x_nd - c_jd), d/dc_jd = -2 (x_nd - c_jd)
    const sign = i === 0 ? 2 : -2;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        const gs = sign * g[n * J + j];
        if (gs === 0) continue;
        for (let d = 0; d < D; d++) {
          const t = X[n * D + d] - C[j * D + d];
          if (i === 0) acc[n * D + d] += gs * t;
          else acc[j * D + d] += gs * t;
        }
      }
    }
  },
  jvp([tx, tc], ctx, alloc) {
    const [x, c] = ctx.inputs;
    const { N, J, D } = dims(x.shape, c.shape);
    const X = x.data;
    const C = c.data;
    const out = alloc.takeZeroed(N * J);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let s = 0;
        for (let d = 0; d < D; d++) {
          const dt = (tx === null ? 0 : tx[n * D + d]) - (tc === null ? 0 : tc[j * D + d]);
          s += 2 * (X[n * D + d] - C[j * D + d]) * dt;
        }
        out[n * J + j] = s;
      }
    }
    return out;
  },
};

function dims(xs: readonly number[], cs: readonly number[]) {
  if (xs.length !== 2 || cs.length !== 2 || xs[1] !== cs[1]) {
    throw new RangeError(`sqdist needs X(N,D) and C(J,D), got ${shapeString(xs)} and ${shapeString(cs)}`);
  }
  return { N: xs[0], J: cs[0], D: xs[1] };
}
