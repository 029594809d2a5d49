/**
 * The epoch loop, the one place that trains: epochs of steps on batches from
 * a source (batches.ts), the finiteness guard with rollback and learning-rate
 * halving, validation after each epoch, early stopping, the history and a
 * clean stop on interruption. Where the rows live is the source's business,
 * so training in memory and streaming from a file behave alike.
 */
import type { BasisFamily } from '../basis/index.js';
import type { Tensor } from '../engine/index.js';
import type { Batch, BatchSource } from './batches.js';
import { numericOr } from './numeric.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { EpochLog, type Params, paramsFinite, restore, snapshot } from './params.js';
import type { EpochControl, StopReason } from './types.js';

export interface LoopSetup extends EpochControl {
  family: BasisFamily;
  params: Params;
  optimizer: Optimizer;
  source: BatchSource;
  /** Variable projection: w and b solved exactly around every step, descent on θ alone. */
  varpro: boolean;
  ridge: number;
  /** false: b stays 0 (--no-intercept). */
  intercept?: boolean;
  /** Validation MSE of the current parameters (+Infinity where they overflow); null without validation rows. */
  validationLoss: (() => number) | null;
  /** Training MSE of the current parameters, for an epoch whose every step was rolled back. */
  trainingLoss: () => number;
}

export interface LoopOutcome {
  stopped: StopReason;
  epochs: number;
  log: EpochLog;
  recoveries: number;
  trainSeconds: number;
}

const YIELD_MS = 50;
const MAX_RECOVERIES = 8;

interface Checkpoint {
  params: Float64Array[];
  state: OptimizerState;
}

export function runEpochs(setup: LoopSetup): Promise<LoopOutcome> {
  return new EpochLoop(setup).run();
}

class EpochLoop {
  private stopped: StopReason = 'max-epochs';
  private recoveries = 0;
  private epoch = 0;
  private lastYield = Date.now();
  private readonly log: EpochLog;
  private readonly all: Tensor[];
  private readonly argnums: number[];
  /**
   * The last parameters whose loss was seen to be finite: finite parameters
   * can still overflow the loss, and rolling back to them would not help.
   */
  private verified: Checkpoint;

  constructor(private readonly s: LoopSetup) {
    const p = s.params;
    this.all = [p.w, p.b, ...p.raw];
    // Only what moves is differentiated: θ alone under varpro, and never a fixed b.
    this.argnums = s.varpro ? p.raw.map((_, i) => i + 2) : this.all.map((_, i) => i).filter((i) => i !== 1 || s.intercept !== false);
    // The start itself competes (as epoch 0): descent that never beats it on
    // validation returns it unchanged.
    const startLoss = s.validationLoss && s.patience !== null ? s.validationLoss() : Number.POSITIVE_INFINITY;
    this.log = new EpochLog(s.validationLoss !== null, startLoss, snapshot(p));
    this.verified = this.checkpoint();
  }

  async run(): Promise<LoopOutcome> {
    const { s, log } = this;
    const t0 = performance.now();
    for (this.epoch = 1; this.epoch <= s.epochs; this.epoch++) if (await this.runEpoch()) break;
    const epochs = Math.min(this.epoch, s.epochs);
    const trainSeconds = (performance.now() - t0) / 1000;
    // With a validation split and early stopping, the model is the best validated epoch.
    if (s.validationLoss && s.patience !== null && (log.best.epoch > 0 || Number.isFinite(log.best.loss))) restore(s.params, log.best.state);
    else log.best.epoch = epochs;
    return { stopped: this.stopped, epochs, log, recoveries: this.recoveries, trainSeconds };
  }

