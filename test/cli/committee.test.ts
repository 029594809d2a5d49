/** `basisfit train` on small data: --committee auto (the rule, and the default), K and 0, in the JSON and the summary. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommitteeReport } from '../../src/train/committee.js';
import { AUTO_MEMBERS, COMMITTEE_ROWS } from '../../src/train/committee-rule.js';
import { type CliResult, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli } from '../helpers/cli.js';
import { uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-cli-committee-');

interface CommitteeDoc {
  units: number;
  validation: { n: number; mse: number } | null;
  committee?: CommitteeReport;
}

/** y = sin(2·x1) + x2: 36 rows of 2 features. */
function file(): string {
  const u = uniform(5);
  const rows = Array.from({ length: 36 }, () => {
    const x = [4 * u() - 2, 4 * u() - 2];
    return [...x, Math.sin(2 * x[0]) + x[1] + 0.1 * (u() - 0.5)];
  });
  return writeCsv(tmp.file('small.csv'), ['a', 'b', 'y'], rows);
}

describe('train --committee', () => {
  const runs: Record<string, CliResult> = {};
  beforeAll(async () => {
    const csv = file();
    const common = ['train', csv, '--epochs', '5', '--out', tmp.file('m.json')];
    // Plain descent at a rate this large diverges in some members (not all) on these rows.
    const hot = [...common, '--solver', 'gd', '--optimizer', 'sgd', '--lr', '20', '--epochs', '50'];
    const [auto, off, three, summary, plain, bad, split, diverged, divergedSummary] = await Promise.all([
      runCli([...common, '--json', '--quiet']),
      runCli([...common, '--committee', '0', '--json', '--quiet']),
      runCli([...common, '--committee', '3', '--json', '--quiet']),
      runCli([...common, '--quiet']),
      runCli([...common, '--committee', '0', '--quiet']),
      runCli([...common, '--committee', 'two']),
      runCli([...common, '--val-split', '0.2', '--json', '--quiet']),
      runCli([...hot, '--json', '--quiet']),
      runCli([...hot, '--quiet']),
    ]);
    Object.assign(runs, { auto, off, three, summary, plain, bad, split, diverged, divergedSummary });
  }, HOOK_TIMEOUT_MS);

  it('the default (--committee auto) averages members on small data and says why in the JSON', () => {
    expect(runs.auto.code, describeRun(runs.auto)).toBe(0);
    const doc = parseJsonOutput<CommitteeDoc>(runs.auto);
    expect(doc.committee).toMatchObject({ auto: true, members: AUTO_MEMBERS, reason: `auto: 36 rows < ${COMMITTEE_ROWS}` });
    expect(doc.units).toBe(AUTO_MEMBERS * doc.committee!.units_per_member!);
    expect(doc.committee!.diverged).toBe(0);
    expect(doc.committee!.member_validation_rmse).toHaveLength(AUTO_MEMBERS);
    expect(doc.validation!.n).toBe(36);
    expect(doc.committee!.out_of_fold_rows).toBe(36);
  });

  it('with diverged members, scores out-of-fold on the rows the kept members held out, and says how many', () => {
    expect(runs.diverged.code, describeRun(runs.diverged)).toBe(0);
    const doc = parseJsonOutput<CommitteeDoc>(runs.diverged);
    const k = doc.committee!;
    const d = k.diverged!;
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(AUTO_MEMBERS);
    expect(k.member_validation_rmse).toHaveLength(AUTO_MEMBERS - d);
    // 36 rows in 10 folds are folds of 3 and 4 rows; a diverged member's fold has no held-out prediction.
    const n = doc.validation!.n;
    expect(k.out_of_fold_rows).toBe(n);
    expect(n).toBeGreaterThanOrEqual(36 - 4 * d);
    expect(n).toBeLessThanOrEqual(36 - 3 * d);
    // The pooled mean square lies between the kept members' own (each over its fold).
    const mse = k.member_validation_rmse!.map((r) => r * r);
    expect(doc.validation!.mse).toBeGreaterThanOrEqual(Math.min(...mse) * (1 - 1e-12));
    expect(doc.validation!.mse).toBeLessThanOrEqual(Math.max(...mse) * (1 + 1e-12));
    expect(runs.divergedSummary.code, describeRun(runs.divergedSummary)).toBe(0);
    expect(runs.divergedSummary.stdout).toContain(`out-of-fold: ${n} of 36 rows (the folds of the ${d} member${d === 1 ? '' : 's'} that diverged have no held-out prediction)`);
    expect(runs.divergedSummary.stdout).toMatch(new RegExp(`out-of-fold +${n} `));
  });

  it('--committee 0 fits one model, --committee K fits K', () => {
    const off = parseJsonOutput<CommitteeDoc>(runs.off);
    expect(off.committee).toBeUndefined();
    expect(off.validation!.n).toBeLessThan(36);
    const three = parseJsonOutput<CommitteeDoc>(runs.three);
    expect(three.committee).toMatchObject({ auto: false, members: 3, reason: '--committee 3' });
  });

  it('a given --val-split means one model validated on that split, and says so', () => {
    expect(runs.split.code, describeRun(runs.split)).toBe(0);
    const doc = parseJsonOutput<CommitteeDoc>(runs.split);
    expect(doc.committee).toMatchObject({ auto: true, members: 0, reason: 'auto: --val-split 0.2 was given: one model validates on that split' });
    expect(doc.validation!.n).toBe(7);
  });

  it('the summary names the committee and the rule, and scores out-of-fold', () => {
    expect(runs.summary.code, describeRun(runs.summary)).toBe(0);
    expect(runs.summary.stdout).toMatch(new RegExp(`committee: ${AUTO_MEMBERS} members of \\d+ units averaged \\(auto: 36 rows < ${COMMITTEE_ROWS}\\)`));
    expect(runs.summary.stdout).toMatch(/out-of-fold +36 /);
    expect(runs.plain.stdout).not.toMatch(/^committee:/m);
    expect(runs.plain.stdout).toMatch(/validation +\d+ /);
  });

  it('rejects a member count that is not a whole number', () => {
    expect(runs.bad.code).toBe(2);
    expect(runs.bad.stderr).toContain("--committee must be 'auto' or a whole number");
  });
});
