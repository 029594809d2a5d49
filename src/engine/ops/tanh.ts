import type { Primitive } from '../primitive.js';
import { tanhKernel, tanhVjpKernel, useKernels } from '../kernels.js';
import { Tensor } from '../tensor.js';
import { unaryJvp } from './elementwise.js';

/** tanh x; derivative 1 - tanh^2 from the output alone, which stays finite at any |x|. */
export const tanh: Primitive<undefined> = {
  name: 'tanh',
  saves: 'output',
  forward([x], _a, alloc) {
    const out = alloc.take(x.size);
    const d = x.data;
    if (useKernels(out.length)) tanhKernel(d, out);
    else for (let i = 0; i < out.length; i++) out[i] = Math.tanh(d[i]);
    return new Tensor(out, x.shape);
  },
  vjp(_i, g, ctx, acc) {
    const y = ctx.output.data;
    if (useKernels(acc.length)) tanhVjpKernel(g, y, acc);
    else for (let i = 0; i < acc.length; i++) acc[i] += g[i] * (1 - y[i] * y[i]);
  },
  jvp([t], ctx, alloc) {
    const y = ctx.output.data;
    return unaryJvp(t, alloc, y.length, (i) => 1 - y[i] * y[i]);
  },
};
