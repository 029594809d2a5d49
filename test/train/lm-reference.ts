/**
 * The lm reference problems (test/fixtures/lm-reference, made by
 * scripts/lm-reference.py), a fit of one from a given start as
 * `--ridge 0 --no-standardize --val-split 0 --solver lm` trains it, and the
 * significant digits reached.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { families } from '../../src/basis/index.js';
import type { BasisName } from '../../src/model/index.js';
import { DEFAULTS } from '../../src/train/defaults.js';
import { type FitOptions, type FitOutcome, fit as fitModel } from '../../src/train/fit.js';
import { Rng } from '../../src/util/rng.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'lm-reference');

export interface Reference {
  name: string;
  basis: BasisName;
  units: number;
  intercept: boolean;
  x: number[];
  y: number[];
  starts: { near: number[][]; far: number[][] };
  reference: { theta: string[][]; w: string[]; b: string; rss: string };
}

export const references: Reference[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Reference);

/** Significant digits of `got` against `ref`: −log10 of the relative error (17 when exact). */
export function digits(got: number, ref: number): number {
  const rel = Math.abs(got - ref) / Math.abs(ref);
  return rel === 0 ? 17 : -Math.log10(rel);
}

export async function fitReference(p: Reference, start: number[][]): Promise<FitOutcome> {
  const n = p.x.length;
  const opts: FitOptions = {
    family: families[p.basis],
    units: p.units,
    epochs: 200,
    batchSize: 'full',
    optimizer: 'adam',
    lr: { w: 0.01, b: 0.01, theta: 0.01 },
    solver: 'lm',
    ridge: 0,
    patience: null,
    intercept: p.intercept,
    initialTheta: start,
    tol: DEFAULTS.tol,
  };
  return fitModel({ x: Float64Array.from(p.x), y: Float64Array.from(p.y), n, d: 1 }, null, opts, new Rng(1));
}

/** Digits of a fit: the fewest over every parameter, the RSS's, and the fewest of the two. */
export interface FitDigits {
  worst: number;
  params: number;
  rss: number;
}

/**
 * The fewest digits over every parameter and the RSS. Units are exchangeable (any order of
 * them is the same model), so the fitted units are matched to the reference's in the order
 * that gives the most digits; a tanh unit also in the sign that does.
 */
export function worstDigits(p: Reference, out: FitOutcome): FitDigits {
  return fitDigits(p, { theta: out.theta, w: out.w, b: out.b, rss: out.history.train.at(-1)! * p.x.length });
}

/**
 * The RSS digits a double-precision fit can show at all, at most 6 (the target). Each
 * residual f(x_n) − y_n is computed from terms the size of y with a rounding error of
 * a few units in the last place, ‖e‖ ≤ 4ε‖y‖, so the RSS is off by up to 2‖r‖‖e‖ + ‖e‖².
 * That is far below 10⁻⁶ of the RSS unless the fit is nearly exact (Lanczos1's residuals
 * are 10⁻¹³ of y: its RSS has about 2 digits in double, whoever computes it).
 */
export function attainableRssDigits(p: Reference): number {
  const rss = Number(p.reference.rss);
  const e = 4 * Number.EPSILON * Math.hypot(...p.y);
  return Math.min(6, -Math.log10((2 * Math.sqrt(rss) * e + e * e) / rss));
}

/** worstDigits for a fit given by its parameters and RSS (a model file, say). */
export function fitDigits(p: Reference, fit: { theta: number[][]; w: number[]; b: number; rss: number }): FitDigits {
  const ref = p.reference;
  const signed = (j: number, r: number, s: number) => Math.min(digits(s * fit.w[j], Number(ref.w[r])), ...fit.theta[j].map((v, k) => digits(s * v, Number(ref.theta[r][k]))));
  // tanh is odd: a unit (a, c, w) is the same model as (−a, −c, −w).
  const unitDigits = (j: number, r: number) => (p.basis === 'tanh' ? Math.max(signed(j, r, 1), signed(j, r, -1)) : signed(j, r, 1));
  let best = Number.NEGATIVE_INFINITY;
  for (const order of permutations(fit.theta.length)) best = Math.max(best, Math.min(...order.map((r, j) => unitDigits(j, r))));
  const rssDigits = digits(fit.rss, Number(ref.rss));
  const b = p.intercept ? digits(fit.b, Number(ref.b)) : Number.POSITIVE_INFINITY;
  const params = Math.min(best, b);
  return { worst: Math.min(rssDigits, params), params, rss: rssDigits };
}

function permutations(n: number): number[][] {
  if (n <= 1) return [Array.from({ length: n }, (_, i) => i)];
  return permutations(n - 1).flatMap((q) => Array.from({ length: n }, (_, i) => [...q.slice(0, i), n - 1, ...q.slice(i)]));
}
