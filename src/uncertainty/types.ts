/**
 * What the uncertainty of a fit looks like in the model file and in train's
 * JSON result (SPEC section 6). Every number refers to the STORED parameters,
 * those of the model file, which act on the model's scaled inputs
 * (x − mean)/std and give f before the target's scaling y = s_y·f + m_y.
 */

/** Which stored parameters the covariance covers, in the model file's order. */
export type CovarianceParameters = 'w,b' | 'w,b,theta';

/** The optional `uncertainty` field of the model file: what predict --interval needs. */
export interface ModelUncertainty {
  /** How the covariance was obtained (the same words as train's JSON `uncertainty.method`). */
  method: string;
  /**
   * 'w,b': θ is held fixed (intervals conditional on the trained θ); 'w,b,theta': the
   * covariance covers all of them. Order: w_1..w_J, b, then θ row by row (SPEC section 1).
   */
  parameters: CovarianceParameters;
  /** σ̂, the residual standard deviation, in the target's own units. */
  sigma: number;
  /** ν, the residual degrees of freedom of the t quantile (a real number under a ridge). */
  dof: number;
  /**
   * The upper-triangular factor R of the covariance of the parameters listed in
   * `parameters`, Cov = RᵀR, in the model's own units (f before s_y). Row i holds
   * R[i][i..P−1] only, so the rows shrink by one: P(P+1)/2 numbers in all. Absent
   * when only the bootstrap could be had.
   */
  factor?: number[][];
  /** train --bootstrap B: the refits predict --interval takes its percentiles from (src/uncertainty/bootstrap.ts). */
  bootstrap?: { replicates: BootstrapReplicate[]; residuals: number[] };
}

/** Most residuals a model file keeps for new observations (beyond it, evenly spaced quantiles of them). */
export const RESIDUAL_POOL = 1000;
/** More refits than anyone would run: a bound on what a model file may make predict compute. */
export const MAX_REPLICATES = 10_000;

/** One bootstrap refit's stored parameters, laid out as the model file's. */
export interface BootstrapReplicate {
  theta: number[][];
  w: number[];
  b: number;
}

/** train --json `uncertainty` (SPEC section 6), or null. */
export interface UncertaintyReport {
  /** σ̂ in the target's units. */
  sigma: number;
  dof: number;
  /**
   * Standard errors of the stored parameters, in the model file's layout. θ's are null
   * under 'linear-in-w given theta', where θ is conditioned on, not estimated.
   */
  stderr: { w: number[]; b: number | null; theta: (number | null)[][] };
  method: string;
  /** Why θ's uncertainty is not included, when it is not. */
  note?: string;
  /** The Newton step to the nearest stationary point, measured in standard errors (the delta method's precondition); absent when that method failed. */
  newton_step_se?: number;
  /** Condition number of the penalised Gauss–Newton matrix the covariance inverts; absent when that method failed. */
  condition?: number;
  /** Under --bootstrap: the number of refits the standard errors and intervals come from. */
  replicates?: number;
  /**
   * σ̂ checked on the validation rows (src/uncertainty/held-out.ts): their mean squared error
   * over the one the intervals expect (ratio), its p-value under the model, and whether
   * σ̂, ν and the standard errors were scaled to them. Absent without validation rows.
   */
  held_out?: { rows: number; ratio: number; p: number; rescaled: boolean };
}

/** Number of stored parameters a covariance over `which` covers. */
export function parameterCount(model: { w: readonly number[]; theta: readonly (readonly number[])[] }, which: CovarianceParameters): number {
  const j = model.w.length;
  return which === 'w,b' ? j + 1 : j + 1 + j * (model.theta[0]?.length ?? 0);
}
