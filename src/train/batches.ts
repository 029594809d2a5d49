/**
 * Where the epoch loop's batches come from. The loop (loop.ts) only asks a
 * source for one epoch of batches and each batch for the objective and its
 * gradient; whether the rows sit in memory or are read from a file in chunks
 * is the source's business (stream-batches.ts for files).
 */
import { Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { GradientEvaluator, LossAndGrad } from './chunked.js';

export interface Batch {
  /** Training rows the batch covers. */
  readonly rows: number;
  /**
   * The batch's rows (prepared inputs), when it holds them; `whole` says the
   * batch is every training row. Null for a gradient summed over a file.
   */
  readonly data: { x: Tensor; y: Tensor; whole: boolean } | null;
  /** The batch mean of ½(f − y)², plus the ridge term, and its gradient with respect to params[argnums]. */
  evaluate(params: readonly Tensor[], argnums: readonly number[], ridge: number): LossAndGrad;
  /** w, b exact for params' θ on the batch's rows (GradientEvaluator.solveLinear); null for a batch without rows. */
  readonly solveLinear: ((params: readonly Tensor[], ridge: number, intercept: boolean, forGradient: boolean) => void) | null;
}

export interface BatchSource {
  /** One pass over the training rows; breaking out of it early ends the pass. */
  epoch(): AsyncIterable<Batch>;
  close(): Promise<void>;
}

/** A batch of rows held in memory, its gradient computed by `evaluator`. */
export function rowsBatch(x: Tensor, y: Tensor, whole: boolean, evaluator: GradientEvaluator): Batch {
  return {
    rows: y.size,
    data: { x, y, whole },
    evaluate: (params, argnums, ridge) => evaluator.evaluate(x, y, params, argnums, ridge, whole),
    solveLinear: (params, ridge, intercept, forGradient) => evaluator.solveLinear(x, y, params, ridge, intercept, forGradient, whole),
  };
}

/**
 * Rows in memory. Full batch: the whole set every step. Mini-batch: a seeded
 * shuffle each epoch, rows gathered into reused buffers.
 */
export function memoryBatches(x: Tensor, y: Tensor, size: number, rng: Rng, evaluator: GradientEvaluator): BatchSource {
  const n = y.size;
  const d = x.shape[1];
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const bufX = new Float64Array(Math.min(size, n) * d);
  const bufY = new Float64Array(Math.min(size, n));
  return {
    async *epoch() {
      if (size >= n) {
        yield rowsBatch(x, y, true, evaluator);
        return;
      }
      rng.shuffle(order);
      for (let start = 0; start < n; start += size) {
        const m = Math.min(size, n - start);
        const bx = m === size ? bufX : new Float64Array(m * d);
        const by = m === size ? bufY : new Float64Array(m);
        for (let r = 0; r < m; r++) {
          const src = order[start + r];
          for (let k = 0; k < d; k++) bx[r * d + k] = x.data[src * d + k];
          by[r] = y.data[src];
        }
        yield rowsBatch(new Tensor(bx, [m, d]), new Tensor(by, [m]), false, evaluator);
      }
    },
    close: () => evaluator.close(),
  };
}
