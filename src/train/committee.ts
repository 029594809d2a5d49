/**
 * A committee of K models on small data (committee-rule.ts decides when): the rows are
 * dealt into K disjoint folds; member k validates (stops early) on fold k and trains on
 * the other K − 1, from its own init seed but with the start settings (unit count, init
 * scale, λ) of one cross-validated start search on all the rows. The members' average
 * f = (1/K) Σ w_k·Φ_θk + b_k is itself one model of the same form with K·J units (θ
 * stacked, w_k / K, b the mean), so the model file and everything that reads it stay as
 * they are.
 */
import type { BasisFamily } from '../basis/index.js';
import { Tensor } from '../engine/index.js';
import type { Scaling } from '../model/index.js';
import { type Metrics, metrics } from '../model/metrics.js';
import { predictTensor } from '../model/predict.js';
import type { JobHooks } from '../util/pool.js';
import type { Rng } from '../util/rng.js';
import type { CommitteeMembers } from '../uncertainty/committee.js';
import type { CommitteeDecision } from './committee-rule.js';
import { type FitContext, type FitMessage, runFitJob } from './fit-job.js';
import { resample } from './resample.js';
import { type EpochListener, inTargetUnits, type RestartsOutcome } from './restarts.js';
import { initialParams, searchStart, startSelection } from './start.js';
import type { FitOutcome, FixedStart, LabelledRows, StopReason } from './types.js';

/** Keeps the committee's folds and its start search apart from the split's, the starts' and the relevance search's draws. */
const COMMITTEE_FORK = 0xc033;

/** The JSON's `committee` (docs/contract.md): what the rule decided and, when it ran, each member's part. */
export interface CommitteeReport {
  auto: boolean;
  members: number;
  reason: string;
  /** Units per member (the model has (members − diverged) × this many). */
  units_per_member?: number;
  /** Members that diverged and were left out of the average. */
  diverged?: number;
  /**
   * Rows with an out-of-fold prediction (the JSON's `validation.n`): every row, less the
   * folds of diverged members (and, after an interruption, of members not run), which no
   * kept member held out.
   */
  out_of_fold_rows?: number;
  /** Each member's RMSE (target units) on its own validation fold, after training. */
  member_validation_rmse?: number[];
  member_best_epoch?: number[];
  member_epochs?: number[];
}

export interface CommitteeRun extends RestartsOutcome {
  report: CommitteeReport;
  /** The kept members' folds and b's, for their standard errors (uncertainty/committee.ts). */
  members: CommitteeMembers;
  /**
   * Every row predicted by the member that validated on it (out-of-fold), in the target's
   * units, over the rows whose member was kept; null when no member was.
   */
  validation: Metrics | null;
}

/** Row i's fold: a seeded permutation dealt round-robin, so fold sizes differ by at most one. */
export function committeeFolds(n: number, k: number, rng: Rng): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const fold = new Uint32Array(n);
  for (let i = 0; i < n; i++) fold[order[i]] = i % k;
  return fold;
}

/**
 * Fits the committee on `ctx.train` (every row; ctx.validation is unused) and returns the
 * averaged model as the one outcome. `raw`: the same rows in the target's units, for the
 * out-of-fold metrics. Members run one after another in this thread (the data are small).
 */
