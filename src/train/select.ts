/**
 * Out-of-sample scores for the start search (start.ts): for fixed θ, the ridge
 * solution's K-fold cross-validated mean squared error at every λ of a grid.
 * Generalised cross-validation, RSS/N / (1 − dof/N)², was the score before;
 * with more units than rows it is 0/0 at a small λ, so on 30–50-row sets it
 * chose fits that interpolate the training rows (docs/defaults.md, the
 * multi-feature benchmark). Held-out rows cannot be interpolated.
 *
 * One pass over the rows accumulates each fold's normal equations; a fold's
 * training system is then the total minus its own part, so K folds cost about
 * what one fit on all rows costs, plus K·|grid| small Cholesky solves.
 *
 * On few rows the score depends on which rows share a fold as much as on the
 * candidate, and the search keeps whichever candidate drew the luckiest folds;
 * so small sets repeat the K folds with fresh assignments (at most
 * CV_MAX_REPEATS, about CV_REPEAT_ROWS held-out predictions in all), which
 * costs R passes over rows that are few. From CV_REPEAT_ROWS rows on it is one.
 */
import { assignFolds } from '../data/index.js';
import type { Scaling } from '../model/index.js';
import { solveSpd } from '../solve/cholesky.js';
import { crossProducts, GRAM_CHUNK_ROWS } from '../solve/gram.js';
import type { Rng } from '../util/rng.js';
import { type Steps, share } from '../util/steps.js';
import type { StartSelection } from './types.js';

/**
 * `--units auto` candidates: from a handful of units, which cannot chase the
 * noise of a 30-row set, to the 80 that fine 1-D detail needs (co2_trend;
 * docs/defaults.md). Doubling steps: neighbouring counts fit alike.
 */
export const UNIT_GRID: readonly number[] = [5, 10, 20, 40, 80];

/** Folds of the start's cross-validation (fewer when there are fewer rows). */
export const CV_FOLDS = 10;
/** Repetitions R of the K folds: R·N held-out predictions reach about this many... */
export const CV_REPEAT_ROWS = 1000;
/** ... with at most this many repetitions (3: rbf 1.189 and 1.188 with 5, docs/defaults.md). */
export const CV_MAX_REPEATS = 3;

export interface Folds {
  /** fold[r]: the fold holding out row r; one such assignment per repetition. */
  fold: Uint32Array[];
  /** Folds per repetition. */
  k: number;
}

/** Repetitions of the K folds for n rows: min(CV_MAX_REPEATS, ⌊CV_REPEAT_ROWS / n⌋), at least 1. */
export function cvRepeats(n: number): number {
  return Math.max(1, Math.min(CV_MAX_REPEATS, Math.floor(CV_REPEAT_ROWS / Math.max(n, 1))));
}

/** K seeded folds over n rows, K = min(CV_FOLDS, n), repeated cvRepeats(n) times with fresh assignments. */
export function startFolds(n: number, rng: Rng): Folds {
  const k = Math.max(1, Math.min(CV_FOLDS, n));
  const first = assignFolds(n, k, rng);
  // Later repetitions from their own streams: the first assignment is the one a single repetition draws.
  const more = Array.from({ length: cvRepeats(n) - 1 }, (_, i) => assignFolds(n, k, rng.fork(i + 1)));
  return { fold: [first, ...more], k };
}

export interface RidgeScore {
  lambda: number;
  /** Mean squared error of the held-out predictions over all rows and repetitions (the model's, standardised, units). */
  cv: number;
  /**
   * Its standard error: the standard deviation of the folds' mean squared errors over √K.
   * K, not R·K: repetitions reuse the same rows, so they steady the score but add no rows.
   */
  se: number;
  /** Each fold's mean squared held-out error, repetition after repetition (for paired comparisons, clearlyBetter). */
  foldMse: Float64Array;
  /** Folds per repetition (K). */
  k: number;
}

/**
 * The λ from `lambdas` with the lowest K-fold CV error of the ridge fit of y
 * on Φ (N × J row-major) with an unpenalised intercept; null if none is finite
 * or there are too few rows to hold any out.
 */
