/**
 * Standard errors of a committee's stored (w, b) (train/committee.ts), conditional on θ as
 * 'linear-in-w given theta' is for one model (covariance.ts). Member k solved the ridge
 * problem on every row outside fold k:
 *
 *   β_k = (w_k, b_k) = H_k⁻¹ Φ_kᵀ y_k,   H_k = Φ_kᵀ Φ_k + N_k λ·D,
 *
 * with Φ_k its own units' features (and the column of ones) on its N_k rows. The stored
 * parameters are the members' w_k / K side by side and the mean of their b_k, so they are
 * linear in y too: β = C y, and Cov β = σ̂² C Cᵀ. The fitted values on all N rows are A y with
 * A = Φ C (Φ: the stored model's (w, b) Jacobian), and ν = N − tr(2A − AᵀA), σ̂² = RSS / ν, as
 * for one model. Committees run on small data (at most a few hundred rows and units), so
 * everything here is dense.
 */
import type { ModelFile } from '../model/types.js';
import { conditionText, symmetricInverse } from './linalg.js';

export interface CommitteeMembers {
  /** Row i validated member fold[i] and trained every other member. */
  fold: Uint32Array;
  /** Each member's own b (the model keeps only their mean). */
  b: readonly number[];
}

/** A committee's out-of-fold check ratio T over its rows (CommitteeAnalysis.outOfFold). */
export interface OutOfFold {
  ratio: number;
  rows: number;
}

export interface CommitteeAnalysis {
  /** Cov of the stored (w, b), P × P with P = J + 1 (b's row and column zero under --no-intercept). */
  cov: Float64Array;
  dof: number;
  sigma2: number;
  /** The largest member's Newton step to its ridge solution, in standard errors. */
  newtonSE: number;
  /** The largest member's condition number of H_k. */
  condition: number;
  /**
   * Every row is held out by one member: T = (1/N) Σ e_i² / (σ̂² (1 + u_i)), e_i row i's
   * residual from the member that did not train on it and σ̂² u_i that member's band variance
   * there. Near 1 when σ̂ is right; the held-out check (held-out.ts) tests it as one model's
   * validation rows are tested, over its `rows` (a left-out member's rows have none). Null
   * when it is not finite.
   */
  outOfFold: OutOfFold | null;
}

/** What of the fit the committee's covariance reads (covariance.ts's UncertaintyInput has it). */
export interface CommitteeFit {
  model: ModelFile;
  /** The training rows' targets, in the model's units. */
  y: Float64Array;
  n: number;
  /** The trainer's λ of the mean objective. */
  ridge: number;
}

export type CommitteeAttempt = { ok: true; a: CommitteeAnalysis } | { ok: false; reason: string };

