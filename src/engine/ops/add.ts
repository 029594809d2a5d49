import type { Primitive } from '../primitive.js';
import { accumulate, binaryPlan, binaryTangent, planOutput } from './elementwise.js';

/** a + b, broadcasting. */
export const add: Primitive<undefined> = {
  name: 'add',
  saves: 'nothing',
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
      for (let k = 0; k < inner; k++, o++) O[o] = A[ia + k * aStep] + B[ib + k * bStep];
    }
    return out;
  },
  vjp(i, g, ctx, acc) {
    accumulate(binaryPlan(ctx.inputs), i, acc, (o) => g[o]);
  },
  jvp([ta, tb], ctx, alloc) {
    return binaryTangent(binaryPlan(ctx.inputs), ta, tb, alloc, one, one);
  },
};

const one = () => 1;
