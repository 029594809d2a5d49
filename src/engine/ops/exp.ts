import { expKernel, expVjpKernel, useKernels } from '../kernels.js';
import { unaryElementwise } from './elementwise.js';

/**
 * Below this, e^x is subnormal (under 2.2e-308). Subnormal arithmetic runs
 * tens of times slower on x86, and an RBF layer produces them by the million
 * (far-away centres), slowing every later op that touches them; they are
 * flushed to 0, a change smaller than any double can show next to a normal value.
 */
const SUBNORMAL_BELOW = -708.3964185322641;

const value = (x: number) => (x < SUBNORMAL_BELOW ? 0 : Math.exp(x));

/** e^x is its own derivative, so only the output is kept. */
const derivative = (_x: number, y: number) => y;

export const exp = unaryElementwise({
  name: 'exp',
  saves: 'output',
  value,
  derivative,
  arrays: {
    vjp: (g, x, y, acc) => (useKernels(acc.length) ? expVjpKernel(g, y, acc) : accumulateAdjoint(g, x, y, acc)),
    forward(x, out) {
      if (useKernels(out.length)) return expKernel(x, out);
      for (let i = 0; i < out.length; i++) out[i] = value(x[i]);
      return false;
    },
  },
});

function accumulateAdjoint(g: Float64Array, x: Float64Array, y: Float64Array, acc: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += g[i] * derivative(x[i], y[i]);
}
