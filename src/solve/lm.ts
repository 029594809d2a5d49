/**
 * Levenberg–Marquardt as in MINPACK's lmder and lmpar (Moré 1978, "The
 * Levenberg-Marquardt algorithm: implementation and theory"): a trust region
 * ‖D·step‖ ≤ Δ in a scaled norm, the step solving
 *   min ‖J step + f‖² + par·‖D step‖²
 * with the Levenberg parameter par found by lmpar's safeguarded Newton
 * iteration so that the step lands on the region's boundary (to 10%), and Δ
 * updated from the ratio of the actual to the predicted reduction of ‖f‖².
 * D comes from the column norms of J, each the largest seen so far (MINPACK
 * mode 1), which makes the iteration invariant to rescaling the parameters.
 *
 * The solver owns damping, scaling and convergence, and knows nothing of
 * what it fits: a problem is a residual norm and a linearisation (the
 * triangular factor of J and the matching part of Qᵀf), nothing else. Handing
 * over R instead of J lets a caller with many rows reduce them in blocks
 * (TriangularAccumulator) in O(n²) memory; MINPACK's lmstr does the same.
 */
import { DWARF, EPSILON, enorm, pivotedQr, qrsolv, TriangularAccumulator } from './qr.js';

/** J = Q R at x: R n × n upper-triangular (row-major), qtf = (Qᵀ f)[0..n), fnorm = ‖f(x)‖. */
export interface Linearization {
  r: Float64Array;
  qtf: Float64Array;
  fnorm: number;
}

export interface LeastSquaresProblem {
  /** Number of parameters n. */
  readonly size: number;
  /** ‖f(x)‖₂; NaN or Infinity where f cannot be evaluated (the step is then shrunk as a failed one). */
  residualNorm(x: Float64Array): number;
  /** The linearisation at x (x is always a point whose residualNorm was finite). */
  linearize(x: Float64Array): Linearization;
}

/**
 * Why the iteration stopped (MINPACK's info):
 * - relative-reduction: actual and predicted relative reductions of ‖f‖² both at most ftol (info 1);
 * - step: the trust region Δ fell to xtol·‖D x‖, i.e. the relative change of x is at most xtol (info 2);
 * - reduction-and-step: both at once (info 3);
 * - gradient: the cosine between f and every column of J at most gtol (info 4), f ⟂ range(J);
 * - zero-residual: ‖f‖ = 0, nothing to reduce;
 * - max-iterations / max-evaluations: the caps (info 5);
 * - ftol-too-small / xtol-too-small / gtol-too-small: no further reduction is possible in
 *   floating point (info 6, 7, 8): the tolerance asked for more than rounding allows;
 * - not-finite: the Jacobian is not finite even after stepping back (a derivative of f overflows
 *   where f itself does not), or the step itself came out non-finite;
 * - interrupted: onIteration asked to stop.
 */
export type Convergence =
  | 'relative-reduction'
  | 'step'
  | 'reduction-and-step'
  | 'gradient'
  | 'zero-residual'
  | 'max-iterations'
  | 'max-evaluations'
  | 'ftol-too-small'
  | 'xtol-too-small'
  | 'gtol-too-small'
  | 'not-finite'
  | 'interrupted';

/**
 * The square root of the machine epsilon, lmder1's recommended tol: ftol and
 * xtol at this value ask for a relative reduction of ‖f‖² and a relative step
 * near what double precision can resolve in a smooth minimum (an error ε in
 * the parameters changes ‖f‖² by O(ε²), so √eps on ‖f‖² is the floor).
 */
export const DEFAULT_TOL = Math.sqrt(EPSILON);

export interface LmOptions {
  /** Relative reduction of ‖f‖² below which the fit has converged (default DEFAULT_TOL). */
  ftol?: number;
  /** Relative step (trust-region radius over ‖D x‖) below which the fit has converged (default DEFAULT_TOL). */
  xtol?: number;
  /** Cosine of f with the columns of J (orthogonality) below which it has converged (default 0: off, as in lmder1). */
  gtol?: number;
  /** Outer iterations (Jacobian evaluations), default 100·(n + 1). */
  maxIterations?: number;
  /**
   * Residual evaluations, default min(200·(n + 1), TRIALS_PER_ITERATION · maxIterations).
   * MINPACK's 200·(n + 1) (lmder1: 100·(n + 1) with a Jacobian as well) is a
   * budget for a few parameters; with hundreds, each trial costs a damped
   * solve of O(n³), and the iteration cap is what the caller chose.
   */
  maxEvaluations?: number;
  /** Initial Δ = factor·‖D x₀‖ (or factor when that is 0); MINPACK's default 100. */
  factor?: number;
  /**
   * After each outer iteration (iteration 1 is the first new point or the
   * final verdict); return true to stop (Convergence 'interrupted'). May be async.
   */
  onIteration?: (it: LmIteration) => boolean | undefined | Promise<boolean | undefined>;
}

