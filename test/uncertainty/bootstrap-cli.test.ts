/**
 * train --bootstrap B through the built binary: the JSON report, the model
 * file's refits (the same bytes for any thread count), predict --interval's
 * percentile bands, and the refusals and model-file checks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { curveRows, parseSimpleCsv, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const data = writeCsv(tmp.file('curve.csv'), ['x', 'y'], curveRows({ n: 120, lo: -3, hi: 3, f: Math.sin, noise: 0.2, seed: 5 }));
const query = writeCsv(tmp.file('query.csv'), ['x'], [[-2.5], [-1], [0], [1.5], [2.9]]);
const MODEL = tmp.file('boot.json');
const B = 30;
const TRAIN = ['train', data, '--units', '8', '--bootstrap', String(B), '--json', '--quiet'];

interface Report {
  sigma: number;
  dof: number;
  stderr: { w: number[]; b: number | null; theta: (number | null)[][] };
  method: string;
  replicates: number;
}
let doc: { uncertainty: Report; warnings: string[] };

beforeAll(async () => {
  const r = await runCli([...TRAIN, '--threads', '1', '--out', MODEL]);
  expect(r.code, describeRun(r)).toBe(0);
  doc = parseJsonOutput(r);
}, HOOK_TIMEOUT_MS);

describe('train --bootstrap', () => {
  it('reports the refits, with a standard error for every stored parameter, theta included', () => {
    const u = doc.uncertainty;
    expect(u.method).toBe(`bootstrap percentile (${B} refits on resampled rows, warm-started from the fit)`);
    expect(u.replicates).toBe(B);
    expect(u.stderr.w).toHaveLength(8);
    expect(u.stderr.w.every((v) => v > 0)).toBe(true);
    expect(u.stderr.b).toBeGreaterThan(0);
    expect(u.stderr.theta.every((row) => row.length === 2 && row.every((v) => v !== null && v > 0))).toBe(true);
    expect(u.sigma).toBeGreaterThan(0.15);
    expect(u.sigma).toBeLessThan(0.26);
  });

  it('stores B refits shaped like the model, and the residual pool sorted', () => {
    const m = JSON.parse(readFileSync(MODEL, 'utf8'));
    expect(m.uncertainty.factor).toBeUndefined();
    expect(m.uncertainty.bootstrap.replicates).toHaveLength(B);
    for (const r of m.uncertainty.bootstrap.replicates) {
      expect(r.theta).toHaveLength(8);
      expect(r.w).toHaveLength(8);
      expect(typeof r.b).toBe('number');
    }
    const pool: number[] = m.uncertainty.bootstrap.residuals;
    expect(pool.length).toBeGreaterThan(90);
    for (let i = 1; i < pool.length; i++) expect(pool[i]).toBeGreaterThanOrEqual(pool[i - 1]);
  });

  it('writes the same model bytes with the refits in 2 pool workers as one after another', async () => {
    const two = tmp.file('boot-2.json');
    // 0: past the first refit, every refit goes to the workers, however quick they are.
    const r = await runCli([...TRAIN, '--threads', '2', '--out', two], { env: { BASISFIT_POOL_SERIAL_BELOW: '0' } });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(MODEL, 'utf8'));
  }, 60_000);

  it('is refused with --stream, before any work (exit 2)', async () => {
    const r = await runCli(['train', data, '--stream', '--bootstrap', '5', '--out', tmp.file('s.json')]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--bootstrap refits on the training rows in memory, which --stream does not keep/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it.each(['-1', 'abc', '2.5'])('--bootstrap %s is bad usage (exit 2)', async (v) => {
    const r = await runCli(['train', data, '--bootstrap', v, '--out', tmp.file('x.json')]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--bootstrap/);
  });
});

describe('predict --interval from the refits', () => {
  it('gives percentile bands around the prediction, the observation band the wider, with the bootstrap named', async () => {
    const r = await runCli(['predict', query, '--model', MODEL, '--interval', '0.9', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const j = parseJsonOutput<Record<string, number[]> & { interval: { level: number; method: string } }>(r);
    expect(j.interval).toEqual({ level: 0.9, method: doc.uncertainty.method });
    for (let i = 0; i < 5; i++) {
      expect(j.obs_ci_lower[i]).toBeLessThan(j.mean_ci_lower[i]);
      expect(j.mean_ci_lower[i]).toBeLessThan(j.predictions[i]);
      expect(j.predictions[i]).toBeLessThan(j.mean_ci_upper[i]);
      expect(j.mean_ci_upper[i]).toBeLessThan(j.obs_ci_upper[i]);
      // A 90% band for a new observation is about 2·1.645·σ wide.
      const width = j.obs_ci_upper[i] - j.obs_ci_lower[i];
      expect(width / (2 * 1.645 * doc.uncertainty.sigma)).toBeGreaterThan(0.8);
      expect(width / (2 * 1.645 * doc.uncertainty.sigma)).toBeLessThan(1.4);
    }
    const csv = parseSimpleCsv((await runCli(['predict', query, '--model', MODEL, '--interval', '0.9'])).stdout);
    expect(csv.rows.map((row) => Number(row[5]))).toEqual(j.obs_ci_upper);
  });
});

describe('the refits in a model file are validated on load', () => {
  const cases: [string, (u: { bootstrap: { replicates: { theta: number[][]; w: number[] }[]; residuals: number[] }; factor?: unknown }) => void, RegExp][] = [
    ['an unsorted pool', (u) => u.bootstrap.residuals.reverse(), /uncertainty\.bootstrap\.residuals must be sorted/],
    ['a short theta row', (u) => u.bootstrap.replicates[4].theta[2].pop(), /uncertainty\.bootstrap\.replicates\[4\]\.theta\[2\] must be a list of 2 numbers/],
    ['a missing weight', (u) => u.bootstrap.replicates[0].w.pop(), /uncertainty\.bootstrap\.replicates\[0\]\.w must be a list of 8 numbers/],
    ['one refit only', (u) => u.bootstrap.replicates.splice(1), /replicates must be a list of 2 to 10000 refits/],
    ['a factor as well', (u) => { u.factor = [[1]]; }, /has both a factor and bootstrap refits/],
  ];
  it.each(cases)('%s', async (_name, damage, message) => {
    const m = JSON.parse(readFileSync(MODEL, 'utf8'));
    damage(m.uncertainty);
    const bad = tmp.file('bad-boot.json');
    writeFileSync(bad, JSON.stringify(m));
    const r = await runCli(['predict', query, '--model', bad]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
