/** The trainer's shared vocabulary: what a fit takes, reports each epoch and returns. */
import type { BasisFamily } from '../basis/index.js';
import type { LearningRates, OptimizerName } from './optimizer.js';

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

/** What the epoch loop needs to know besides the data: how long, when to stop, whom to tell. */
export interface EpochControl {
  epochs: number;
  /** Epochs without validation improvement before stopping; null never stops early. */
  patience: number | null;
  /** How many times to roll back and halve the learning rates before giving up (default 8). */
  maxRecoveries?: number;
  onEpoch?: (r: EpochReport) => void;
  onWarning?: (message: string) => void;
  /** Polled between steps; true finishes the current step and stops. */
  shouldStop?: () => boolean;
}

export interface FitOptions extends EpochControl {
  family: BasisFamily;
  units: number;
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
  /** Start from these θ rows (model-file layout) instead of the data-driven initialisation. */
  initialTheta?: number[][];
  /** With initialTheta (--init MODEL): the model file's w and b, where the solver descends on them (gd). */
  initialLinear?: { w: number[]; b: number };
  /** false (--no-intercept): b is fixed at 0. */
  intercept?: boolean;
  /** solver 'lm': ftol = xtol (see solve/lm.ts DEFAULT_TOL). */
  tol?: number;
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

/** Labelled rows in the model's feature order (N × D row-major x). */
export interface LabelledRows {
  x: Float64Array;
  y: Float64Array;
  n: number;
}
