import { expKernel, expVjpKernel } from '../kernels.js';
import { unaryElementwise } from './elementwise.js';

/**
 * Below this, e^x is subnormal (under 2.2e-308). Subnormal arithmetic runs
 * tens of times slower on x86, and an RBF layer produces them by the million
 * (far-away centres), slowing every later op that touches them; they are
 * flushed to 0, a change smaller than any double can show next to a normal value.
 */
const SUBNORMAL_BELOW = -708.3964185322641;

/** e^x; its derivative is its own output, so only the output is kept. */
export const exp = unaryElementwise({
  name: 'exp',
  saves: 'output',
  value: (x) => (x < SUBNORMAL_BELOW ? 0 : Math.exp(x)),
  derivative: (_x, y) => y,
  kernels: { forward: expKernel, vjp: (g, _x, y, acc) => expVjpKernel(g, y, acc) },
});
