/**
 * SIGINT during training (SPEC section 5): the best model so far is saved
 * atomically, --json reports stopped "interrupted", and the exit code is 130.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { type CliResult, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, STACK_LINE, startCli } from '../helpers/cli.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
// Big enough that one full-batch epoch takes a noticeable fraction of a second.
const data = writeCsv(tmp.file('big.csv'), ['x', 'y'], curveRows({ n: 20_000, lo: -3, hi: 3, f: Math.sin, noise: 0.1, seed: 5 }));
const EPOCHS = 100_000;
const out = tmp.file('interrupted-model.json');

describe('SIGINT during train --json', () => {
  let r: CliResult;
  let signalledAt = 0;

  beforeAll(async () => {
    const cli = startCli(['train', data, '--epochs', String(EPOCHS), '--patience', '0', '--json', '--out', out], { timeoutMs: 50_000 });
    await cli.waitForStderr(/^epoch \d+\//m, 40_000);
    cli.child.kill('SIGINT');
    signalledAt = Date.now();
    r = await cli.done;
  }, HOOK_TIMEOUT_MS);

  it('exits 130, soon after the signal', () => {
    expect(r.code, describeRun(r)).toBe(130);
    expect(r.signal).toBeNull();
    // It finishes the current step, not the remaining epochs.
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
  });

  it('prints one JSON document with stopped "interrupted"', () => {
    const doc = parseJsonOutput<{ stopped: string; epochs: number; model: string }>(r);
    expect(doc.stopped).toBe('interrupted');
    expect(doc.epochs).toBeGreaterThanOrEqual(1);
    expect(doc.epochs).toBeLessThan(EPOCHS);
    expect(doc.model).toBe(out);
  });

  it('writes a valid model file that records the interruption', () => {
    const model = parseModel(readFileSync(out, 'utf8'), out);
    expect(model.basis).toBe('rbf');
    expect(model.w.every(Number.isFinite)).toBe(true);
    expect((model.training as { stopped?: string }).stopped).toBe('interrupted');
  });

  it('says so on stderr, without a stack trace', () => {
    expect(r.stderr).toMatch(/interrupt/i);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
