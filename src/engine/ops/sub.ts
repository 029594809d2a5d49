import { binaryElementwise } from './elementwise.js';

/** a - b, broadcasting. */
export const sub = binaryElementwise({
  name: 'sub',
  saves: 'nothing',
  value: (a, b) => a - b,
  partials: [() => 1, () => -1],
});
