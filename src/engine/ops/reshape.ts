import type { Primitive } from '../primitive.js';
import { Tensor, shapeSize, shapeString } from '../tensor.js';

export interface ReshapeAttrs {
  readonly shape: readonly number[];
}

/** The same values under another shape; shares the input's storage. */
export const reshape: Primitive<ReshapeAttrs> = {
  name: 'reshape',
  saves: 'nothing',
  finiteFromFinite: true,
  forward([x], attrs) {
    if (shapeSize(attrs.shape) !== x.size) {
      throw new RangeError(`reshape: cannot view ${shapeString(x.shape)} as ${shapeString(attrs.shape)}`);
    }
    return new Tensor(x.data, attrs.shape);
  },
  vjp(_i, g, _ctx, acc) {
    for (let i = 0; i < acc.length; i++) acc[i] += g[i];
  },
  jvp([t], ctx, alloc) {
    const out = alloc.takeZeroed(ctx.output.size);
    if (t !== null) out.set(t);
    return out;
  },
};
