/** What predict --interval adds to the predict command: the level's parsing and the extra columns. */
import { parseNumber } from '../data/number.js';
import { UsageError } from '../errors.js';
import type { Intervals } from './intervals.js';

/** The four columns after `prediction` (SPEC section 6), in order. */
export const INTERVAL_COLUMNS = ['mean_ci_lower', 'mean_ci_upper', 'obs_ci_lower', 'obs_ci_upper'] as const;

/** --interval LEVEL: a number strictly between 0 and 1 (exit 2 otherwise). */
export function parseLevel(v: unknown): number {
  const text = String(v).trim();
  const n = parseNumber(text);
  if (text === '' || !Number.isFinite(n) || n <= 0 || n >= 1) {
    throw new UsageError(`--interval must be a level strictly between 0 and 1, got '${v}'`, 'e.g. --interval 0.95 for 95% intervals');
  }
  // The bands take the (1 + LEVEL)/2 quantile: for the largest double below 1 that rounds to 1.
  if ((1 + n) / 2 >= 1) throw new UsageError(`--interval ${v} is 1 to within double precision: its bands would be infinite`, 'use at most --interval 0.9999999999999998');
  return n;
}

/** The interval cells of row i, as CSV text. */
export function intervalCells(iv: Intervals, i: number): string[] {
  return [iv.meanLower[i], iv.meanUpper[i], iv.obsLower[i], iv.obsUpper[i]].map(String);
}

/** The --json document's additions: the four arrays beside `predictions`, and what they are. */
export function intervalJson(iv: Intervals): Record<string, unknown> {
  return {
    mean_ci_lower: Array.from(iv.meanLower),
    mean_ci_upper: Array.from(iv.meanUpper),
    obs_ci_lower: Array.from(iv.obsLower),
    obs_ci_upper: Array.from(iv.obsUpper),
    interval: { level: iv.level, method: iv.method },
  };
}
