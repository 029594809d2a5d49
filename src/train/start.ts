/**
 * Where descent starts. For fixed θ the best w and b solve a linear
 * least-squares problem, so a starting point can be judged before any
 * descent: for each candidate θ (the family's data-driven init at each of its
 * `initScales`, and under `--units auto` each unit count) and each ridge λ,
 * solve for w and b and score the fit by K-fold cross-validation on the
 * training rows (select.ts). The objective in θ is
 * not convex, and on small data sets descent from a poor start over-fits long
 * before it finds a better basin, so the start does most of the work; descent
 * then refines it, with early stopping on the validation rows as the guard.
 * Cross-validation on the training rows rather than the validation rows judges
 * the start, so those rows stay an unbiased referee for early stopping (and
 * all training rows inform the choice).
 */
import type { BasisFamily } from '../basis/index.js';
import { InterruptedError, ModelError, NumericError } from '../errors.js';
import { Tensor, withScratch } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import { finishUnlessStopped, type Steps, share } from '../util/steps.js';
import { keepIfFinite, ridgeSolve } from './linear.js';
import { modelTheta } from './objective.js';
import type { Params } from './params.js';
import { cvRidge, type Folds, type RidgeScore, startFolds } from './select.js';
import type { FixedStart, StartSelection } from './types.js';

/** λ candidates on the standardised problem: from nearly plain least squares to heavy shrinkage. */
export const RIDGE_GRID: readonly number[] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];

/** The start search scores at most this many training rows (a seeded sample); w, b are then solved on all of them. */
export const START_ROWS = 4000;

/**
 * The ridge solution's best λ from `lambdas` by K-fold CV (select.ts), for fixed θ; null if none is finite.
 * Yields between steps (util/steps.ts): the search can run for minutes with thousands of units.
 */
export function* bestRidge(
  family: BasisFamily,
  x: Tensor,
  y: Float64Array,
  theta: readonly Tensor[],
  lambdas: readonly number[],
  folds: Folds,
  withIntercept = true,
): Steps<RidgeScore | null> {
  const phi = family.features(x, theta);
  return yield* cvRidge(phi.data, x.shape[0], phi.shape[1], y, lambdas, folds, withIntercept);
}

/** One unit count's best start, or the near-linear start: what `--units auto` compared. */
export interface UnitsScore {
  units: number;
  /** The family's near-linear θ (one unit per feature) rather than its init at a scale. */
  nearLinear?: boolean;
  scale: number;
  lambda: number;
  /** Cross-validated MSE (standardised units). */
  cv: number;
}

export interface Start {
  theta: Tensor[];
  /** The family's init scale that won (1 when θ was given; the smoothest for the near-linear start). */
  scale: number;
  /** θ is the family's near-linear start (family.nearLinear). */
  nearLinear?: boolean;
  lambda: number;
  /** Cross-validated MSE of the start's ridge fit (standardised units). */
  cv: number;
  /** Folds of that cross-validation (0: too few rows, nothing was scored). */
  folds: number;
  /** With several unit counts to choose from: each one's best start, the winner among them. */
  candidates?: UnitsScore[];
  /** The one-standard-error rule's bound on the CV error (with candidates). */
  threshold?: number;
}

/**
 * The family's init for each unit count in `units` at each of its init
 * scales, each with its best λ from `lambdas` by cross-validation. For each
 * unit count the (scale, λ) with the lowest CV error wins; among unit counts
 * the fewest whose CV error is within one standard error of the lowest (the
 * one-standard-error rule, as `basisfit cv --choose 1se`): on small data the
 * CV errors of neighbouring counts differ by less than their noise, and the
 * smaller model is the one that holds up on new rows. Every candidate is
 * scored on the same folds, and candidates with the same unit count share
 * their random draws. Under `--units auto` the family's near-linear start
 * (one unit per feature, in effect a linear ridge regression) competes too,
 * as the simplest candidate: the first the rule considers, whatever its unit
 * count, so a few rows of a nearly linear truth can fall back to it; basis
 * functions alone would have to build that line (docs/defaults.md).
 * With `theta` given (a warm start) only λ is chosen.
 * w and b are not returned: the caller solves them on every training row
 * for the winning θ and λ.
 */
