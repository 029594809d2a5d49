/**
 * What every training run ends with, however its rows were read: the restarts,
 * the model file, the result document (train --json, see
 * docs/contract.md) and the divergence error.
 */
import { TrainingError } from '../errors.js';
import { MODEL_VERSION, type ModelFile, type Scaling, writeModel } from '../model/index.js';
import type { Metrics } from '../model/metrics.js';
import { bootstrapUncertainty, fitResiduals } from '../uncertainty/bootstrap.js';
import { computeUncertaintyUnlessStopped, type UncertaintyOutcome } from '../uncertainty/covariance.js';
import { applyHeldOut, checkHeldOut, type HeldOutRows } from '../uncertainty/held-out.js';
import type { UncertaintyReport } from '../uncertainty/types.js';
import type { Rng } from '../util/rng.js';
import { runBootstrap } from './bootstrap.js';
import type { TrainSettings } from './defaults.js';
import type { FitRunner } from './fit-job.js';
import { lmConverged } from './lm-fit.js';
import type { CommitteeMembers } from '../uncertainty/committee.js';
import type { CommitteeReport, CommitteeRun } from './committee.js';
import { type EpochListener, type RestartsOutcome, runRestarts } from './restarts.js';
import { type SelectionReport, selectionReport } from './select.js';
import type { Dataset, FitOutcome, StopReason } from './types.js';

export interface TrainResult {
  basis: string;
  units: number;
  features: string[];
  target: string;
  epochs: number;
  stopped: StopReason;
  train: Metrics;
  validation: Metrics | null;
  timing: { load_s: number; train_s: number; epoch_s: number };
  model: string | null;
  seed: number;
  best_epoch: number;
  /** count: the starts that ran (fewer than --restarts after an interruption). */
  restarts: { count: number; best: number; losses: number[] };
  dropped_rows: number;
  warnings: string[];
  /** The ridge λ the chosen start trained with (chosen by cross-validation under --ridge auto). */
  ridge?: number;
  /** The init scale the chosen start's search picked (see BasisFamily.initScales). */
  init_scale?: number;
  /** How the start (units, init scale, λ) was chosen: cross-validation on the training rows (select.ts). */
  selection?: SelectionReport;
  /** Per-feature input scales the relevance search chose (folded into scaling.x.std); absent when all are 1. */
  relevance?: Record<string, number>;
  /** Whether the relevance search ran and why: in-memory training on two or more features. */
  relevance_search?: RelevanceReport;
  /** The solver and, for lm, which convergence test stopped it (null for the descent solvers) and its iterations. */
  solver?: { name: string; stopped: string | null; iterations: number };
  /** Whether a committee of models was averaged (committee.ts), why, and each member's part; in-memory training only. */
  committee?: CommitteeReport;
  /** Standard errors of the stored parameters (docs/contract.md section 6); null when they cannot be estimated, or under --stream. */
  uncertainty?: UncertaintyReport | null;
}

/** --relevance: whether the search ran, why, and its cross-validated RMSEs (target units; the search's own sample and folds). */
export interface RelevanceReport {
  /** The auto rule decided (relevance-rule.ts), not --relevance / --no-relevance. */
  auto: boolean;
  searched: boolean;
  reason: string;
  /** CV RMSE with the chosen scales, and with every scale 1. */
  cv_rmse?: number | null;
  baseline_cv_rmse?: number | null;
}

/** A data set made ready to train on, in memory or as a file to stream. */
export interface PreparedRun {
  features: string[];
  target: string;
  /** Kept rows of the data (training + validation). */
  rows: number;
  scaling: Scaling | null;
  loadSeconds: number;
  droppedRows: number;
  /**
   * The rows the final (w, b) was solved on, scaled as the model acts on them, for the
   * standard errors (src/uncertainty); absent when they are not in memory (--stream).
   */
  fitRows?: Dataset;
  /** The validation rows, raw, to check σ̂ on (src/uncertainty/held-out.ts); absent without a split or under --stream. */
  heldOut?: HeldOutRows;
  /** Runs the restarts and the bootstrap refits; refits need its pool context (the rows in memory). */
  fits: FitRunner;
  /** Fits a committee (committee.ts) instead of the restarts: in memory, on small data. */
  committee?: (hooks: RunHooks & { warn: (m: string) => void }) => Promise<CommitteeRun>;
  /** Metrics of the final model (null: training diverged) on the training and validation rows. */
  measure(model: ModelFile | null, stopped: StopReason): Promise<{ train: Metrics; validation: Metrics | null }>;
}

/** Warnings as they are collected for the result and shown as they happen. */
export interface WarningSink {
  warnings: string[];
  warn: (m: string) => void;
}

