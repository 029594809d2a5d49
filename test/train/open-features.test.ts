/**
 * The varpro solve's features kept open for the gradient that follows
 * (src/train/open-features.ts): the same bits as a gradient that runs the
 * features forward again, one forward pass fewer, and never served for
 * another θ, other rows or other argnums.
 */
import { describe, expect, it } from 'vitest';
import { type BasisFamily, families } from '../../src/basis/index.js';
import { add, mul, recordOpen, sum, Tensor, tanh, valueAndGrad } from '../../src/engine/index.js';
import { serialEvaluator } from '../../src/train/chunked.js';
import { Rng } from '../../src/util/rng.js';
import { rng, uniform } from '../engine/helpers.js';

/** 9000 rows: three chunks of 4096, the last one short. */
const N = 9000;
const J = 7;

function problem(name: 'rbf' | 'tanh') {
  const random = rng(name === 'rbf' ? 11 : 12);
  const x = uniform(random, [N, 2], -2, 2);
  const y = uniform(random, [N]);
  const family = families[name];
  const theta0 = family.init(x, J, new Rng(3));
  const raw = theta0.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const params = () => [new Tensor(new Float64Array(J), [J]), new Tensor(new Float64Array(1), []), ...raw.map((t) => new Tensor(t.data.slice(), t.shape))];
  return { family, x, y, params };
}

/** The family with its features calls counted. */
function counting(family: BasisFamily) {
  const calls = { n: 0 };
  const f: BasisFamily = {
    ...family,
    features: (x, theta) => {
      calls.n++;
      return family.features(x, theta);
    },
  };
  return { family: f, calls };
}

const theta = [2, 3];

describe.each(['rbf', 'tanh'] as const)('%s: a solve lends its features to the gradient', (name) => {
  it('gives the bits of a gradient that runs the features again, without running them', () => {
    const { family, x, y, params } = problem(name);
    const kept = counting(family);
    const fresh = counting(family);
    const a = params();
    const b = params();
    const evA = serialEvaluator(kept.family);
    const evB = serialEvaluator(fresh.family);
    evA.solveLinear(x, y, a, 1e-4, true, true);
    evB.solveLinear(x, y, b, 1e-4, true, false);
    expect(Array.from(a[0].data)).toEqual(Array.from(b[0].data));
    expect(a[1].data[0]).toBe(b[1].data[0]);
    expect(kept.calls.n).toBe(3);
    const ga = evA.evaluate(x, y, a, theta, 1e-4);
    const gb = evB.evaluate(x, y, b, theta, 1e-4);
    // The held features served all three chunks; the fresh evaluator ran them again.
    expect(kept.calls.n).toBe(3);
    expect(fresh.calls.n).toBe(6);
    expect(ga.value).toBe(gb.value);
    for (let k = 0; k < ga.grads.length; k++) expect(Array.from(ga.grads[k])).toEqual(Array.from(gb.grads[k]));
  });

  it('runs the features again for another θ, other rows or other argnums, and serves each solve once', () => {
    const { family, x, y, params } = problem(name);
    const c = counting(family);
    const ev = serialEvaluator(c.family);
    const p = params();
    const reference = () => {
      const q = p.map((t) => new Tensor(t.data.slice(), t.shape));
      return serialEvaluator(family).evaluate(x, y, q, theta, 0);
    };

    ev.solveLinear(x, y, p, 0, true, true);
    p[3].data[0] += 1e-3;
    let before = c.calls.n;
    expect(ev.evaluate(x, y, p, theta, 0)).toEqual(reference());
    expect(c.calls.n - before).toBe(3);

    ev.solveLinear(x, y, p, 0, true, true);
    const other = new Tensor(y.data.slice(), y.shape);
    before = c.calls.n;
    ev.evaluate(x, other, p, theta, 0);
    expect(c.calls.n - before).toBe(3);

    ev.solveLinear(x, y, p, 0, true, true);
    before = c.calls.n;
    ev.evaluate(x, y, p, [0, 1, 2, 3], 0);
    expect(c.calls.n - before).toBe(3);

    ev.solveLinear(x, y, p, 0, true, true);
    before = c.calls.n;
    ev.evaluate(x, y, p, theta, 0);
    expect(c.calls.n - before).toBe(0);
    ev.evaluate(x, y, p, theta, 0);
    expect(c.calls.n - before).toBe(3);
  });
});

describe('recordOpen', () => {
  it('finishes with the bits of valueAndGrad of the composition', () => {
    const random = rng(5);
    const a = uniform(random, [50, 3]);
    const c = uniform(random, [3]);
    const f = (u: Tensor, v: Tensor) => tanh(add(u, v));
    const head = (out: Tensor) => mul(sum(mul(out, out)), 0.5);
    const r = recordOpen(f, [a, c]);
    const open = r.finish(head);
    r.dispose();
    const whole = valueAndGrad((u, v) => head(f(u, v)))(a, c);
    expect(open.value.item()).toBe(whole.value.item());
    for (let k = 0; k < 2; k++) expect(Array.from(open.grads[k].data)).toEqual(Array.from(whole.grads[k].data));
  });
});
