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
  ridge: number;
  /** Threads for each gradient; the model does not depend on it. */
  threads: number;
}

/**
 * Chosen by measurement on the sample data sets (see README "Defaults"); a
 * person should get a good fit with only --basis.
 */
export const DEFAULTS: TrainSettings = {
  basis: 'rbf',
  units: 20,
  epochs: 500,
  batchSize: 'full',
  optimizer: 'adam',
  lr: 0.01,
  lrW: null,
  lrB: null,
  lrTheta: null,
  seed: 1,
  valSplit: 0.2,
  patience: 50,
  standardize: true,
  solver: 'gd',
  restarts: 1,
  ridge: 0,
  threads: 1,
};

export interface DataSettings {
  target?: string;
  features?: string[];
  header?: boolean;
  delimiter?: string;
  missing?: MissingPolicy;
}
