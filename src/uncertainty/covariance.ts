/**
 * Standard errors of a trained model's stored parameters (the model file's
 * w, b, θ, which act on scaled inputs), from the Gauss–Newton covariance of
 * the penalised least-squares problem the trainer solved on its training rows:
 *
 *   L(w, b, θ) = ½ Σ_n (f(x_n) − y_n)² + ½ Nλ ‖w‖²
 *
 * (the trainer's mean objective times N, so λ is the model's own λ), with
 * J = ∂f/∂(params) at the training rows, G = JᵀJ, H = G + Nλ·D (D selects w):
 *
 *   Cov = σ̂² H⁻¹ G H⁻¹,  A = J H⁻¹ Jᵀ,  ν = N − tr(2A − AᵀA),  σ̂² = RSS / ν.
 *
 * Without a ridge this is σ̂²(JᵀJ)⁻¹ with ν = N − P. ν is the residual
 * effective dof: E[RSS] = σ²ν for a linear smoother without bias, which is why
 * it, not N − tr(A), divides the RSS.
 *
 * The delta method linearises around a stationary point. The test: the
 * Newton step to the nearest stationary point, −H⁻¹∇L, measured in standard
 * errors, √(∇Lᵀ H⁻¹ ∇L) / σ̂, must be below STATIONARY_SE. Two methods:
 *
 * - over (w, b, θ): only where the fit is stationary in θ too (a converged
 *   fit); the default fit stops early on a validation split, so it is not;
 * - 'linear-in-w given theta': θ, chosen by training and validation, is
 *   treated as a design choice, and for that fixed θ the fit is the ridge
 *   linear smoother in (w, b), which varpro solves exactly at the end; the
 *   intervals are then valid conditional on θ. This is what the default fit
 *   gets (coverage measured in bench/coverage.mjs and test/uncertainty).
 */
import { families } from '../basis/index.js';
import { NumericError } from '../errors.js';
import { add, mul, square, sub, sum, Tensor, valueAndGrad } from '../engine/index.js';
import { predictTensor } from '../model/predict.js';
import type { ModelFile } from '../model/types.js';
import { finish, finishUnlessStopped, type Steps } from '../util/steps.js';
import { type CommitteeMembers, committeeCovariance, type OutOfFold } from './committee.js';
import { parameterJacobianPasses, toFileLayout } from './jacobian.js';
import { conditionText, covarianceFactorRows, gram, multiply, quadraticForm, symmetricInverse, trace, traceOfProduct } from './linalg.js';
import type { CovarianceParameters, ModelUncertainty, UncertaintyReport } from './types.js';

/** A Newton step to stationarity of at most a tenth of a standard error shifts an interval's centre by at most that much. */
export const STATIONARY_SE = 0.1;
/** Beyond this condition number of H, rounding in H⁻¹ is no longer small against the standard errors it gives. */
export const MAX_CONDITION = 1e12;
/**
 * The largest parameter count whose full covariance goes into the model file: the
 * factor has P(P+1)/2 numbers, 29,161 at P = 241 (80 rbf units on one feature).
 * Beyond it the full-θ covariance would dwarf the model, and the (w, b) one is kept.
 */
export const MAX_FULL_PARAMETERS = 400;
/**
 * Parameters × rows × units × features above which the full Jacobian is not
 * attempted. It was about a second of work when the Jacobian took one forward
 * pass per parameter; since it takes one per position in a unit's θ
 * (jacobian.ts) it is less, and the bound now mostly keeps the N × P Jacobian
 * and its Gram (N·P² multiply-adds) in check.
 */
const MAX_FULL_WORK = 1e9;

export function methodName(which: CovarianceParameters, ridge: number, members?: number): string {
  const how = ridge > 0 ? 'ridge sandwich, effective dof' : 'least squares, dof N - P';
  const committee = members === undefined ? '' : `, committee of ${members}`;
  return which === 'w,b' ? `linear-in-w given theta${committee} (${how})` : `gauss-newton delta method over w, b, theta (${how})`;
}

export interface UncertaintyInput {
  model: ModelFile;
  /** The training rows the final (w, b) was solved on, scaled as the model acts on them (N × D). */
  x: Float64Array;
  /** Their targets in the model's units (standardised when the model has a scaling). */
  y: Float64Array;
  n: number;
  /** The trainer's λ (of the mean objective ½·MSE + λ/2‖w‖²). */
  ridge: number;
  /**
   * How training ended. After early stopping or an interrupt θ is where validation or
   * the user stopped it, not a stationary point, so the full covariance is not tried.
   */
  stopped?: string;
  /** The model is a committee's average (train/committee.ts): its members' folds and b's. */
  committee?: CommitteeMembers;
}

export interface UncertaintyOutcome {
  report: UncertaintyReport | null;
  /** The model file's `uncertainty` field, or undefined when there is none. */
  stored?: ModelUncertainty;
  /** Why there is no uncertainty (one line); why θ's alone is not included is the report's `note`. */
  warning?: string;
  /** A committee's out-of-fold check ratio (committee.ts), for the held-out test of held-out.ts. */
  outOfFold?: OutOfFold;
}

