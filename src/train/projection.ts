/**
 * The variable-projection least-squares problem (Golub & Pereyra 1973, with
 * Kaufman's 1975 Jacobian; O'Leary & Rust 2013): for fixed θ the linear part
 * c = (w, b) is solved exactly, so the residual is a function of θ alone,
 *
 *   f(θ) = A(θ) c(θ) − y,   A = [Φθ  1; √(Nλ) I  0],  y = [y; 0],
 *
 * and ‖f‖² = Σ_n (w·Φθ(x_n) + b − y_n)² + Nλ‖w‖², i.e. 2N times the
 * trainer's objective (mean ½ squared error + λ/2 ‖w‖², see linear.ts), so a
 * ridge means the same here as under gd and varpro. Without the intercept
 * the column of ones is left out and b is 0.
 *
 * With f = A c − y, Kaufman's Jacobian is J = P⊥ (∂A/∂θ) c, P⊥ the projector
 * onto the complement of range(A). The term Golub–Pereyra keep besides lies
 * in range(A), to which f is orthogonal, so Jᵀf is still the exact gradient,
 * and Gauss-Newton on J converges about as fast near a small-residual optimum
 * at a fraction of the cost.
 *
 * Everything comes from one QR per row block of the matrix [A | T | y] with
 * T = ∂Φ/∂θ compressed (below): Qᵀ[A T y] = [[R_AA R_AT q_A]; [0 R_TT q_T];
 * [0 0 ρ]]. Then c solves R_AA c = q_A, ‖f‖² = ‖q_T‖² + ρ², and since the
 * columns of ∂A/∂θ·c are T's columns times w_j, J = Q₂ R_TT diag(w), i.e. the
 * linearisation LM needs is R = R_TT diag(w), Qᵀf = −q_T. Blocks are reduced
 * one after another (TriangularAccumulator), so memory is O((J + P)²) plus
 * one block, whatever N; no normal equations are formed, so an
 * ill-conditioned Φ (many similar units, tiny ridge) loses no more digits
 * than its condition number, not its square.
 *
 * ∂Φ/∂θ comes from the engine's forward mode. Column j of Φ depends only on
 * unit j's parameters (row j of each parameter tensor: that is what a basis
 * family is), so the parameters in the same position of every unit are
 * structurally orthogonal and one tangent can seed them all at once
 * (Curtis–Powell–Reid colouring): the tangent of Φ then holds in column j the
 * derivative of φ_j with respect to that parameter of unit j. That is
 * thetaWidth (D + 1 for rbf) forward passes per block whatever J, against P =
 * J·(D + 1) passes for uncompressed forward mode or N (one per row) for
 * reverse mode, which builds Jacobians by rows: here N ≫ P ≫ D + 1.
 */
import type { BasisFamily } from '../basis/index.js';
import { columnwiseJacobian, Tensor } from '../engine/index.js';
import { NumericError } from '../errors.js';
import { EPSILON, enorm, numericalRank, pivotedQr, solveUpper, TriangularAccumulator } from '../solve/qr.js';
import type { LeastSquaresProblem, Linearization } from '../solve/lm.js';
import { CHUNK_ROWS } from './chunked.js';
import { modelTheta } from './objective.js';

export interface LinearSolution {
  w: Float64Array;
  /** 0 without an intercept. */
  b: number;
  /** Σ_n (w·Φ_n + b − y_n)²: the data part of ‖f‖², without the ridge term. */
  rss: number;
  /** ‖f‖ including the ridge rows. */
  fnorm: number;
  /** Rank of the linear part's design [Φ 1] (with the ridge rows); below its column count only with λ = 0. */
  rank: number;
}

export interface ProjectedProblem extends LeastSquaresProblem {
  /** w, b exactly optimal for θ (raw parameterisation, flat), and the fit they give. */
  solve(x: Float64Array): LinearSolution;
  /** θ's parameter tensors (raw: logs of the positive groups) from the flat vector LM moves. */
  tensors(x: Float64Array): Tensor[];
  /** The flat vector from raw parameter tensors. */
  flatten(raw: readonly Tensor[]): Float64Array;
  /** The compressed ∂Φ/∂θ on every row, N × P row-major, column p the derivative of its own unit's φ (for tests). */
  featureJacobian(x: Float64Array): Float64Array;
}