export interface RunHooks {
  out?: string | null;
  onEpoch?: EpochListener;
  /** After each bootstrap refit: how many are done, of how many. */
  onRefit?: (done: number, of: number) => void;
  /** The shown start's search: its share done (0 to 1), while it runs. */
  onSearch?: (done: number) => void;
  /** Polled by every fit between steps (and passed on to pool workers), and while the standard errors are computed: true skips them. */
  shouldStop?: () => boolean;
}

/**
 * Restarts, then the model and the result document; throws a TrainingError
 * carrying the result when every start diverged, and writes the model file otherwise.
 */
export async function completeRun(s: TrainSettings, run: PreparedRun, rng: Rng, sink: WarningSink, hooks: RunHooks): Promise<{ result: TrainResult; model: ModelFile | null }> {
  const fitHooks = { onEpoch: hooks.onEpoch, onSearch: hooks.onSearch, shouldStop: hooks.shouldStop, warn: sink.warn };
  const r: RestartsOutcome & Partial<CommitteeRun> = run.committee ? await run.committee(fitHooks) : await runRestarts(s.restarts, rng, run.scaling, run.fits, fitHooks);
  const chosen = r.best;
  // An interruption ends the run, whichever start had been best so far.
  const stopped: StopReason = chosen === null ? 'diverged' : r.interrupted ? 'interrupted' : chosen.stopped;
  const model = chosen === null ? null : buildModel(s, run, chosen, r.members?.b.length);
  const measured = await run.measure(model, stopped);
  const result: TrainResult = {
    basis: s.basis,
    units: chosen?.theta.length ?? s.units,
    features: run.features,
    target: run.target,
    epochs: chosen?.epochs ?? 0,
    stopped,
    train: measured.train,
    // A committee has no validation split: every row is predicted by the member that validated on it.
    validation: r.report ? (r.validation ?? null) : measured.validation,
    timing: { load_s: round(run.loadSeconds), train_s: round(r.trainSeconds), epoch_s: round(r.trainSeconds / Math.max(r.epochsRun, 1)) },
    model: null,
    seed: s.seed,
    best_epoch: chosen?.bestEpoch ?? 0,
    restarts: { count: r.ran, best: r.bestIndex + 1, losses: r.losses },
    dropped_rows: run.droppedRows,
    warnings: sink.warnings,
    ridge: chosen?.ridge,
    init_scale: chosen?.initScale,
    ...(chosen?.selection ? { selection: selectionReport(chosen.selection, run.scaling, s.unitsAuto) } : {}),
    solver: { name: s.solver, stopped: chosen?.convergence ?? null, iterations: chosen?.epochs ?? 0 },
    ...(r.report ? { committee: r.report } : {}),
  };
  if (model === null) {
    // The key is in every train document (SPEC section 6): with no model there are no standard errors.
    result.uncertainty = null;
    throw Object.assign(new TrainingError('training diverged: the loss or the parameters became non-finite', 'lower --lr (or --lr-theta), or try --optimizer adam'), {
      result,
    });
  }
  if (run.fitRows) {
    const u = await uncertaintyOf(s, run, run.fitRows, model, chosen!, stopped, rng, sink.warn, hooks, r.members);
    result.uncertainty = u.report;
    if (u.interrupted) result.stopped = 'interrupted';
  } else result.uncertainty = null;
  if (hooks.out) {
    await writeModel(hooks.out, model);
    result.model = hooks.out;
  }
  return { result, model };
}

/**
 * The standard errors for the result, and what predict --interval needs into the model
 * file: the delta method's (src/uncertainty/covariance.ts), or under --bootstrap the refits'.
 */