export function* cvRidge(phi: Float64Array, n: number, j: number, y: Float64Array, lambdas: readonly number[], folds: Folds, withIntercept = true): Steps<RidgeScore | null> {
  if (folds.k < 2) return null;
  const m = j + (withIntercept ? 1 : 0);
  const { a, yc } = design(phi, n, j, y, withIntercept);
  const slots = folds.k * folds.fold.length;
  // The share of the work in the fold systems (n rows of m²/2 each repetition) against the
  // solves (R·K·|grid| of m³/6), for progress.
  const reps = folds.fold.length;
  const solves = reps * folds.k * lambdas.length;
  const inRows = (3 * n * reps) / (3 * n * reps + solves * m);
  let solved = 0;
  // Held-out squared errors by λ and (repetition, fold).
  const sse = Array.from({ length: lambdas.length }, () => new Float64Array(slots));
  const heldOut = new Float64Array(slots);
  const base = new Float64Array(m * m);
  const mat = new Float64Array(m * m);
  const c = new Float64Array(m);
  const nl = lambdas.length;
  // The fold's coefficients, λ fastest (m × nl), and one held-out row's predictions.
  const coefs = new Float64Array(m * nl);
  const pred = new Float64Array(nl);
  for (let rep = 0; rep < reps; rep++) {
    const rowsDone = (rep * inRows) / reps;
    const parts = yield* share(foldSystems(a, yc, n, m, folds.fold[rep], folds.k), rowsDone + (solved / solves) * (1 - inRows), inRows / reps, n);
    const total = sumSystems(parts, m);
    for (let f = 0; f < folds.k; f++) {
      const slot = rep * folds.k + f;
      heldOut[slot] = parts[f].rows.length;
      const nt = n - parts[f].rows.length;
      for (let i = 0; i < m * m; i++) base[i] = total.gram[i] - parts[f].gram[i];
      for (let i = 0; i < m; i++) c[i] = total.rhs[i] - parts[f].rhs[i];
      for (let l = 0; l < lambdas.length; l++) {
        mat.set(base);
        // λ on w only, scaled as in linear.ts (the mean objective); a floor keeps collinear units solvable.
        for (let i = 0; i < j; i++) mat[i * m + i] += nt * lambdas[l] + total.jitter;
        if (withIntercept) mat[j * m + j] += total.jitter;
        const coef = solveSpd(mat, m, c);
        // A solve is O(m³): seconds each for thousands of units.
        yield ((rep + 1) * inRows) / reps + ((1 - inRows) * ++solved) / solves;
        if (coef === null) {
          sse[l][slot] = Number.POSITIVE_INFINITY;
          continue;
        }
        for (let i = 0; i < m; i++) coefs[i * nl + l] = coef[i];
      }
      // Every λ's prediction in one pass over the held-out rows: nl independent sums
      // (each still in the order of i) where one sum at a time waits on each addition.
      for (const r of parts[f].rows) {
        pred.fill(0);
        for (let i = 0; i < m; i++) {
          const ari = a[r * m + i];
          const ci = i * nl;
          for (let l = 0; l < nl; l++) pred[l] += ari * coefs[ci + l];
        }
        for (let l = 0; l < nl; l++) if (sse[l][slot] !== Number.POSITIVE_INFINITY) sse[l][slot] += (pred[l] - yc[r]) ** 2;
      }
    }
  }
  let best: RidgeScore | null = null;
  lambdas.forEach((lambda, l) => {
    const cv = sse[l].reduce((a, b) => a + b, 0) / (n * folds.fold.length);
    if (Number.isFinite(cv) && (best === null || cv < best.cv)) {
      const foldMse = sse[l].map((v, f) => v / Math.max(heldOut[f], 1));
      best = { lambda, cv, se: standardError(foldMse, folds.k), foldMse, k: folds.k };
    }
  });
  return best;
}

/** Standard deviation (n − 1) of the values over √k (k: the folds per repetition). */
function standardError(v: ArrayLike<number>, k: number): number {
  const n = v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return Math.sqrt(ss / Math.max(n - 1, 1)) / Math.sqrt(k);
}

/**
 * Whether `a` beats `b` on the same folds by more than one standard error of
 * the paired fold differences: a search over many candidates on a few dozen
 * rows otherwise keeps whichever drew the luckiest folds.
 */
export function clearlyBetter(a: RidgeScore, b: RidgeScore): boolean {
  const diff = Array.from(a.foldMse, (v, f) => b.foldMse[f] - v);
  const gain = diff.reduce((s, v) => s + v, 0) / diff.length;
  return gain > standardError(diff, a.k);
}

/**
 * [Φ − Φ̄, 1] and y − ȳ: centred on all rows, so the intercept column is
 * nearly orthogonal to the others in every fold and the normal equations lose
 * few digits (wide rbf bumps are all close to 1). Without an intercept nothing is centred.
 */
function design(phi: Float64Array, n: number, j: number, y: Float64Array, withIntercept: boolean): { a: Float64Array; yc: Float64Array } {
  const m = j + (withIntercept ? 1 : 0);
  const mean = new Float64Array(j);
  let ymean = 0;
  if (withIntercept) {
    for (let r = 0; r < n; r++) {
      ymean += y[r];
      for (let k = 0; k < j; k++) mean[k] += phi[r * j + k];
    }
    ymean /= n;
    for (let k = 0; k < j; k++) mean[k] /= n;
  }
  const a = new Float64Array(n * m);
  const yc = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < j; k++) a[r * m + k] = phi[r * j + k] - mean[k];
    if (withIntercept) a[r * m + j] = 1;
    yc[r] = y[r] - ymean;
  }
  return { a, yc };
}