export interface ProjectionOptions {
  /** λ on the mean objective (see linear.ts); the ridge rows are √(Nλ)·I. */
  ridge: number;
  intercept: boolean;
  /** Rows per block (default CHUNK_ROWS); only memory depends on it, up to rounding. */
  blockRows?: number;
  /** Factors the CHUNK_ROWS blocks elsewhere (worker threads); used at the default block size only. */
  blocks?: BlockRunner;
}

/** Which matrix a block factor reduces: [Φ 1 | y] for the linear solve, [Φ 1 T | y] for the linearisation. */
export type BlockKind = 'solve' | 'linearize';

/** What a thread needs to factor blocks besides the data and θ. */
export interface BlockSpec {
  shapes: readonly (readonly number[])[];
  intercept: boolean;
}

/** One block's triangular factor as TriangularAccumulator leaves it (all NaN where the block overflowed). */
export interface BlockFactor {
  r: Float64Array;
  qtb: Float64Array;
  tail: number;
}

/**
 * Factors every CHUNK_ROWS block of (X, y) at θ = raw (each block on its own,
 * as blockFactor does) and hands them to `add` in block order, which is what
 * makes the result independent of who factored which block.
 */
export interface BlockRunner {
  factors(kind: BlockKind, spec: BlockSpec, X: Tensor, y: Float64Array, raw: readonly Tensor[], add: (f: BlockFactor, rows: number) => void): void;
}

/** Pivots below this fraction of the largest count as zero in the linear solve (rank detection without a ridge). */
const RANK_RTOL = 64 * EPSILON;

/**
 * The projected problem for `family` with `units` units on prepared inputs X
 * (N × D) and targets y. `shapes` are the raw parameter tensors' shapes, each
 * with J rows (one per unit).
 */
