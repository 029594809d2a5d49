import type { Primitive } from '../primitive.js';
import { unaryJvp, unaryOutput, unaryVjp } from './elementwise.js';

/** cos x */
export const cos: Primitive<undefined> = {
  name: 'cos',
  saves: 'inputs',
  forward: ([x], _a, alloc) => unaryOutput(x, alloc, Math.cos),
  vjp(_i, g, ctx, acc) {
    const x = ctx.inputs[0].data;
    unaryVjp(g, acc, (i) => -Math.sin(x[i]));
  },
  jvp([t], ctx, alloc) {
    const x = ctx.inputs[0].data;
    return unaryJvp(t, alloc, x.length, (i) => -Math.sin(x[i]));
  },
};
