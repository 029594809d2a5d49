import { unaryElementwise } from './elementwise.js';

/** -x */
export const neg = unaryElementwise({
  name: 'neg',
  saves: 'nothing',
  value: (x) => -x,
  derivative: () => -1,
  finiteFromFinite: true,
});
