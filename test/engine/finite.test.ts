/**
 * apply() skips the overflow scan for primitives that declare finite inputs
 * give finite outputs; a wrong declaration would let an overflow through
 * silently, so each one is tried at the extremes of the finite doubles.
 */
import { expect, it } from 'vitest';
import { primitives, Tensor } from '../../src/engine/index.js';
import { freshAlloc } from '../../src/engine/pool.js';

const EXTREMES = [Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, -1e300, 1e16, -1e16, Math.PI / 2, 0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 1e-310];

const claimers = primitives.filter((p) => p.finiteFromFinite === true);

it('the declared primitives are the ones expected to keep finite values finite', () => {
  expect(claimers.map((p) => p.name).sort()).toEqual(['cos', 'neg', 'reshape', 'sin', 'tanh']);
});

it.each(claimers.map((p) => p.name))('%s gives finite outputs at the extremes of the finite doubles', (name) => {
  const p = primitives.find((q) => q.name === name) as (typeof primitives)[number];
  const x = Tensor.vector(EXTREMES);
  const attrs = name === 'reshape' ? { shape: [2, EXTREMES.length / 2] } : undefined;
  const out = p.forward([x], attrs as never, freshAlloc);
  expect(out.data.every(Number.isFinite)).toBe(true);
});
