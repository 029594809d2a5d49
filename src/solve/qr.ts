/**
 * Dense orthogonal factorisations on row-major Float64Arrays, after MINPACK
 * (qrfac, qrsolv, enorm; Moré, Garbow & Hillstrom 1980). Least squares is
 * solved through QR, never through normal equations: forming JᵀJ squares the
 * condition number, and the projected problems basisfit solves (many similar
 * units, a tiny ridge) are ill-conditioned enough for that to cost every digit.
 *
 * Knows nothing of bases or training: matrices, vectors and rotations only.
 */

export const EPSILON = Number.EPSILON;
/** The smallest positive normal double (MINPACK's dwarf). */
export const DWARF = 2.2250738585072014e-308;

/** Euclidean norm, scaled by the largest magnitude so that neither overflow nor underflow can spoil it. */
export function enorm(x: ArrayLike<number>, from = 0, to = x.length): number {
  let big = 0;
  for (let i = from; i < to; i++) big = Math.max(big, Math.abs(x[i]));
  if (big === 0 || !Number.isFinite(big)) return big;
  let s = 0;
  for (let i = from; i < to; i++) {
    const t = x[i] / big;
    s += t * t;
  }
  return big * Math.sqrt(s);
}

/**
 * Streams rows of a tall system [A | b] (any number of blocks, any row
 * count) into its triangular factor: after all rows, A = Q R with R (n × n,
 * upper) and Qᵀb's first n entries in `qtb`, and ‖b‖² − ‖qtb‖² in `tail`, the
 * squared norm of b's part outside range(A). Memory is O(n²) whatever the row
 * count: each block is reduced against the current R by Householder
 * reflections (a blocked, sequential TSQR), so the factor is as accurate as a
 * QR of the whole matrix at once.
 */
export class TriangularAccumulator {
  readonly r: Float64Array;
  readonly qtb: Float64Array;
  /** Σ of the squared residual entries that no longer meet R's rows. */
  tail = 0;
  private rows = 0;

  constructor(readonly n: number) {
    this.r = new Float64Array(n * n);
    this.qtb = new Float64Array(n);
  }

  /** Adds m rows: a is m × n row-major, b has m entries (null: zeros). */
  addRows(a: Float64Array, b: Float64Array | null, m: number): void {
    const n = this.n;
    const R = this.r;
    const qtb = this.qtb;
    // Column-major copy of the block: the reflections walk down columns.
    const C = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) C[j * m + i] = a[i * n + j];
    const f = b === null ? new Float64Array(m) : Float64Array.from(b.subarray(0, m));
    for (let j = 0; j < n; j++) {
      // The reflector acts on (R[j,j], C[:, j]); R's rows below j are already zero in column j.
      const cj = j * m;
      let scale = Math.abs(R[j * n + j]);
      for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(C[cj + i]));
      if (scale === 0) continue;
      let ss = (R[j * n + j] / scale) ** 2;
      let tailSq = 0;
      for (let i = 0; i < m; i++) tailSq += (C[cj + i] / scale) ** 2;
      if (tailSq === 0) continue;
      ss += tailSq;
      const rjj = R[j * n + j];
      const norm = scale * Math.sqrt(ss);
      const alpha = rjj >= 0 ? -norm : norm;
      // v = (rjj − alpha, C[:, j]); H = I − 2 v vᵀ / vᵀv, with vᵀv = 2·norm·(norm + |rjj|).
      const v0 = rjj - alpha;
      const vtv = v0 * v0 + tailSq * scale * scale;
      for (let k = j + 1; k < n; k++) {
        let s = v0 * R[j * n + k];
        const ck = k * m;
        for (let i = 0; i < m; i++) s += C[cj + i] * C[ck + i];
        const t = (2 * s) / vtv;
        R[j * n + k] -= t * v0;
        for (let i = 0; i < m; i++) C[ck + i] -= t * C[cj + i];
      }
      let s = v0 * qtb[j];
      for (let i = 0; i < m; i++) s += C[cj + i] * f[i];
      const t = (2 * s) / vtv;
      qtb[j] -= t * v0;
      for (let i = 0; i < m; i++) f[i] -= t * C[cj + i];
      R[j * n + j] = alpha;
    }
    for (let i = 0; i < m; i++) this.tail += f[i] * f[i];
    this.rows += m;
  }

  /**
   * Adds the factor of another block of rows (R upper-triangular n × n, its
   * Qᵀb and tail, as this class leaves them): the rows R·x ≈ qtb stand for
   * the block exactly, so blocks factored apart (on other threads) and added
   * in a fixed order give the same bits whoever factored them.
   */
  addFactor(r: Float64Array, qtb: Float64Array, tail: number, rows: number): void {
    if (this.rows === 0) {
      this.r.set(r);
      this.qtb.set(qtb);
      this.tail = tail;
    } else {
      this.addRows(r, qtb, this.n);
      this.tail += tail;
      this.rows -= this.n;
    }
    this.rows += rows;
  }

  get rowCount(): number {
    return this.rows;
  }
}

