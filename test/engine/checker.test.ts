/**
 * The checker itself: a gradient check is only worth running if it fails on a
 * wrong derivative, names the mode that is wrong, and does not fail a right one.
 */
import { describe, expect, it } from 'vitest';
import {
  add,
  apply,
  checkGrads,
  finiteDifferenceJv,
  gradCheckReport,
  mul,
  type Primitive,
  relativeError,
  sin,
  sum,
  Tensor,
} from '../../src/engine/index.js';
import { accumulate, binaryPlan, binaryTangent, planOutput, unaryJvp, unaryOutput, unaryVjp, zip } from '../../src/engine/ops/elementwise.js';
import { rng, uniform } from './helpers.js';

/** sin with each derivative rule optionally scaled, to plant a bug in one mode. */
function sinWith(vjpScale: number, jvpScale: number, accumulateAdjoint = true): Primitive<undefined> {
  return {
    name: 'sin',
    saves: 'inputs',
    forward: ([x], _a, alloc) => unaryOutput(x, alloc, Math.sin),
    vjp(_i, g, ctx, acc) {
      const x = ctx.inputs[0].data;
      if (accumulateAdjoint) unaryVjp(g, acc, (i) => vjpScale * Math.cos(x[i]));
      else for (let i = 0; i < acc.length; i++) acc[i] = g[i] * vjpScale * Math.cos(x[i]);
    },
    jvp([t], ctx, alloc) {
      const x = ctx.inputs[0].data;
      return unaryJvp(t, alloc, x.length, (i) => jvpScale * Math.cos(x[i]));
    },
  };
}

/** a + b whose vjp for b forgets to sum over the broadcast dimensions. */
const addIgnoringBroadcast: Primitive<undefined> = {
  name: 'add',
  saves: 'nothing',
  forward(inputs, _a, alloc) {
    const plan = binaryPlan(inputs);
    const out = planOutput(plan, alloc);
    zip(plan, inputs[0].data, inputs[1].data, out.data, (a, b) => a + b);
    return out;
  },
  vjp(i, g, ctx, acc) {
    if (i === 0) accumulate(binaryPlan(ctx.inputs), 0, acc, (o) => g[o]);
    else for (let k = 0; k < acc.length; k++) acc[k] += g[k];
  },
  jvp([ta, tb], ctx, alloc) {
    return binaryTangent(binaryPlan(ctx.inputs), ta, tb, alloc, () => 1, () => 1);
  },
};

const r = rng(77);
const x = uniform(r, [3, 2], -2, 2);

describe('the checker fails wrong derivatives', () => {
  it('a wrong reverse rule: both agreements involving reverse mode fail, forward mode passes', () => {
    const bad = sinWith(1.001, 1);
    const report = gradCheckReport((v) => apply(bad, [v], undefined), [x]);
    expect(report.forwardVsFd).toBeLessThan(1e-8);
    expect(report.reverseVsFd).toBeGreaterThan(1e-4);
    expect(report.forwardVsReverse).toBeGreaterThan(1e-4);
    expect(() => checkGrads((v) => apply(bad, [v], undefined), [x])).toThrow(/reverseVsFd = .*forwardVsReverse = /);
  });

  it('a wrong forward rule: both agreements involving forward mode fail, reverse mode passes', () => {
    const bad = sinWith(1, 0.999);
    const report = gradCheckReport((v) => apply(bad, [v], undefined), [x]);
    expect(report.forwardVsFd).toBeGreaterThan(1e-4);
    expect(report.reverseVsFd).toBeLessThan(1e-8);
    expect(report.forwardVsReverse).toBeGreaterThan(1e-4);
    expect(() => checkGrads((v) => apply(bad, [v], undefined), [x])).toThrow(/forwardVsFd = /);
  });

  it('a vjp that assigns instead of accumulating is caught once a value feeds two ops', () => {
    const bad = sinWith(1, 1, false);
    const once = (v: Tensor) => apply(bad, [v], undefined);
    expect(() => checkGrads(once, [x])).not.toThrow();
    const twice = (v: Tensor) => add(apply(bad, [v], undefined), mul(apply(bad, [v], undefined), 2));
    expect(() => checkGrads(twice, [x])).toThrow(/reverseVsFd/);
  });

  it('a vjp that ignores broadcasting passes on equal shapes and is caught on (N,J) + (J)', () => {
    const f = (a: Tensor, b: Tensor) => apply(addIgnoringBroadcast, [a, b], undefined);
    expect(() => checkGrads(f, [uniform(r, [3, 2]), uniform(r, [3, 2])])).not.toThrow();
    expect(() => checkGrads(f, [uniform(r, [3, 2]), uniform(r, [2])])).toThrow(/reverseVsFd/);
  });

  it('rtol decides how small an error still passes', () => {
    const slightlyOff = sinWith(1 + 1e-5, 1 + 1e-5);
    const f = (v: Tensor) => sum(apply(slightlyOff, [v], undefined));
    expect(() => checkGrads(f, [x], { rtol: 1e-4 })).not.toThrow();
    expect(() => checkGrads(f, [x], { rtol: 1e-6 })).toThrow(/forwardVsFd/);
  });

  it('argnums restricts the check to the arguments that are differentiated', () => {
    const bad = sinWith(1.01, 1);
    const f = (a: Tensor, b: Tensor) => add(sin(a), apply(bad, [b], undefined));
    expect(() => checkGrads(f, [x, x], { argnums: [0] })).not.toThrow();
    expect(() => checkGrads(f, [x, x], { argnums: [1] })).toThrow();
  });
});

describe('the checker does not fail right derivatives', () => {
  it('a cotangent that makes <u, Jv> cancel leaves only finite-difference noise, judged against the terms', () => {
    // random() drives the checker: two values for the direction v, then two for the cotangent u
    const values = [0.75, 0.75, 0.75, 0.25 + 5e-13];
    let k = 0;
    const scripted = () => values[k++];
    const at = [Tensor.vector([0.123456789, 0.987654321])];
    const f = (v: Tensor) => mul(v, 3);
    const report = gradCheckReport(f, at, { directions: 1, random: scripted });
    expect(k).toBe(4);
    // the projection is tiny next to its terms, and the finite differences carry noise...
    const fd = finiteDifferenceJv(f, at, [Tensor.vector([0.5, 0.5])], 1e-6);
    const u = [0.5, -0.5 + 1e-12];
    const uFd = u[0] * fd[0] + u[1] * fd[1];
    const uJv = u[0] * 1.5 + u[1] * 1.5;
    expect(Math.abs(uJv)).toBeLessThan(1e-11);
    expect(relativeError(uFd, uJv)).toBeGreaterThan(1e-3);
    // ...which the checker measures at the scale of the terms, where it is negligible
    expect(report.reverseVsFd).toBeLessThan(1e-9);
    expect(report.forwardVsReverse).toBeLessThan(1e-15);
  });

  it('runs on an argument of 300,000 elements', () => {
    const big = uniform(r, [300_000], -3, 3);
    const report = checkGrads((v) => sin(v), [big], { directions: 1 });
    expect(report.forwardVsFd).toBeLessThan(1e-6);
  });

  it('checkGrads returns the report of a passing check', () => {
    const report = checkGrads((v) => sin(v), [x]);
    expect(report.forwardVsFd).toBeLessThan(1e-6);
    expect(report.reverseVsFd).toBeLessThan(1e-6);
    expect(report.forwardVsReverse).toBeLessThan(1e-10);
  });
});