/** `J`: the stored model's (w, b) Jacobian on the N rows (N × (J + 1), the b column last). */
export function committeeCovariance(input: CommitteeFit, members: CommitteeMembers, J: Float64Array, rss: number, maxCondition: number): CommitteeAttempt {
  const { model, n, y } = input;
  const K = members.b.length;
  const jw = model.w.length;
  const p = jw + 1;
  const per = jw / K;
  const intercept = model.training.intercept !== false;
  const q = per + (intercept ? 1 : 0);
  const C = new Float64Array(p * n);
  const solved: { rows: number[]; cols: number[]; H: Float64Array; Ck: Float64Array; beta: Float64Array }[] = [];
  let condition = 0;
  for (let k = 0; k < K; k++) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (members.fold[i] !== k) rows.push(i);
    const nk = rows.length;
    const cols = Array.from({ length: q }, (_, c) => (c < per ? k * per + c : jw));
    const Phi = new Float64Array(nk * q);
    rows.forEach((i, r) => {
      cols.forEach((col, c) => {
        Phi[r * q + c] = J[i * p + col];
      });
    });
    const H = new Float64Array(q * q);
    for (let r = 0; r < nk; r++) for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) H[a * q + b] += Phi[r * q + a] * Phi[r * q + b];
    for (let a = 0; a < per; a++) H[a * q + a] += nk * input.ridge;
    const inv = symmetricInverse(H, q);
    if (!(inv.condition <= maxCondition)) {
      return { ok: false, reason: `member ${k + 1}'s (w, b) block of JᵀJ${input.ridge > 0 ? ' + ridge' : ''} is singular or ill-conditioned (condition ${conditionText(inv.condition)})` };
    }
    condition = Math.max(condition, inv.condition);
    // C_k = H_k⁻¹ Φ_kᵀ (q × N_k): member k's parameters as weights on its rows' targets.
    const Ck = new Float64Array(q * nk);
    for (let a = 0; a < q; a++) for (let r = 0; r < nk; r++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += inv.inverse[a * q + b] * Phi[r * q + b];
      Ck[a * nk + r] = s;
    }
    rows.forEach((i, r) => {
      for (let c = 0; c < per; c++) C[(k * per + c) * n + i] = Ck[c * nk + r] / K;
      if (intercept) C[jw * n + i] += Ck[per * nk + r] / K;
    });
    const beta = Float64Array.from(cols, (col, c) => (c < per ? model.w[col] * K : members.b[k]));
    solved.push({ rows, cols, H, Ck, beta });
  }
  // A = J C (N × N): tr(A) and ‖A‖²_F = tr(AᵀA) for the effective dof.
  let trA = 0;
  let frob = 0;
  for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) {
    let s = 0;
    for (let c = 0; c < p; c++) s += J[i * p + c] * C[c * n + l];
    if (i === l) trA += s;
    frob += s * s;
  }
  const dof = n - (2 * trA - frob);
  if (!(dof > 0.5)) return { ok: false, reason: `no residual degrees of freedom (N = ${n}, effective parameters ${(n - dof).toFixed(1)}); use fewer --units or more rows` };
  const sigma2 = rss / dof;
  if (!(sigma2 > 0)) return { ok: false, reason: 'the committee interpolates the training rows (zero residuals), so the noise level cannot be estimated' };
  // Each member's distance from its own ridge solution, √(δᵀ H_k δ) / σ̂ with δ = β_k − C_k y_k: the Newton step of covariance.ts.
  let newtonSE = 0;
  for (const { rows, H, Ck, beta } of solved) {
    const delta = beta.map((v, a) => v - rows.reduce((s, i, r) => s + Ck[a * rows.length + r] * y[i], 0));
    let quad = 0;
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) quad += delta[a] * H[a * q + b] * delta[b];
    newtonSE = Math.max(newtonSE, Math.sqrt(Math.max(quad, 0) / sigma2));
  }
  const cov = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = a; b < p; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += C[a * n + i] * C[b * n + i];
    cov[a * p + b] = cov[b * p + a] = sigma2 * s;
  }
  return { ok: true, a: { cov, dof, sigma2, newtonSE, condition, outOfFold: outOfFoldRatio(members.fold, solved, J, p, y, sigma2) } };
}

/** T of CommitteeAnalysis.outOfFold, from each member's own parameters and smoother. */
function outOfFoldRatio(
  fold: Uint32Array,
  solved: readonly { rows: readonly number[]; cols: readonly number[]; Ck: Float64Array; beta: Float64Array }[],
  J: Float64Array,
  p: number,
  y: Float64Array,
  sigma2: number,
): OutOfFold | null {
  let t = 0;
  let m = 0;
  for (let i = 0; i < fold.length; i++) {
    if (fold[i] >= solved.length) continue;
    m++;
    const { rows, cols, Ck, beta } = solved[fold[i]];
    const nk = rows.length;
    let pred = 0;
    cols.forEach((col, a) => {
      pred += J[i * p + col] * beta[a];
    });
    // u_i = ‖C_kᵀ φ_i‖²: member k's prediction at row i as weights on its own rows' targets.
    let u = 0;
    for (let r = 0; r < nk; r++) {
      let s = 0;
      cols.forEach((col, a) => {
        s += J[i * p + col] * Ck[a * nk + r];
      });
      u += s * s;
    }
    t += (y[i] - pred) ** 2 / (sigma2 * (1 + u));
  }
  t /= m;
  return Number.isFinite(t) ? { ratio: t, rows: m } : null;
}