export interface PivotedQr {
  /** n × n row-major: R in the upper triangle (diagonal included). */
  r: Float64Array;
  /** Column k of R is column ipvt[k] of the input. */
  ipvt: Int32Array;
  /** Euclidean norms of the input's columns (before pivoting, in input order). */
  acnorm: Float64Array;
}

/**
 * Householder QR with column pivoting of a square (or upper-trapezoidal-
 * reducible) n × n matrix, MINPACK's qrfac with pivot = true: at each step the
 * remaining column of largest norm leads, so R's diagonal decreases in
 * magnitude and a rank deficiency shows as trailing zeros. Applies Qᵀ to `b`
 * in place. The input is not modified.
 */
export function pivotedQr(input: Float64Array, n: number, b: Float64Array): PivotedQr {
  const a = Float64Array.from(input);
  const ipvt = new Int32Array(n);
  const acnorm = new Float64Array(n);
  const rdiag = new Float64Array(n);
  const wa = new Float64Array(n);
  const col = (j: number, from: number) => {
    let big = 0;
    for (let i = from; i < n; i++) big = Math.max(big, Math.abs(a[i * n + j]));
    if (big === 0) return 0;
    let s = 0;
    for (let i = from; i < n; i++) s += (a[i * n + j] / big) ** 2;
    return big * Math.sqrt(s);
  };
  for (let j = 0; j < n; j++) {
    acnorm[j] = col(j, 0);
    rdiag[j] = acnorm[j];
    wa[j] = rdiag[j];
    ipvt[j] = j;
  }
  for (let j = 0; j < n; j++) {
    let kmax = j;
    for (let k = j; k < n; k++) if (rdiag[k] > rdiag[kmax]) kmax = k;
    if (kmax !== j) {
      for (let i = 0; i < n; i++) {
        const t = a[i * n + j];
        a[i * n + j] = a[i * n + kmax];
        a[i * n + kmax] = t;
      }
      rdiag[kmax] = rdiag[j];
      wa[kmax] = wa[j];
      const k = ipvt[j];
      ipvt[j] = ipvt[kmax];
      ipvt[kmax] = k;
    }
    let ajnorm = col(j, j);
    if (ajnorm !== 0) {
      if (a[j * n + j] < 0) ajnorm = -ajnorm;
      for (let i = j; i < n; i++) a[i * n + j] /= ajnorm;
      a[j * n + j] += 1;
      for (let k = j + 1; k < n; k++) {
        let s = 0;
        for (let i = j; i < n; i++) s += a[i * n + j] * a[i * n + k];
        const t = s / a[j * n + j];
        for (let i = j; i < n; i++) a[i * n + k] -= t * a[i * n + j];
        // Downdate the remaining column norms; recompute when cancellation has eaten them.
        if (rdiag[k] !== 0) {
          const q = a[j * n + k] / rdiag[k];
          rdiag[k] *= Math.sqrt(Math.max(0, 1 - q * q));
          if (0.05 * (rdiag[k] / wa[k]) ** 2 <= EPSILON) {
            rdiag[k] = col(k, j + 1);
            wa[k] = rdiag[k];
          }
        }
      }
      let s = 0;
      for (let i = j; i < n; i++) s += a[i * n + j] * b[i];
      const t = -s / a[j * n + j];
      for (let i = j; i < n; i++) b[i] += t * a[i * n + j];
    }
    rdiag[j] = -ajnorm;
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    r[i * n + i] = rdiag[i];
    for (let j = i + 1; j < n; j++) r[i * n + j] = a[i * n + j];
  }
  return { r, ipvt, acnorm };
}

