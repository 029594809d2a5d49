/**
 * K-fold assignment shared by the cv command and the trainer's model
 * selection: the rows are shuffled by `rng` and cut into K contiguous parts of
 * near-equal size, so each row is held out exactly once.
 */
import type { Rng } from '../util/rng.js';

/** fold[r]: the fold (0 … k−1) that holds out row r; needs 1 ≤ k ≤ n. */
export function assignFolds(n: number, k: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const fold = new Uint32Array(n);
  for (let p = 0; p < n; p++) fold[order[p]] = Math.floor((p * k) / n);
  return fold;
}
