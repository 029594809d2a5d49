import { affineKernel, affineVjpAKernel, sumRowsKernel, useKernels } from '../kernels.js';
import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';
import { layerDims } from './layer.js';

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
      const t = new Tensor(out, [N, J]);
      t.finite = affineKernel(X, A, c?.data, out, N, J, D);
      return t;
    }
    affineInto(X, A, c?.data ?? null, out, N, J, D, false);
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
    const out = alloc.take(N * J);
    // Bilinear in (X, A) and linear in c: the derivative along a direction is
    // the same product with one factor replaced by its tangent.
    affineInto(tx, A, tc, out, N, J, D, false);
    if (ta !== null) affineInto(X, ta, null, out, N, J, D, true);
    return out;
  },
};

/** out(N,J) = X·Aᵀ + c (or += with `add`), where a null X or c contributes nothing. */
function affineInto(
  X: Float64Array | null,
  A: Float64Array,
  c: Float64Array | null,
  out: Float64Array,
  N: number,
  J: number,
  D: number,
  add: boolean,
): void {
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < J; j++) {
      let s = c === null ? 0 : c[j];
      if (X !== null) for (let d = 0; d < D; d++) s += X[n * D + d] * A[j * D + d];
      out[n * J + j] = add ? out[n * J + j] + s : s;
    }
  }
}

const dims = (inputs: readonly Tensor[]) => layerDims('affine', ['A', 'c'], inputs);
