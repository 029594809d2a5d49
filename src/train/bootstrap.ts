/**
 * train --bootstrap B: B refits of the trained model, each on the training rows
 * drawn with replacement, each starting from the fit's own θ, w, b with its λ
 * fixed (so unit j of every refit is unit j of the fit, and its spread is that
 * parameter's standard error). Refit b draws its rows and its fit's randomness
 * from one fork of the run's Rng, so the refits, and the model file, do not
 * depend on how many there are before it, on the thread count or on the pool size.
 * The statistics are in src/uncertainty/bootstrap.ts.
 */
import type { BootstrapReplicate } from '../uncertainty/types.js';
import type { Rng } from '../util/rng.js';
import { type FitJob, type FitRunner, runFits } from './fit-job.js';

type FitJobFrom = Extract<FitJob, { kind: 'refit' }>['from'];

/** Keeps the refits' draws apart from the split's, the starts' and the relevance search's. */
const BOOTSTRAP_FORK = 0xb007;

export interface BootstrapRun {
  replicates: BootstrapReplicate[];
  /** Refits that diverged (left out). */
  diverged: number;
  /** The run was interrupted before all B refits ran. */
  interrupted: boolean;
}

/**
 * The B refits of `from` as jobs of `fits` (one after another, or over the pool). Refit b
 * draws its rows and its fit's randomness from fork b + 1 of one fork of `rng`; the
 * replicates are kept in refit order whatever order they finished in.
 */
export async function runBootstrap(
  replicates: number,
  from: FitJobFrom,
  rng: Rng,
  fits: FitRunner,
  hooks: { onRefit?: (done: number, of: number) => void; shouldStop?: () => boolean },
): Promise<BootstrapRun> {
  const base = rng.fork(BOOTSTRAP_FORK);
  const jobs: FitJob[] = Array.from({ length: replicates }, (_, b) => ({ kind: 'refit', forks: base.fork(b + 1).forks, from }));
  let done = 0;
  const results = await runFits(fits, jobs, { shouldStop: hooks.shouldStop, onResult: () => hooks.onRefit?.(++done, replicates) });
  const out: BootstrapRun = { replicates: [], diverged: 0, interrupted: false };
  for (const r of results) {
    // Not started, stopped in its ridge search (no outcome) or stopped while it ran: the refits before it are kept.
    if (r === undefined || r.outcome === null || r.outcome.stopped === 'interrupted') {
      out.interrupted = true;
      break;
    }
    if (r.outcome.stopped === 'diverged') out.diverged++;
    else out.replicates.push({ theta: r.outcome.theta, w: r.outcome.w, b: r.outcome.b });
  }
  return out;
}
