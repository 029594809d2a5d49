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

/** The fewest digits over every parameter and the RSS. */
export function worstDigits(p: Reference, out: FitOutcome): { worst: number; rss: number } {
  const ref = p.reference;
  const pairs: [number, number][] = [];
  out.theta.forEach((row, j) => {
    row.forEach((v, k) => {
      pairs.push([v, Number(ref.theta[j][k])]);
    });
  });
  out.w.forEach((v, j) => {
    pairs.push([v, Number(ref.w[j])]);
  });
  if (p.intercept) pairs.push([out.b, Number(ref.b)]);
  const rss = out.history.train.at(-1)! * p.x.length;
  const rssDigits = digits(rss, Number(ref.rss));
  return { worst: Math.min(rssDigits, ...pairs.map(([g, r]) => digits(g, r))), rss: rssDigits };
}

