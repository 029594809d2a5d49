import { affineKernel, affineVjpAKernel, sumRowsKernel, useKernels } from '../kernels.js';
import type { Primitive } from '../primitive.js';
import { Tensor, shapeString } from '../tensor.js';

/**
 * X(N,D) · A(J,D)ᵀ + c(J) -> (N,J), the pre-activation of a layer of units; the
 * bias c is optional (two inputs). Fused so the bias costs no extra pass.
 */
export const affine: Primitive<undefined> = {
  name: 'affine',
  saves: 'inputs',
  forward(inputs, _attrs, alloc) {
    const [x, a] = inputs;
    const c = inputs[2];
    const { N, J, D } = dims(inputs);
    const X = x.data;
    const A = a.data;
    const out = alloc.take(N * J);
    if (useKernels(N * J)) {
      affineKernel(X, A, c?.data, out, N, J, D);
      return new Tensor(out, [N, J]);
    }
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let s = c === undefined ? 0 : c.data[j];
        for (let d = 0; d < D; d++) s += X[n * D + d] * A[j * D + d];
        out[n * J + j] = s;
      }
    }
    return new Tensor(out, [N, J]);
  },
  vjp(i, g, ctx, acc) {
    const { N, J, D } = dims(ctx.inputs);
    const X = ctx.inputs[0].data;
    const A = ctx.inputs[1].data;
    // Kernels for the parameters' adjoints; the adjoint of X (derivatives in the inputs, off the training path) stays scalar.
    if (i > 0 && useKernels(N * J)) {
      if (i === 2) sumRowsKernel(g, acc, N, J);
      else affineVjpAKernel(X, g, acc, N, J, D);
      return;
    }
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        const gnj = g[n * J + j];
        if (i === 2) acc[j] += gnj;
        else if (i === 1) for (let d = 0; d < D; d++) acc[j * D + d] += gnj * X[n * D + d];
        else for (let d = 0; d < D; d++) acc[n * D + d] += gnj * A[j * D + d];
      }
    }
  },
  jvp(tangents, ctx, alloc) {
    const { N, J, D } = dims(ctx.inputs);
    const X = ctx.inputs[0].data;
    const A = ctx.inputs[1].data;
    const [tx, ta] = tangents;
    const tc = tangents[2] ?? null;
    const out = alloc.takeZeroed(N * J);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < J; j++) {
        let s = tc === null ? 0 : tc[j];
        for (let d = 0; d < D; d++) {
          if (tx !== null) s += tx[n * D + d] * A[j * D + d];
          if (ta !== null) s += X[n * D + d] * ta[j * D + d];
        }
        out[n * J + j] = s;
      }
    }
    return out;
  },
};

function dims(inputs: readonly Tensor[]) {
  const xs = inputs[0].shape;
  const as = inputs[1].shape;
  const cs = inputs[2]?.shape;
  const ok = xs.length === 2 && as.length === 2 && xs[1] === as[1] && (cs === undefined || (cs.length === 1 && cs[0] === as[0]));
  if (!ok) {
    throw new RangeError(
      `affine needs X(N,D), A(J,D) and optionally c(J), got ${shapeString(xs)}, ${shapeString(as)}${cs ? `, ${shapeString(cs)}` : ''}`,
    );
  }
  return { N: xs[0], J: as[0], D: xs[1] };
}
