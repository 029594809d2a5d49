import type { Primitive } from '../primitive.js';
import { accumulate, binaryPlan, binaryTangent, planOutput, zip } from './elementwise.js';

/** a + b, broadcasting. */
export const add: Primitive<undefined> = {
  name: 'add',
  saves: 'nothing',
  forward(inputs, _attrs, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    zip(plan, inputs[0].data, inputs[1].data, out.data, (a, b) => a + b);
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
