import { tanhKernel, tanhVjpKernel } from '../kernels.js';
import { unaryElementwise } from './elementwise.js';

/** tanh x; derivative 1 - tanh^2 from the output alone, which stays finite at any |x|. */
export const tanh = unaryElementwise({
  name: 'tanh',
  saves: 'output',
  value: Math.tanh,
  derivative: (_x, y) => 1 - y * y,
  finiteFromFinite: true,
  kernels: { forward: tanhKernel, vjp: (g, _x, y, acc) => tanhVjpKernel(g, y, acc) },
});
