/**
 * The optimisation loop: epochs of (mini-)batch steps on the mean half squared
 * error, validation after each epoch, early stopping, recovery from divergence
 * and a clean stop on interruption. Pure computation on data already scaled as
 * the model acts on it; loading, scaling and writing live elsewhere.
 */
import type { BasisFamily } from '../basis/index.js';
import { NumericError } from '../errors.js';
import { Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import { type LinearPart, ridgeSolve } from './linear.js';
import { chooseStart, RIDGE_GRID } from './start.js';
import type { GradientEvaluator } from './chunked.js';
import { modelTheta } from './objective.js';
import { predictTensor } from '../model/predict.js';
import { type LearningRates, Optimizer, type OptimizerName, type Slot } from './optimizer.js';
import { createEvaluator } from './parallel.js';
import { EpochLog, type Params, paramsFinite, restore, snapshot } from './params.js';

export interface Dataset {
  /** Rows as the model acts on them (after scaling), row-major N × D. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
}

export type Solver = 'gd' | 'varpro' | 'lm';
export type StopReason = 'max-epochs' | 'early-stop' | 'interrupted' | 'diverged';

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean squared error on the training rows, in the units the model acts on. */
  trainLoss: number;
  validationLoss: number | null;
}

export interface FitOptions {
  family: BasisFamily;
  units: number;
  epochs: number;
  batchSize: number | 'full';
  optimizer: OptimizerName;
  lr: LearningRates;
  solver: Solver;
  /**
   * Ridge λ on w (see linear.ts), used for the start's least-squares solve, in
   * descent and by varpro. 'auto' chooses λ from RIDGE_GRID together with the
   * init scale, by generalised cross-validation (see start.ts).
   */
  ridge: number | 'auto';
  /** Epochs without validation improvement before stopping; null never stops early. */
  patience: number | null;
  /** How many times to roll back and halve the learning rates before giving up. */
  maxRecoveries?: number;
  /** Start from these θ rows instead of the data-driven initialisation. */
  initialTheta?: number[][];
  /** With initialTheta (--init MODEL): the model file's w and b. lm re-solves them exactly for θ, so it does not read them. */
  initialLinear?: { w: number[]; b: number };
  /** false (--no-intercept): b is fixed at 0. Honoured by solver 'lm'. */
  intercept?: boolean;
  /** solver 'lm': ftol = xtol (see solve/lm.ts DEFAULT_TOL). */
  tol?: number;
  onEpoch?: (r: EpochReport) => void;
  onWarning?: (message: string) => void;
  /** Polled between steps; true finishes the current step and stops. */
  shouldStop?: () => boolean;
  /** Threads computing each gradient (data-parallel over fixed chunks; the result does not depend on it). Default 1. */
  threads?: number;
}

export interface FitOutcome {
  theta: number[][];
  w: number[];
  b: number;
  epochs: number;
  bestEpoch: number;
  stopped: StopReason;
  history: { train: number[]; validation: number[] | null };
  trainSeconds: number;
  recoveries: number;
  /** The λ used (the chosen one under ridge 'auto'). */
  ridge?: number;
  /** The family's init scale the start search chose (1 for a given initialTheta). */
  initScale?: number;
  /**
   * What restarts are compared by: the validation MSE of the returned
   * parameters, or without validation rows the last epoch's training MSE
   * (standardised units). bestEpoch 0 means the start itself won.
   */
  selectionLoss?: number;
  /** solver 'lm': which convergence test ended the run (solve/lm.ts Convergence, or 'validation'). */
  convergence?: string;
}

const YIELD_MS = 50;
/** The least λ of the start's solve with a fixed ridge: plain least squares can be singular. */
const MIN_START_RIDGE = 1e-6;

/** FitOptions once the start has fixed λ. */
type ResolvedFitOptions = Omit<FitOptions, 'ridge'> & { ridge: number };

export async function fit(train: Dataset, validation: Dataset | null, opts: FitOptions, rng: Rng): Promise<FitOutcome> {
  if (opts.solver === 'lm') return (await import('./lm-fit.js')).fitLm(train, validation, opts, rng);
  const { family } = opts;
  const d = train.d;
  const X = family.prepare(new Tensor(train.x, [train.n, d]));
  const Y = new Tensor(train.y, [train.n]);
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, d])) : null;

  const { params, ridge, scale } = initialParams(family, X, Y, opts, rng);
  const resolved: ResolvedFitOptions = { ...opts, ridge };
  const varpro = opts.solver === 'varpro';
  const slots: Slot[] = [
    ...(varpro
      ? []
      : [
          { value: params.w.data, group: 'w' as const },
          { value: params.b.data, group: 'b' as const },
        ]),
    ...params.raw.map((t) => ({ value: t.data, group: 'theta' as const })),
  ];
  const optimizer = new Optimizer(opts.optimizer, slots, { ...opts.lr });
  const batch = opts.batchSize === 'full' || opts.batchSize >= train.n ? train.n : opts.batchSize;
  const batches = new BatchSampler(X, Y, batch, rng);
  const evaluator = createEvaluator(family, opts.threads ?? 1, [params.w.shape, params.b.shape, ...params.raw.map((t) => t.shape)]);
  try {
    return { ...(await loop(validation, resolved, family, params, optimizer, batches, evaluator, X, Y, XV, varpro, d)), ridge, initScale: scale };
  } finally {
    await evaluator.close();
  }
}