export function* chooseStart(
  family: BasisFamily,
  x: Tensor,
  y: Float64Array,
  units: number | readonly number[],
  rng: Rng,
  lambdas: readonly number[],
  theta?: Tensor[],
  withIntercept = true,
  jitter = false,
): Steps<Start> {
  const sample = sampleRows(x, y, START_ROWS, rng.fork(1));
  const folds = startFolds(sample.x.shape[0], rng.fork(3));
  if (theta) {
    const c = yield* bestRidge(family, sample.x, sample.y, theta, lambdas, folds, withIntercept);
    return { theta, scale: 1, lambda: c?.lambda ?? lambdas[lambdas.length - 1], cv: c?.cv ?? Number.POSITIVE_INFINITY, folds: folds.k };
  }
  const counts = typeof units === 'number' ? [units] : [...units].sort((a, b) => a - b);
  const draws = rng.fork(2);
  const perCount: { start: Start; se: number }[] = [];
  const toScore = counts.length * family.initScales.length;
  let scored = 0;
  for (const j of counts) {
    let bestJ: { start: Start; se: number } | null = null;
    for (const scale of family.initScales) {
      const candidate = family.init(x, j, draws.fork(0), scale, jitter);
      const steps = bestRidge(family, sample.x, sample.y, candidate, lambdas, folds, withIntercept);
      const c = yield* share(steps, scored++ / toScore, 1 / toScore);
      if (c && (bestJ === null || c.cv < bestJ.start.cv)) bestJ = { start: { theta: candidate, scale, lambda: c.lambda, cv: c.cv, folds: folds.k }, se: c.se };
    }
    if (bestJ) perCount.push(bestJ);
  }
  if (counts.length > 1 && family.nearLinear) {
    const near = family.nearLinear(sample.x);
    const c = yield* bestRidge(family, sample.x, sample.y, near, lambdas, folds, withIntercept);
    const start = { theta: family.nearLinear(x), scale: family.initScales[0], lambda: c?.lambda ?? 0, cv: c?.cv ?? 0, folds: folds.k, nearLinear: true };
    if (c) perCount.unshift({ start, se: c.se });
  }
  if (perCount.length === 0) {
    const j = counts[counts.length - 1];
    return { theta: family.init(x, j, draws.fork(0), 1), scale: 1, lambda: lambdas[lambdas.length - 1], cv: Number.POSITIVE_INFINITY, folds: folds.k };
  }
  const lowest = perCount.reduce((a, b) => (b.start.cv < a.start.cv ? b : a));
  const chosen = perCount.find((c) => c.start.cv <= lowest.start.cv + lowest.se) ?? lowest;
  if (counts.length === 1) return chosen.start;
  const candidates = perCount.map(({ start: s }) => ({ units: s.theta[0].shape[0], scale: s.scale, lambda: s.lambda, cv: s.cv, ...(s.nearLinear ? { nearLinear: true } : {}) }));
  return { ...chosen.start, candidates, threshold: lowest.start.cv + lowest.se };
}

/**
 * θ drawn as chooseStart draws the candidate `spec` names (the same fork for the same
 * rows and seed), without a search: nothing is scored (cv NaN, 0 folds).
 */
function drawnStart(family: BasisFamily, x: Tensor, spec: FixedStart, rng: Rng): Start {
  const near = spec.nearLinear && family.nearLinear;
  const theta = near ? family.nearLinear!(x) : family.init(x, spec.units, rng.fork(2).fork(0), spec.scale);
  return { theta, scale: spec.scale, lambda: spec.lambda, cv: Number.NaN, folds: 0, ...(near ? { nearLinear: true } : {}) };
}

/** How long a start search runs before its progress shows. */
const QUIET_SEARCH_MS = 1000;

/** What an interruption during the first start's search says: there is no model to save. */
export const INTERRUPTED_IN_SEARCH = 'interrupted during the start search, before the first start was chosen';

/**
 * Runs a start search (chooseStart, initialParams), giving signal handlers their turns;
 * an interruption before it ends leaves no start, so nothing to keep.
 */
export async function searchStart<T>(steps: Steps<T>, opts: { shouldStop?: () => boolean; onSearch?: (done: number) => void }): Promise<T> {
  const t0 = Date.now();
  const { onSearch } = opts;
  // A search over within a second (most are) says nothing: its progress line would only be noise.
  const report =
    onSearch &&
    ((done: number) => {
      if (Date.now() - t0 >= QUIET_SEARCH_MS) onSearch(done);
    });
  const found = await finishUnlessStopped(steps, opts.shouldStop, report);
  if (found === null) throw new InterruptedError(INTERRUPTED_IN_SEARCH);
  return found;
}

