/**
 * train --bootstrap B: B refits of the trained model, each on the training rows
 * drawn with replacement, each starting from the fit's own θ, w, b with its λ
 * fixed (so unit j of every refit is unit j of the fit, and its spread is that
 * parameter's standard error). Refit b draws its rows and its fit's randomness
 * from one fork of the run's Rng, so the refits, and the model file, do not
 * depend on how many there are before it or on the thread count.
 * The statistics are in src/uncertainty/bootstrap.ts.
 */
import { InterruptedError } from '../errors.js';
import type { BootstrapReplicate } from '../uncertainty/types.js';
import type { Rng } from '../util/rng.js';
import type { Dataset, FitOutcome } from './types.js';

/** Keeps the refits' draws apart from the split's, the starts' and the relevance search's. */
const BOOTSTRAP_FORK = 0xb007;

export interface BootstrapRun {
  replicates: BootstrapReplicate[];
  /** Refits that diverged (left out). */
  diverged: number;
  /** The run was interrupted before all B refits ran. */
  interrupted: boolean;
}

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

export async function runBootstrap(
  replicates: number,
  rows: Dataset,
  rng: Rng,
  refit: (data: Dataset, rng: Rng) => Promise<FitOutcome>,
  onRefit?: (done: number, of: number) => void,
): Promise<BootstrapRun> {
  const base = rng.fork(BOOTSTRAP_FORK);
  const out: BootstrapRun = { replicates: [], diverged: 0, interrupted: false };
  for (let b = 0; b < replicates; b++) {
    const fork = base.fork(b + 1);
    let o: FitOutcome;
    try {
      o = await refit(resample(rows, drawRows(rows.n, fork)), fork);
    } catch (err) {
      // Stopped in the refit's search for its ridge: the refits before it are kept.
      if (!(err instanceof InterruptedError)) throw err;
      out.interrupted = true;
      break;
    }
    if (o.stopped === 'interrupted') {
      out.interrupted = true;
      break;
    }
    if (o.stopped === 'diverged') out.diverged++;
    else out.replicates.push({ theta: o.theta, w: o.w, b: o.b });
    onRefit?.(b + 1, replicates);
  }
  return out;
}
