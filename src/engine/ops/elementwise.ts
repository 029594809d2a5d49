/**
 * Loop skeletons shared by the elementwise primitives. The ops that run over
 * N×J arrays in a basis layer (exp, tanh, sqdist, affine) write their own
 * loops; the binary ops only touch N-sized arrays (the residual), where a
 * closure call per element costs little, so they share these helpers.
 */
import { type BroadcastPlan, broadcastPlan } from '../broadcast.js';
import type { Alloc } from '../pool.js';
import { Tensor } from '../tensor.js';

export function binaryPlan(inputs: readonly Tensor[]): BroadcastPlan {
  return broadcastPlan(inputs[0].shape, inputs[1].shape);
}

export function planOutput(plan: BroadcastPlan, alloc: Alloc): Tensor {
  return new Tensor(alloc.take(plan.size), plan.shape);
}

/** out[o] = f(A[ia], B[ib], o, ia, ib) over the broadcast. */
export function zip(
  plan: BroadcastPlan,
  A: Float64Array,
  B: Float64Array,
  out: Float64Array,
  f: (a: number, b: number, o: number, ia: number, ib: number) => number,
): void {
  const { rows, inner, aStep, bStep, aOff, bOff } = plan;
  for (let r = 0, o = 0; r < rows; r++) {
    const ia = aOff[r];
    const ib = bOff[r];
    for (let k = 0; k < inner; k++, o++) out[o] = f(A[ia + k * aStep], B[ib + k * bStep], o, ia + k * aStep, ib + k * bStep);
  }
}

/**
 * acc (shaped like operand `which`) += h(o, ia, ib) over the broadcast: summing
 * over the broadcast dimensions is how a vjp undoes the broadcast.
 */
export function accumulate(
  plan: BroadcastPlan,
  which: number,
  acc: Float64Array,
  h: (o: number, ia: number, ib: number) => number,
): void {
  const { rows, inner, aStep, bStep, aOff, bOff } = plan;
  for (let r = 0, o = 0; r < rows; r++) {
    const ia = aOff[r];
    const ib = bOff[r];
    if (which === 0) for (let k = 0; k < inner; k++, o++) acc[ia + k * aStep] += h(o, ia + k * aStep, ib + k * bStep);
    else for (let k = 0; k < inner; k++, o++) acc[ib + k * bStep] += h(o, ia + k * aStep, ib + k * bStep);
  }
}

/** Tangent of a binary op: ta * dA + tb * dB, with either tangent possibly zero. */
export function binaryTangent(
  plan: BroadcastPlan,
  ta: Float64Array | null,
  tb: Float64Array | null,
  alloc: Alloc,
  dA: (o: number, ia: number, ib: number) => number,
  dB: (o: number, ia: number, ib: number) => number,
): Float64Array {
  const out = alloc.takeZeroed(plan.size);
  const { rows, inner, aStep, bStep, aOff, bOff } = plan;
  for (let r = 0, o = 0; r < rows; r++) {
    for (let k = 0; k < inner; k++, o++) {
      const ia = aOff[r] + k * aStep;
      const ib = bOff[r] + k * bStep;
      let t = 0;
      if (ta !== null) t += ta[ia] * dA(o, ia, ib);
      if (tb !== null) t += tb[ib] * dB(o, ia, ib);
      out[o] = t;
    }
  }
  return out;
}

export function unaryOutput(x: Tensor, alloc: Alloc, f: (v: number) => number): Tensor {
  const out = alloc.take(x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]);
  return new Tensor(out, x.shape);
}

/** acc += g * dfdx(i) — the vjp of any elementwise unary op. */
export function unaryVjp(g: Float64Array, acc: Float64Array, dfdx: (i: number) => number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += g[i] * dfdx(i);
}

/** t * dfdx(i) — the jvp of any elementwise unary op. */
export function unaryJvp(t: Float64Array | null, alloc: Alloc, size: number, dfdx: (i: number) => number): Float64Array {
  const out = alloc.takeZeroed(size);
  if (t !== null) for (let i = 0; i < size; i++) out[i] = t[i] * dfdx(i);
  return out;
}
