import { type Tensor, shapeString } from '../tensor.js';

/**
 * N, J and D of the fused layer ops, which take X(N,D), a parameter matrix
 * P(J,D) and optionally a per-unit vector v(J), named in the error message
 * by the op's own letters.
 */
export function layerDims(op: string, [p, v]: readonly [string, string], inputs: readonly Tensor[]) {
  const xs = inputs[0].shape;
  const ps = inputs[1].shape;
  const vs = inputs[2]?.shape;
  const ok = xs.length === 2 && ps.length === 2 && xs[1] === ps[1] && (vs === undefined || (vs.length === 1 && vs[0] === ps[0]));
  if (!ok) {
    throw new RangeError(
      `${op} needs X(N,D), ${p}(J,D) and optionally ${v}(J), got ${shapeString(xs)}, ${shapeString(ps)}${vs ? `, ${shapeString(vs)}` : ''}`,
    );
  }
  return { N: xs[0], J: ps[0], D: xs[1] };
}
