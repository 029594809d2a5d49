import { binaryElementwise } from './elementwise.js';

/** a * b elementwise, broadcasting. */
export const mul = binaryElementwise({
  name: 'mul',
  saves: 'inputs',
  value: (a, b) => a * b,
  partials: [(_a, b) => b, (a) => a],
});