export async function runCommittee(
  decision: CommitteeDecision,
  ctx: FitContext,
  family: BasisFamily,
  raw: LabelledRows,
  scaling: Scaling | null,
  rng: Rng,
  hooks: { shouldStop?: () => boolean; onSearch?: (done: number) => void; onEpoch?: EpochListener; warn: (m: string) => void },
): Promise<CommitteeRun> {
  const K = decision.members;
  const all = ctx.train;
  const forks = rng.fork(COMMITTEE_FORK);
  const fold = committeeFolds(all.n, K, forks.fork(0));
  const X = family.prepare(new Tensor(all.x, [all.n, all.d]));
  const found = await searchStart(initialParams(family, X, all.y, ctx.settings, forks.fork(1)), hooks);
  const { start } = found;
  const spec: FixedStart = { units: start.theta[0].shape[0], scale: start.scale, lambda: found.ridge, ...(start.nearLinear ? { nearLinear: true } : {}) };
  const members: FitOutcome[] = [];
  // Each row's fold as an index into `members`; a left-out member's rows trained every kept one.
  const kept = new Map<number, number>();
  const memberRmse: number[] = [];
  const oofPred = new Float64Array(all.n);
  let trainSeconds = 0;
  let interrupted = false;
  let diverged = 0;
  for (let k = 0; k < K && !interrupted; k++) {
    const inFold = (want: boolean) => Uint32Array.from(indices(fold, k, want));
    const held = inFold(true);
    const memberCtx: FitContext = {
      ...ctx,
      train: resample(all, inFold(false)),
      validation: resample(all, held),
      settings: { ...ctx.settings, units: spec.units, unitGrid: undefined, fixedStart: spec },
    };
    const jobHooks: JobHooks<FitMessage> = {
      post: (m) => ('epoch' in m ? hooks.onEpoch?.(inTargetUnits(m.epoch, scaling, k, K)) : undefined),
      stopped: () => hooks.shouldStop?.() ?? false,
    };
    // Member k draws what start k + 1 of --restarts would: member 1 starts as the single model would.
    const { outcome } = await runFitJob(memberCtx, { kind: 'start', forks: rng.fork(k + 1).forks }, jobHooks, hooks.warn);
    if (outcome === null) {
      interrupted = true;
      break;
    }
    trainSeconds += outcome.trainSeconds;
    if (outcome.stopped === 'interrupted') interrupted = true;
    if (outcome.stopped === 'diverged') {
      diverged++;
      hooks.warn(`committee member ${k + 1} of ${K} diverged and is left out`);
      continue;
    }
    kept.set(k, members.length);
    members.push(outcome);
    const pred = memberPredictions(family, outcome, resample(all, held));
    for (let i = 0; i < held.length; i++) oofPred[held[i]] = pred[i];
    memberRmse.push(Math.sqrt(metrics(toTarget(pred, scaling), pickRows(raw.y, held)).mse));
  }
  const best = members.length === 0 ? null : average(members, interrupted, startSelection(start));
  // A diverged (or, after an interruption, unrun) member's fold trained every kept member, so
  // those rows have no held-out prediction: the out-of-fold metrics are over the other rows.
  const covered = Uint32Array.from({ length: all.n }, (_, i) => i).filter((i) => kept.has(fold[i]));
  return {
    best,
    bestIndex: 0,
    losses: best ? [best.selectionLoss ?? Number.NaN] : [],
    ran: best ? 1 : 0,
    // A member that diverged is left out, which is no interruption: the run went to its end.
    interrupted,
    trainSeconds,
    epochsRun: members.reduce((s, m) => s + m.epochs, 0),
    validation: covered.length === 0 ? null : metrics(toTarget(pickRows(oofPred, covered), scaling), pickRows(raw.y, covered)),
    members: { fold: fold.map((f) => kept.get(f) ?? members.length), b: members.map((m) => m.b) },
    report: {
      auto: decision.auto,
      members: K,
      reason: decision.reason,
      units_per_member: spec.units,
      diverged,
      out_of_fold_rows: covered.length,
      member_validation_rmse: memberRmse,
      member_best_epoch: members.map((m) => m.bestEpoch),
      member_epochs: members.map((m) => m.epochs),
    },
  };
}

function* indices(fold: Uint32Array, k: number, want: boolean): Generator<number> {
  for (let i = 0; i < fold.length; i++) if ((fold[i] === k) === want) yield i;
}

function pickRows(y: Float64Array, idx: Uint32Array): Float64Array {
  return Float64Array.from(idx, (i) => y[i]);
}

function toTarget(pred: Float64Array, scaling: Scaling | null): Float64Array {
  if (!scaling) return pred;
  const { mean, std } = scaling.y;
  return pred.map((v) => v * std + mean);
}

function memberPredictions(family: BasisFamily, m: FitOutcome, rows: { x: Float64Array; n: number; d: number }): Float64Array {
  const x = family.prepare(new Tensor(rows.x, [rows.n, rows.d]));
  const theta = family.unpack(m.theta, rows.d);
  return predictTensor(family, x, new Tensor(Float64Array.from(m.w), [m.w.length]), new Tensor(Float64Array.of(m.b), []), theta).data;
}

/**
 * The members' average as one outcome: θ stacked, w / K, b the mean. Its selection loss is
 * the members' mean validation MSE; epochs and best epoch are the members' means (rounded),
 * the history is the first member's, and it stopped early only if every member did.
 */
export function average(members: FitOutcome[], interrupted: boolean, selection: FitOutcome['selection']): FitOutcome {
  const K = members.length;
  const mean = (f: (m: FitOutcome) => number) => members.reduce((s, m) => s + f(m), 0) / K;
  const stopped: StopReason = interrupted ? 'interrupted' : members.every((m) => m.stopped === 'early-stop') ? 'early-stop' : 'max-epochs';
  return {
    theta: members.flatMap((m) => m.theta),
    w: members.flatMap((m) => m.w.map((v) => v / K)),
    b: mean((m) => m.b),
    epochs: Math.round(mean((m) => m.epochs)),
    bestEpoch: Math.round(mean((m) => m.bestEpoch)),
    stopped,
    history: members[0].history,
    trainSeconds: members.reduce((s, m) => s + m.trainSeconds, 0),
    recoveries: members.reduce((s, m) => s + m.recoveries, 0),
    ridge: members[0].ridge,
    initScale: members[0].initScale,
    selectionLoss: mean((m) => m.selectionLoss ?? Number.NaN),
    ...(selection ? { selection } : {}),
  };
}
