import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';
import { unaryJvp } from './elementwise.js';

/** e^x; its derivative is its own output, so only the output is kept. */
export const exp: Primitive<undefined> = {
  name: 'exp',
  saves: 'output',
  forward([x], _a, alloc) {
    const out = alloc.take(x.size);
    const d = x.data;
    for (let i = 0; i < out.length; i++) out[i] = Math.exp(d[i]);
    return new Tensor(out, x.shape);
  },
  vjp(_i, g, ctx, acc) {
    const y = ctx.output.data;
    for (let i = 0; i < acc.length; i++) acc[i] += g[i] * y[i];
  },
  jvp([t], ctx, alloc) {
    const y = ctx.output.data;
    return unaryJvp(t, alloc, y.length, (i) => y[i]);
  },
};