export function projectedProblem(family: BasisFamily, X: Tensor, y: Float64Array, shapes: readonly (readonly number[])[], opts: ProjectionOptions): ProjectedProblem {
  const [N, D] = X.shape;
  const J = shapes[0][0];
  for (const s of shapes) {
    if (s[0] !== J) throw new RangeError(`projectedProblem: every parameter tensor needs one row per unit (${J}), got shape [${s.join(', ')}]`);
  }
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const perUnit = sizes.map((s) => s / J);
  const P = sizes.reduce((a, b) => a + b, 0);
  const nA = J + (opts.intercept ? 1 : 0);
  const block = Math.max(1, opts.blockRows ?? CHUNK_ROWS);
  const ridgeRow = Math.sqrt(N * opts.ridge);

  const { tensors, flatten } = flatLayout(shapes, sizes, P);
  const rowsOf = (start: number) => {
    const end = Math.min(N, start + block);
    return { m: end - start, xc: new Tensor(X.data.subarray(start * D, end * D), [end - start, D]), yc: y.subarray(start, end) };
  };

  const spec: BlockSpec = { shapes, intercept: opts.intercept };
  const layout = blockLayout(family, spec);
  // Every block factored on its own and added in order, here or by opts.blocks: the same bits either way.
  const factorAll = (kind: BlockKind, raw: readonly Tensor[], width: number): TriangularAccumulator => {
    const acc = new TriangularAccumulator(width);
    if (opts.blocks && block === CHUNK_ROWS && N > block) {
      opts.blocks.factors(kind, spec, X, y, raw, (f, rows) => acc.addFactor(f.r, f.qtb, f.tail, rows));
      return acc;
    }
    for (let start = 0; start < N; start += block) {
      const { m, xc, yc } = rowsOf(start);
      const f = blockFactor(layout, kind, xc, yc, raw);
      acc.addFactor(f.r, f.qtb, f.tail, m);
    }
    return acc;
  };

  const addRidgeRows = (acc: TriangularAccumulator, width: number) => ridgeRows(acc, width, J, ridgeRow);


  const linearFrom = (acc: TriangularAccumulator, width: number) => linearPart(acc, width, nA);

  const solution = (c: Float64Array, rank: number, fsq: number) => linearSolution(c, rank, fsq, J, N, opts);


  // The last solve, by θ: LM evaluates a trial point and, if it is accepted, asks for the same point again.
  let cache: { x: Float64Array; s: LinearSolution } | null = null;
  const solve = (x: Float64Array): LinearSolution => {
    if (cache && cache.x.length === x.length && cache.x.every((v, i) => v === x[i])) return cache.s;
    const acc = factorAll('solve', tensors(x), nA);
    // A block that overflowed: a point LM must not step to (residualNorm says so).
    if (!Number.isFinite(acc.tail)) throw new NumericError('projection', 'the basis functions overflow at this θ');
    addRidgeRows(acc, nA);
    const { c, rank, unexplained } = linearFrom(acc, nA);
    const s = solution(c, rank, acc.tail + unexplained);
    cache = { x: Float64Array.from(x), s };
    return s;
  };

  const tangentBlock = (xc: Tensor, raw: readonly Tensor[]) => compressedTangents(layout, xc, raw);

  const linearize = (x: Float64Array): Linearization => {
    const width = nA + P;
    // Not finite where a block overflowed: LM steps back from such a point.
    const acc = factorAll('linearize', tensors(x), width);
    addRidgeRows(acc, width);
    const { c, rank, unexplained } = linearFrom(acc, width);
    // The unit each θ column belongs to, for the column scaling by w_j.
    const wOf = new Float64Array(P);
    let o = 0;
    for (let k = 0; k < shapes.length; k++) {
      for (let e = 0; e < sizes[k]; e++) wOf[o + e] = c[Math.floor(e / perUnit[k])];
      o += sizes[k];
    }
    const r = new Float64Array(P * P);
    const qtf = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      qtf[i] = -acc.qtb[nA + i];
      for (let j = i; j < P; j++) r[i * P + j] = acc.r[(nA + i) * width + nA + j] * wOf[j];
    }
    const fsq = enorm(acc.qtb.subarray(nA)) ** 2 + acc.tail + unexplained;
    const s = solution(c, rank, fsq);
    cache = { x: Float64Array.from(x), s };
    return { r, qtf, fnorm: s.fnorm };
  };

  return {
    size: P,
    residualNorm(x) {
      try {
        return solve(x).fnorm;
      } catch (e) {
        // exp overflow and the like: a point LM must not step to.
        if (e instanceof NumericError) return Number.POSITIVE_INFINITY;
        throw e;
      }
    },
    linearize,
    solve,
    tensors,
    flatten,
    featureJacobian(x) {
      const raw = tensors(x);
      const out = new Float64Array(N * P);
      for (let start = 0; start < N; start += block) {
        out.set(tangentBlock(rowsOf(start).xc, raw).t, start * P);
      }
      return out;
    },
  };
}

/** θ as one flat vector and back, in the order of `shapes`. */
function flatLayout(shapes: readonly (readonly number[])[], sizes: readonly number[], P: number) {
  const tensors = (x: Float64Array): Tensor[] => {
    let o = 0;
    return shapes.map((s, k) => {
      const t = new Tensor(x.slice(o, o + sizes[k]), s.slice());
      o += sizes[k];
      return t;
    });
  };
  const flatten = (raw: readonly Tensor[]): Float64Array => {
    const x = new Float64Array(P);
    let o = 0;
    for (const t of raw) {
      x.set(t.data, o);
      o += t.size;
    }
    return x;
  };
  return { tensors, flatten };
}

/** w, b from the leading nA × nA block of an accumulated factor; pivoted so a rank deficiency (λ = 0) gives a basic solution. */
function linearPart(acc: TriangularAccumulator, width: number, nA: number): { c: Float64Array; rank: number; unexplained: number } {
  const raa = new Float64Array(nA * nA);
  for (let i = 0; i < nA; i++) for (let j = i; j < nA; j++) raa[i * nA + j] = acc.r[i * width + j];
  const qa = acc.qtb.slice(0, nA);
  const { r, ipvt } = pivotedQr(raa, nA, qa);
  const rank = numericalRank(r, nA, RANK_RTOL);
  const z = solveUpper(r, nA, qa, rank);
  const c = new Float64Array(nA);
  for (let k = 0; k < nA; k++) c[ipvt[k]] = z[k];
  // Components of Qᵀy along directions the rank cut drops stay in the residual.
  let unexplained = 0;
  for (let k = rank; k < nA; k++) unexplained += qa[k] * qa[k];
  return { c, rank, unexplained };
}

