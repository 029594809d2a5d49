import { NumericError } from '../errors.js';
import { type Alloc, freshAlloc } from './pool.js';
import type { OpContext, Primitive } from './primitive.js';
import { activeTape, allFinite, firstNonFinite, numericChecksEnabled, sharedPool } from './tape.js';
import { Tensor } from './tensor.js';

export type TensorLike = Tensor | number;

/** Where untracked ops take their outputs inside withScratch; null: fresh memory. */
let scratch: Alloc | null = null;

/**
 * Runs `body` with the outputs of untracked ops (no tape records them) taken
 * from the shared buffer pool, and gives them all back when it returns. For
 * forward passes whose results are read and dropped inside `body` (a linear
 * solve's features, a validation pass): a fresh array per op costs page
 * faults, zeroing and collection, more than the op at large N. Nothing
 * computed inside may be kept or returned; copy what must outlive it.
 */
export function withScratch<T>(body: () => T): T {
  const owned: Float64Array[] = [];
  const own = (b: Float64Array) => {
    owned.push(b);
    return b;
  };
  const prev = scratch;
  scratch = { take: (n) => own(sharedPool.take(n)), takeZeroed: (n) => own(sharedPool.takeZeroed(n)) };
  try {
    return body();
  } finally {
    scratch = prev;
    for (const b of owned) sharedPool.give(b);
  }
}

export function lift(x: TensorLike): Tensor {
  return typeof x === 'number' ? Tensor.scalar(x) : x;
}

/**
 * The single entry point of every op: computes the value, records it on the
 * active tape when an input is tracked, and carries a forward-mode tangent when
 * an input has one. Both modes go through the same primitive record.
 */
export function apply<A>(prim: Primitive<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const tape = activeTape();
  let tracked = false;
  let hasTangent = false;
  for (const t of inputs) {
    if (tape !== null && t.tape === tape && t.node >= 0) tracked = true;
    if (t.tangent !== null) hasTangent = true;
  }
  const out = prim.forward(inputs, attrs, tracked && tape !== null ? tape.alloc : (scratch ?? freshAlloc));
  if (numericChecksEnabled() && prim.finiteFromFinite !== true && !out.finite && !allFinite(out.data)) refuseNonFinite(prim.name, inputs, out);
  if (tracked && tape !== null) tape.record(prim as Primitive, inputs, out, attrs);
  if (hasTangent) {
    const ctx: OpContext<A> = { inputs, output: out, attrs };
    out.tangent = prim.jvp(
      inputs.map((t) => t.tangent),
      ctx,
      freshAlloc,
    );
  }
  return out;
}

function refuseNonFinite(op: string, inputs: readonly Tensor[], out: Tensor): void {
  // Non-finite inputs came from somewhere already allowed (e.g. checks were off); pass them on.
  for (const t of inputs) if (!allFinite(t.data)) return;
  const i = firstNonFinite(out.data);
  const what = Number.isNaN(out.data[i]) ? 'NaN (a domain error)' : `${out.data[i]} (overflow)`;
  throw new NumericError(op, `result is ${what} at index ${i} of shape [${out.shape.join(', ')}] from finite inputs`);
}
