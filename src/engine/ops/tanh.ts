import { tanhKernel, tanhVjpKernel, useKernels } from '../kernels.js';
import { unaryElementwise } from './elementwise.js';

/** From the output alone, which stays finite at any |x|. */
const derivative = (_x: number, y: number) => 1 - y * y;

/** tanh x */
export const tanh = unaryElementwise({
  name: 'tanh',
  saves: 'output',
  value: Math.tanh,
  derivative,
  finiteFromFinite: true,
  arrays: {
    // Finite from finite (below): apply() does not scan, so there is nothing to report.
    forward(x, out) {
      if (useKernels(out.length)) tanhKernel(x, out);
      else for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i]);
      return false;
    },
    vjp(g, x, y, acc) {
      if (useKernels(acc.length)) tanhVjpKernel(g, y, acc);
      else for (let i = 0; i < acc.length; i++) acc[i] += g[i] * derivative(x[i], y[i]);
    },
  },
});