interface System {
  /** Σ aᵀa over the rows, m × m (full). */
  gram: Float64Array;
  rhs: Float64Array;
  rows: number[];
}

/** Rows of a fold whose cross products run between two yields: about this many multiply-adds (a few ms)... */
const PIECE_WORK = 1 << 22;
/**
 * ... but at least this many rows: each piece also costs a few m² passes (zeroing, copying,
 * adding), which at one row a piece made 2,000 units ten times slower than a row-by-row update.
 */
const PIECE_MIN_ROWS = 64;

/**
 * Each fold's normal equations for one repetition's assignment: the fold's rows
 * gathered into pieces and their cross products taken by the SIMD kernels
 * (src/solve/gram.ts; a row-by-row update in JS cost 18% of a 5,000 × 10 run).
 * Yields after each piece, so even 10,000 units give the event loop a turn.
 */
function* foldSystems(a: Float64Array, yc: Float64Array, n: number, m: number, fold: Uint32Array, k: number): Steps<System[]> {
  const parts: System[] = Array.from({ length: k }, () => ({ gram: new Float64Array(m * m), rhs: new Float64Array(m), rows: [] }));
  for (let r = 0; r < n; r++) parts[fold[r]].rows.push(r);
  const piece = Math.max(PIECE_MIN_ROWS, Math.min(GRAM_CHUNK_ROWS, Math.floor(PIECE_WORK / (m * m))));
  const rowsBuf = new Float64Array(Math.min(piece, n) * m);
  const yBuf = new Float64Array(Math.min(piece, n));
  let done = 0;
  for (const p of parts) {
    for (let s = 0; s < p.rows.length; s += piece) {
      const count = Math.min(piece, p.rows.length - s);
      for (let i = 0; i < count; i++) {
        const r = p.rows[s + i];
        rowsBuf.set(a.subarray(r * m, (r + 1) * m), i * m);
        yBuf[i] = yc[r];
      }
      const cross = crossProducts(rowsBuf.subarray(0, count * m), count, m, { b: yBuf.subarray(0, count) });
      for (let i = 0; i < m * m; i++) p.gram[i] += cross.gram[i];
      for (let i = 0; i < m; i++) p.rhs[i] += cross.atb![i];
      done += count;
      yield done / n;
    }
  }
  return parts;
}

function sumSystems(parts: readonly System[], m: number): { gram: Float64Array; rhs: Float64Array; jitter: number } {
  const gram = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  for (const p of parts) {
    for (let i = 0; i < m * m; i++) gram[i] += p.gram[i];
    for (let i = 0; i < m; i++) rhs[i] += p.rhs[i];
  }
  let trace = 0;
  for (let i = 0; i < m; i++) trace += gram[i * m + i];
  return { gram, rhs, jitter: 1e-12 * Math.max(trace / m, 1e-300) };
}

/** The result document's `selection` (docs/contract.md section 6): the start's choice, RMSEs in the target's units. */
export interface SelectionReport {
  method: 'cv';
  folds: number;
  /** Cross-validated RMSE of the chosen start (before descent). */
  cv_rmse: number;
  /** true: --units auto chose `units` from the candidates. */
  units_auto: boolean;
  /** true: the kept start is the family's near-linear one (one unit per feature), the simplest candidate. */
  near_linear: boolean;
  /** The near-linear start first (near_linear: true), then each unit count's best. */
  candidates?: { units: number; init_scale: number; ridge: number; cv_rmse: number; near_linear?: true }[];
  /** With candidates: the first (the near-linear start, then the fewest units) whose CV RMSE is at most this won (the lowest CV MSE plus one standard error). */
  threshold_rmse?: number;
}

/** A cross-validated MSE on the standardised target as an RMSE in the target's units (6 digits), null when not finite. */
export function cvRmse(mse: number, scaling: Scaling | null): number | null {
  return Number.isFinite(mse) ? Number((Math.sqrt(mse) * (scaling?.y.std ?? 1)).toPrecision(6)) : null;
}

export function selectionReport(s: StartSelection, scaling: Scaling | null, unitsAuto: boolean): SelectionReport {
  const rmse = (mse: number) => cvRmse(mse, scaling);
  return {
    method: 'cv',
    folds: s.folds,
    cv_rmse: rmse(s.cv) ?? Number.NaN,
    units_auto: unitsAuto,
    near_linear: s.nearLinear === true,
    ...(s.candidates
      ? {
          candidates: s.candidates.map((c) => ({
            units: c.units,
            init_scale: c.scale,
            ridge: c.lambda,
            cv_rmse: rmse(c.cv) ?? Number.NaN,
            ...(c.nearLinear ? { near_linear: true as const } : {}),
          })),
          threshold_rmse: rmse(s.threshold ?? Number.NaN) ?? Number.NaN,
        }
      : {}),
  };
}
