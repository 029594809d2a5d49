/**
 * R seeded starts, the best kept by selection loss (validation, or training
 * without a split). Start r draws the same numbers whatever the number of
 * restarts or workers, so more restarts can only add candidates, never change the first ones.
 */
import { InterruptedError } from '../errors.js';
import type { Scaling } from '../model/index.js';
import type { Rng } from '../util/rng.js';
import { type FitJob, type FitRunner, runFits } from './fit-job.js';
import { INTERRUPTED_IN_SEARCH } from './start.js';
import type { EpochReport, FitOutcome } from './types.js';

export type EpochListener = (r: EpochReport & { restart: number; restarts: number }) => void;

export interface RestartsOutcome {
  best: FitOutcome | null;
  /** 0-based index of the start that won. */
  bestIndex: number;
  /** One selection loss per start that ran. */
  losses: number[];
  /** Starts that ran: fewer than asked for after an interruption. */
  ran: number;
  interrupted: boolean;
  trainSeconds: number;
  epochsRun: number;
}

/**
 * Runs `restarts` fits as jobs of `fits` (one after another, or over the pool); start r
 * gets fork r + 1 of `rng`. The outcomes are taken in start order, whatever order they
 * finished in, and an interruption ends the list at the first interrupted start, as it
 * would one after another. Only the lowest unfinished start's epochs reach `onEpoch`, so
 * a progress bar follows one fit at a time; losses are reported in the target's units.
 */
export async function runRestarts(
  restarts: number,
  rng: Rng,
  scaling: Scaling | null,
  fits: FitRunner,
  hooks: { onEpoch?: EpochListener; onSearch?: (done: number) => void; shouldStop?: () => boolean; warn: (m: string) => void },
): Promise<RestartsOutcome> {
  // Starts after the first jitter their init's fixed grids: in 1-D the rbf, exp and poly inits draw nothing, and every start was the first.
  const jobs: FitJob[] = Array.from({ length: restarts }, (_, r) => ({ kind: 'start', forks: rng.fork(r + 1).forks, ...(r > 0 ? { jitter: true } : {}) }));
  const done = new Array<boolean>(restarts).fill(false);
  let shown = 0;
  const { onEpoch } = hooks;
  const results = await runFits(fits, jobs, {
    shouldStop: hooks.shouldStop,
    onResult: (i) => {
      done[i] = true;
      while (shown < restarts && done[shown]) shown++;
    },
    onMessage: (r, m) => {
      if (r !== shown) return;
      if ('search' in m) return hooks.onSearch?.(m.search);
      if (!onEpoch) return;
      onEpoch(inTargetUnits(m.epoch, scaling, r, restarts));
    },
  });
  if (results[0] === undefined) {
    // Interrupted before any start ran: the first still takes its one step, so the run keeps a model, as train promises.
    results[0] = await fits.local(jobs[0], { post: () => {}, stopped: () => true });
  }
  const out: RestartsOutcome = { best: null, bestIndex: 0, losses: [], ran: 0, interrupted: false, trainSeconds: 0, epochsRun: 0 };
  for (let r = 0; r < restarts; r++) {
    const result = results[r];
    if (result === undefined) {
      // Never started: the run was interrupted while others ran.
      out.interrupted = true;
      break;
    }
    for (const m of result.warnings) hooks.warn(m);
    const { outcome } = result;
    if (outcome === null) {
      // Interrupted in this start's search: the starts before it are kept; with none, there is nothing to save.
      if (out.best === null) throw new InterruptedError(INTERRUPTED_IN_SEARCH);
      out.interrupted = true;
      break;
    }
    out.ran++;
    out.trainSeconds += outcome.trainSeconds;
    out.epochsRun += outcome.epochs;
    const score = selectionLoss(outcome);
    out.losses.push(score);
    if (outcome.stopped !== 'diverged' && (out.best === null || score < selectionLoss(out.best))) {
      out.best = outcome;
      out.bestIndex = r;
    }
    if (outcome.stopped === 'interrupted') {
      out.interrupted = true;
      break;
    }
  }
  return out;
}

/** Fit r's epoch (0-based r) as progress reports it: in the target's units, like the summary. */
export function inTargetUnits(e: EpochReport, scaling: Scaling | null, r: number, of: number): Parameters<EpochListener>[0] {
  const v = scaling === null ? 1 : scaling.y.std ** 2;
  return { ...e, trainLoss: e.trainLoss * v, validationLoss: e.validationLoss === null ? null : e.validationLoss * v, restart: r + 1, restarts: of };
}

/** Restarts are compared by validation loss, or by training loss without a split. */
export function selectionLoss(o: FitOutcome): number {
  if (o.selectionLoss !== undefined) return Number.isFinite(o.selectionLoss) ? o.selectionLoss : Number.POSITIVE_INFINITY;
  const h = o.history.validation ?? o.history.train;
  if (h.length === 0) return Number.POSITIVE_INFINITY;
  const i = Math.min(o.bestEpoch, h.length) - 1;
  const v = h[Math.max(i, 0)];
  return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
}
