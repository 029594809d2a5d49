import { binaryElementwise } from './elementwise.js';

/** a + b, broadcasting. */
export const add = binaryElementwise({
  name: 'add',
  saves: 'nothing',
  partials: [1, 1],
});
