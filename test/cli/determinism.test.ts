/** SPEC: same data + options + seed gives the same model file, byte for byte. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');

/** Trains with the given seed and extra options and returns the model file's bytes. */
async function modelBytes(name: string, seed: number, extra: string[] = []): Promise<Buffer> {
  const out = tmp.file(`${name}.json`);
  const r = await runCli(['train', SINC, '--units', '5', '--epochs', '8', '--seed', String(seed), '--quiet', '--out', out, ...extra]);
  expect(r.code, describeRun(r)).toBe(0);
  return readFileSync(out);
}

describe.each([
  ['full batch', []],
  ['--batch-size 32', ['--batch-size', '32']],
])('%s', (_name, extra) => {
  let a: Buffer;
  let b: Buffer;
  let other: Buffer;
  beforeAll(async () => {
    const tag = extra.join('') || 'full';
    [a, b, other] = await Promise.all([modelBytes(`${tag}-seed7-a`, 7, extra), modelBytes(`${tag}-seed7-b`, 7, extra), modelBytes(`${tag}-seed8`, 8, extra)]);
  }, HOOK_TIMEOUT_MS);

  it('two runs with the same seed write byte-identical model files', () => {
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(b)).toBe(true);
  });

  it('a different seed writes a different model', () => {
    const pa = JSON.parse(a.toString('utf8'));
    const po = JSON.parse(other.toString('utf8'));
    expect(po.training.seed).toBe(8);
    // Not only the recorded seed: the fitted parameters differ.
    expect(po.theta).not.toEqual(pa.theta);
    expect(po.w).not.toEqual(pa.w);
  });
});