async function uncertaintyOf(
  s: TrainSettings,
  run: PreparedRun,
  rows: Dataset,
  model: ModelFile,
  chosen: FitOutcome,
  stopped: StopReason,
  rng: Rng,
  warn: (m: string) => void,
  hooks: RunHooks,
  committee?: CommitteeMembers,
): Promise<{ report: UncertaintyReport | null; interrupted: boolean }> {
  // lm reports 'early-stop' when a convergence test ends it: that is a stationary point, which the full covariance needs.
  const settled = lmConverged(chosen.convergence) ? 'converged' : stopped;
  // An interrupted run is saved at once: the standard errors can take longer than the training did.
  const delta =
    stopped === 'interrupted'
      ? null
      : await computeUncertaintyUnlessStopped({ model, x: rows.x, y: rows.y, n: rows.n, ridge: chosen.ridge ?? s.ridge, stopped: settled, ...(committee ? { committee } : {}) }, hooks.shouldStop);
  if (delta === null) {
    warn('interrupted: the model is saved without standard errors (predict --interval needs them; train again to the end)');
    return { report: null, interrupted: true };
  }
  if (s.bootstrap > 0 && run.fits.pool && stopped !== 'interrupted') {
    const from = { theta: chosen.theta, w: chosen.w, b: chosen.b, ridge: chosen.ridge ?? s.ridge };
    const boot = await runBootstrap(s.bootstrap, from, rng, run.fits, { onRefit: hooks.onRefit, shouldStop: hooks.shouldStop });
    if (boot.diverged > 0) warn(`${boot.diverged} of ${s.bootstrap} bootstrap refits diverged and are left out`);
    if (boot.interrupted) warn(`interrupted after ${boot.replicates.length} of ${s.bootstrap} bootstrap refits: the model keeps the delta method's uncertainty instead`);
    else if (boot.replicates.length < 2) warn('fewer than 2 bootstrap refits succeeded: the model keeps the delta method\'s uncertainty instead');
    else {
      const residuals = fitResiduals(model, rows.x, rows.y, rows.n);
      const dof = delta.report?.dof ?? Math.max(rows.n - model.w.length - 1, 1);
      const u = bootstrapUncertainty({ model, replicates: boot.replicates, residuals, dof, delta: delta.report });
      model.uncertainty = u.stored;
      return { report: u.report, interrupted: false };
    }
    if (boot.interrupted) return { report: keepDelta(model, delta, warn, run.heldOut), interrupted: true };
  }
  return { report: keepDelta(model, delta, warn, run.heldOut), interrupted: false };
}

/** Held-out errors this many times the expected mean square (σ̂ 1.5× too small) get a warning. */
const LOUD_HELD_OUT_RATIO = 2.25;

function keepDelta(model: ModelFile, delta: UncertaintyOutcome, warn: (m: string) => void, heldOut?: HeldOutRows): UncertaintyReport | null {
  if (delta.stored) model.uncertainty = delta.stored;
  if (delta.warning) warn(delta.warning);
  if (delta.stored && delta.report) {
    // A committee holds every row out of one member: its check runs on those rows.
    const oof = delta.outOfFold;
    const check = oof ? applyHeldOut(delta.stored, delta.report, oof.ratio, oof.rows) : heldOut ? checkHeldOut(model, delta.stored, delta.report, heldOut) : null;
    if (check) {
      delta.report.held_out = { rows: check.rows, ratio: check.ratio, p: check.p, rescaled: check.rescaled };
      // A mild rescale (the test is loose on purpose) is in the method and held_out; a large one is worth a line.
      if (check.rescaled && check.ratio >= LOUD_HELD_OUT_RATIO) {
        warn(
          `the ${check.rows} ${oof ? 'out-of-fold' : 'validation'} rows' errors are ${Math.sqrt(check.ratio).toFixed(2)}x what the training residuals predict (p = ${check.p.toPrecision(2)}): sigma and the intervals are scaled to them`,
        );
      }
    }
  }
  return delta.report;
}

/** `members`: the model is the average of this many committee members, J / members units each. */
function buildModel(s: TrainSettings, run: PreparedRun, o: FitOutcome, members?: number): ModelFile {
  return {
    format: 'basisfit-model',
    version: MODEL_VERSION,
    basis: s.basis,
    features: run.features,
    target: run.target,
    theta: o.theta,
    w: o.w,
    b: o.b,
    scaling: run.scaling,
    training: { ...trainingRecord(s, o, run.rows), ...(members ? { committee: members } : {}) },
    history: o.history,
  };
}

function trainingRecord(s: TrainSettings, o: FitOutcome, rows: number): ModelFile['training'] {
  return {
    seed: s.seed,
    epochs: o.epochs,
    best_epoch: o.bestEpoch,
    stopped: o.stopped,
    optimizer: s.optimizer,
    solver: s.solver,
    batch_size: s.batchSize,
    lr: { w: s.lrW ?? s.lr, b: s.lrB ?? s.lr, theta: s.lrTheta ?? s.lr },
    val_split: s.valSplit,
    patience: s.patience,
    ridge: o.ridge ?? s.ridge,
    ...(s.ridgeAuto && o.ridge !== undefined ? { ridge_auto: true } : {}),
    ...(o.initScale !== undefined ? { init_scale: o.initScale } : {}),
    ...(o.convergence !== undefined ? { convergence: o.convergence, tol: s.tol } : {}),
    ...(s.intercept ? {} : { intercept: false }),
    rows,
  };
}

export function round(v: number): number {
  return Number(v.toPrecision(6));
}

export function nanMetrics(n: number): Metrics {
  return { n, mse: Number.NaN, rmse: Number.NaN, mae: Number.NaN, r2: null };
}
