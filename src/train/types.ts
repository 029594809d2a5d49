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
  /** The start search's share done (0 to 1), every few tens of milliseconds while it runs. */
  onSearch?: (done: number) => void;
}

export interface FitOptions extends EpochControl {
  family: BasisFamily;
  /** The unit count, unless unitGrid gives the counts to choose from (`--units auto`). */
  units: number;
  /** `--units auto`: the start search chooses the unit count among these by cross-validation (start.ts). */
  unitGrid?: readonly number[];
  batchSize: number | 'full';
  optimizer: OptimizerName;
  lr: LearningRates;
  solver: Solver;
  /**
   * Ridge λ on w (see linear.ts), used for the start's least-squares solve, in
   * descent and by varpro. 'auto' chooses λ from RIDGE_GRID together with the
   * init scale, by K-fold cross-validation (see start.ts, select.ts).
   */
  ridge: number | 'auto';
  /** Start from these θ rows (model-file layout) instead of the data-driven initialisation. */
  initialTheta?: number[][];
  /** Draw the start these settings name instead of searching (a committee member, committee.ts). */
  fixedStart?: FixedStart;
  /** A restart after the first (restarts.ts): the family's init jitters its fixed 1-D grids (BasisFamily.init). */
  jitter?: boolean;
  /** With initialTheta (--init MODEL): the model file's w and b, where the solver descends on them (gd). */
  initialLinear?: { w: number[]; b: number };
  /** false (--no-intercept): b is fixed at 0. */
  intercept?: boolean;
  /** solver 'lm': ftol = xtol (see solve/lm.ts DEFAULT_TOL). */
  tol?: number;
  /** Threads computing each gradient (data-parallel over fixed chunks; the result does not depend on it). Default 1. */
  threads?: number;
}

/** A start chosen elsewhere (a committee's one search, committee.ts): its unit count, init scale and λ, or the near-linear start. */
export interface FixedStart {
  units: number;
  scale: number;
  lambda: number;
  nearLinear?: boolean;
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
  /** How the start was chosen: its cross-validation, and under `--units auto` every unit count's score. */
  selection?: StartSelection;
  /** solver 'lm': which convergence test ended the run (solve/lm.ts Convergence, or 'validation'). */
  convergence?: string;
}

export interface StartSelection {
  /** Folds of the start's cross-validation (0: too few rows to hold any out). */
  folds: number;
  /** The chosen start's cross-validated MSE (standardised units). */
  cv: number;
  /** The chosen start is the family's near-linear one (train/start.ts). */
  nearLinear?: boolean;
  /** `--units auto`: the near-linear start's score (first, marked), then each unit count's best start (init scale, λ, CV MSE). */
  candidates?: { units: number; scale: number; lambda: number; cv: number; nearLinear?: boolean }[];
  /** With candidates: the one-standard-error bound; the fewest units whose CV MSE is at most this won. */
  threshold?: number;
}

/** Labelled rows in the model's feature order (N × D row-major x). */
export interface LabelledRows {
  x: Float64Array;
  y: Float64Array;
  n: number;
  /** The file line (1-based) each row starts on, for reports; absent where rows are not from a file. */
  lines?: Uint32Array;
}