export interface LmIteration {
  iteration: number;
  x: Float64Array;
  fnorm: number;
  /** The Levenberg parameter and trust-region radius after this iteration. */
  par: number;
  delta: number;
  /** What the convergence tests compared at this iteration's last trial step; absent for a polishing step. */
  tests?: LmTests;
}

/**
 * The quantities of MINPACK's tests at one trial step, so that a caller can say how far a
 * run the caps ended was from converging (a fit still improving, or one at rounding level).
 */
export interface LmTests {
  /** Actual relative reduction of ‖f‖², 1 − (‖f_new‖ / ‖f‖)² (−1 for a large increase); ftol bounds it. */
  reduction: number;
  /** The same predicted by the damped linear model; ftol bounds it too. */
  predicted: number;
  /** The trust region's radius after the step over ‖D x‖: xtol bounds it. */
  step: number;
  /** The scaled gradient: the largest cosine between f and a column of J; gtol bounds it. */
  gradient: number;
}

export interface LmResult {
  x: Float64Array;
  fnorm: number;
  convergence: Convergence;
  /** Outer iterations (Jacobian evaluations). */
  iterations: number;
  evaluations: number;
  /** The linearisation at x (from the last Jacobian evaluation if x did not move since). */
  last: Linearization;
}

/**
 * Trial steps an iteration takes on average at most before max-evaluations:
 * Moré reports 1–2, each failed trial shrinks Δ at least twofold, so ten
 * leave room for a start far from the region where the linear model holds.
 */
export const TRIALS_PER_ITERATION = 10;

/** A linearisation every entry of which is a number (a non-finite derivative poisons every later step). */
function finite(lin: Linearization): boolean {
  if (!Number.isFinite(lin.fnorm)) return false;
  for (const v of lin.r) if (!Number.isFinite(v)) return false;
  for (const v of lin.qtf) if (!Number.isFinite(v)) return false;
  return true;
}

