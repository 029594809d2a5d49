import type { BasisName } from '../basis/index.js';
import type { MissingPolicy } from '../data/index.js';
import type { Solver } from './fit.js';
import type { OptimizerName } from './optimizer.js';

/** Every training setting; the CLI and the library share these names and defaults. */
export interface TrainSettings {
  basis: BasisName;
  units: number;
  epochs: number;
  batchSize: number | 'full';
  optimizer: OptimizerName;
  lr: number;
  lrW: number | null;
  lrB: number | null;
  lrTheta: number | null;
  seed: number;
  valSplit: number;
  patience: number | null;
  standardize: boolean;
  solver: Solver;
  restarts: number;
  /** The fixed ridge λ on w (standardised units); unused while ridgeAuto. */
  ridge: number;
  /**
   * Choose λ (with the init scale) by generalised cross-validation at the
   * start, then descend with it: `--ridge auto`, the default. A numeric
   * ridge option turns it off. Trainers that do not search (--stream) use
   * `ridge` regardless.
   */
  ridgeAuto: boolean;
  /** Threads for each gradient; the model does not depend on it. */
  threads: number;
  /** false (--no-intercept): b is fixed at 0. Only --solver lm honours it so far. */
  intercept: boolean;
  /**
   * --solver lm: its ftol and xtol (solve/lm.ts). 1e-10 rather than MINPACK's
   * √eps ≈ 1.5e-8: ftol bounds the relative reduction of ‖f‖², and a
   * parameter's error goes with the square root of that, so √eps left as few
   * as 6.3 significant digits on the reference problems
   * (test/fixtures/lm-reference); 1e-10 gives at least 7.5 for 0–2 more iterations.
   */
  tol: number;
}

/** A ridge option as the CLI and the library take it: a fixed λ, or 'auto'. */
export type RidgeOption = number | 'auto';

/**
 * Chosen by measurement on the sample data sets with bench/defaults.mjs; the
 * table and the reasons are in docs/defaults.md. A person should get a good
 * fit with only --basis. In short: many units (80) whose start (init scale
 * and λ) is chosen by generalised cross-validation, so the ridge, not the
 * unit count, sets the smoothness; a small validation split (0.1) for early
 * stopping, so little data is held back; the start competes with every
 * epoch, so descent is kept only where it validates better. See also
 * IN_MEMORY_DEFAULTS (the solver).
 */
export const DEFAULTS: TrainSettings = {
  basis: 'rbf',
  units: 80,
  epochs: 300,
  batchSize: 'full',
  optimizer: 'adam',
  lr: 0.01,
  lrW: null,
  lrB: null,
  lrTheta: null,
  seed: 1,
  valSplit: 0.1,
  patience: 25,
  standardize: true,
  solver: 'gd',
  restarts: 1,
  ridge: 0,
  ridgeAuto: true,
  threads: 1,
  intercept: true,
  tol: 1e-10,
};

/**
 * Where train() (rows in memory) departs from DEFAULTS. Variable projection
 * keeps w, b exactly optimal for θ, so descent from a start with a tiny ridge
 * (huge, cancelling weights) refines θ smoothly, where joint Adam steps on
 * θ first wreck such a fit and spend their epochs recovering (docs/defaults.md).
 * DEFAULTS.solver stays 'gd' because trainers that cannot re-solve w every
 * step share DEFAULTS: train --stream supports gd only.
 */
export const IN_MEMORY_DEFAULTS = { solver: 'varpro' } as const satisfies Partial<TrainSettings>;

export interface DataSettings {
  target?: string;
  features?: string[];
  header?: boolean;
  delimiter?: string;
  missing?: MissingPolicy;
}
