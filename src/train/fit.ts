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
import type { GradientEvaluator } from './chunked.js';
import { modelTheta, predictTensor } from './objective.js';
import { type LearningRates, Optimizer, type OptimizerName, type Slot } from './optimizer.js';
import { createEvaluator } from './parallel.js';

export interface Dataset {
  /** Rows as the model acts on them (after scaling), row-major N × D. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
}

export type Solver = 'gd' | 'varpro';
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
  /** Ridge λ on w (see linear.ts); also used for the initial least-squares solve. */
  ridge: number;
  /** Epochs without validation improvement before stopping; null never stops early. */
  patience: number | null;
  /** How many times to roll back and halve the learning rates before giving up. */
  maxRecoveries?: number;
  /** Start from these θ rows instead of the data-driven initialisation. */
  initialTheta?: number[][];
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
}

interface Params {
  w: Tensor;
  b: Tensor;
  raw: Tensor[];
}

const YIELD_MS = 50;

export async function fit(train: Dataset, validation: Dataset | null, opts: FitOptions, rng: Rng): Promise<FitOutcome> {
  const { family } = opts;
  const d = train.d;
  const X = family.prepare(new Tensor(train.x, [train.n, d]));
  const Y = new Tensor(train.y, [train.n]);
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, d])) : null;

  const params = initialParams(family, X, Y, opts, rng);
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
    return await loop(validation, opts, family, params, optimizer, batches, evaluator, X, Y, XV, varpro, d);
  } finally {
    await evaluator.close();
  }
}

async function loop(
  validation: Dataset | null,
  opts: FitOptions,
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

  const history = { train: [] as number[], validation: validation ? ([] as number[]) : null };
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, state: snapshot(params) };
  let stopped: StopReason = 'max-epochs';
  let recoveries = 0;
  const maxRecoveries = opts.maxRecoveries ?? 8;
  let epoch = 0;
  let lastYield = Date.now();
  const t0 = performance.now();

  outer: for (epoch = 1; epoch <= opts.epochs; epoch++) {
    let lossSum = 0;
    let rows = 0;
    for (const [xb, yb] of batches.epoch()) {
      const good = snapshot(params);
      const goodState = optimizer.snapshot();
      let loss: number;
      try {
        loss = step(family, params, xb, yb, opts, optimizer, varpro, evaluator);
      } catch (e) {
        if (!(e instanceof NumericError)) throw e;
        loss = Number.NaN;
        opts.onWarning?.(`step failed numerically (${e.message})`);
      }
      if (!Number.isFinite(loss) || !paramsFinite(params)) {
        restore(params, good);
        optimizer.restore(goodState);
        if (recoveries >= maxRecoveries) {
          stopped = 'diverged';
          opts.onWarning?.(`diverged in epoch ${epoch}: still non-finite after ${recoveries} learning-rate halvings`);
          break outer;
        }
        recoveries++;
        optimizer.scaleLearningRates(0.5);
        opts.onWarning?.(
          `diverged in epoch ${epoch}: rolled back to the last good parameters and halved the learning rates (now w ${fmt(optimizer.lr.w)}, b ${fmt(optimizer.lr.b)}, theta ${fmt(optimizer.lr.theta)})`,
        );
        continue;
      }
      lossSum += loss * yb.size;
      rows += yb.size;
      if (opts.shouldStop?.()) {
        history.train.push(rows > 0 ? lossSum / rows : Number.NaN);
        if (history.validation && XV && validation) history.validation.push(meanSquaredError(family, params, XV, validation.y));
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
    const trainLoss = rows > 0 ? (2 * lossSum) / rows : Number.NaN;
    history.train.push(trainLoss);
    let valLoss: number | null = null;
    if (history.validation && XV && validation) {
      valLoss = meanSquaredError(family, params, XV, validation.y);
      history.validation.push(valLoss);
      if (valLoss < best.loss) best = { loss: valLoss, epoch, state: snapshot(params) };
    } else {
      best = { loss: trainLoss, epoch, state: best.state };
    }
    opts.onEpoch?.({ epoch, epochs: opts.epochs, trainLoss, validationLoss: valLoss });
    if (opts.shouldStop?.()) {
      stopped = 'interrupted';
      break;
    }
    if (opts.patience !== null && valLoss !== null && epoch - best.epoch >= opts.patience) {
      stopped = 'early-stop';
      break;
    }
  }
  const epochsRun = Math.min(epoch, opts.epochs);
  const trainSeconds = (performance.now() - t0) / 1000;
  // With a validation split and early stopping, the model is the best validated epoch.
  if (validation && opts.patience !== null && best.epoch > 0) restore(params, best.state);
  else best.epoch = epochsRun;
  if (varpro && stopped !== 'diverged') solveLinear(family, params, X, Y, opts.ridge);
  return {
    theta: family.pack(modelTheta(family, params.raw), d),
    w: Array.from(params.w.data),
    b: params.b.data[0],
    epochs: epochsRun,
    bestEpoch: best.epoch,
    stopped,
    history,
    trainSeconds,
    recoveries,
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
  opts: FitOptions,
  optimizer: Optimizer,
  varpro: boolean,
  evaluator: GradientEvaluator,
): number {
  // varpro: w and b exact for the current θ, then descend on θ alone.
  if (varpro) solveLinear(family, p, xb, yb, opts.ridge);
  const all = [p.w, p.b, ...p.raw];
  const argnums = varpro ? p.raw.map((_, i) => i + 2) : all.map((_, i) => i);
  const { value, grads } = evaluator.evaluate(xb, yb, all, argnums, opts.ridge);
  if (!Number.isFinite(value)) return value;
  optimizer.step(grads);
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

function initialParams(family: BasisFamily, X: Tensor, Y: Tensor, opts: FitOptions, rng: Rng): Params {
  const d = X.shape[1];
  const theta = opts.initialTheta ? family.unpack(opts.initialTheta, d) : family.init(X, opts.units, rng);
  const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const units = theta[0].shape[0];
  const p: Params = { w: Tensor.zeros([units]), b: Tensor.zeros([]), raw };
  // w and b start at the (lightly ridge-regularised) least-squares solution for
  // the initial θ: the linear part is then right from the first step.
  solveLinear(family, p, X, Y, Math.max(opts.ridge, 1e-6));
  return p;
}

function meanSquaredError(family: BasisFamily, p: Params, x: Tensor, y: Float64Array): number {
  const pred = predictTensor(family, x, p.w, p.b, modelTheta(family, p.raw)).data;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / y.length;
}

function paramsFinite(p: Params): boolean {
  const all = [p.w.data, p.b.data, ...p.raw.map((t) => t.data)];
  return all.every((a) => a.every(Number.isFinite));
}

function snapshot(p: Params): Float64Array[] {
  return [p.w.data.slice(), p.b.data.slice(), ...p.raw.map((t) => t.data.slice())];
}

function restore(p: Params, s: Float64Array[]): void {
  p.w.data.set(s[0]);
  p.b.data.set(s[1]);
  p.raw.forEach((t, i) => t.data.set(s[i + 2]));
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
