/**
 * Forward mode: every tensor may carry a tangent (dual number), and each op
 * pushes it through its primitive's jvp rule — the same records reverse mode
 * reads. No tape is kept.
 */
import type { Fn } from './api.js';
import { flatSize } from './api.js';
import { Tensor } from './tensor.js';

export interface JvpResult {
  value: Tensor;
  /** J·v: the directional derivative of f along the given tangents. */
  tangent: Tensor;
}

/** f's value and its derivative along `tangents` (one per argument, same shapes). */
export function jvp(f: Fn, args: readonly Tensor[], tangents: readonly Tensor[]): JvpResult {
  if (tangents.length !== args.length) throw new RangeError(`jvp: ${args.length} arguments but ${tangents.length} tangents`);
  const duals = args.map((a, i) => {
    if (tangents[i].size !== a.size) throw new RangeError(`jvp: tangent ${i} has ${tangents[i].size} values, argument has ${a.size}`);
    const d = new Tensor(a.data, a.shape);
    d.tangent = tangents[i].data;
    return d;
  });
  const out = f(...duals);
  const t = out.tangent ?? new Float64Array(out.size);
  return { value: out.detach(), tangent: new Tensor(t.slice(), out.shape.slice()) };
}

/**
 * Jacobian of f at args, shape (output size, total input size), built column by
 * column: one forward pass per input element.
 */
export function jacobianForward(f: Fn, args: readonly Tensor[]): Tensor {
  const passes = jacobianForwardPasses(f, args);
  for (;;) {
    const next = passes.next();
    if (next.done) return next.value;
  }
}

/**
 * jacobianForward one pass at a time: yields after each column and returns the
 * Jacobian, so a caller can let signal handlers run between passes (hundreds of
 * passes over many rows take minutes).
 */
export function* jacobianForwardPasses(f: Fn, args: readonly Tensor[]): Generator<undefined, Tensor, undefined> {
  const n = flatSize(args);
  const tangents = args.map((a) => Tensor.zeros(a.shape));
  let J: Float64Array | null = null;
  let m = 0;
  let col = 0;
  for (let k = 0; k < args.length; k++) {
    for (let e = 0; e < args[k].size; e++, col++) {
      tangents[k].data[e] = 1;
      const r = jvp(f, args, tangents);
      tangents[k].data[e] = 0;
      if (J === null) {
        m = r.value.size;
        J = new Float64Array(m * n);
      }
      for (let i = 0; i < m; i++) J[i * n + col] = r.tangent.data[i];
      yield;
    }
  }
  if (J === null) {
    m = f(...args).size;
    J = new Float64Array(0);
  }
  return new Tensor(J, [m, n]);
}
