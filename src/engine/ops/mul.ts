import type { Primitive } from '../primitive.js';
import { accumulate, binaryPlan, binaryTangent, planOutput, zip } from './elementwise.js';

/** a * b elementwise, broadcasting. */
export const mul: Primitive<undefined> = {
  name: 'mul',
  saves: 'inputs',
  forward(inputs, _attrs, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    zip(plan, inputs[0].data, inputs[1].data, out.data, (a, b) => a * b);
    return out;
  },
  vjp(i, g, ctx, acc) {
    const A = ctx.inputs[0].data;
    const B = ctx.inputs[1].data;
    accumulate(binaryPlan(ctx.inputs), i, acc, i === 0 ? (o, _ia, ib) => g[o] * B[ib] : (o, ia) => g[o] * A[ia]);
  },
  jvp([ta, tb], ctx, alloc) {
    const A = ctx.inputs[0].data;
    const B = ctx.inputs[1].data;
    return binaryTangent(
      binaryPlan(ctx.inputs),
      ta,
      tb,
      alloc,
      (_o, _ia, ib) => B[ib],
      (_o, ia) => A[ia],
    );
  },
};
