import type { Alloc } from '../pool.js';
import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';

export interface SumAttrs {
  /** null sums everything to a scalar; otherwise the axis removed from the shape. */
  readonly axis: number | null;
}

/** Sum of all elements, or along one axis. */
export const sum: Primitive<SumAttrs> = {
  name: 'sum',
  saves: 'nothing',
  forward([x], attrs, alloc) {
    const { outer, len, inner, shape } = layout(x.shape, attrs.axis);
    return new Tensor(reduce(x.data, outer, len, inner, alloc), shape);
  },
  vjp(_i, g, ctx, acc) {
    const { outer, len, inner } = layout(ctx.inputs[0].shape, ctx.attrs.axis);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len; k++) {
        const base = (o * len + k) * inner;
        for (let i = 0; i < inner; i++) acc[base + i] += g[o * inner + i];
      }
    }
  },
  jvp([t], ctx, alloc) {
    const { outer, len, inner } = layout(ctx.inputs[0].shape, ctx.attrs.axis);
    return t === null ? alloc.takeZeroed(ctx.output.size) : reduce(t, outer, len, inner, alloc);
  },
};

function reduce(x: Float64Array, outer: number, len: number, inner: number, alloc: Alloc): Float64Array {
  const out = alloc.takeZeroed(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      const base = (o * len + k) * inner;
      for (let i = 0; i < inner; i++) out[o * inner + i] += x[base + i];
    }
  }
  return out;
}

function layout(shape: readonly number[], axis: number | null) {
  if (axis === null) {
    const n = shape.reduce((p, d) => p * d, 1);
    return { outer: 1, len: n, inner: 1, shape: [] as number[] };
  }
  const ax = axis < 0 ? axis + shape.length : axis;
  if (ax < 0 || ax >= shape.length) throw new RangeError(`sum: axis ${axis} out of range for rank ${shape.length}`);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < ax; i++) outer *= shape[i];
  for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[ax], inner, shape: shape.filter((_, i) => i !== ax) };
}