/** lmder: minimises ½‖f(x)‖² from x0. */
export async function levenbergMarquardt(problem: LeastSquaresProblem, x0: Float64Array, opts: LmOptions = {}): Promise<LmResult> {
  const n = problem.size;
  const ftol = opts.ftol ?? DEFAULT_TOL;
  const xtol = opts.xtol ?? DEFAULT_TOL;
  const gtol = opts.gtol ?? 0;
  const maxIterations = opts.maxIterations ?? 100 * (n + 1);
  const maxEvaluations = opts.maxEvaluations ?? Math.min(200 * (n + 1), TRIALS_PER_ITERATION * maxIterations);
  const factor = opts.factor ?? 100;
  if (!(ftol >= 0 && xtol >= 0 && gtol >= 0 && factor > 0)) throw new RangeError('levenbergMarquardt: tolerances must be ≥ 0 and factor > 0');

  const x = Float64Array.from(x0);
  let fnorm = problem.residualNorm(x);
  let evaluations = 1;
  if (!Number.isFinite(fnorm)) throw new RangeError('levenbergMarquardt: the residual is not finite at the starting point');
  const diag = new Float64Array(n);
  let par = 0;
  let delta = 0;
  let xnorm = 0;
  let iterations = 0;
  let convergence: Convergence | null = null;
  let lin: Linearization = { r: new Float64Array(n * n), qtf: new Float64Array(n), fnorm };
  // The last point with a finite linearisation and the step that left it, to return to.
  let previous: { x: Float64Array; lin: Linearization } | null = null;
  let lastPnorm = 0;
  let tests: LmTests | undefined;

  while (convergence === null) {
    tests = undefined;
    const next = problem.linearize(x);
    iterations++;
    if (finite(next)) {
      lin = next;
      previous = { x: Float64Array.from(x), lin };
    } else if (previous === null || iterations >= maxIterations) {
      convergence = 'not-finite';
      break;
    } else {
      // f is finite here but J is not (an underflowed width, an overflowing
      // derivative): take the step back and retry it from a smaller region,
      // as after a failed trial.
      x.set(previous.x);
      lin = previous.lin;
      xnorm = scaledNorm(diag, x);
      delta = 0.1 * Math.min(delta, lastPnorm);
    }
    fnorm = lin.fnorm;
    const qtf = Float64Array.from(lin.qtf);
    const { r, ipvt, acnorm } = pivotedQr(lin.r, n, qtf);

    if (iterations === 1) {
      for (let j = 0; j < n; j++) diag[j] = acnorm[j] === 0 ? 1 : acnorm[j];
      xnorm = scaledNorm(diag, x);
      delta = xnorm === 0 ? factor : factor * xnorm;
    }
    if (fnorm === 0) {
      convergence = 'zero-residual';
      break;
    }
    // The scaled gradient: max_j |column j of J · f| / (‖J_j‖ ‖f‖).
    let gnorm = 0;
    for (let j = 0; j < n; j++) {
      const l = ipvt[j];
      if (acnorm[l] === 0) continue;
      let s = 0;
      for (let i = 0; i <= j; i++) s += r[i * n + j] * (qtf[i] / fnorm);
      gnorm = Math.max(gnorm, Math.abs(s / acnorm[l]));
    }
    if (gnorm <= gtol) {
      convergence = 'gradient';
      break;
    }
    for (let j = 0; j < n; j++) diag[j] = Math.max(diag[j], acnorm[j]);

    // Inner loop: trial steps until one reduces ‖f‖ enough (ratio ≥ 1e-4) or a test ends the run.
    for (;;) {
      const lp = lmpar(r, n, ipvt, diag, qtf, delta, par);
      par = lp.par;
      const step = lp.x;
      const trial = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        step[j] = -step[j];
        trial[j] = x[j] + step[j];
      }
      const pnorm = scaledNorm(diag, step);
      if (!Number.isFinite(pnorm)) {
        convergence = 'not-finite';
        break;
      }
      lastPnorm = pnorm;
      if (iterations === 1) delta = Math.min(delta, pnorm);
      let fnorm1 = problem.residualNorm(trial);
      evaluations++;
      if (!Number.isFinite(fnorm1)) fnorm1 = Number.POSITIVE_INFINITY;

      const actred = 0.1 * fnorm1 < fnorm ? 1 - (fnorm1 / fnorm) ** 2 : -1;
      // Predicted reduction from the linear model: ‖J step‖² and the damping term.
      const wa3 = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        const t = step[ipvt[j]];
        for (let i = 0; i <= j; i++) wa3[i] += r[i * n + j] * t;
      }
      const temp1 = enorm(wa3) / fnorm;
      const temp2 = (Math.sqrt(par) * pnorm) / fnorm;
      const prered = temp1 * temp1 + (temp2 * temp2) / 0.5;
      const dirder = -(temp1 * temp1 + temp2 * temp2);
      const ratio = prered !== 0 ? actred / prered : 0;

      if (ratio <= 0.25) {
        // Poor agreement: shrink Δ (by a quadratic interpolation of the reduction, within [0.1, 0.5]).
        let t = actred >= 0 ? 0.5 : (0.5 * dirder) / (dirder + 0.5 * actred);
        if (0.1 * fnorm1 >= fnorm || t < 0.1) t = 0.1;
        delta = t * Math.min(delta, pnorm / 0.1);
        par /= t;
      } else if (par === 0 || ratio >= 0.75) {
        // Good agreement (or a Gauss-Newton step inside the region): let the region grow.
        delta = pnorm / 0.5;
        par *= 0.5;
      }
      const success = ratio >= 1e-4;
      if (success) {
        x.set(trial);
        xnorm = scaledNorm(diag, x);
        fnorm = fnorm1;
      }
      tests = { reduction: actred, predicted: prered, step: xnorm === 0 ? delta : delta / xnorm, gradient: gnorm };
      const reduced = Math.abs(actred) <= ftol && prered <= ftol && 0.5 * ratio <= 1;
      const small = delta <= xtol * xnorm;
      if (reduced && small) convergence = 'reduction-and-step';
      else if (reduced) convergence = 'relative-reduction';
      else if (small) convergence = 'step';
      else if (evaluations >= maxEvaluations) convergence = 'max-evaluations';
      else if (Math.abs(actred) <= EPSILON && prered <= EPSILON && 0.5 * ratio <= 1) convergence = 'ftol-too-small';
      else if (delta <= EPSILON * xnorm) convergence = 'xtol-too-small';
      else if (gnorm <= EPSILON) convergence = 'gtol-too-small';
      if (convergence !== null || success) break;
    }
    if (convergence === null && iterations >= maxIterations) convergence = 'max-iterations';
    const stop = await opts.onIteration?.({ iteration: iterations, x: Float64Array.from(x), fnorm, par, delta, ...(tests ? { tests } : {}) });
    if (stop && convergence === null) convergence = 'interrupted';
  }
  if (POLISHED.has(convergence) && iterations < maxIterations) {
    const polished = await polish(problem, x, lin.fnorm === fnorm ? lin : problem.linearize(x), diag, maxIterations - iterations, iterations, opts);
    fnorm = polished.lin.fnorm;
    lin = polished.lin;
    iterations += polished.steps;
    evaluations += polished.steps;
  }
  // The caller may want J at the answer (standard errors); relinearise only when the last step moved x.
  const last = lin.fnorm === fnorm ? lin : problem.linearize(x);
  return { x, fnorm, convergence, iterations, evaluations, last };
}

