/**
 * Reverse mode's bookkeeping: adjoints of a value that feeds several ops add
 * up, data tensors stay constants, and ops on constants alone never reach the
 * tape.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  exp,
  grad,
  jvp,
  mul,
  reshape,
  sin,
  sqdist,
  square,
  sub,
  sum,
  Tape,
  Tensor,
  tanh,
  valueAndGrad,
  vjp,
  withTape,
} from '../../src/engine/index.js';
import { activeTape } from '../../src/engine/tape.js';
import { maxRelDiff, rng, uniform } from './helpers.js';

const r = rng(7);

describe('a value that feeds several ops', () => {
  it('f(x) = x*x + sin(x)*x: the gradient sums every path, as the closed form 2x + sin x + x cos x', () => {
    const x = uniform(r, [7], -3, 3);
    const f = (v: Tensor) => sum(add(mul(v, v), mul(sin(v), v)));
    const { value, grads } = valueAndGrad(f)(x);
    const closedValue = x.toArray().reduce((s, v) => s + v * v + Math.sin(v) * v, 0);
    const closedGrad = x.data.map((v) => 2 * v + Math.sin(v) + v * Math.cos(v));
    expect(Math.abs(value.item() - closedValue)).toBeLessThan(1e-13 * Math.abs(closedValue));
    expect(maxRelDiff(grads[0].data, closedGrad)).toBeLessThan(1e-14);
    // forward mode, one unit direction at a time, gives the same entries
    for (let i = 0; i < x.size; i++) {
      const e = Tensor.zeros(x.shape);
      e.data[i] = 1;
      expect(Math.abs(jvp(f, [x], [e]).tangent.item() - closedGrad[i])).toBeLessThan(1e-14 * Math.max(1, Math.abs(closedGrad[i])));
    }
  });

  it('the same tensor as both operands of one op: d(x*x)/dx = 2x', () => {
    const x = uniform(r, [2, 3]);
    const [g] = grad((v) => sum(mul(v, v)))(x);
    expect(maxRelDiff(g.data, x.data.map((v) => 2 * v))).toBeLessThan(1e-15);
  });

  it('a value reused through broadcasting and a reshape: d/dx sum(x_i x_j) = 2 Σx', () => {
    const x = uniform(r, [5]);
    const [g] = grad((v) => sum(mul(reshape(v, [5, 1]), v)))(x);
    const s = x.toArray().reduce((a, b) => a + b, 0);
    expect(maxRelDiff(g.data, new Float64Array(5).fill(2 * s))).toBeLessThan(1e-14);
  });

  it('a value read by many later ops at different depths', () => {
    // f(x) = Σ e^x + Σ (e^x)^2 + Σ tanh(e^x - x): three uses of e^x, two of x
    const x = uniform(r, [4]);
    const f = (v: Tensor) => {
      const e = exp(v);
      return add(add(sum(e), sum(square(e))), sum(tanh(sub(e, v))));
    };
    const [g] = grad(f)(x);
    const closed = x.data.map((v) => {
      const e = Math.exp(v);
      const t = Math.tanh(e - v);
      return e + 2 * e * e + (1 - t * t) * (e - 1);
    });
    expect(maxRelDiff(g.data, closed)).toBeLessThan(1e-14);
  });
});

describe('data tensors and the tape', () => {
  it('arguments outside argnums get no gradient and are not changed', () => {
    const x = uniform(r, [3, 2]);
    const c = uniform(r, [4, 2]);
    const cBefore = c.toArray();
    const f = (a: Tensor, b: Tensor) => sum(exp(sqdist(a, b)));
    const onlyX = valueAndGrad(f, [0])(x, c);
    const onlyC = valueAndGrad(f, [1])(x, c);
    const both = valueAndGrad(f)(x, c);
    expect(onlyX.grads).toHaveLength(1);
    expect(onlyX.grads[0].shape).toEqual([3, 2]);
    expect(onlyC.grads).toHaveLength(1);
    expect(onlyC.grads[0].shape).toEqual([4, 2]);
    expect(onlyX.grads[0].toArray()).toEqual(both.grads[0].toArray());
    expect(onlyC.grads[0].toArray()).toEqual(both.grads[1].toArray());
    expect(c.toArray()).toEqual(cBefore);
  });

  it('records only the ops that depend on a leaf', () => {
    const tape = new Tape();
    const data = uniform(r, [3]);
    const x = tape.leaf(uniform(r, [3]));
    const { dataOnly, scaled, y } = withTape(tape, () => {
      const dataOnly = exp(mul(data, data)); // constants only: two ops, neither recorded
      const scaled = mul(dataOnly, 2); // still constants only
      const y = sum(mul(x, scaled)); // two ops on the leaf's path
      return { dataOnly, scaled, y };
    });
    try {
      expect(tape.entries.map((e) => e.prim?.name ?? 'leaf')).toEqual(['leaf', 'mul', 'sum']);
      for (const t of [dataOnly, scaled]) {
        expect(t.node).toBe(-1);
        expect(tape.isTracked(t)).toBe(false);
      }
      expect(tape.isTracked(y)).toBe(true);
      const [gx, gData] = tape.backward(y, Float64Array.of(1), [x, data]);
      expect(maxRelDiff(gx, scaled.data)).toBeLessThan(1e-15);
      expect(Array.from(gData)).toEqual([0, 0, 0]);
    } finally {
      tape.release();
    }
  });

  it('a function that ignores its argument has a zero gradient and a tape of leaves only', () => {
    const data = uniform(r, [2, 2]);
    const x = uniform(r, [3]);
    const { value, grads } = valueAndGrad(() => sum(square(data)))(x);
    expect(value.item()).toBeCloseTo(data.toArray().reduce((s, v) => s + v * v, 0), 14);
    expect(grads[0].toArray()).toEqual([0, 0, 0]);
    const tape = new Tape();
    withTape(tape, () => {
      tape.leaf(x);
      return sum(square(data));
    });
    expect(tape.entries).toHaveLength(1);
    tape.release();
  });

  it('ops after withTape returns are not recorded, even on tracked tensors, and nesting restores the outer tape', () => {
    const outer = new Tape();
    const inner = new Tape();
    const x = outer.leaf(uniform(r, [2]));
    withTape(outer, () => {
      expect(activeTape()).toBe(outer);
      withTape(inner, () => expect(activeTape()).toBe(inner));
      expect(activeTape()).toBe(outer);
      // x belongs to the outer tape, so an op on it while the inner tape is active is not recorded there
      withTape(inner, () => sin(x));
      expect(inner.entries).toHaveLength(0);
    });
    expect(activeTape()).toBeNull();
    const later = sin(x);
    expect(later.node).toBe(-1);
    expect(outer.entries).toHaveLength(1);
    expect(() =>
      withTape(outer, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(activeTape()).toBeNull();
    outer.release();
    inner.release();
  });

  it('a pullback is linear in its cotangent and can be called many times', () => {
    const x = uniform(r, [3, 2]);
    const c = uniform(r, [2, 2]);
    const p = vjp((a, b) => tanh(sqdist(a, b)), [x, c]);
    try {
      const u1 = uniform(r, p.value.shape);
      const u2 = uniform(r, p.value.shape);
      const u12 = new Tensor(u1.data.map((v, i) => 2 * v - 3 * u2.data[i]), u1.shape);
      const g1 = p.pullback(u1);
      const g2 = p.pullback(u2);
      const g12 = p.pullback(u12);
      const again = p.pullback(u1);
      for (let k = 0; k < 2; k++) {
        const combined = g1[k].data.map((v, i) => 2 * v - 3 * g2[k].data[i]);
        expect(maxRelDiff(g12[k].data, combined)).toBeLessThan(1e-14);
        expect(again[k].toArray()).toEqual(g1[k].toArray());
      }
    } finally {
      p.dispose();
    }
  });
});
