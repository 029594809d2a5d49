import { binaryElementwise } from './elementwise.js';

const one = () => 1;

/** a + b, broadcasting. */
export const add = binaryElementwise({
  name: 'add',
  saves: 'nothing',
  value: (a, b) => a + b,
  partials: [one, one],
});
