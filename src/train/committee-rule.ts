/**
 * Whether in-memory training fits a committee (committee.ts) instead of one model, and
 * why: `--committee K` decides; under `--committee auto` (the default) small data sets
 * get one. On 24–40
 * training rows the 10% validation split is 3–4 rows, and which rows they are moves the
 * early-stopping epoch, and so the test error, as much as any setting does
 * (docs/defaults.md, "Committee on small data"): averaging members that each validate on
 * a different fold takes that draw out.
 */

/** Under auto, a committee for fewer rows (training + validation) than this. */
export const COMMITTEE_ROWS = 200;

/** Members under auto: every row validates once and trains the other K − 1 members. */
export const AUTO_MEMBERS = 10;

/** 'auto', or a member count (0 or 1: one model, no committee). */
export type CommitteeSetting = number | 'auto';

export interface CommitteeDecision {
  /** Members to fit; 0: no committee. */
  members: number;
  /** The decision was the auto rule's, not --committee K. */
  auto: boolean;
  /** Why, for the summary and the JSON (e.g. "auto: 33 rows < 200"). */
  reason: string;
}

export interface CommitteeCase {
  /** Rows training sees: what would be split into training and validation rows. */
  rows: number;
  valSplit: number;
  /** --val-split was given (not the default): the user asked for one model's held-out split. */
  valSplitGiven: boolean;
  restarts: number;
  bootstrap: number;
  /** --init: one model to continue from, not K. */
  init: boolean;
  solver: string;
}

export function committeeDecision(setting: CommitteeSetting, c: CommitteeCase): CommitteeDecision {
  const auto = setting === 'auto';
  const off = (reason: string): CommitteeDecision => ({ members: 0, auto, reason: auto ? `auto: ${reason}` : reason });
  if (setting !== 'auto' && setting < 2) return off(`--committee ${setting}`);
  // Each member needs its own validation fold to stop on; without validation rows there is nothing to take turns at.
  if (c.valSplit <= 0) return off('no validation rows (--val-split 0)');
  if (auto && c.valSplitGiven) return off(`--val-split ${c.valSplit} was given: one model validates on that split`);
  if (c.restarts > 1) return off('not with --restarts (they choose one start by its validation rows)');
  if (c.bootstrap > 0) return off('not with --bootstrap (its refits resample one model)');
  if (c.init) return off('not with --init');
  if (c.solver === 'lm') return off('not with --solver lm');
  // Every member needs a row to validate on.
  if (c.rows < 2) return off('fewer than 2 rows');
  if (!auto) return { members: Math.min(setting, c.rows), auto, reason: `--committee ${setting}` };
  const small = c.rows < COMMITTEE_ROWS;
  return { members: small ? Math.min(AUTO_MEMBERS, c.rows) : 0, auto, reason: `auto: ${c.rows} rows ${small ? '<' : '≥'} ${COMMITTEE_ROWS}` };
}
