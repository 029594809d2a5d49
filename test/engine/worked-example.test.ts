import { describe, expect, it } from 'vitest';
import { Tape, Tensor, add, div, exp, jvp, mul, sin, sub, valueAndGrad, withTape } from '../../src/engine/index.js';

/** The course notes' example: y = [sin(x1/x2) + x1/x2 - exp(x2)] * [x1/x2 - exp(x2)]. */
function traced(x1: Tensor, x2: Tensor) {
  const v1 = div(x1, x2);
  const v2 = sin(v1);
  const v3 = exp(x2);
  const v4 = sub(v1, v3);
  const v5 = add(v2, v4);
  const v6 = mul(v5, v4);
  return { v1, v2, v3, v4, v5, v6 };
}
const f = (x1: Tensor, x2: Tensor) => traced(x1, x2).v6;
const at = () => [Tensor.scalar(1.5), Tensor.scalar(0.5)] as const;

// Closed form, differentiated by hand from the same expression.
function closedForm(x1: number, x2: number) {
  const r = x1 / x2;
  const e = Math.exp(x2);
  const a = Math.sin(r) + r - e;
  const b = r - e;
  const dr1 = 1 / x2;
  const dr2 = -x1 / (x2 * x2);
  const da1 = Math.cos(r) * dr1 + dr1;
  const db1 = dr1;
  const da2 = Math.cos(r) * dr2 + dr2 - e;
  const db2 = dr2 - e;
  return { y: a * b, d1: da1 * b + a * db1, d2: da2 * b + a * db2 };
}

describe('course notes worked example', () => {
  it('forward values of the trace match the notes (within their 4-decimal rounding)', () => {
    const [x1, x2] = at();
    const t = traced(x1, x2);
    expect(t.v1.item()).toBeCloseTo(3.0, 4);
    expect(t.v2.item()).toBeCloseTo(0.1411, 4);
    expect(t.v3.item()).toBeCloseTo(1.6487, 4);
    expect(t.v4.item()).toBeCloseTo(1.3513, 4);
    expect(t.v5.item()).toBeCloseTo(1.4924, 4);
    expect(Math.abs(t.v6.item() - 2.0167)).toBeLessThan(1e-4);
  });

  it('forward-mode tangents with respect to x1 reproduce the notes', () => {
    const [x1, x2] = at();
    const d1 = new Tensor(x1.data, []);
    d1.tangent = Float64Array.of(1);
    const d2 = new Tensor(x2.data, []);
    d2.tangent = Float64Array.of(0);
    const t = traced(d1, d2);
    const tan = (v: Tensor) => v.tangent![0];
    expect(Math.abs(tan(t.v1) - 2.0)).toBeLessThan(1e-4);
    expect(Math.abs(tan(t.v2) - -1.98)).toBeLessThan(1e-4);
    expect(Math.abs(tan(t.v3) - 0)).toBeLessThan(1e-12);
    expect(Math.abs(tan(t.v4) - 2.0)).toBeLessThan(1e-4);
    expect(Math.abs(tan(t.v5) - 0.02)).toBeLessThan(1e-4);
    expect(Math.abs(tan(t.v6) - 3.0118)).toBeLessThan(1e-4);
    const r = jvp(f, at(), [Tensor.scalar(1), Tensor.scalar(0)]);
    expect(Math.abs(r.tangent.item() - 3.0118)).toBeLessThan(1e-4);
  });

  it('reverse-mode adjoints of every intermediate reproduce the notes', () => {
    const tape = new Tape();
    const [a, b] = at();
    const x1 = tape.leaf(a);
    const x2 = tape.leaf(b);
    const t = withTape(tape, () => traced(x1, x2));
    const [bv5, bv4, bv3, bv1, bx1, bx2] = tape
      .backward(t.v6, Float64Array.of(1), [t.v5, t.v4, t.v3, t.v1, x1, x2])
      .map((g) => g[0]);
    tape.release();
    expect(Math.abs(bv5 - 1.3513)).toBeLessThan(1e-4);
    expect(Math.abs(bv4 - 2.8437)).toBeLessThan(1e-4);
    expect(Math.abs(bv3 - -2.8437)).toBeLessThan(1e-4);
    expect(Math.abs(bv1 - 1.5059)).toBeLessThan(1e-4);
    expect(Math.abs(bx1 - 3.0118)).toBeLessThan(1e-4);
    expect(Math.abs(bx2 - -13.7239)).toBeLessThan(1e-4);
  });

  it('value and both gradient entries agree with the closed form to 1e-12', () => {
    const ref = closedForm(1.5, 0.5);
    const { value, grads } = valueAndGrad(f)(...at());
    expect(Math.abs(value.item() - ref.y)).toBeLessThan(1e-12);
    expect(Math.abs(grads[0].item() - ref.d1)).toBeLessThan(1e-12);
    expect(Math.abs(grads[1].item() - ref.d2)).toBeLessThan(1e-12);
    // the exact values quoted in DESIGN.md
    expect(Math.abs(value.item() - 2.016646669428201)).toBeLessThan(1e-12);
    expect(Math.abs(grads[0].item() - 3.011843327673907)).toBeLessThan(1e-12);
    expect(Math.abs(grads[1].item() - -13.723961509314076)).toBeLessThan(1e-12);
    const fwd2 = jvp(f, at(), [Tensor.scalar(0), Tensor.scalar(1)]).tangent.item();
    expect(Math.abs(fwd2 - ref.d2)).toBeLessThan(1e-12);
  });
});
