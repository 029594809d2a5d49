/**
 * Variable projection's linear solve (w, b exact for θ) on the gradient's
 * chunks of rows, each chunk's features recorded on a tape that stays open
 * (engine recordOpen). The gradient that follows at the same θ on the same
 * rows adds the loss to those tapes instead of running the features forward
 * a second time: the same operations in the same order as chunkLossAndGrad
 * after a plain solve, so the same bits, one forward pass fewer per step.
 */
import type { BasisFamily } from '../basis/index.js';
import { type OpenRecording, recordOpen, Tensor, type ValueAndGrad } from '../engine/index.js';
import { predictFromFeatures } from '../model/predict.js';
import { GRAM_CHUNK_ROWS } from '../solve/gram.js';
import { keepIfFinite, ridgeSolve } from './linear.js';
import { numericOr } from './numeric.js';
import { halfSquaredError, modelTheta } from './objective.js';

interface Held {
  x: Float64Array;
  y: Float64Array;
  theta: Float64Array[];
  chunks: OpenRecording[];
}

/** Writes [loss, ...grads] into out, or a NaN loss and zeros where the chunk overflowed. */
export function writeChunkResult(result: ValueAndGrad | null, out: Float64Array): void {
  if (result === null) {
    // A NaN loss is what every thread reports for a chunk that overflowed: the loop rolls the step back.
    out.fill(0);
    out[0] = Number.NaN;
    return;
  }
  out[0] = result.value.item();
  let o = 1;
  for (const g of result.grads) {
    out.set(g.data, o);
    o += g.size;
  }
}

export class OpenFeatures {
  private held: Held | null = null;

  /** chunkRows: the gradient's chunk; it must be the Gram's too, so that the chunks' features are the solve's row blocks. */
  constructor(
    private readonly family: BasisFamily,
    private readonly chunkRows: number,
  ) {
    if (chunkRows !== GRAM_CHUNK_ROWS) throw new RangeError(`OpenFeatures: chunks of ${chunkRows} rows, the Gram sums blocks of ${GRAM_CHUNK_ROWS}`);
  }

  /**
   * Sets params[0], params[1] (w, b) to the ridge solution for params' θ on
   * rows (x, y), unless it is not finite; `keep` holds the features for the
   * next take(). Throws NumericError where the features overflow.
   */
  solve(x: Tensor, y: Float64Array, params: readonly Tensor[], ridge: number, intercept: boolean, keep: boolean): void {
    this.release();
    const [n, d] = x.shape;
    const raw = params.slice(2);
    const chunks: OpenRecording[] = [];
    try {
      for (let start = 0; start < n; start += this.chunkRows) {
        const end = Math.min(n, start + this.chunkRows);
        const xc = new Tensor(x.data.subarray(start * d, end * d), [end - start, d]);
        chunks.push(recordOpen((...r) => this.family.features(xc, modelTheta(this.family, r)), raw));
      }
      const lin = ridgeSolve(
        chunks.map((c) => c.output.data),
        n,
        params[0].size,
        y,
        ridge,
        intercept,
      );
      keepIfFinite(lin, params[0], params[1]);
    } catch (e) {
      for (const c of chunks) c.dispose();
      throw e;
    }
    if (keep) this.held = { x: x.data, y, theta: raw.map((t) => t.data.slice()), chunks };
    else for (const c of chunks) c.dispose();
  }

  /**
   * The per-chunk [loss, ...grads] of ½ Σ (f − y)² for θ alone (argnums 2, 3, …)
   * from the held features, or null when they are not for these rows and this θ
   * or argnums ask for more; what was held is released either way.
   */
  take(x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[], width: number): Float64Array[] | null {
    const h = this.held;
    this.held = null;
    if (h === null) return null;
    try {
      if (!this.matches(h, x, y, params, argnums)) return null;
      return h.chunks.map((rec, c) => {
        const start = c * this.chunkRows;
        const end = Math.min(y.size, start + this.chunkRows);
        const yc = new Tensor(y.data.subarray(start, end), [end - start]);
        const out = new Float64Array(width);
        const head = (phi: Tensor) => halfSquaredError(predictFromFeatures(phi, params[0], params[1]), yc, 1);
        writeChunkResult(
          numericOr(null, () => rec.finish(head)),
          out,
        );
        return out;
      });
    } finally {
      for (const c of h.chunks) c.dispose();
    }
  }

  private matches(h: Held, x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[]): boolean {
    if (h.x !== x.data || h.y !== y.data || argnums.length !== h.theta.length) return false;
    for (let k = 0; k < h.theta.length; k++) {
      if (argnums[k] !== k + 2) return false;
      const now = params[k + 2].data;
      const then = h.theta[k];
      if (now.length !== then.length) return false;
      for (let i = 0; i < now.length; i++) if (now[i] !== then[i]) return false;
    }
    return true;
  }

  release(): void {
    if (this.held !== null) for (const c of this.held.chunks) c.dispose();
    this.held = null;
  }
}
