/**
 * R seeded starts, the best kept by selection loss (validation, or training
 * without a split). Start r draws the same numbers whatever the number of
 * restarts, so more restarts can only add candidates, never change the first ones.
 */
import { InterruptedError } from '../errors.js';
import type { Scaling } from '../model/index.js';
import type { Rng } from '../util/rng.js';
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
 * Runs `restarts` fits; each receives its own fork of `rng` and an epoch
 * listener that reports losses in the target's units. Stops after an interruption.
 */
export async function runRestarts(
  restarts: number,
  rng: Rng,
  scaling: Scaling | null,
  onEpoch: EpochListener | undefined,
  fitOne: (rng: Rng, onEpoch: ((e: EpochReport) => void) | undefined) => Promise<FitOutcome>,
): Promise<RestartsOutcome> {
  const targetVariance = scaling === null ? 1 : scaling.y.std ** 2;
  const out: RestartsOutcome = { best: null, bestIndex: 0, losses: [], ran: 0, interrupted: false, trainSeconds: 0, epochsRun: 0 };
  for (let r = 0; r < restarts; r++) {
    const listener = onEpoch
      ? (e: EpochReport) =>
          onEpoch({
            ...e,
            // Progress speaks the target's units, like the summary.
            trainLoss: e.trainLoss * targetVariance,
            validationLoss: e.validationLoss === null ? null : e.validationLoss * targetVariance,
            restart: r + 1,
            restarts,
          })
      : undefined;
    let outcome: FitOutcome;
    try {
      outcome = await fitOne(rng.fork(r + 1), listener);
    } catch (err) {
      // Interrupted in a later start's search: the starts before it are kept.
      if (!(err instanceof InterruptedError && out.best !== null)) throw err;
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

/** Restarts are compared by validation loss, or by training loss without a split. */
export function selectionLoss(o: FitOutcome): number {
  if (o.selectionLoss !== undefined) return Number.isFinite(o.selectionLoss) ? o.selectionLoss : Number.POSITIVE_INFINITY;
  const h = o.history.validation ?? o.history.train;
  if (h.length === 0) return Number.POSITIVE_INFINITY;
  const i = Math.min(o.bestEpoch, h.length) - 1;
  const v = h[Math.max(i, 0)];
  return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
}
