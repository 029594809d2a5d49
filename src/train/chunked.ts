/**
 * The gradient of the training objective as a sum over fixed chunks of rows,
 * added up in chunk order. The chunking depends only on the number of rows, so
 * the same bits come out whether one thread computes every chunk or several
 * threads share them (see parallel.ts): --threads never changes the model.
 */
import type { BasisFamily } from '../basis/index.js';
import { mul, sum, square, Tensor, valueAndGrad } from '../engine/index.js';
import { numericOr } from './numeric.js';
import { halfSquaredError, modelTheta } from './objective.js';
import { predictTensor } from '../model/predict.js';
import { GRAM_CHUNK_ROWS } from '../solve/gram.js';
import { localTeam, OpenFeatures, writeChunkResult } from './open-features.js';

/**
 * Rows per chunk: large enough that per-op overhead is negligible, small enough to stay near the caches;
 * the Gram's chunk, so that a chunk's features are one of the solve's row blocks (open-features.ts).
 */
export const CHUNK_ROWS = GRAM_CHUNK_ROWS;

export function chunkCount(rows: number): number {
  return Math.max(1, Math.ceil(rows / CHUNK_ROWS));
}

/** ½ Σ (f − y)² over the rows of one chunk, and its gradient, written into out = [loss, ...grads] (loss NaN where it overflowed). */
export function chunkLossAndGrad(
  family: BasisFamily,
  x: Tensor,
  y: Tensor,
  chunk: number,
  params: readonly Tensor[],
  argnums: readonly number[],
  out: Float64Array,
): void {
  const d = x.shape[1];
  const start = chunk * CHUNK_ROWS;
  const end = Math.min(y.size, start + CHUNK_ROWS);
  const xc = new Tensor(x.data.subarray(start * d, end * d), [end - start, d]);
  const yc = new Tensor(y.data.subarray(start, end), [end - start]);
  const f = (...p: Tensor[]) => halfSquaredError(predictTensor(family, xc, p[0], p[1], modelTheta(family, p.slice(2))), yc, 1);
  writeChunkResult(
    numericOr(null, () => valueAndGrad(f, argnums)(...params)),
    out,
  );
}

export interface LossAndGrad {
  /** Mean half squared error over the rows, plus the ridge term. */
  value: number;
  /** One array per differentiated parameter. */
  grads: Float64Array[];
}

/** Adds the per-chunk results in chunk order, scales to the mean and adds the ridge term. */
export function combineChunks(
  results: readonly Float64Array[],
  params: readonly Tensor[],
  argnums: readonly number[],
  rows: number,
  ridge: number,
): LossAndGrad {
  const sizes = argnums.map((i) => params[i].size);
  const grads = sizes.map((s) => new Float64Array(s));
  let value = 0;
  for (const r of results) {
    value += r[0];
    let o = 1;
    for (const g of grads) {
      for (let i = 0; i < g.length; i++) g[i] += r[o + i];
      o += g.length;
    }
  }
  value /= rows;
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i] /= rows;
  const wArg = argnums.indexOf(0);
  if (ridge > 0) {
    const penalty = (w: Tensor) => mul(sum(square(w)), 0.5 * ridge);
    const r = valueAndGrad(penalty)(params[0]);
    value += r.value.item();
    if (wArg >= 0) for (let i = 0; i < grads[wArg].length; i++) grads[wArg][i] += r.grads[0].data[i];
  }
  return { value, grads };
}

export interface GradientEvaluator {
  /**
   * The objective and its gradient with respect to params[argnums] on rows (x, y) — x already prepared.
   * fixed: the arrays' contents never change (the whole training set), so an evaluator may keep a copy.
   */
  evaluate(x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[], ridge: number, fixed?: boolean): LossAndGrad;
  /**
   * Variable projection's inner solve: params[0], params[1] (w, b) set to the
   * exact ridge least-squares solution for params' θ on rows (x, y), unless it
   * is not finite. forGradient: the next evaluate() is on these rows at this θ
   * (an evaluator may keep work for it; rows must not change in between).
   * fixed: as for evaluate().
   */
  solveLinear(x: Tensor, y: Tensor, params: readonly Tensor[], ridge: number, intercept: boolean, forGradient: boolean, fixed?: boolean): void;
  close(): Promise<void>;
}

/** Every chunk on this thread; a solve's features serve the gradient that follows it (open-features.ts). */
export function serialEvaluator(family: BasisFamily): GradientEvaluator {
  const open = new OpenFeatures(localTeam(family));
  return {
    evaluate(x, y, params, argnums, ridge) {
      const width = 1 + argnums.reduce((s, i) => s + params[i].size, 0);
      const held = open.take(x, y, params, argnums, width);
      if (held !== null) return combineChunks(held, params, argnums, y.size, ridge);
      const results: Float64Array[] = [];
      for (let c = 0; c < chunkCount(y.size); c++) {
        const out = new Float64Array(width);
        chunkLossAndGrad(family, x, y, c, params, argnums, out);
        results.push(out);
      }
      return combineChunks(results, params, argnums, y.size, ridge);
    },
    solveLinear(x, y, params, ridge, intercept, forGradient) {
      open.solve(x, y.data, params, ridge, intercept, forGradient);
    },
    close: async () => open.release(),
  };
}
