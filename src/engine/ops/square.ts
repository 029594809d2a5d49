import { unaryElementwise } from './elementwise.js';

/** x^2, the residual's square in every least-squares loss. */
export const square = unaryElementwise({
  name: 'square',
  saves: 'inputs',
  value: (x) => x * x,
  derivative: (x) => 2 * x,
});
