/**
 * Extreme inputs: saturation must stay finite with exact derivatives, and
 * overflow or domain errors must surface as NumericError instead of an
 * Infinity or NaN that would silently ruin a model — unless the caller turned
 * the checks off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  div,
  exp,
  gradCheckReport,
  jvp,
  log,
  mul,
  pow,
  setNumericChecks,
  sum,
  Tensor,
  tanh,
  valueAndGrad,
} from '../../src/engine/index.js';
import { BasisfitError, NumericError } from '../../src/errors.js';

afterEach(() => setNumericChecks(true));

/** The error f throws, or a failure if it returns. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, got a return');
}

describe('saturation stays finite', () => {
  it('tanh at ±300 is ±1 with a derivative of exactly 0 in both modes', () => {
    const x = Tensor.vector([300, -300, 0.5]);
    const { value, grads } = valueAndGrad((v) => sum(tanh(v)))(x);
    expect(value.item()).toBe(Math.tanh(0.5));
    expect(grads[0].data[0]).toBe(0);
    expect(grads[0].data[1]).toBe(0);
    expect(grads[0].data[2]).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 15);
    const fwd = jvp((v) => tanh(v), [x], [Tensor.vector([1, 1, 0])]);
    expect(fwd.value.toArray().slice(0, 2)).toEqual([1, -1]);
    expect(fwd.tangent.toArray().slice(0, 2)).toEqual([0, 0]);
  });

  it('the checker agrees with itself there, finite differences included', () => {
    const report = gradCheckReport((v) => tanh(v), [Tensor.vector([300, -300])]);
    expect(report).toEqual({ forwardVsFd: 0, reverseVsFd: 0, forwardVsReverse: 0 });
  });

  it('exp just below overflow is still a number', () => {
    expect(Number.isFinite(exp(Tensor.scalar(709)).item())).toBe(true);
  });

  it('exp far below underflow is 0 with a zero gradient, not an error', () => {
    const { value, grads } = valueAndGrad((v) => sum(exp(v)))(Tensor.vector([-800, -1e6]));
    expect(value.item()).toBe(0);
    expect(grads[0].toArray()).toEqual([0, 0]);
  });
});

describe('overflow and domain errors throw NumericError', () => {
  const hazards: [string, () => unknown, string][] = [
    ['exp(800) overflows', () => exp(Tensor.vector([1, 800])), 'exp'],
    ['log of a negative number', () => log(Tensor.vector([2, -1])), 'log'],
    ['log(0) is -Infinity', () => log(Tensor.scalar(0)), 'log'],
    ['0/0', () => div(Tensor.scalar(0), Tensor.scalar(0)), 'div'],
    ['1/0', () => div(Tensor.vector([1, 2]), Tensor.scalar(0)), 'div'],
    ['negative base with a non-integer exponent', () => pow(Tensor.vector([4, -2]), 0.5), 'pow'],
    ['a product that overflows', () => mul(Tensor.scalar(1e200), Tensor.scalar(1e200)), 'mul'],
  ];

  it.each(hazards)('%s', (_name, f, op) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(NumericError);
    expect(e).toBeInstanceOf(BasisfitError);
    expect((e as NumericError).op).toBe(op);
    expect((e as NumericError).exitCode).toBe(1);
    // one clear line, naming the op
    expect((e as NumericError).message).toMatch(new RegExp(`^${op}: [^\\n]+$`));
  });

  it('the same hazard inside valueAndGrad and inside forward mode', () => {
    const f = (v: Tensor) => sum(exp(mul(v, 100)));
    expect(() => valueAndGrad(f)(Tensor.vector([1, 8]))).toThrow(NumericError);
    expect(() => jvp(f, [Tensor.vector([1, 8])], [Tensor.vector([1, 1])])).toThrow(NumericError);
  });

  it('an integer exponent of a negative base is fine, and so is its gradient with respect to the base', () => {
    const { value, grads } = valueAndGrad((a) => pow(a, 3))(Tensor.scalar(-2));
    expect(value.item()).toBe(-8);
    expect(grads[0].item()).toBe(12);
  });

  it('a gradient that is not finite throws from the backward pass', () => {
    // sqrt via pow: its value at 0 is 0, its slope is infinite
    const e = thrown(() => valueAndGrad((a) => sum(pow(a, 0.5)))(Tensor.vector([1, 0])));
    expect(e).toBeInstanceOf(NumericError);
    expect((e as NumericError).message).toContain('gradient of argument 0');
    // d(a^b)/db = a^b log a has no real value for a negative base
    expect(() => valueAndGrad((a, b) => pow(a, b))(Tensor.scalar(-2), Tensor.scalar(3))).toThrow(NumericError);
  });
});

describe('setNumericChecks(false) lets non-finite values through', () => {
  it('overflow, log of a negative, 0/0 and a negative base with a non-integer exponent', () => {
    setNumericChecks(false);
    expect(exp(Tensor.scalar(800)).item()).toBe(Number.POSITIVE_INFINITY);
    expect(log(Tensor.scalar(-1)).item()).toBeNaN();
    expect(div(Tensor.scalar(0), Tensor.scalar(0)).item()).toBeNaN();
    expect(pow(Tensor.scalar(-2), 0.5).item()).toBeNaN();
    const [g] = valueAndGrad((a) => sum(pow(a, 0.5)))(Tensor.vector([0])).grads;
    expect(g.item()).toBe(Number.POSITIVE_INFINITY);
  });

  it('once turned back on, values that were already non-finite pass, new ones do not', () => {
    setNumericChecks(false);
    const inf = exp(Tensor.scalar(800));
    setNumericChecks(true);
    expect(exp(inf).item()).toBe(Number.POSITIVE_INFINITY);
    expect(() => exp(Tensor.scalar(800))).toThrow(NumericError);
  });
});
