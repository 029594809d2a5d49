/** `basisfit train` on multi-feature data: the relevance search's auto rule and the flags that force it, in the JSON and the summary. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROWS_PER_SCALE } from '../../src/train/relevance-rule.js';
import { type CliResult, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli } from '../helpers/cli.js';
import { uniform, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-cli-relevance-');

interface RelevanceDoc {
  relevance?: Record<string, number>;
  relevance_search?: { auto: boolean; searched: boolean; reason: string; cv_rmse?: number; baseline_cv_rmse?: number };
}

/** y = sin(2·x1) + x2², x3 unused: 200 rows, 180 of them training rows for 3 features. */
function file(): string {
  const u = uniform(11);
  const rows = Array.from({ length: 200 }, () => {
    const x = [0, 0, 0].map(() => 4 * u() - 2);
    return [...x, Math.sin(2 * x[0]) + x[1] * x[1] + 0.05 * (u() - 0.5)];
  });
  return writeCsv(tmp.file('three.csv'), ['a', 'b', 'c', 'y'], rows);
}

describe('train --relevance (auto by default)', () => {
  const runs: Record<string, CliResult> = {};
  beforeAll(async () => {
    const csv = file();
    const common = ['train', csv, '--units', '5', '--epochs', '2', '--out', tmp.file('m.json')];
    const [auto, off, on, summary] = await Promise.all([
      runCli([...common, '--json', '--quiet']),
      runCli([...common, '--no-relevance', '--json', '--quiet']),
      runCli([...common, '--basis', 'tanh', '--relevance', '--json', '--quiet']),
      runCli([...common, '--quiet']),
    ]);
    Object.assign(runs, { auto, off, on, summary });
  }, HOOK_TIMEOUT_MS);

  it('searches by default for rbf with enough rows per feature, and says why in the JSON', () => {
    expect(runs.auto.code, describeRun(runs.auto)).toBe(0);
    const doc = parseJsonOutput<RelevanceDoc>(runs.auto);
    expect(doc.relevance_search).toMatchObject({ auto: true, searched: true, reason: `auto: 180 training rows ≥ ${ROWS_PER_SCALE} × 3 features` });
    expect(doc.relevance_search!.cv_rmse).toBeLessThanOrEqual(doc.relevance_search!.baseline_cv_rmse!);
  });

  it('--no-relevance turns it off, --relevance on (also for tanh, which auto leaves alone)', () => {
    const off = parseJsonOutput<RelevanceDoc>(runs.off);
    expect(off.relevance).toBeUndefined();
    expect(off.relevance_search).toEqual({ auto: false, searched: false, reason: '--no-relevance' });
    const on = parseJsonOutput<RelevanceDoc>(runs.on);
    expect(on.relevance_search).toMatchObject({ auto: false, searched: true, reason: '--relevance' });
  });

  it('the summary names the rule', () => {
    expect(runs.summary.code, describeRun(runs.summary)).toBe(0);
    expect(runs.summary.stdout).toContain(`input scales chosen by cross-validation (auto: 180 training rows ≥ ${ROWS_PER_SCALE} × 3 features)`);
  });

  it('--stream with --relevance fails with one line: the search needs the rows in memory', async () => {
    const r = await runCli(['train', file(), '--stream', '--relevance', '--out', tmp.file('s.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^basisfit: error: --relevance searches input scales on the training rows in memory, which --stream does not keep/);
  });
});
