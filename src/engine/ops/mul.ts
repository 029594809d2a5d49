import type { Primitive } from '../primitive.js';
import { accumulate, binaryPlan, binaryTangent, planOutput } from './elementwise.js';

/** a * b elementwise, broadcasting. */
export const mul: Primitive<undefined> = {
  name: 'mul',
  saves: 'inputs',
  forward(inputs, _attrs, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    const A = inputs[0].data;
    const B = inputs[1].data;
    const O = out.data;
    const { rows, inner, aStep, bStep, aOff, bOff } = plan;
    for (let r = 0, o = 0; r < rows; r++) {
      const ia = aOff[r];
      const ib = bOff[r];
      for (let k = 0; k < inner; k++, o++) O[o] = A[ia + k * aStep] * B[ib + k * bStep];
    }
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
