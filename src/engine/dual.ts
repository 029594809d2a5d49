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

export interface ColumnwiseJacobian {
  /** f at args: N × J. */
  value: Float64Array;
  /**
   * N × P (P: the arguments' total size), row-major: column offset_k + j·w_k + i
   * (w_k = size_k / J, offset_k the sizes before argument k) holds
   * ∂f[:, j]/∂args[k][j, i], the derivative of column j with respect to its own
   * row's entries; every other derivative is zero.
   */
  t: Float64Array;
}

/**
 * The Jacobian of an f whose output column j (of N × J) depends only on row j
 * of every argument (each has J rows): a basis family's features, unit by
 * unit. Entries in the same position of every row are then structurally
 * orthogonal, so one tangent seeds them all at once (Curtis–Powell–Reid
 * colouring): one forward pass per position in a row, whatever J, where
 * jacobianForward needs one per entry. Yields after each pass.
 */
export function* columnwiseJacobianPasses(f: Fn, args: readonly Tensor[]): Generator<undefined, ColumnwiseJacobian, undefined> {
  const J = args[0]?.shape[0] ?? 0;
  for (const a of args) {
    if (a.shape[0] !== J) throw new RangeError(`columnwiseJacobian: every argument needs one row per output column (${J}), got shape [${a.shape.join(', ')}]`);
  }
  const sizes = args.map((a) => a.size);
  const P = sizes.reduce((s, v) => s + v, 0);
  let value: Float64Array | null = null;
  let t = new Float64Array(0);
  let n = 0;
  let offset = 0;
  for (let k = 0; k < args.length; k++) {
    const width = J === 0 ? 0 : sizes[k] / J;
    for (let i = 0; i < width; i++) {
      const tangents = args.map((a) => Tensor.zeros(a.shape));
      for (let j = 0; j < J; j++) tangents[k].data[j * width + i] = 1;
      const out = jvp(f, args, tangents);
      if (value === null) {
        value = out.value.data;
        n = value.length / Math.max(J, 1);
        t = new Float64Array(n * P);
      }
      const d = out.tangent.data;
      for (let r = 0; r < n; r++) for (let j = 0; j < J; j++) t[r * P + offset + j * width + i] = d[r * J + j];
      yield;
    }
    offset += sizes[k];
  }
  return { value: value ?? f(...args).data, t };
}

/** columnwiseJacobianPasses run to the end. */
export function columnwiseJacobian(f: Fn, args: readonly Tensor[]): ColumnwiseJacobian {
  const passes = columnwiseJacobianPasses(f, args);
  for (;;) {
    const next = passes.next();
    if (next.done) return next.value;
  }
}
