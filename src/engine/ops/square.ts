import { unaryElementwise } from './elementwise.js';

const derivative = (x: number) => 2 * x;

/**
 * x^2, the residual's square in every least-squares loss. Its loops are its
 * own (see UnaryArrays): through the factory's shared loop the call of the
 * value cost 40 ns an element in a worker thread, where that loop had seen
 * no other op to settle on (bench/README.md, thread scaling).
 */
export const square = unaryElementwise({
  name: 'square',
  saves: 'inputs',
  value: (x) => x * x,
  derivative,
  arrays: {
    forward(x, out) {
      for (let i = 0; i < out.length; i++) out[i] = x[i] * x[i];
      return false;
    },
    vjp(g, x, _y, acc) {
      for (let i = 0; i < acc.length; i++) acc[i] += g[i] * derivative(x[i]);
    },
  },
});
