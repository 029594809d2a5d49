/**
 * How much each input matters, chosen before training: one scale r_d per
 * feature multiplies the standardised inputs, so a unit's distance (rbf) or
 * direction (tanh, exp) can all but ignore an irrelevant feature, as a
 * Gaussian process with one length scale per feature (ARD) does. The scales
 * are judged the way the start is (start.ts): the family's init on the
 * rescaled inputs, its ridge least-squares fit scored by K-fold
 * cross-validation (select.ts), one feature at a time over a short grid. The chosen r is
 * folded into the stored scaling (std_d / r_d), so the model file, predict and
 * export need nothing new.
 */
import type { BasisFamily } from '../basis/index.js';
import { Tensor } from '../engine/index.js';
import type { Rng } from '../util/rng.js';
import { CV_REPEAT_ROWS, clearlyBetter, type RidgeScore, startFolds } from './select.js';
import { finish } from '../util/steps.js';
import { bestRidge, sampleRows } from './start.js';

/**
 * Candidate scales: from nearly ignored (a feature's ±2σ shrinks to ±0.125)
 * to twice as sharp. A scale never reaches 0, so the stored std stays finite.
 */
export const RELEVANCE_GRID: readonly number[] = [1 / 16, 1 / 4, 1 / 2, 1, 2];
/**
 * Coordinate sweeps over the features. A second one revisits a feature whose best scale
 * changed once the others moved (friedman1/rbf over seeds 1–5: 1.23 → 1.08 × the best
 * reference); it runs only when the first changed something (docs/defaults.md).
 */
const SWEEPS = 2;

/**
 * The search scores at most this many training rows (a seeded sample): where the start's
 * folds stop being repeated (select.ts), one K-fold pass is steady enough to rank D scales,
 * and the D × 4 trials at 80 units cost a quarter of what the start's 4,000 rows would.
 */
export const RELEVANCE_ROWS = CV_REPEAT_ROWS;

export interface RelevanceChoice {
  scales: number[];
  /** CV score of the chosen scales, and of all scales 1 (what the search improved on). */
  cv: number;
  baseline: number;
}

/** Per-feature input scales for prepared, standardised inputs x (N × D); all 1 when D < 2. */
export function chooseRelevance(family: BasisFamily, x: Tensor, y: Float64Array, units: number, rng: Rng, lambdas: readonly number[]): RelevanceChoice {
  const d = x.shape[1];
  const scales = new Array<number>(d).fill(1);
  const sample = sampleRows(x, y, RELEVANCE_ROWS, rng.fork(1));
  const folds = startFolds(sample.x.shape[0], rng.fork(3));
  const score = (r: readonly number[], scale: number): RidgeScore | null => {
    const xr = rescale(sample.x, r);
    // The same draws for every candidate: candidates differ only in their scales.
    const theta = family.init(xr, units, rng.fork(2), scale);
    return finish(bestRidge(family, xr, sample.y, theta, lambdas, folds));
  };
  // The init scale that suits the unscaled inputs stays fixed during the search.
  let initScale = family.initScales[0];
  let base: RidgeScore | null = null;
  for (const s of family.initScales) {
    const g = score(scales, s);
    if (g && (base === null || g.cv < base.cv)) [base, initScale] = [g, s];
  }
  const baseline = base?.cv ?? Number.POSITIVE_INFINITY;
  if (d < 2 || base === null) return { scales, cv: baseline, baseline };
  let best: RidgeScore = base;
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    let changed = false;
    for (let k = 0; k < d; k++) {
      for (const v of RELEVANCE_GRID) {
        if (v === scales[k]) continue;
        const trial = scales.slice();
        trial[k] = v;
        const g = score(trial, initScale);
        // A change must win by more than the folds' noise (select.ts clearlyBetter):
        // on small data the best of D × 5 trials is otherwise a lucky one (docs/defaults.md).
        if (g && clearlyBetter(g, best)) {
          best = g;
          scales[k] = v;
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { scales, cv: best.cv, baseline };
}

function rescale(x: Tensor, r: readonly number[]): Tensor {
  const d = r.length;
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) out[i] = x.data[i] * r[i % d];
  return new Tensor(out, x.shape);
}
