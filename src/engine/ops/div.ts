import type { Primitive } from '../primitive.js';
import { accumulate, binaryPlan, binaryTangent, planOutput, zip } from './elementwise.js';

/** a / b elementwise, broadcasting. */
export const div: Primitive<undefined> = {
  name: 'div',
  saves: 'inputs+output',
  forward(inputs, _attrs, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    zip(plan, inputs[0].data, inputs[1].data, out.data, (a, b) => a / b);
    return out;
  },
  vjp(i, g, ctx, acc) {
    const B = ctx.inputs[1].data;
    const O = ctx.output.data;
    // d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
    accumulate(binaryPlan(ctx.inputs), i, acc, i === 0 ? (o, _ia, ib) => g[o] / B[ib] : (o, _ia, ib) => (-g[o] * O[o]) / B[ib]);
  },
  jvp([ta, tb], ctx, alloc) {
    const B = ctx.inputs[1].data;
    const O = ctx.output.data;
    return binaryTangent(
      binaryPlan(ctx.inputs),
      ta,
      tb,
      alloc,
      (_o, _ia, ib) => 1 / B[ib],
      (o, _ia, ib) => -O[o] / B[ib],
    );
  },
};
