import type { Primitive } from '../primitive.js';
import { unaryJvp, unaryOutput, unaryVjp } from './elementwise.js';

/** sin x */
export const sin: Primitive<undefined> = {
  name: 'sin',
  saves: 'inputs',
  forward: ([x], _a, alloc) => unaryOutput(x, alloc, Math.sin),
  vjp(_i, g, ctx, acc) {
    const x = ctx.inputs[0].data;
    unaryVjp(g, acc, (i) => Math.cos(x[i]));
  },
  jvp([t], ctx, alloc) {
    const x = ctx.inputs[0].data;
    return unaryJvp(t, alloc, x.length, (i) => Math.cos(x[i]));
  },
};