interface TangentLayout {
  shapes: readonly (readonly number[])[];
  sizes: readonly number[];
  perUnit: readonly number[];
  P: number;
  J: number;
  features: (xc: Tensor, raw: readonly Tensor[]) => Tensor;
}

export interface BlockLayout extends TangentLayout {
  nA: number;
  intercept: boolean;
}

export function blockLayout(family: BasisFamily, spec: BlockSpec): BlockLayout {
  const { shapes } = spec;
  const J = shapes[0][0];
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const P = sizes.reduce((a, b) => a + b, 0);
  const features = (xc: Tensor, raw: readonly Tensor[]) => family.features(xc, modelTheta(family, raw));
  return { shapes, sizes, perUnit: sizes.map((s) => s / J), P, J, features, nA: J + (spec.intercept ? 1 : 0), intercept: spec.intercept };
}

/**
 * The triangular factor of one block's [Φ 1 | y] ('solve') or [Φ 1 T | y]
 * ('linearize'), from a fresh accumulator; all NaN where the block's basis
 * functions or tangents overflow, so that every thread finishes its share.
 */
export function blockFactor(L: BlockLayout, kind: BlockKind, xc: Tensor, yc: Float64Array, raw: readonly Tensor[]): BlockFactor {
  const m = xc.shape[0];
  const { nA, P, J } = L;
  const width = kind === 'solve' ? nA : nA + P;
  const acc = new TriangularAccumulator(width);
  try {
    const rows = new Float64Array(m * width);
    if (kind === 'solve') {
      fillLinearColumns(rows, width, m, L.features(xc, raw).data, J, L.intercept);
    } else {
      const { phi, t } = compressedTangents(L, xc, raw);
      fillLinearColumns(rows, width, m, phi, J, L.intercept);
      for (let r = 0; r < m; r++) for (let p = 0; p < P; p++) rows[r * width + nA + p] = t[r * P + p];
    }
    acc.addRows(rows, yc, m);
  } catch (e) {
    if (!(e instanceof NumericError)) throw e;
    acc.r.fill(Number.NaN);
    acc.qtb.fill(Number.NaN);
    acc.tail = Number.NaN;
  }
  return { r: acc.r, qtb: acc.qtb, tail: acc.tail };
}

/** Per block, Φ and the compressed tangent T (m × P): see columnwiseJacobian. */
function compressedTangents(L: TangentLayout, xc: Tensor, raw: readonly Tensor[]): { phi: Float64Array; t: Float64Array } {
  const { value, t } = columnwiseJacobian((...p) => L.features(xc, p), raw);
  return { phi: value, t };
}

function linearSolution(c: Float64Array, rank: number, fsq: number, J: number, N: number, opts: ProjectionOptions): LinearSolution {
  const w = c.slice(0, J);
  let ww = 0;
  for (const v of w) ww += v * v;
  const fnorm = Math.sqrt(Math.max(fsq, 0));
  return { w, b: opts.intercept ? c[J] : 0, rss: Math.max(fsq - N * opts.ridge * ww, 0), fnorm, rank };
}

/** The ridge as J extra rows √(Nλ)·e_j of the least-squares problem. */
function ridgeRows(acc: TriangularAccumulator, width: number, J: number, ridgeRow: number): void {
  if (ridgeRow === 0) return;
  const rows = new Float64Array(J * width);
  for (let j = 0; j < J; j++) rows[j * width + j] = ridgeRow;
  acc.addRows(rows, null, J);
}

/** One row block's linear columns [Φ 1] (row-major, `width` columns, the tangents after them). */
function fillLinearColumns(out: Float64Array, width: number, m: number, phi: Float64Array, J: number, intercept: boolean): void {
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < J; j++) out[r * width + j] = phi[r * J + j];
    if (intercept) out[r * width + J] = 1;
  }
}
