import { binaryElementwise } from './elementwise.js';

/** a / b elementwise, broadcasting. */
export const div = binaryElementwise({
  name: 'div',
  saves: 'inputs+output',
  value: (a, b) => a / b,
  // d(a/b)/db = -a/b², written from the output so that it costs one division.
  partials: [(_a, b) => 1 / b, (_a, b, out) => -out / b],
});
