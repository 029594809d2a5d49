import { NumericError } from '../../errors.js';
import { numericChecksEnabled } from '../tape.js';
import { binaryElementwise } from './elementwise.js';

/** a ^ b elementwise, broadcasting; both base and exponent are differentiable. */
export const pow = binaryElementwise({
  name: 'pow',
  saves: 'inputs+output',
  value(a, b) {
    // With numeric checks off this gives NaN like every other domain error.
    if (a < 0 && !Number.isInteger(b) && numericChecksEnabled()) {
      throw new NumericError('pow', `negative base ${a} with non-integer exponent ${b} has no real value`);
    }
    return a ** b;
  },
  partials: [dBase, dExponent],
});

/** d(a^b)/da = b a^(b-1); written so that b = 0 gives 0 even at a = 0. */
function dBase(a: number, b: number): number {
  return b === 0 ? 0 : b * a ** (b - 1);
}

/** d(a^b)/db = a^b log a; where a^b is 0 the product's limit is 0, not 0 * -Infinity. */
function dExponent(a: number, _b: number, out: number): number {
  return out === 0 ? 0 : out * Math.log(a);
}
