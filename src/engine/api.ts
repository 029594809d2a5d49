/**
 * Reverse mode as functions of functions, in the manner of autograd:
 * valueAndGrad(f)(x, y) runs f once on a fresh tape and walks it backwards.
 */
import { Tape, withTape } from './tape.js';
import { Tensor } from './tensor.js';

export type Fn = (...args: Tensor[]) => Tensor;

export interface ValueAndGrad {
  /** f's value (a detached copy). */
  value: Tensor;
  /** Gradient for each differentiated argument, shaped like it. */
  grads: Tensor[];
}

function argIndices(argnums: readonly number[] | undefined, n: number): number[] {
  return argnums === undefined ? Array.from({ length: n }, (_, i) => i) : argnums.slice();
}

/**
 * Value and gradient of a scalar-valued f with respect to the arguments in
 * `argnums` (all by default). Arguments outside argnums are constants and get
 * no backward work.
 */
export function valueAndGrad(f: Fn, argnums?: readonly number[]): (...args: Tensor[]) => ValueAndGrad {
  return (...args) => {
    const r = recordOpen(f, args, argnums);
    try {
      return r.finish((out) => out);
    } finally {
      r.dispose();
    }
  };
}

/** A forward pass recorded and left open: a scalar head on its output can be added and differentiated later. */
export interface OpenRecording {
  /** f's output as the tape holds it (no copy); read-only, and valid until dispose(). */
  readonly output: Tensor;
  /**
   * Value and gradient (for the recorded argnums) of head(f(...)), the head
   * recorded on the same tape: the same operations, so the same bits, as
   * valueAndGrad of the composition. Once per recording.
   */
  finish(head: (out: Tensor) => Tensor): ValueAndGrad;
  /** Returns the tape's buffers to the pool. */
  dispose(): void;
}

/**
 * Runs f once, recording, and keeps the tape open. For a value that must be
 * read before the rest of the function exists (variable projection solves w
 * from the features, then differentiates the loss at that w) without a
 * second forward pass.
 */
export function recordOpen(f: Fn, args: readonly Tensor[], argnums?: readonly number[]): OpenRecording {
  const { tape, leaves, out } = record(f, args, argnums);
  return {
    output: out,
    finish(head) {
      const loss = withTape(tape, () => head(out));
      if (loss.size !== 1) throw new RangeError(`valueAndGrad needs a scalar function, got shape [${loss.shape.join(', ')}]`);
      const gs = tape.backward(loss, Float64Array.of(1), leaves);
      return { value: loss.detach(), grads: gs.map((g, k) => new Tensor(g, leaves[k].shape)) };
    },
    dispose: () => tape.release(),
  };
}

/** Gradient of a scalar-valued f with respect to each argument in argnums (all by default). */
export function grad(f: Fn, argnums?: readonly number[]): (...args: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f, argnums);
  return (...args) => vg(...args).grads;
}

export interface Pullback {
  value: Tensor;
  /** uᵀJ for an output cotangent u shaped like value; callable many times. */
  pullback(u: Tensor): Tensor[];
  /** Returns the tape's buffers to the pool; call once done with pullback. */
  dispose(): void;
}

/** Runs f once, recording; the pullback maps output cotangents to input cotangents. */
export function vjp(f: Fn, args: readonly Tensor[], argnums?: readonly number[]): Pullback {
  const { tape, leaves, out } = record(f, args, argnums);
  const value = out.detach();
  return {
    value,
    pullback(u: Tensor): Tensor[] {
      if (u.size !== out.size) throw new RangeError(`cotangent has ${u.size} values, output has ${out.size}`);
      const gs = tape.backward(out, u.data, leaves);
      return gs.map((g, k) => new Tensor(g, leaves[k].shape));
    },
    dispose: () => tape.release(),
  };
}

/** f run once on a fresh tape, the arguments in argnums (all by default) as its leaves. */
function record(f: Fn, args: readonly Tensor[], argnums?: readonly number[]): { tape: Tape; leaves: Tensor[]; out: Tensor } {
  const tape = new Tape();
  const wrt = argIndices(argnums, args.length);
  try {
    return withTape(tape, () => {
      const inputs = args.map((a, i) => (wrt.includes(i) ? tape.leaf(a) : a));
      return { tape, leaves: wrt.map((i) => inputs[i]), out: f(...inputs) };
    });
  } catch (e) {
    tape.release();
    throw e;
  }
}

/** Total size of the arguments, flattened and concatenated: the Jacobian's column count. */
export function flatSize(args: readonly Tensor[]): number {
  return args.reduce((s, a) => s + a.size, 0);
}

/**
 * Jacobian of f at args, shape (output size, total input size), built row by
 * row from one recording: one backward pass per output element.
 */
export function jacobianReverse(f: Fn, args: readonly Tensor[]): Tensor {
  const p = vjp(f, args);
  try {
    const m = p.value.size;
    const n = flatSize(args);
    const J = new Float64Array(m * n);
    const u = Tensor.zeros(p.value.shape);
    for (let i = 0; i < m; i++) {
      u.data.fill(0);
      u.data[i] = 1;
      let col = 0;
      for (const g of p.pullback(u)) {
        J.set(g.data, i * n + col);
        col += g.size;
      }
    }
    return new Tensor(J, [m, n]);
  } finally {
    p.dispose();
  }
}
