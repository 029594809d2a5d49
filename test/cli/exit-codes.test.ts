/**
 * Exit codes (SPEC section 5) and the shape of error output: one clear
 * `basisfit: error:` message (one or two lines), never a stack trace.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { type CliResult, DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');

function expectCleanError(r: CliResult): void {
  expect(r.stderr, describeRun(r)).toMatch(/^basisfit: error: \S/);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toMatch(/internal error/);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines.length, `SPEC: an error is one or two lines\n${r.stderr}`).toBeLessThanOrEqual(2);
}

describe('exit 2: bad usage', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', ['--frobnicate'], /frobnicate/],
    ['--units 0', ['--units', '0'], /--units/],
    ['--lr -1', ['--lr', '-1'], /--lr/],
    ['--val-split 1', ['--val-split', '1'], /--val-split/],
    ['--batch-size abc', ['--batch-size', 'abc'], /--batch-size/],
    ['unknown --basis', ['--basis', 'fourier'], /basis/],
  ];
  it.each(cases)('%s', async (_name, extra, mentions) => {
    const out = tmp.file(`usage-${_name.replace(/\W+/g, '_')}.json`);
    const r = await runCli(['train', SINC, '--epochs', '2', '--out', out, ...extra]);
    expect(r.code, describeRun(r)).toBe(2);
    expectCleanError(r);
    expect(r.stderr).toMatch(mentions);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('a command without its FILE argument', async () => {
    const r = await runCli(['predict', '--model', 'm.json']);
    expect(r.code, describeRun(r)).toBe(2);
    expectCleanError(r);
  });
});

describe('exit 1: the run failed', () => {
  let model: string;
  beforeAll(async () => {
    model = tmp.file('good-model.json');
    const r = await runCli(['train', SINC, '--units', '3', '--epochs', '2', '--quiet', '--out', model]);
    expect(r.code, describeRun(r)).toBe(0);
  }, HOOK_TIMEOUT_MS);

  it('a non-numeric cell names the file, line and column', async () => {
    const bad = tmp.file('non-numeric.csv');
    writeFileSync(bad, 'x,y\n1,2\n2,abc\n3,4\n');
    const r = await runCli(['train', bad, '--epochs', '2', '--out', tmp.file('never.json')]);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stderr).toContain('non-numeric.csv');
    expect(r.stderr).toMatch(/\b3\b/); // line 3 of the file
    expect(r.stderr).toContain("'y'");
  });

  it('a missing data file', async () => {
    const r = await runCli(['train', tmp.file('does-not-exist.csv'), '--epochs', '2', '--out', tmp.file('never.json')]);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stderr).toContain('does-not-exist.csv');
  });

  it('predict with a model file that is not a basisfit model', async () => {
    const bad = tmp.file('not-a-model.json');
    writeFileSync(bad, JSON.stringify({ format: 'something-else', version: 1 }));
    const r = await runCli(['predict', SINC, '--model', bad]);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stderr).toContain('not-a-model.json');
    expect(r.stdout).toBe('');
  });

  it('predict with a model file that is not JSON', async () => {
    const bad = tmp.file('garbage-model.json');
    writeFileSync(bad, '{"format": "basisfit-model", ');
    const r = await runCli(['predict', SINC, '--model', bad, '--json']);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stdout).toBe('');
  });

  it('predict with a missing model file', async () => {
    const r = await runCli(['predict', SINC, '--model', tmp.file('no-model.json')]);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stderr).toContain('no-model.json');
  });

  it('eval on a file without the model’s feature column', async () => {
    const other = tmp.file('other-columns.csv');
    writeFileSync(other, 'a,y\n1,2\n2,3\n');
    const r = await runCli(['eval', other, '--model', model, '--json']);
    expect(r.code, describeRun(r)).toBe(1);
    expectCleanError(r);
    expect(r.stderr).toContain("'x'");
    expect(r.stdout).toBe('');
  });
});

describe('exit 3: an --expect check failed', () => {
  const out = tmp.file('expect-model.json');
  let r: CliResult;
  beforeAll(async () => {
    r = await runCli(['train', SINC, '--units', '3', '--epochs', '3', '--quiet', '--json', '--out', out, '--expect', 'train.rmse<=0', '--expect', 'train.n>=1']);
  }, HOOK_TIMEOUT_MS);

  it('exits 3 and names the failed check on stderr', () => {
    expect(r.code, describeRun(r)).toBe(3);
    expect(r.stderr).toContain('train.rmse<=0');
    expect(r.stderr).not.toContain('train.n>=1');
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('still prints the JSON result and writes a valid model', () => {
    const doc = parseJsonOutput<{ stopped: string; model: string; train: { rmse: number } }>(r);
    expect(doc.model).toBe(out);
    expect(doc.train.rmse).toBeGreaterThan(0);
    expect(parseModel(readFileSync(out, 'utf8'), out).w).toHaveLength(3);
  });

  it('a passing check exits 0', async () => {
    const ok = await runCli(['train', SINC, '--units', '3', '--epochs', '3', '--quiet', '--json', '--out', tmp.file('expect-ok.json'), '--expect', 'train.rmse>0', '--expect', 'stopped==max-epochs']);
    expect(ok.code, describeRun(ok)).toBe(0);
  });
});
