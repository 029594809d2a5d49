import type { BasisFamily } from '../basis/index.js';
import { Tensor, withScratch } from '../engine/index.js';
import { predictTensor } from '../model/predict.js';
import { CHUNK_ROWS } from './chunked.js';
import { numericOr } from './numeric.js';
import { modelTheta } from './objective.js';
import type { Params } from './params.js';

/**
 * Mean squared error of the model on prepared rows, predicted a block at a
 * time so the temporaries stay small; +Infinity when its features overflow
 * there (e.g. poly on rows outside the training range): the loop treats that
 * as divergence.
 */
export function meanSquaredError(family: BasisFamily, p: Params, x: Tensor, y: Float64Array): number {
  const d = x.shape[1];
  const theta = numericOr(null, () => modelTheta(family, p.raw));
  if (theta === null) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (let start = 0; start < y.length; start += CHUNK_ROWS) {
    const end = Math.min(y.length, start + CHUNK_ROWS);
    const block = new Tensor(x.data.subarray(start * d, end * d), [end - start, d]);
    const part = numericOr(null, () =>
      withScratch(() => {
        const pred = predictTensor(family, block, p.w, p.b, theta).data;
        let q = s;
        for (let i = start; i < end; i++) q += (pred[i - start] - y[i]) ** 2;
        return q;
      }),
    );
    if (part === null) return Number.POSITIVE_INFINITY;
    s = part;
  }
  return s / y.length;
}