/** Stops after which the last digits are worth polishing (not a cap, an interruption or a zero residual). */
const POLISHED: ReadonlySet<Convergence> = new Set(['relative-reduction', 'step', 'reduction-and-step', 'ftol-too-small', 'xtol-too-small']);
/** Gauss-Newton polishing steps at most. */
const POLISH_STEPS = 20;
/** The largest polishing step, relative to ‖D x‖: polishing mends the last digits, it does not move the fit. */
const POLISH_REACH = 1e-5;
/**
 * How far ‖f‖ may rise in a polishing step and still count as unchanged: its
 * rounding, which grows with the rows summed (two power laws on 50 rows: a
 * step of 4·10⁻⁸ that lowers the gradient eightfold moved ‖f‖ by +3·10⁻¹⁵).
 */
const FNORM_ROUNDING = 1e-12;

/**
 * Gauss-Newton steps from a converged x, each kept only if the scaled
 * gradient ‖D⁻¹Jᵀf‖ falls (and ‖f‖ does not rise beyond rounding). The
 * tests above judge a step by the reduction of ‖f‖², which is quadratic in
 * the parameters' error: once a step's reduction is below rounding it is
 * refused, and with a Jacobian that converges linearly (Kaufman's, on a
 * residual that is not small) the iteration stalls with the parameters
 * correct to only about √ε of their spread (two power laws: 5.7 digits).
 * The gradient is linear in that error, so it still tells a better point
 * from a worse one there. Moves x in place; each kept step is an iteration.
 */
async function polish(problem: LeastSquaresProblem, x: Float64Array, lin0: Linearization, diag: Float64Array, budget: number, iterations: number, opts: LmOptions): Promise<{ lin: Linearization; steps: number }> {
  const n = problem.size;
  let lin = lin0;
  let steps = 0;
  let g0 = scaledGradient(lin, diag);
  while (steps < Math.min(budget, POLISH_STEPS)) {
    const qtf = Float64Array.from(lin.qtf);
    const { r, ipvt } = pivotedQr(lin.r, n, qtf);
    const step = lmpar(r, n, ipvt, diag, qtf, Number.POSITIVE_INFINITY, 0).x;
    const trial = new Float64Array(n);
    for (let j = 0; j < n; j++) trial[j] = x[j] - step[j];
    const pnorm = scaledNorm(diag, step);
    const xnorm = scaledNorm(diag, x);
    if (!(pnorm <= POLISH_REACH * xnorm) || pnorm <= EPSILON * xnorm) break;
    const next = problem.linearize(trial);
    if (!finite(next) || next.fnorm > lin.fnorm * (1 + FNORM_ROUNDING)) break;
    const g1 = scaledGradient(next, diag);
    if (!(g1 < g0)) break;
    x.set(trial);
    lin = next;
    g0 = g1;
    steps++;
    const stop = await opts.onIteration?.({ iteration: iterations + steps, x: Float64Array.from(x), fnorm: lin.fnorm, par: 0, delta: pnorm });
    if (stop) break;
  }
  return { lin, steps };
}

/** ‖D⁻¹ Jᵀ f‖ with Jᵀf = Rᵀ (Qᵀf): the gradient of ½‖f‖² in the scaled variables. */
function scaledGradient(lin: Linearization, diag: Float64Array): number {
  const n = diag.length;
  const g = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) s += lin.r[i * n + j] * lin.qtf[i];
    g[j] = s / diag[j];
  }
  return enorm(g);
}

function scaledNorm(diag: Float64Array, v: Float64Array): number {
  const t = new Float64Array(v.length);
  for (let j = 0; j < v.length; j++) t[j] = diag[j] * v[j];
  return enorm(t);
}

