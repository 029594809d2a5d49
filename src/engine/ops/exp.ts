import type { Primitive } from '../primitive.js';
import { expKernel, expVjpKernel, useKernels } from '../kernels.js';
import { Tensor } from '../tensor.js';
import { unaryJvp } from './elementwise.js';

/**
 * Below this, e^x is subnormal (under 2.2e-308). Subnormal arithmetic runs
 * tens of times slower on x86, and an RBF layer produces them by the million
 * (far-away centres), slowing every later op that touches them; they are
 * flushed to 0, a change smaller than any double can show next to a normal value.
 */
const SUBNORMAL_BELOW = -708.3964185322641;

/** e^x; its derivative is its own output, so only the output is kept. */
export const exp: Primitive<undefined> = {
  name: 'exp',
  saves: 'output',
  forward([x], _a, alloc) {
    const out = alloc.take(x.size);
    const d = x.data;
    if (useKernels(out.length)) expKernel(d, out);
    else
      for (let i = 0; i < out.length; i++) {
        const v = d[i];
        out[i] = v < SUBNORMAL_BELOW ? 0 : Math.exp(v);
      }
    return new Tensor(out, x.shape);
  },
  vjp(_i, g, ctx, acc) {
    const y = ctx.output.data;
    if (useKernels(acc.length)) expVjpKernel(g, y, acc);
    else for (let i = 0; i < acc.length; i++) acc[i] += g[i] * y[i];
  },
  jvp([t], ctx, alloc) {
    const y = ctx.output.data;
    return unaryJvp(t, alloc, y.length, (i) => y[i]);
  },
};
