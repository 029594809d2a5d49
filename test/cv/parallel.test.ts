/**
 * docs/cv.md's first recipe, run for real: GNU parallel runs the shards with a
 * --joblog, --resume reruns only what the log lacks, and cv collect merges the
 * lines into the unsharded document. .ci/run installs parallel when missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, DATA_DIR, describeRun, REPO_ROOT, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-cv-parallel-');
const hasParallel = spawnSync('parallel', ['--version'], { stdio: 'ignore' }).status === 0;
const GRID = ['cv', join(DATA_DIR, 'kink.csv'), '--folds', '3', '--basis', 'tanh', '--units', '3,6', '--epochs', '20'];

describe.skipIf(!hasParallel)('GNU parallel runs the shards (docs/cv.md)', () => {
  it('with --joblog and --resume, and cv collect gives the unsharded bytes', async () => {
    const dir = tmp.file('results');
    const log = tmp.file('joblog');
    const run = (extra: string[]) =>
      execFileSync(
        'parallel',
        [...extra, '--joblog', log, '-j', '2', process.execPath, BIN, ...GRID, '--shard', '{}/3', '--results', dir, '--workers', '1', '--quiet', ':::', '0', '1', '2'],
        { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
    run([]);
    const entries = () => readFileSync(log, 'utf8').trim().split('\n').slice(1);
    expect(entries()).toHaveLength(3);
    // Exitval is the 7th column of the joblog.
    expect(entries().map((l) => l.split('\t')[6])).toEqual(['0', '0', '0']);

    // Forget one job: --resume runs only that one again, and it finds its fits already written.
    const kept = readFileSync(log, 'utf8').trim().split('\n');
    const dropped = kept.pop()!;
    writeFileSync(log, `${kept.join('\n')}\n`);
    run(['--resume']);
    expect(entries()).toHaveLength(3);
    expect(entries()[2].split('\t').at(-1)).toBe(dropped.split('\t').at(-1));

    const collected = await runCli(['cv', 'collect', dir, '--json']);
    expect(collected.code, describeRun(collected)).toBe(0);
    const whole = await runCli([...GRID, '--json', '--workers', '2'], { timeoutMs: 120_000 });
    expect(whole.code, describeRun(whole)).toBe(0);
    expect(collected.stdout).toBe(whole.stdout);
  }, 240_000);
});
