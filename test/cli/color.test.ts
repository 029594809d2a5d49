/**
 * NO_COLOR and --no-color turn colour off on both channels. FORCE_COLOR=1 is
 * set in every run, so colour would otherwise be on even without a terminal:
 * the control case shows the assertions can fail.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANSI, DATA_DIR, describeRun, HOOK_TIMEOUT_MS, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');
const FORCE = { FORCE_COLOR: '1' };
const model = tmp.file('model.json');

beforeAll(async () => {
  const r = await runCli(['train', SINC, '--units', '3', '--epochs', '2', '--quiet', '--out', model]);
  expect(r.code, describeRun(r)).toBe(0);
}, HOOK_TIMEOUT_MS);

/** Human-readable runs that colour stdout (summary, tables) and stderr (progress, warnings, check failures). */
const commands: [string, () => string[]][] = [
  ['train', () => ['train', SINC, '--units', '3', '--epochs', '3', '--out', tmp.file('colour-train.json'), '--expect', 'train.rmse<0']],
  ['eval', () => ['eval', SINC, '--model', model]],
  ['grad', () => ['grad', SINC, '--model', model]],
];

describe.concurrent.each(commands)('%s', (_name, args) => {
  it('control: with FORCE_COLOR=1 alone the output has ANSI escapes', async () => {
    const r = await runCli(args(), { env: FORCE });
    expect(r.stdout + r.stderr, describeRun(r)).toMatch(ANSI);
  });

  it('NO_COLOR=1: no ANSI escapes on stdout or stderr', async () => {
    const r = await runCli(args(), { env: { ...FORCE, NO_COLOR: '1' } });
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout, describeRun(r)).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it('--no-color: no ANSI escapes on stdout or stderr', async () => {
    const r = await runCli([...args(), '--no-color'], { env: FORCE });
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(r.stdout, describeRun(r)).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });
});

it('errors carry no ANSI escapes under NO_COLOR', async () => {
  const r = await runCli(['train', tmp.file('missing.csv')], { env: { ...FORCE, NO_COLOR: '1' } });
  expect(r.code, describeRun(r)).toBe(1);
  expect(r.stderr).not.toMatch(ANSI);
});
