/** Rows drawn with replacement, for the bootstrap's refits (fit-job.ts). */
import type { Rng } from '../util/rng.js';
import type { Dataset } from './types.js';

/** The rows of `data` at `idx` (repeats allowed), as a data set of their own. */
export function resample(data: Dataset, idx: Uint32Array): Dataset {
  const { d } = data;
  const x = new Float64Array(idx.length * d);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    x.set(data.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = data.y[r];
  }
  return { x, y, n: idx.length, d };
}

/** N indices drawn uniformly with replacement. */
export function drawRows(n: number, rng: Rng): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = Math.min(Math.floor(rng.next() * n), n - 1);
  return idx;
}
