/**
 * Whether training searches per-feature input scales (relevance.ts), and why:
 * `--relevance` and `--no-relevance` decide; by default (`auto`) the search
 * runs for rbf when there are rows enough to choose D scales.
 */
import type { BasisName } from '../basis/index.js';

/**
 * Under auto, the search needs this many training rows per feature. The search
 * picks D scales on top of the start's unit count, init scale and λ; the usual
 * rule of thumb for what a regression can estimate is 10–20 rows per chosen
 * parameter, and the conservative end is taken because each scale is the best
 * of five by a K-fold score whose folds hold N/K rows. On the multi-feature
 * benchmark any value from 12 to 25 gives the same decisions (docs/defaults.md).
 */
export const ROWS_PER_SCALE = 20;

/**
 * The families auto searches for. A tanh unit has its own direction and can
 * already turn away from an input; shared scales on top of that measured
 * worse on the larger sets (docs/defaults.md). exp is not measured.
 */
const AUTO_BASES: readonly BasisName[] = ['rbf'];

export type RelevanceSetting = boolean | 'auto';

export interface RelevanceDecision {
  search: boolean;
  /** The decision was the auto rule's, not --relevance / --no-relevance. */
  auto: boolean;
  /** Why, for the summary and the JSON (e.g. "auto: 364 training rows ≥ 20 × 10 features"). */
  reason: string;
}

export interface RelevanceCase {
  basis: BasisName;
  /** Features D. */
  d: number;
  /** Training rows (after the validation split). */
  rows: number;
  /** --init: the model file fixes the inputs' geometry. */
  init: boolean;
  /** The inputs are standardised (the scales multiply standardised inputs). */
  standardized: boolean;
}

export function relevanceDecision(setting: RelevanceSetting, c: RelevanceCase): RelevanceDecision {
  const auto = setting === 'auto';
  const off = (reason: string): RelevanceDecision => ({ search: false, auto, reason: auto ? `auto: ${reason}` : reason });
  if (c.basis === 'poly') return off('not for poly');
  if (c.d < 2) return off('one feature');
  if (c.init) return off('not with --init (the model fixes the input scaling)');
  if (!c.standardized) return off('not with --no-standardize');
  if (!auto) return { search: setting, auto, reason: setting ? '--relevance' : '--no-relevance' };
  if (!AUTO_BASES.includes(c.basis)) return off(`off for ${c.basis} (${AUTO_BASES.join(', ')} only)`);
  const need = ROWS_PER_SCALE * c.d;
  const enough = c.rows >= need;
  return { search: enough, auto, reason: `auto: ${c.rows} training rows ${enough ? '≥' : '<'} ${ROWS_PER_SCALE} × ${c.d} features` };
}