/** All rows when there are at most `max`, otherwise a seeded sample of `max` of them (prepared inputs, row-major). */
export function sampleRows(x: Tensor, y: Float64Array, max: number, rng: Rng): { x: Tensor; y: Float64Array } {
  const [n, d] = x.shape;
  if (n <= max) return { x, y };
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  // A partial Fisher-Yates shuffle: the first `max` entries are a uniform sample.
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(n - i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const xs = new Float64Array(max * d);
  const ys = new Float64Array(max);
  for (let i = 0; i < max; i++) {
    const r = order[i];
    for (let k = 0; k < d; k++) xs[i * d + k] = x.data[r * d + k];
    ys[i] = y[r];
  }
  return { x: new Tensor(xs, [max, d]), y: ys };
}

/** The least λ of the start's solve with a fixed ridge: plain least squares can be singular. */
export const MIN_START_RIDGE = 1e-6;

/**
 * θ from the start search (or the given θ), and w, b the ridge least-squares
 * solution for it on the start rows: the linear part is right from the first
 * step. Returns the λ descent uses and the init scale that won.
 */
export function* initialParams(
  family: BasisFamily,
  x: Tensor,
  y: Float64Array,
  opts: StartOptions & { initialLinear?: { w: number[]; b: number }; fixedStart?: FixedStart },
  rng: Rng,
): Steps<{ params: Params; ridge: number; scale: number; start: Start }> {
  const auto = opts.ridge === 'auto';
  const startRidge = opts.ridge === 'auto' ? 0 : Math.max(opts.ridge, MIN_START_RIDGE);
  const withIntercept = opts.intercept ?? true;
  const start = opts.fixedStart ? drawnStart(family, x, opts.fixedStart, rng) : yield* searchedStart(family, x, y, opts, rng);
  const raw = start.theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const units = start.theta[0].shape[0];
  const params: Params = { w: Tensor.zeros([units]), b: Tensor.zeros([]), raw };
  // A model to continue from brings its own w and b; otherwise they are solved for θ.
  if (opts.initialLinear) {
    params.w.data.set(opts.initialLinear.w);
    params.b.data[0] = withIntercept ? opts.initialLinear.b : 0;
  } else solveLinear(family, params, x, y, auto ? start.lambda : startRidge, withIntercept);
  return { params, ridge: opts.ridge === 'auto' ? start.lambda : opts.ridge, scale: start.scale, start };
}

/** What the start search reads of a fit's options. */
export interface StartOptions {
  units: number;
  unitGrid?: readonly number[];
  ridge: number | 'auto';
  initialTheta?: number[][];
  intercept?: boolean;
  jitter?: boolean;
}

/**
 * chooseStart as a fit's options ask for it, for every solver: the unit count (or
 * `--units auto`'s grid), the ridge grid (or the fixed λ, floored for the solve), the θ
 * of --init (checked to be finite on these rows), the intercept and a restart's jitter.
 */
export function* searchedStart(family: BasisFamily, x: Tensor, y: Float64Array, opts: StartOptions, rng: Rng): Steps<Start> {
  const given = opts.initialTheta ? family.unpack(opts.initialTheta, x.shape[1]) : undefined;
  if (given) assertFiniteFeatures(family, x, given);
  const lambdas = opts.ridge === 'auto' ? RIDGE_GRID : [Math.max(opts.ridge, MIN_START_RIDGE)];
  return yield* chooseStart(family, x, y, given ? opts.units : (opts.unitGrid ?? opts.units), rng, lambdas, given, opts.intercept ?? true, opts.jitter);
}

/**
 * --init: a model's θ whose basis functions overflow on this run's rows (a width near 0,
 * a centre near 1e308) is refused in words, before the start search meets it as an
 * engine overflow.
 */
function assertFiniteFeatures(family: BasisFamily, x: Tensor, theta: readonly Tensor[]): void {
  let finite: boolean;
  try {
    finite = withScratch(() => family.features(x, theta).data.every(Number.isFinite));
  } catch (err) {
    if (!(err instanceof NumericError)) throw err;
    finite = false;
  }
  if (!finite) {
    throw new ModelError(
      "--init: the model's basis functions are not finite on this run's training rows (its theta is extreme for these data)",
      undefined,
      'start without --init, or --init a model trained on data like these',
    );
  }
}

/** Variable projection's inner solve: the exact ridge least-squares w and b for the current θ (kept unless finite). */
export function solveLinear(family: BasisFamily, p: Params, x: Tensor, y: Float64Array, ridge: number, withIntercept = true): void {
  keepIfFinite(
    withScratch(() => ridgeSolve(family.features(x, modelTheta(family, p.raw)).data, x.shape[0], p.w.size, y, ridge, withIntercept)),
    p.w,
    p.b,
  );
}

/** What the result document says about the start's choice (FitOutcome.selection). */
export function startSelection(s: Start): StartSelection {
  return { folds: s.folds, cv: s.cv, ...(s.nearLinear ? { nearLinear: true } : {}), ...(s.candidates ? { candidates: s.candidates, threshold: s.threshold } : {}) };
}
