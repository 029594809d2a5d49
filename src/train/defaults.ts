import type { BasisName } from '../basis/index.js';
import type { MissingPolicy } from '../data/index.js';
import type { Solver } from './types.js';
import type { OptimizerName } from './optimizer.js';
import type { CommitteeSetting } from './committee-rule.js';
import type { RelevanceSetting } from './relevance-rule.js';
import { defaultThreads } from './parallel.js';
import { assertBootstrapCount, assertRestartCount, assertUnitCount } from './workload.js';

/** Every training setting; the CLI and the library share these names and defaults. */
export interface TrainSettings {
  basis: BasisName;
  /** The unit count J; under unitsAuto the largest candidate, and the fallback if none can be scored. */
  units: number;
  /**
   * Choose J from UNIT_GRID with the start, by the same cross-validation
   * that chooses λ and the init scale (start.ts, select.ts): `--units auto`,
   * the default. A numeric --units (or --init) turns it off.
   */
  unitsAuto: boolean;
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
   * Choose λ (with the init scale) by K-fold cross-validation at the
   * start, then descend with it: `--ridge auto`, the default. A numeric
   * ridge option turns it off. Streaming training searches on its sample
   * of the training rows.
   */
  ridgeAuto: boolean;
  /** Threads for each gradient; the model does not depend on it. */
  threads: number;
  /**
   * Choose one input scale per feature by cross-validation before training (relevance.ts),
   * for standardised multi-feature data and every family but poly. 'auto', the
   * default, searches for rbf from ROWS_PER_SCALE training rows per feature on
   * (relevance-rule.ts): on the multi-feature benchmark it helped where rows are
   * enough and features irrelevant, and hurt on the 24–40-row sets and for tanh
   * (docs/defaults.md). true / false (--relevance / --no-relevance) force it.
   */
  relevance: RelevanceSetting;
  /**
   * Average a committee of K models that take turns at the validation rows (committee.ts)
   * instead of fitting one: 'auto' for fewer than COMMITTEE_ROWS rows (committee-rule.ts),
   * a number K fixes the member count, 0 fits one model. In-memory only. 'auto' by default:
   * on the multi-feature benchmark's small sets it lowers the test error on both bases, its
   * intervals cover and are no wider than one model's, and the one small 1-D sample set was
   * even (docs/defaults.md).
   */
  committee: CommitteeSetting;
  /** false (--no-intercept): b is fixed at 0. */
  intercept: boolean;
  /** --bootstrap B: B refits on resampled rows for the uncertainty (train/bootstrap.ts); 0: the delta method only. */
  bootstrap: number;
  /**
   * --solver lm: its ftol and xtol (solve/lm.ts). 1e-10 rather than MINPACK's
   * √eps ≈ 1.5e-8: ftol bounds the relative reduction of ‖f‖², and a
   * parameter's error goes with the square root of that, so √eps left as few
   * as 6.3 significant digits on the reference problems
   * (test/fixtures/lm-reference). With 1e-10 and the polishing steps after
   * it, every parameter of the 18 problems has at least 9.4.
   */
  tol: number;
}

/** A ridge option as the CLI and the library take it: a fixed λ, or 'auto'. */
export type RidgeOption = number | 'auto';

/**
 * Chosen by measurement on the sample data sets with bench/defaults.mjs and
 * the multi-feature sets with bench/multi.mjs; the tables and the reasons are
 * in docs/defaults.md. A person should get a good fit with only --basis. In
 * short: the start (unit count, init scale and λ) is chosen by 10-fold
 * cross-validation on the training rows, the fewest units within one standard
 * error of the best, so a 30-row set gets a handful of units and a long
 * wiggly series 80; a small validation split (0.1) for early
 * stopping, so little data is held back; the start competes with every
 * epoch, so descent is kept only where it validates better. See also
 * IN_MEMORY_DEFAULTS (the solver).
 */
export const DEFAULTS: TrainSettings = {
  basis: 'rbf',
  units: 80,
  unitsAuto: true,
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
  relevance: 'auto',
  committee: 'auto',
  intercept: true,
  bootstrap: 0,
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

/** A units option as the CLI and the library take it: a fixed count, or 'auto'. */
export type UnitsOption = number | 'auto';

/**
 * Settings as callers give them: any subset, with the ridge and the units as a number or
 * 'auto', and the threads as a number or 'auto' (the cores here; the trainer caps either at the work).
 */
export type SettingsInput = Partial<Omit<TrainSettings, 'ridge' | 'units' | 'threads'>> & { ridge?: RidgeOption; units?: UnitsOption; threads?: number | 'auto' };

export function resolveSettings(opts: SettingsInput): TrainSettings {
  const s: TrainSettings = { ...DEFAULTS };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && k in DEFAULTS) (s as unknown as Record<string, unknown>)[k] = v;
  // ridge 'auto' searches λ; a number fixes it (unless ridgeAuto is given explicitly).
  if (opts.ridge === 'auto') {
    s.ridge = DEFAULTS.ridge;
    s.ridgeAuto = true;
  } else if (typeof opts.ridge === 'number' && opts.ridgeAuto === undefined) {
    s.ridgeAuto = false;
  }
  // Likewise units: 'auto' chooses J, a number fixes it.
  if (opts.units === 'auto') {
    s.units = DEFAULTS.units;
    s.unitsAuto = true;
  } else if (typeof opts.units === 'number' && opts.unitsAuto === undefined) {
    s.unitsAuto = false;
  }
  if (opts.threads === 'auto') s.threads = defaultThreads();
  assertUnitCount(s.units);
  assertBootstrapCount(s.bootstrap);
  assertRestartCount(s.restarts);
  return s;
}
