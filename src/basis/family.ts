import type { Tensor } from '../engine/index.js';
import type { BasisName } from '../model/types.js';
import type { Rng } from '../util/rng.js';

export type { BasisName };

/**
 * A basis family is its forward computation plus the bookkeeping around it:
 * how its parameters are laid out in the model file and where to start them.
 * Gradients are never written here; the engine derives them from `features`.
 */
export interface BasisFamily {
  readonly name: BasisName;
  /** One line for --help and the README. */
  readonly formula: string;
  /** Names of the parameter tensors, in the order `features` takes them. */
  readonly paramNames: readonly string[];
  /**
   * For each parameter tensor, whether training should keep it positive by
   * learning its logarithm (the model file still stores the value itself).
   */
  readonly positive: readonly boolean[];
  /** Length of one row of `theta` in the model file for D features. */
  thetaWidth(d: number): number;
  /** A transform of the inputs computed once per data set (poly: log x). */
  prepare(x: Tensor): Tensor;
  /** Φθ(X): (N, J) from the prepared inputs (N, D) and the parameter tensors. */
  features(prepared: Tensor, params: readonly Tensor[]): Tensor;
  /** Model-file rows θ_j -> parameter tensors. */
  unpack(theta: readonly (readonly number[])[], d: number): Tensor[];
  /** Parameter tensors -> model-file rows θ_j. */
  pack(params: readonly Tensor[], d: number): number[][];
  /**
   * A data-driven, seeded starting point for J units on inputs X (N, D), as
   * acted on by the model. `scale` (default 1) stretches how sharply the units
   * bend: rbf widths shrink by it, tanh slopes grow by it, poly exponents
   * spread by it; the trainer tries the values in `initScales` and keeps the
   * one whose ridge least-squares fit scores best (see train/start.ts).
   * `jitter` (restarts after the first): where the init lays units on a fixed
   * grid (one feature), each grid point is drawn within its stratum instead,
   * so that every restart starts somewhere else.
   */
  init(x: Tensor, units: number, rng: Rng, scale?: number, jitter?: boolean): Tensor[];
  /** Candidate `scale`s for init, from smooth to sharp; [1] means no search. */
  readonly initScales: readonly number[];
  /**
   * θ for one unit per input feature, each all but linear in its feature over
   * the data's spread (standardised inputs), so the ridge fit of w, b is close
   * to a linear ridge regression: the start search's simplest candidate.
   * Absent where the family has no such form.
   */
  nearLinear?(x: Tensor): Tensor[];
  /**
   * Where two parameter values give the same model (a symmetry of φ), rewrites unit j's
   * θ_j and w_j, in place, into one chosen form of them, so that a fit reads the same
   * whichever of the two training reached. The predictions do not change.
   */
  canonical?(theta: number[][], w: number[]): void;
}
