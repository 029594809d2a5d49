import { unaryElementwise } from './elementwise.js';

/** sin x */
export const sin = unaryElementwise({
  name: 'sin',
  saves: 'inputs',
  value: Math.sin,
  derivative: (x) => Math.cos(x),
  finiteFromFinite: true,
});