  /** One pass over the training rows and its validation; true ends training. */
  private async runEpoch(): Promise<boolean> {
    const { s } = this;
    let lossSum = 0;
    let rows = 0;
    for await (const batch of s.source.epoch()) {
      const good = this.checkpoint();
      const loss = this.step(batch);
      if (!Number.isFinite(loss) || !paramsFinite(s.family, s.params)) {
        // A finite loss vouches for the parameters the step started from.
        if (!this.recover(Number.isFinite(loss) ? good : this.verified)) return true;
        continue;
      }
      this.verified = good;
      lossSum += loss * batch.rows;
      rows += batch.rows;
      if (s.shouldStop?.()) {
        // The partial epoch goes into the history, and cannot become the best.
        this.log.partial((2 * lossSum) / rows, s.validationLoss?.() ?? null);
        this.stopped = 'interrupted';
        return true;
      }
      await this.yieldNow();
    }
    // Steps report ½·MSE (+ ridge); history keeps the plain MSE of the epoch's steps.
    // An epoch whose every step was rolled back reports the loss of the parameters it kept.
    const trainLoss = rows > 0 ? (2 * lossSum) / rows : s.trainingLoss();
    const validationLoss = this.validate();
    if (validationLoss === undefined) return true;
    const stop = this.log.close(this.epoch, trainLoss, validationLoss, () => snapshot(s.params), s);
    if (stop !== null) this.stopped = stop;
    return stop !== null;
  }

  /** One optimiser step on a batch; returns the batch objective before the step (NaN where it overflowed). */
  private step(batch: Batch): number {
    const { ridge, varpro, optimizer } = this.s;
    const rows = batch.data;
    const solve = varpro ? batch.solveLinear : null;
    const intercept = this.s.intercept !== false;
    return numericOr(Number.NaN, () => {
      // varpro: w and b exact for the current θ (a full batch already has them
      // from the step before), descend on θ alone, then solve again for the new
      // θ, so what is validated and kept is a consistent model, not θ paired
      // with the w of the step before (with a tiny ridge the difference is large).
      // A solve right before the gradient on the same rows lends it its features.
      if (solve && rows && !rows.whole) solve(this.all, ridge, intercept, true);
      const { value, grads } = batch.evaluate(this.all, this.argnums, ridge);
      if (!Number.isFinite(value)) return value;
      optimizer.step(grads);
      if (solve && rows) solve(this.all, ridge, intercept, rows.whole);
      return value;
    });
  }

  /** The validation loss after an epoch; undefined when it cannot be made finite (stopped: diverged). */
  private validate(): number | null | undefined {
    const loss = this.s.validationLoss;
    if (loss === null) return null;
    const first = loss();
    if (Number.isFinite(first)) return first;
    // Predictions that overflow on the validation rows are divergence too.
    if (!this.recover(this.verified)) return undefined;
    const again = loss();
    if (Number.isFinite(again)) return again;
    this.stopped = 'diverged';
    this.s.onWarning?.(`diverged in epoch ${this.epoch}: the validation loss is not finite even after rolling back`);
    return undefined;
  }

  /** Rolls back and halves the learning rates; false (stopped: diverged) once the halvings are used up. */
  private recover(back: Checkpoint): boolean {
    const { s } = this;
    restore(s.params, back.params);
    s.optimizer.restore(back.state);
    if (this.recoveries >= (s.maxRecoveries ?? MAX_RECOVERIES)) {
      this.stopped = 'diverged';
      s.onWarning?.(`diverged in epoch ${this.epoch}: still non-finite after ${this.recoveries} learning-rate halvings`);
      return false;
    }
    this.recoveries++;
    s.optimizer.scaleLearningRates(0.5);
    const { w, b, theta } = s.optimizer.lr;
    s.onWarning?.(
      `diverged in epoch ${this.epoch}: rolled back to the last good parameters and halved the learning rates (now w ${fmt(w)}, b ${fmt(b)}, theta ${fmt(theta)})`,
    );
    return true;
  }

  private checkpoint(): Checkpoint {
    return { params: snapshot(this.s.params), state: this.s.optimizer.snapshot() };
  }

  /** Lets signal handlers and the progress display run during a long epoch. */
  private async yieldNow(): Promise<void> {
    if (Date.now() - this.lastYield <= YIELD_MS) return;
    await new Promise((r) => setImmediate(r));
    this.lastYield = Date.now();
  }
}

function fmt(v: number): string {
  return v.toPrecision(3);
}
