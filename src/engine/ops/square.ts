import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';
import { unaryJvp } from './elementwise.js';

/** x^2, the residual's square in every least-squares loss. */
export const square: Primitive<undefined> = {
  name: 'square',
  saves: 'inputs',
  forward([x], _a, alloc) {
    const out = alloc.take(x.size);
    const d = x.data;
    for (let i = 0; i < out.length; i++) out[i] = d[i] * d[i];
    return new Tensor(out, x.shape);
  },
  vjp(_i, g, ctx, acc) {
    const x = ctx.inputs[0].data;
    for (let i = 0; i < acc.length; i++) acc[i] += 2 * g[i] * x[i];
  },
  jvp([t], ctx, alloc) {
    const x = ctx.inputs[0].data;
    return unaryJvp(t, alloc, x.length, (i) => 2 * x[i]);
  },
};
