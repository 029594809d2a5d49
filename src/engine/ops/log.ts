import { unaryElementwise } from './elementwise.js';

/** natural log; a negative input gives NaN, which apply() refuses as a domain error. */
export const log = unaryElementwise({
  name: 'log',
  saves: 'inputs',
  value: Math.log,
  derivative: (x) => 1 / x,
});
