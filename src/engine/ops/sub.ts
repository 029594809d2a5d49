import { binaryElementwise } from './elementwise.js';

/** a - b, broadcasting. */
export const sub = binaryElementwise({
  name: 'sub',
  saves: 'nothing',
  partials: [1, -1],
});