async function loop(
  validation: Dataset | null,
  opts: ResolvedFitOptions,
  family: BasisFamily,
  params: Params,
  optimizer: Optimizer,
  batches: BatchSampler,
  evaluator: GradientEvaluator,
  X: Tensor,
  Y: Tensor,
  XV: Tensor | null,
  varpro: boolean,
  d: number,
): Promise<FitOutcome> {

  // The start itself competes (as epoch 0): descent that never beats it on
  // validation returns it unchanged.
  const startLoss = validation && XV && opts.patience !== null ? meanSquaredError(family, params, XV, validation.y) : Number.POSITIVE_INFINITY;
  const log = new EpochLog(validation !== null, startLoss, snapshot(params));
  let stopped: StopReason = 'max-epochs';
  let recoveries = 0;
  const maxRecoveries = opts.maxRecoveries ?? 8;
  let epoch = 0;
  let lastYield = Date.now();
  const t0 = performance.now();

  // The last parameters whose loss was seen to be finite: finite parameters
  // can still overflow the loss, and rolling back to them would not help.
  let verified = { params: snapshot(params), state: optimizer.snapshot() };
  /** Rolls back and halves the learning rates; false (stopped: diverged) once the halvings are used up. */
  const recover = (back: typeof verified): boolean => {
    restore(params, back.params);
    optimizer.restore(back.state);
    if (recoveries >= maxRecoveries) {
      stopped = 'diverged';
      opts.onWarning?.(`diverged in epoch ${epoch}: still non-finite after ${recoveries} learning-rate halvings`);
      return false;
    }
    recoveries++;
    optimizer.scaleLearningRates(0.5);
    opts.onWarning?.(
      `diverged in epoch ${epoch}: rolled back to the last good parameters and halved the learning rates (now w ${fmt(optimizer.lr.w)}, b ${fmt(optimizer.lr.b)}, theta ${fmt(optimizer.lr.theta)})`,
    );
    return true;
  };
  outer: for (epoch = 1; epoch <= opts.epochs; epoch++) {
    let lossSum = 0;
    let rows = 0;
    for (const [xb, yb] of batches.epoch()) {
      const good = snapshot(params);
      const goodState = optimizer.snapshot();
      let loss: number;
      try {
        loss = step(family, params, xb, yb, opts, optimizer, varpro, evaluator, xb === X);
      } catch (e) {
        if (!(e instanceof NumericError)) throw e;
        loss = Number.NaN;
        opts.onWarning?.(`step failed numerically (${e.message})`);
      }
      if (!Number.isFinite(loss) || !paramsFinite(family, params)) {
        // A finite loss vouches for the parameters the step started from.
        if (!recover(Number.isFinite(loss) ? { params: good, state: goodState } : verified)) break outer;
        continue;
      }
      verified = { params: good, state: goodState };
      lossSum += loss * yb.size;
      rows += yb.size;
      if (opts.shouldStop?.()) {
        log.partial((2 * lossSum) / rows, XV && validation ? meanSquaredError(family, params, XV, validation.y) : null);
        stopped = 'interrupted';
        break outer;
      }
      if (Date.now() - lastYield > YIELD_MS) {
        // Let signal handlers and the progress display run.
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
    }
    // Steps report ½·MSE (+ ridge); history keeps the plain MSE of the epoch's steps.
    // An epoch whose every step was rolled back reports the loss of the parameters it kept.
    const trainLoss = rows > 0 ? (2 * lossSum) / rows : meanSquaredError(family, params, X, Y.data);
    let valLoss: number | null = null;
    if (XV && validation) {
      valLoss = meanSquaredError(family, params, XV, validation.y);
      // Predictions that overflow on the validation rows are divergence too.
      if (!Number.isFinite(valLoss)) {
        if (!recover(verified)) break;
        valLoss = meanSquaredError(family, params, XV, validation.y);
        if (!Number.isFinite(valLoss)) {
          stopped = 'diverged';
          opts.onWarning?.(`diverged in epoch ${epoch}: the validation loss is not finite even after rolling back`);
          break;
        }
      }
    }
    const stop = log.close(epoch, trainLoss, valLoss, () => snapshot(params), opts);
    if (stop !== null) {
      stopped = stop;
      break;
    }
  }
  const epochsRun = Math.min(epoch, opts.epochs);
  const trainSeconds = (performance.now() - t0) / 1000;
  // With a validation split and early stopping, the model is the best validated epoch.
  if (validation && opts.patience !== null && (log.best.epoch > 0 || Number.isFinite(log.best.loss))) restore(params, log.best.state);
  else log.best.epoch = epochsRun;
  if (varpro && stopped !== 'diverged') solveLinear(family, params, X, Y, opts.ridge);
  const selectionLoss = XV && validation ? meanSquaredError(family, params, XV, validation.y) : (log.history.train.at(-1) ?? Number.NaN);
  return {
    theta: family.pack(modelTheta(family, params.raw), d),
    w: Array.from(params.w.data),
    b: params.b.data[0],
    epochs: epochsRun,
    bestEpoch: log.best.epoch,
    stopped,
    history: log.history,
    trainSeconds,
    recoveries,
    selectionLoss,
  };
}

function fmt(v: number): string {
  return v.toPrecision(3);
}

/** One optimiser step on a batch; returns the batch objective before the step. */
function step(
  family: BasisFamily,
  p: Params,
  xb: Tensor,
  yb: Tensor,
  opts: ResolvedFitOptions,
  optimizer: Optimizer,
  varpro: boolean,
  evaluator: GradientEvaluator,
  fullBatch: boolean,
): number {
  // varpro: w and b exact for the current θ (a full batch already has them
  // from the step before), descend on θ alone, then solve again for the new
  // θ, so what is validated and kept is a consistent model, not θ paired
  // with the w of the step before (with a tiny ridge the difference is large).
  if (varpro && !fullBatch) solveLinear(family, p, xb, yb, opts.ridge);
  const all = [p.w, p.b, ...p.raw];
  const argnums = varpro ? p.raw.map((_, i) => i + 2) : all.map((_, i) => i);
  const { value, grads } = evaluator.evaluate(xb, yb, all, argnums, opts.ridge);
  if (!Number.isFinite(value)) return value;
  optimizer.step(grads);
  if (varpro) solveLinear(family, p, xb, yb, opts.ridge);
  return value;
}

/** Variable projection's inner solve: the exact ridge least-squares w and b for the current θ. */
function solveLinear(family: BasisFamily, p: Params, x: Tensor, y: Tensor, ridge: number): void {
  const phi = family.features(x, modelTheta(family, p.raw));
  const lin = ridgeSolve(phi.data, x.shape[0], p.w.size, y.data, ridge);
  setLinear(p, lin);
}

function setLinear(p: Params, lin: LinearPart): void {
  if (lin.w.every(Number.isFinite) && Number.isFinite(lin.b)) {
    p.w.data.set(lin.w);
    p.b.data[0] = lin.b;
  }
}

/**
 * θ from the start search (start.ts), and w, b the ridge least-squares
 * solution for it on every training row: the linear part is right from the
 * first step. Returns the λ descent uses.
 */
function initialParams(family: BasisFamily, X: Tensor, Y: Tensor, opts: FitOptions, rng: Rng): { params: Params; ridge: number; scale: number } {
  const d = X.shape[1];
  const given = opts.initialTheta ? family.unpack(opts.initialTheta, d) : undefined;
  const auto = opts.ridge === 'auto';
  const startRidge = opts.ridge === 'auto' ? 0 : Math.max(opts.ridge, MIN_START_RIDGE);
  const start = chooseStart(family, X, Y.data, opts.units, rng, auto ? RIDGE_GRID : [startRidge], given);
  const raw = start.theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const units = start.theta[0].shape[0];
  const params: Params = { w: Tensor.zeros([units]), b: Tensor.zeros([]), raw };
  solveLinear(family, params, X, Y, auto ? start.lambda : startRidge);
  return { params, ridge: opts.ridge === 'auto' ? start.lambda : opts.ridge, scale: start.scale };
}

/** MSE of the model on rows; +Infinity when its features overflow there (e.g. poly on rows outside the training range). */
function meanSquaredError(family: BasisFamily, p: Params, x: Tensor, y: Float64Array): number {
  let pred: Float64Array;
  try {
    pred = predictTensor(family, x, p.w, p.b, modelTheta(family, p.raw)).data;
  } catch (e) {
    if (e instanceof NumericError) return Number.POSITIVE_INFINITY;
    throw e;
  }
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / y.length;
}




/** Full batch: the whole set every step. Mini-batch: a seeded shuffle each epoch, rows gathered into reused buffers. */
class BatchSampler {
  private readonly order: Uint32Array;
  private readonly bufX: Float64Array;
  private readonly bufY: Float64Array;

  constructor(
    private readonly x: Tensor,
    private readonly y: Tensor,
    private readonly size: number,
    private readonly rng: Rng,
  ) {
    const n = y.size;
    this.order = Uint32Array.from({ length: n }, (_, i) => i);
    this.bufX = new Float64Array(size * x.shape[1]);
    this.bufY = new Float64Array(size);
  }

  *epoch(): Generator<[Tensor, Tensor]> {
    const n = this.y.size;
    if (this.size >= n) {
      yield [this.x, this.y];
      return;
    }
    this.rng.shuffle(this.order);
    const d = this.x.shape[1];
    for (let start = 0; start < n; start += this.size) {
      const m = Math.min(this.size, n - start);
      const bx = m === this.size ? this.bufX : new Float64Array(m * d);
      const by = m === this.size ? this.bufY : new Float64Array(m);
      for (let r = 0; r < m; r++) {
        const src = this.order[start + r];
        for (let k = 0; k < d; k++) bx[r * d + k] = this.x.data[src * d + k];
        by[r] = this.y.data[src];
      }
      yield [new Tensor(bx, [m, d]), new Tensor(by, [m])];
    }
  }
}
