/**
 * R seeded starts, the best kept by selection loss (validation, or training
 * without a split); shared by in-memory and streaming training.
 */
import type { Scaling } from '../model/index.js';
import type { EpochReport, FitOutcome } from './fit.js';
import { selectionLoss } from './train.js';

export type EpochListener = (r: EpochReport & { restart: number; restarts: number }) => void;

export interface RestartsOutcome {
  best: FitOutcome | null;
  /** 0-based index of the start that won. */
  bestIndex: number;
  losses: number[];
  trainSeconds: number;
  epochsRun: number;
}

/**
 * Runs `restarts` fits; each receives its 0-based index and an epoch listener
 * that reports losses in the target's units. Stops early after an interruption.
 */
export async function runRestarts(
  restarts: number,
  scaling: Scaling | null,
  onEpoch: EpochListener | undefined,
  fitOne: (r: number, onEpoch: ((e: EpochReport) => void) | undefined) => Promise<FitOutcome>,
): Promise<RestartsOutcome> {
  const targetVariance = scaling === null ? 1 : scaling.y.std ** 2;
  const out: RestartsOutcome = { best: null, bestIndex: 0, losses: [], trainSeconds: 0, epochsRun: 0 };
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
    const outcome = await fitOne(r, listener);
    out.trainSeconds += outcome.trainSeconds;
    out.epochsRun += outcome.epochs;
    const score = selectionLoss(outcome);
    out.losses.push(score);
    if (outcome.stopped !== 'diverged' && (out.best === null || score < selectionLoss(out.best))) {
      out.best = outcome;
      out.bestIndex = r;
    }
    if (outcome.stopped === 'interrupted') break;
  }
  return out;
}