/**
 * MINPACK's lmpar: the Levenberg parameter par ≥ 0 such that the solution x
 * of min ‖J x − f‖² + par‖D x‖² has ‖D x‖ within 10% of Δ (or par = 0 when the
 * Gauss-Newton step already fits inside), by Newton's method on
 * φ(par) = ‖D x(par)‖ − Δ kept inside bounds [parl, paru] that shrink every
 * step; at most 10 iterations (Moré: usually 1–2 suffice). `r` (pivoted QR
 * factor of J, upper triangle) is kept; its lower triangle is workspace.
 * Returns x with the sign of the Gauss-Newton correction for +f (the caller negates).
 */
export function lmpar(
  r: Float64Array,
  n: number,
  ipvt: Int32Array,
  diag: Float64Array,
  qtb: Float64Array,
  delta: number,
  par0: number,
): { par: number; x: Float64Array } {
  const x = new Float64Array(n);
  const sdiag = new Float64Array(n);
  const wa1 = new Float64Array(n);
  const wa2 = new Float64Array(n);
  // The Gauss-Newton direction (a least-squares solution when R is singular).
  let nsing = n;
  for (let j = 0; j < n; j++) {
    wa1[j] = qtb[j];
    if (r[j * n + j] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa1[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    wa1[j] /= r[j * n + j];
    const t = wa1[j];
    for (let i = 0; i < j; i++) wa1[i] -= r[i * n + j] * t;
  }
  for (let j = 0; j < n; j++) x[ipvt[j]] = wa1[j];

  let iter = 0;
  for (let j = 0; j < n; j++) wa2[j] = diag[j] * x[j];
  let dxnorm = enorm(wa2);
  let fp = dxnorm - delta;
  if (fp <= 0.1 * delta) return { par: 0, x };

  // Lower bound from the Newton step at par = 0 (only with full rank).
  let parl = 0;
  if (nsing >= n) {
    for (let j = 0; j < n; j++) {
      const l = ipvt[j];
      wa1[j] = diag[l] * (wa2[l] / dxnorm);
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < j; i++) s += r[i * n + j] * wa1[i];
      wa1[j] = (wa1[j] - s) / r[j * n + j];
    }
    const t = enorm(wa1);
    parl = fp / delta / t / t;
  }
  // Upper bound: ‖(J D⁻¹)ᵀ f‖ / Δ.
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) s += r[i * n + j] * qtb[i];
    wa1[j] = s / diag[ipvt[j]];
  }
  const gnorm = enorm(wa1);
  let paru = gnorm / delta;
  if (paru === 0) paru = DWARF / Math.min(delta, 0.1);

  let par = Math.min(Math.max(par0, parl), paru);
  if (par === 0) par = gnorm / dxnorm;
  for (;;) {
    iter++;
    if (par === 0) par = Math.max(DWARF, 0.001 * paru);
    const s = Math.sqrt(par);
    for (let j = 0; j < n; j++) wa1[j] = s * diag[j];
    qrsolv(r, n, ipvt, wa1, qtb, x, sdiag);
    for (let j = 0; j < n; j++) wa2[j] = diag[j] * x[j];
    dxnorm = enorm(wa2);
    const prev = fp;
    fp = dxnorm - delta;
    // Close enough to the boundary, or par = 0 is the answer (fp decreased from below), or out of iterations.
    if (Math.abs(fp) <= 0.1 * delta || (parl === 0 && fp <= prev && prev < 0) || iter === 10) break;
    // Newton correction φ/φ' from the factor S of [R; √par D].
    for (let j = 0; j < n; j++) {
      const l = ipvt[j];
      wa1[j] = diag[l] * (wa2[l] / dxnorm);
    }
    for (let j = 0; j < n; j++) {
      wa1[j] /= sdiag[j];
      const t = wa1[j];
      for (let i = j + 1; i < n; i++) wa1[i] -= r[i * n + j] * t;
    }
    const t = enorm(wa1);
    const parc = fp / delta / t / t;
    if (fp > 0) parl = Math.max(parl, par);
    if (fp < 0) paru = Math.min(paru, par);
    par = Math.max(parl, par + parc);
  }
  return { par, x };
}

/**
 * A problem from dense callbacks: residual(x) → f (m values) and
 * jacobian(x) → J (m × n row-major). Convenient for small problems and tests;
 * large ones should implement `linearize` over row blocks instead.
 */
export function denseProblem(size: number, residual: (x: Float64Array) => Float64Array, jacobian: (x: Float64Array) => Float64Array): LeastSquaresProblem {
  return {
    size,
    residualNorm: (x) => enorm(residual(x)),
    linearize(x) {
      const f = residual(x);
      const J = jacobian(x);
      const acc = new TriangularAccumulator(size);
      acc.addRows(J, f, f.length);
      return { r: acc.r, qtf: acc.qtb, fnorm: enorm(f) };
    },
  };
}
