/**
 * A fit from one start: the start (start.ts), the batches (batches.ts) and
 * the epoch loop (loop.ts), on data already scaled as the model acts on it.
 * fit() holds the rows in memory; fitFrom() is the part every source shares.
 */
import { Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import type { BatchSource } from './batches.js';
import { memoryBatches } from './batches.js';
import { runEpochs } from './loop.js';
import { modelTheta } from './objective.js';
import { Optimizer, type Slot } from './optimizer.js';
import { createEvaluator } from './parallel.js';
import { type Params, packedUnits } from './params.js';
import { initialParams, type Start, searchStart, solveLinear, startSelection } from './start.js';
import type { Dataset, FitOptions, FitOutcome } from './types.js';
import { meanSquaredError } from './validation.js';

export type { Dataset, EpochReport, FitOptions, FitOutcome, Solver, StopReason } from './types.js';

export async function fit(train: Dataset, validation: Dataset | null, opts: FitOptions, rng: Rng): Promise<FitOutcome> {
  if (opts.solver === 'lm') return (await import('./lm-fit.js')).fitLm(train, validation, opts, rng);
  const { family } = opts;
  const X = family.prepare(new Tensor(train.x, [train.n, train.d]));
  const Y = new Tensor(train.y, [train.n]);
  const start = await searchStart(initialParams(family, X, train.y, opts, rng), opts);
  const p = start.params;
  const size = opts.batchSize === 'full' || opts.batchSize >= train.n ? train.n : opts.batchSize;
  const evaluator = createEvaluator(family, opts.threads ?? 1, [p.w.shape, p.b.shape, ...p.raw.map((t) => t.shape)]);
  const XV = validation ? family.prepare(new Tensor(validation.x, [validation.n, validation.d])) : null;
  return fitFrom(start, memoryBatches(X, Y, size, rng, evaluator), train.d, opts, {
    validationLoss: XV && validation ? () => meanSquaredError(family, p, XV, validation.y) : null,
    trainingLoss: () => meanSquaredError(family, p, X, train.y),
    // The linear part solved once more on every training row for the kept θ.
    finish: opts.solver === 'varpro' ? () => solveLinear(family, p, X, train.y, start.ridge, opts.intercept) : undefined,
  });
}

export interface FitHooks {
  validationLoss: (() => number) | null;
  trainingLoss: () => number;
  /** Runs on the kept parameters unless training diverged. */
  finish?: () => void;
}

/** Descent from a start on batches from `source` (closed at the end), packed as a FitOutcome. */
export async function fitFrom(
  start: { params: Params; ridge: number; scale: number; start?: Start },
  source: BatchSource,
  d: number,
  opts: FitOptions,
  hooks: FitHooks,
): Promise<FitOutcome> {
  const { family } = opts;
  const { params: p, ridge } = start;
  const varpro = opts.solver === 'varpro';
  const slots: Slot[] = [
    ...(varpro
      ? []
      : [
          { value: p.w.data, group: 'w' as const },
          ...(opts.intercept === false ? [] : [{ value: p.b.data, group: 'b' as const }]),
        ]),
    ...p.raw.map((t) => ({ value: t.data, group: 'theta' as const })),
  ];
  const optimizer = new Optimizer(opts.optimizer, slots, { ...opts.lr });
  let run: Awaited<ReturnType<typeof runEpochs>>;
  try {
    run = await runEpochs({ ...opts, family, params: p, optimizer, source, varpro, ridge, intercept: opts.intercept, ...hooks });
  } finally {
    await source.close();
  }
  if (run.stopped !== 'diverged') hooks.finish?.();
  return {
    ...packedUnits(family, modelTheta(family, p.raw), p.w.data, d),
    b: p.b.data[0],
    epochs: run.epochs,
    bestEpoch: run.log.best.epoch,
    stopped: run.stopped,
    history: run.log.history,
    trainSeconds: run.trainSeconds,
    recoveries: run.recoveries,
    ridge,
    initScale: start.scale,
    ...(start.start ? { selection: startSelection(start.start) } : {}),
    selectionLoss: hooks.validationLoss?.() ?? run.log.history.train.at(-1) ?? Number.NaN,
  };
}
