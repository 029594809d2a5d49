import { NumericError } from '../../errors.js';
import type { Primitive } from '../primitive.js';
import { numericChecksEnabled } from '../tape.js';
import { accumulate, binaryPlan, binaryTangent, planOutput, zip } from './elementwise.js';

/** a ^ b elementwise, broadcasting; both base and exponent are differentiable. */
export const pow: Primitive<undefined> = {
  name: 'pow',
  saves: 'inputs+output',
  forward(inputs, _attrs, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    // With numeric checks off this gives NaN like every other domain error.
    const refuse = numericChecksEnabled();
    zip(plan, inputs[0].data, inputs[1].data, out.data, (a, b) => {
      if (refuse && a < 0 && !Number.isInteger(b)) {
        throw new NumericError('pow', `negative base ${a} with non-integer exponent ${b} has no real value`);
      }
      return a ** b;
    });
    return out;
  },
  vjp(i, g, ctx, acc) {
    const A = ctx.inputs[0].data;
    const B = ctx.inputs[1].data;
    const O = ctx.output.data;
    const plan = binaryPlan(ctx.inputs);
    if (i === 0) accumulate(plan, 0, acc, (o, ia, ib) => g[o] * dBase(A[ia], B[ib]));
    else accumulate(plan, 1, acc, (o, ia) => g[o] * dExponent(A[ia], O[o]));
  },
  jvp([ta, tb], ctx, alloc) {
    const A = ctx.inputs[0].data;
    const B = ctx.inputs[1].data;
    const O = ctx.output.data;
    return binaryTangent(
      binaryPlan(ctx.inputs),
      ta,
      tb,
      alloc,
      (_o, ia, ib) => dBase(A[ia], B[ib]),
      (o, ia) => dExponent(A[ia], O[o]),
    );
  },
};

/** d(a^b)/da = b a^(b-1); written so that b = 0 gives 0 even at a = 0. */
function dBase(a: number, b: number): number {
  return b === 0 ? 0 : b * a ** (b - 1);
}

/** d(a^b)/db = a^b log a; where a^b is 0 the product's limit is 0, not 0 * -Infinity. */
function dExponent(a: number, out: number): number {
  return out === 0 ? 0 : out * Math.log(a);
}
