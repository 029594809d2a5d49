import { Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';

/**
 * J points at evenly spaced quantiles of a single column (N, 1) -> (J, 1): the midpoints
 * of J equal strata, or with `jitter` a random point in each (a restart's own grid).
 */
export function columnQuantiles(x: Tensor, count: number, jitter?: Rng): Tensor {
  const sorted = Float64Array.from(x.data).sort();
  const n = sorted.length;
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    const q = (j + (jitter ? jitter.next() : 0.5)) / count;
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    out[j] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
  return new Tensor(out, [count, 1]);
}

/** k-means++ seeding: each next centre drawn with probability proportional to its squared distance from the chosen ones. */
export function kmeansPlusPlus(x: Tensor, count: number, rng: Rng): Tensor {
  const [n, d] = x.shape;
  const X = x.data;
  const out = new Float64Array(count * d);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let pick = rng.int(n);
  for (let j = 0; j < count; j++) {
    for (let k = 0; k < d; k++) out[j * d + k] = X[pick * d + k];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (X[i * d + k] - out[j * d + k]) ** 2;
      if (s < dist[i]) dist[i] = s;
      total += dist[i];
    }
    if (total <= 0) {
      pick = rng.int(n);
      continue;
    }
    let r = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= dist[i];
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  return new Tensor(out, [count, d]);
}

/** For each row of C (J, D), the squared distance to its nearest other row (Infinity when J = 1). */
export function nearestNeighbourSqDist(c: Tensor): Float64Array {
  const [J, d] = c.shape;
  const out = new Float64Array(J).fill(Number.POSITIVE_INFINITY);
  for (let i = 0; i < J; i++) {
    for (let j = 0; j < J; j++) {
      if (i === j) continue;
      let s = 0;
      for (let k = 0; k < d; k++) s += (c.data[i * d + k] - c.data[j * d + k]) ** 2;
      if (s > 0 && s < out[i]) out[i] = s;
    }
  }
  return out;
}