interface Analysis {
  which: CovarianceParameters;
  cov: Float64Array;
  p: number;
  dof: number;
  sigma2: number;
  newtonSE: number;
  condition: number;
  outOfFold?: OutOfFold | null;
}

type Attempt = { ok: true; a: Analysis } | { ok: false; reason: string };

export function computeUncertainty(input: UncertaintyInput): UncertaintyOutcome {
  return finish(uncertaintySteps(input));
}

/**
 * computeUncertainty, pausing between its steps for signal handlers (see util/steps.ts);
 * null when `shouldStop` says so first: its Jacobian and JᵀJ over tens of
 * thousands of rows and hundreds of parameters take a while.
 */
export function computeUncertaintyUnlessStopped(input: UncertaintyInput, shouldStop?: () => boolean): Promise<UncertaintyOutcome | null> {
  return finishUnlessStopped(uncertaintySteps(input), shouldStop);
}

/**
 * A fit can be finite while the quantities its standard errors need overflow (N·λ under
 * --ridge 1e308, a Jacobian column of a unit far out): that is a fit without standard
 * errors, with a warning, not a failed run with the engine's message.
 */
function* uncertaintySteps(input: UncertaintyInput): Steps<UncertaintyOutcome> {
  try {
    return yield* analysisSteps(input);
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    return { report: null, warning: 'no standard errors or intervals: the penalised loss, its gradient or its Jacobian overflows at the fitted parameters on the training rows' };
  }
}

function* analysisSteps(input: UncertaintyInput): Steps<UncertaintyOutcome> {
  const { model, n } = input;
  const family = families[model.basis];
  const d = model.features.length;
  const jw = model.w.length;
  const nl = n * input.ridge;
  const ys = model.scaling?.y.std ?? 1;

  // ∇L over all stored parameters: one reverse pass of the penalised objective.
  const X = family.prepare(new Tensor(input.x, [n, d]));
  const Y = new Tensor(input.y, [n]);
  const objective = (w: Tensor, b: Tensor, ...theta: Tensor[]): Tensor => {
    const half = mul(sum(square(sub(predictTensor(family, X, w, b, theta), Y))), 0.5);
    return nl > 0 ? add(half, mul(sum(square(w)), 0.5 * nl)) : half;
  };
  const params = [Tensor.vector(model.w), Tensor.scalar(model.b), ...family.unpack(model.theta, d)];
  const gradient = toFileLayout(model, valueAndGrad(objective)(...params).grads);
  // The RSS from the residuals themselves, not L minus the penalty, which could cancel.
  const pred = predictTensor(family, X, params[0], params[1], params.slice(2)).data;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (pred[i] - input.y[i]) ** 2;

  const full: Attempt = input.committee
    ? { ok: false, reason: `a committee's theta come from ${input.committee.b.length} separate fits, not one stationary point` }
    : yield* fullAttempt(input, gradient, rss, nl);
  const lin = input.committee ? yield* committeeAttempt(input, input.committee, rss) : yield* attempt(input, 'w,b', gradient, rss, nl);
  const chosen = full.ok ? full.a : lin.ok ? lin.a : null;
  if (chosen === null) {
    const why = lin.ok ? '' : lin.reason;
    return { report: null, warning: `no standard errors or intervals: ${why}` };
  }
  const note = full.ok ? undefined : `theta's uncertainty is not included: ${full.reason}`;
  const method = methodName(chosen.which, input.ridge, input.committee?.b.length);
  const se = Array.from({ length: chosen.p }, (_, i) => Math.sqrt(Math.max(chosen.cov[i * chosen.p + i], 0)));
  const width = model.theta[0].length;
  const report: UncertaintyReport = {
    sigma: Math.sqrt(chosen.sigma2) * ys,
    dof: chosen.dof,
    stderr: {
      w: se.slice(0, jw),
      b: model.training.intercept === false ? null : se[jw],
      theta: model.theta.map((_, j) => Array.from({ length: width }, (_, k) => (chosen.which === 'w,b' ? null : se[jw + 1 + j * width + k]))),
    },
    method,
    ...(note !== undefined ? { note } : {}),
    newton_step_se: chosen.newtonSE,
    condition: chosen.condition,
  };
  const stored: ModelUncertainty = {
    method,
    parameters: chosen.which,
    sigma: report.sigma,
    dof: chosen.dof,
    factor: covarianceFactorRows(chosen.cov, chosen.p),
  };
  return { report, stored, ...(chosen.outOfFold ? { outOfFold: chosen.outOfFold } : {}) };
}

function* fullAttempt(input: UncertaintyInput, gradient: Float64Array, rss: number, nl: number): Steps<Attempt> {
  const { model, n } = input;
  const p = gradient.length;
  if (input.stopped === 'early-stop' || input.stopped === 'interrupted') return { ok: false, reason: `training ended by ${input.stopped}, so the fit is not at a stationary point in theta` };
  if (p > MAX_FULL_PARAMETERS) return { ok: false, reason: `${p} parameters are more than the ${MAX_FULL_PARAMETERS} whose full covariance the model file keeps` };
  if (p * n * model.w.length * model.features.length > MAX_FULL_WORK) return { ok: false, reason: `the full Jacobian (${n} rows × ${p} parameters) is too costly to form` };
  return yield* attempt(input, 'w,b,theta', gradient, rss, nl);
}

