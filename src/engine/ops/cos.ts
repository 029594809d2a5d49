import { unaryElementwise } from './elementwise.js';

/** cos x */
export const cos = unaryElementwise({
  name: 'cos',
  saves: 'inputs',
  value: Math.cos,
  derivative: (x) => -Math.sin(x),
  finiteFromFinite: true,
});
