/**
 * The elementwise primitives, built from their value and their local
 * derivative: each derivative is one named function, and the factories below
 * make both the vjp and the jvp read it, so the two modes cannot disagree
 * about the formula. An op may add a whole-array kernel for large arrays; the
 * kernel is held to the same formula by the tests, not by construction.
 */
import { type BroadcastPlan, broadcastPlan } from '../broadcast.js';
import type { Alloc } from '../pool.js';
import type { Primitive } from '../primitive.js';
import { Tensor } from '../tensor.js';

/** d(out)/d(x) at one element, from the input x and the output y there (ops read whichever their `saves` keeps). */
export type UnaryDerivative = (x: number, y: number) => number;

/**
 * d(out)/d(operand) at one element, from both operands and the output there;
 * a constant one as a number, so the adjoint loops need no call per element.
 */
export type PartialDerivative = number | ((a: number, b: number, out: number) => number);

export interface UnaryElementwise extends Primitive<undefined> {
  readonly derivative: UnaryDerivative;
}

export interface BinaryElementwise extends Primitive<undefined> {
  /** ∂out/∂a and ∂out/∂b. */
  readonly partials: readonly [PartialDerivative, PartialDerivative];
}

/**
 * Whole-array forward and vjp for the ops that run over a basis layer's N×J
 * arrays: the wasm kernels where they pay, else loops in the op's own module.
 * The factory's loops are shared by every op, so their call of value or
 * derivative goes through one megamorphic site (several times the cost of
 * the arithmetic at N×J); a loop in the op's module calls one known function,
 * which the compiler inlines.
 */
export interface UnaryArrays {
  /** true: every output is known finite (a kernel checked while writing), so apply() need not scan. */
  forward(x: Float64Array, out: Float64Array): boolean;
  /** acc += g · derivative(x, y), elementwise. */
  vjp(g: Float64Array, x: Float64Array, y: Float64Array, acc: Float64Array): void;
}

export function unaryElementwise(spec: {
  name: string;
  saves: 'inputs' | 'output' | 'nothing';
  value: (x: number) => number;
  derivative: UnaryDerivative;
  arrays?: UnaryArrays;
  finiteFromFinite?: boolean;
}): UnaryElementwise {
  const { value, derivative, arrays } = spec;
  return {
    name: spec.name,
    saves: spec.saves,
    finiteFromFinite: spec.finiteFromFinite === true,
    derivative,
    forward([x], _attrs, alloc) {
      if (arrays === undefined) return unaryOutput(x, alloc, value);
      const out = alloc.take(x.size);
      const t = new Tensor(out, x.shape);
      t.finite = arrays.forward(x.data, out);
      return t;
    },
    vjp(_i, g, ctx, acc) {
      const x = ctx.inputs[0].data;
      const y = ctx.output.data;
      if (arrays !== undefined) arrays.vjp(g, x, y, acc);
      else for (let i = 0; i < acc.length; i++) acc[i] += g[i] * derivative(x[i], y[i]);
    },
    jvp([t], ctx, alloc) {
      const x = ctx.inputs[0].data;
      const y = ctx.output.data;
      return unaryJvp(t, alloc, y.length, (i) => derivative(x[i], y[i]));
    },
  };
}

/**
 * A broadcasting binary op. The residual-sized arrays these run over are small
 * next to a basis layer's N×J, so a closure call per element costs little.
 * An op whose partials are both constants is linear, and its value is left to
 * them (dA·a + dB·b; exactly a + b or a − b for ±1), which runs without a call.
 */
export function binaryElementwise(spec: {
  name: string;
  saves: 'inputs' | 'output' | 'inputs+output' | 'nothing';
  value?: (a: number, b: number) => number;
  partials: readonly [PartialDerivative, PartialDerivative];
}): BinaryElementwise {
  const { value, partials } = spec;
  const [dA, dB] = partials;
  if (value === undefined && (typeof dA !== 'number' || typeof dB !== 'number')) {
    throw new TypeError(`${spec.name}: only a linear op (constant partials) may leave out its value`);
  }
  return {
    name: spec.name,
    saves: spec.saves,
    partials,
    forward(inputs, _attrs, alloc) {
      const plan = binaryPlan(inputs);
      const out = planOutput(plan, alloc);
      if (value !== undefined) zip(plan, inputs[0].data, inputs[1].data, out.data, value);
      else linearZip(plan, inputs[0].data, inputs[1].data, out.data, dA as number, dB as number);
      return out;
    },
    vjp(i, g, ctx, acc) {
      const d = partials[i];
      const plan = binaryPlan(ctx.inputs);
      if (typeof d === 'number') {
        accumulateScaled(plan, i, acc, g, d);
        return;
      }
      const A = ctx.inputs[0].data;
      const B = ctx.inputs[1].data;
      const O = ctx.output.data;
      accumulate(plan, i, acc, (o, ia, ib) => g[o] * d(A[ia], B[ib], O[o]));
    },
    jvp([ta, tb], ctx, alloc) {
      const A = ctx.inputs[0].data;
      const B = ctx.inputs[1].data;
      const O = ctx.output.data;
      return binaryTangent(
        binaryPlan(ctx.inputs),
        ta,
        tb,
        alloc,
        typeof dA === 'number' ? () => dA : (o, ia, ib) => dA(A[ia], B[ib], O[o]),
        typeof dB === 'number' ? () => dB : (o, ia, ib) => dB(A[ia], B[ib], O[o]),
      );
    },
  };
}

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

/** out[o] = ca·A[ia] + cb·B[ib] over the broadcast. */
function linearZip(plan: BroadcastPlan, A: Float64Array, B: Float64Array, out: Float64Array, ca: number, cb: number): void {
  const { rows, inner, aStep, bStep, aOff, bOff } = plan;
  for (let r = 0, o = 0; r < rows; r++) {
    const ia = aOff[r];
    const ib = bOff[r];
    for (let k = 0; k < inner; k++, o++) out[o] = ca * A[ia + k * aStep] + cb * B[ib + k * bStep];
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

/** accumulate with h(o) = c · g[o], in the same order, without a call per element. */
function accumulateScaled(plan: BroadcastPlan, which: number, acc: Float64Array, g: Float64Array, c: number): void {
  const { rows, inner, aStep, bStep, aOff, bOff } = plan;
  const off = which === 0 ? aOff : bOff;
  const step = which === 0 ? aStep : bStep;
  for (let r = 0, o = 0; r < rows; r++) {
    const base = off[r];
    for (let k = 0; k < inner; k++, o++) acc[base + k * step] += c * g[o];
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