/**
 * The numerical rank of an upper-triangular R from pivoted QR: diagonal
 * entries below `rtol` times the largest count as zero (their directions are
 * lost in rounding, so solving along them would only amplify noise).
 */
export function numericalRank(r: Float64Array, n: number, rtol: number): number {
  const top = n > 0 ? Math.abs(r[0]) : 0;
  for (let k = 0; k < n; k++) if (!(Math.abs(r[k * n + k]) > rtol * top)) return k;
  return n;
}

/** Solves R x = b for the leading k × k block of an upper-triangular n × n R; entries k..n−1 of x are zero. */
export function solveUpper(r: Float64Array, n: number, b: Float64Array, k = n): Float64Array {
  const x = new Float64Array(n);
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < k; j++) s -= r[i * n + j] * x[j];
    x[i] = s / r[i * n + i];
  }
  return x;
}

/** Solves Rᵀ x = b for an upper-triangular n × n R (forward substitution). */
export function solveUpperTransposed(r: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let j = 0; j < i; j++) s -= r[j * n + i] * x[j];
    x[i] = s / r[i * n + i];
  }
  return x;
}

/**
 * (RᵀR)⁻¹ for an upper-triangular n × n R of full rank: the unscaled
 * covariance of a least-squares fit whose Jacobian factors as Q R.
 */
export function inverseGram(r: Float64Array, n: number): Float64Array {
  // R⁻¹ column by column, then R⁻¹ R⁻ᵀ.
  const rinv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    const x = solveUpper(r, n, e);
    for (let i = 0; i < n; i++) rinv[i * n + c] = x[i];
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += rinv[i * n + k] * rinv[j * n + k];
      out[i * n + j] = s;
    }
  }
  return out;
}

/**
 * MINPACK's qrsolv: given the pivoted factor R of A (A P = Q R), a diagonal D
 * and qtb = Qᵀb, solves min ‖A x − b‖² + ‖D x‖² by Givens rotations that
 * reduce [R; P ᵀD P] to triangular S. Returns x (input column order); `r`'s
 * strict lower triangle receives Sᵀ's strict part and `sdiag` S's diagonal,
 * which lmpar needs for its Newton correction. R's upper triangle is kept.
 */
export function qrsolv(r: Float64Array, n: number, ipvt: Int32Array, diag: Float64Array, qtb: Float64Array, x: Float64Array, sdiag: Float64Array): void {
  const wa = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) r[i * n + j] = r[j * n + i];
    x[j] = r[j * n + j];
    wa[j] = qtb[j];
  }
  for (let j = 0; j < n; j++) {
    const l = ipvt[j];
    if (diag[l] !== 0) {
      for (let k = j; k < n; k++) sdiag[k] = 0;
      sdiag[j] = diag[l];
      let qtbpj = 0;
      for (let k = j; k < n; k++) {
        if (sdiag[k] === 0) continue;
        let cos: number;
        let sin: number;
        if (Math.abs(r[k * n + k]) < Math.abs(sdiag[k])) {
          const cotan = r[k * n + k] / sdiag[k];
          sin = 0.5 / Math.sqrt(0.25 + 0.25 * cotan * cotan);
          cos = sin * cotan;
        } else {
          const tan = sdiag[k] / r[k * n + k];
          cos = 0.5 / Math.sqrt(0.25 + 0.25 * tan * tan);
          sin = cos * tan;
        }
        r[k * n + k] = cos * r[k * n + k] + sin * sdiag[k];
        const t = cos * wa[k] + sin * qtbpj;
        qtbpj = -sin * wa[k] + cos * qtbpj;
        wa[k] = t;
        for (let i = k + 1; i < n; i++) {
          const u = cos * r[i * n + k] + sin * sdiag[i];
          sdiag[i] = -sin * r[i * n + k] + cos * sdiag[i];
          r[i * n + k] = u;
        }
      }
    }
    sdiag[j] = r[j * n + j];
    r[j * n + j] = x[j];
  }
  let nsing = n;
  for (let j = 0; j < n; j++) {
    if (sdiag[j] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    let s = 0;
    for (let i = j + 1; i < nsing; i++) s += r[i * n + j] * wa[i];
    wa[j] = (wa[j] - s) / sdiag[j];
  }
  for (let j = 0; j < n; j++) x[ipvt[j]] = wa[j];
}
