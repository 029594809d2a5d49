import type { Primitive } from '../primitive.js';
import { unaryJvp, unaryOutput, unaryVjp } from './elementwise.js';

/** natural log; a negative input gives NaN, which apply() refuses as a domain error. */
export const log: Primitive<undefined> = {
  name: 'log',
  saves: 'inputs',
  forward: ([x], _a, alloc) => unaryOutput(x, alloc, Math.log),
  vjp(_i, g, ctx, acc) {
    const x = ctx.inputs[0].data;
    unaryVjp(g, acc, (i) => 1 / x[i]);
  },
  jvp([t], ctx, alloc) {
    const x = ctx.inputs[0].data;
    return unaryJvp(t, alloc, x.length, (i) => 1 / x[i]);
  },
};