function* attempt(input: UncertaintyInput, which: CovarianceParameters, gradient: Float64Array, rss: number, nl: number): Steps<Attempt> {
  const { model, n } = input;
  const jw = model.w.length;
  const full = yield* parameterJacobianPasses(model, input.x, n, which);
  // Under --no-intercept b is fixed, not estimated: its column leaves J (and P) and comes back as zeros.
  const fixedB = model.training.intercept === false;
  const J = fixedB ? dropColumn(full.J, n, full.p, jw) : full.J;
  const p = fixedB ? full.p - 1 : full.p;
  const G = yield* gram(J, n, p);
  const H = G.slice();
  for (let k = 0; k < jw; k++) H[k * p + k] += nl;
  const { inverse: Hinv, condition } = symmetricInverse(H, p);
  const what = which === 'w,b' ? 'the (w, b) block of JᵀJ' : 'JᵀJ over w, b, theta';
  if (!(condition <= MAX_CONDITION)) {
    // The ridge acts on w only: θ directions it cannot fix (units whose θ the data do not identify) get no such hint.
    const hint = which === 'w,b' ? '; train with a ridge (--ridge auto) or fewer --units' : ': some units\' theta is not identified by the data';
    return { ok: false, reason: `${what}${nl > 0 ? ' + ridge' : ''} is singular or ill-conditioned (condition ${conditionText(condition)})${hint}` };
  }
  const M = multiply(Hinv, G, p); // H⁻¹G: tr(A) = tr(M), tr(AᵀA) = tr(M²) since A is symmetric
  const dof = n - (2 * trace(M, p) - traceOfProduct(M, M, p));
  if (!(dof > 0.5)) return { ok: false, reason: `no residual degrees of freedom (N = ${n}, effective parameters ${(n - dof).toFixed(1)}); use fewer --units or more rows` };
  const sigma2 = rss / dof;
  if (!(sigma2 > 0)) return { ok: false, reason: 'the fit interpolates the training rows (zero residuals), so the noise level cannot be estimated' };
  const gAll = which === 'w,b' ? gradient.subarray(0, full.p) : gradient;
  const g = fixedB ? Float64Array.from(gAll.filter((_, k) => k !== jw)) : gAll;
  const newtonSE = Math.sqrt(Math.max(quadraticForm(Hinv, g, p), 0) / sigma2);
  if (!(newtonSE <= STATIONARY_SE)) {
    const where = which === 'w,b' ? 'w, b are not the ridge solution for the stored theta' : 'the fit is not at a stationary point in theta (early stopping or too few epochs)';
    return {
      ok: false,
      reason: `${where}: a Newton step would move the parameters by ${newtonSE.toPrecision(3)} standard errors (more than ${STATIONARY_SE})${which === 'w,b' ? '; use --solver varpro' : ''}`,
    };
  }
  const cov = multiply(M, Hinv, p); // H⁻¹ G H⁻¹
  for (let i = 0; i < cov.length; i++) cov[i] *= sigma2;
  return { ok: true, a: { which, cov: fixedB ? insertZero(cov, p, jw) : cov, p: full.p, dof, sigma2, newtonSE, condition } };
}

function* committeeAttempt(input: UncertaintyInput, members: CommitteeMembers, rss: number): Steps<Attempt> {
  const { J, p } = yield* parameterJacobianPasses(input.model, input.x, input.n, 'w,b');
  const r = committeeCovariance(input, members, J, rss, MAX_CONDITION);
  if (!r.ok) return r;
  const { cov, dof, sigma2, newtonSE, condition, outOfFold } = r.a;
  if (!(newtonSE <= STATIONARY_SE)) {
    return { ok: false, reason: `a member's w, b are not the ridge solution for its theta: a Newton step would move them by ${newtonSE.toPrecision(3)} standard errors (more than ${STATIONARY_SE})` };
  }
  return { ok: true, a: { which: 'w,b', cov, p, dof, sigma2, newtonSE, condition, outOfFold } };
}

/** J (N × P) without column k. */
function dropColumn(J: Float64Array, n: number, p: number, k: number): Float64Array {
  const out = new Float64Array(n * (p - 1));
  for (let r = 0; r < n; r++) {
    out.set(J.subarray(r * p, r * p + k), r * (p - 1));
    out.set(J.subarray(r * p + k + 1, (r + 1) * p), r * (p - 1) + k);
  }
  return out;
}

/** A P × P covariance with a zero row and column put back at k (a fixed parameter). */
function insertZero(c: Float64Array, p: number, k: number): Float64Array {
  const q = p + 1;
  const out = new Float64Array(q * q);
  for (let i = 0; i < p; i++) {
    const oi = i < k ? i : i + 1;
    for (let j = 0; j < p; j++) out[oi * q + (j < k ? j : j + 1)] = c[i * p + j];
  }
  return out;
}
