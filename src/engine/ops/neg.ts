import type { Primitive } from '../primitive.js';
import { unaryJvp, unaryOutput, unaryVjp } from './elementwise.js';

/** -x */
export const neg: Primitive<undefined> = {
  name: 'neg',
  saves: 'nothing',
  forward: ([x], _a, alloc) => unaryOutput(x, alloc, (v) => -v),
  vjp: (_i, g, _ctx, acc) => unaryVjp(g, acc, () => -1),
  jvp: ([t], ctx, alloc) => unaryJvp(t, alloc, ctx.output.size, () => -1),
};
