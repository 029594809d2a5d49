/**
 * The CLI side of the uncertainty (SPEC section 6): train --json's
 * `uncertainty`, the model file's field (validated on load), predict
 * --interval in CSV and JSON, and the errors for a model without it or a bad level.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { curveRows, parseSimpleCsv, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const data = writeCsv(tmp.file('curve.csv'), ['x', 'y'], curveRows({ n: 150, lo: -3, hi: 3, f: Math.sin, noise: 0.2, seed: 3 }));
const query = writeCsv(tmp.file('query.csv'), ['x'], [[-2], [0], [0.5], [2.9]]);
const MODEL = tmp.file('model.json');

interface Report {
  sigma: number;
  dof: number;
  stderr: { w: number[]; b: number | null; theta: (number | null)[][] };
  method: string;
  held_out?: { rows: number; ratio: number; p: number; rescaled: boolean };
}
let doc: { units: number; uncertainty: Report; warnings: string[] };

beforeAll(async () => {
  // One model: the held-out check below needs its 10% split, which a committee (the default on 150 rows) does not make.
  const r = await runCli(['train', data, '--units', '12', '--committee', '0', '--seed', '5', '--json', '--quiet', '--out', MODEL]);
  expect(r.code, describeRun(r)).toBe(0);
  doc = parseJsonOutput(r);
}, HOOK_TIMEOUT_MS);

describe('train --json uncertainty', () => {
  it('has sigma, dof, stderr in the model-file layout and the method', () => {
    const u = doc.uncertainty;
    expect(u.method).toBe('linear-in-w given theta (ridge sandwich, effective dof)');
    // The 15 validation rows agree with σ̂ here (seed 5), so it is the training residuals' own.
    expect(u.held_out).toMatchObject({ rows: 15, rescaled: false });
    expect(u.stderr.w).toHaveLength(12);
    expect(u.stderr.w.every((v) => v > 0)).toBe(true);
    expect(u.stderr.b).toBeGreaterThan(0);
    expect(u.stderr.theta).toHaveLength(12);
    expect(u.stderr.theta.every((row) => row.length === 2 && row.every((v) => v === null))).toBe(true);
    // σ̂ estimates the noise (0.2, in the target's units), ν is below the 135 training rows.
    expect(u.sigma).toBeGreaterThan(0.15);
    expect(u.sigma).toBeLessThan(0.26);
    expect(u.dof).toBeGreaterThan(100);
    expect(u.dof).toBeLessThan(135);
    expect(doc.warnings).toEqual([]);
  });

  it('stores the factor, sigma, dof and method in the model file, and the file loads', () => {
    const m = parseModel(readFileSync(MODEL, 'utf8'), MODEL);
    expect(m.uncertainty!.parameters).toBe('w,b');
    expect(m.uncertainty!.factor).toHaveLength(13);
    expect(m.uncertainty!.factor!.map((r) => r.length)).toEqual(Array.from({ length: 13 }, (_, i) => 13 - i));
    expect(m.uncertainty!.sigma).toBe(doc.uncertainty.sigma);
    expect(m.uncertainty!.dof).toBe(doc.uncertainty.dof);
  });

  it('the summary names sigma, dof, the method and the least certain parameters', async () => {
    const r = await runCli(['train', data, '--units', '12', '--committee', '0', '--seed', '5', '--quiet', '--out', tmp.file('summary-model.json')]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^sigma 0\.\d+ \(dof \d+(\.\d+)?; linear-in-w given theta \(ridge sandwich, effective dof\)\)$/m);
    expect(r.stdout).toMatch(/^largest relative standard errors: (w\[\d+\]|b) [^,]+, (w\[\d+\]|b) [^,]+, (w\[\d+\]|b) /m);
  });

  it('--stream does not estimate it: null', async () => {
    const r = await runCli(['train', data, '--units', '12', '--stream', '--epochs', '5', '--json', '--quiet', '--out', tmp.file('stream-model.json')]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput(r).uncertainty).toBeNull();
  });
});

describe('predict --interval', () => {
  it('CSV: four columns after prediction, ordered lower < prediction < upper, obs wider than mean', async () => {
    const r = await runCli(['predict', query, '--model', MODEL, '--interval', '0.95']);
    expect(r.code, describeRun(r)).toBe(0);
    const csv = parseSimpleCsv(r.stdout);
    expect(csv.header).toEqual(['x', 'prediction', 'mean_ci_lower', 'mean_ci_upper', 'obs_ci_lower', 'obs_ci_upper']);
    for (const row of csv.rows) {
      const [, p, ml, mu, ol, ou] = row.map(Number);
      expect(ol).toBeLessThan(ml);
      expect(ml).toBeLessThan(p);
      expect(p).toBeLessThan(mu);
      expect(mu).toBeLessThan(ou);
      // Symmetric about the prediction (a t interval).
      expect(Math.abs(mu - p - (p - ml))).toBeLessThan(1e-9 * Math.abs(mu - ml) + 1e-12);
      // obs half-width >= t·σ̂, and t(0.975, ν >= 100) > 1.96.
      expect((ou - ol) / 2).toBeGreaterThan(1.96 * doc.uncertainty.sigma);
    }
  });

  it('JSON: the four arrays beside predictions, and the level and method; narrower at a lower level', async () => {
    const r95 = parseJsonOutput<Record<string, number[]> & { interval: { level: number; method: string } }>(await runCli(['predict', query, '--model', MODEL, '--interval', '0.95', '--json']));
    const r50 = parseJsonOutput<Record<string, number[]>>(await runCli(['predict', query, '--model', MODEL, '--interval', '0.5', '--json']));
    expect(Object.keys(r95).sort()).toEqual(['interval', 'mean_ci_lower', 'mean_ci_upper', 'obs_ci_lower', 'obs_ci_upper', 'predictions']);
    expect(r95.interval).toEqual({ level: 0.95, method: doc.uncertainty.method });
    for (let i = 0; i < 4; i++) expect(r50.obs_ci_upper[i] - r50.obs_ci_lower[i]).toBeLessThan(r95.obs_ci_upper[i] - r95.obs_ci_lower[i]);
    expect(r95.predictions).toEqual(r50.predictions);
  });

  it('a model without uncertainty exits 1 and says to re-train', async () => {
    const m = JSON.parse(readFileSync(MODEL, 'utf8'));
    delete m.uncertainty;
    const old = tmp.file('old-model.json');
    writeFileSync(old, JSON.stringify(m));
    // Without --interval it still predicts.
    expect((await runCli(['predict', query, '--model', old])).code).toBe(0);
    const r = await runCli(['predict', query, '--model', old, '--interval', '0.9']);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/has no uncertainty/);
    expect(r.stderr).toMatch(/re-train with this version of basisfit/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it.each(['0', '1', '95', 'abc', '-0.5'])('--interval %s is bad usage (exit 2)', async (level) => {
    const r = await runCli(['predict', query, '--model', MODEL, '--interval', level]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/--interval must be a level strictly between 0 and 1/);
  });
});

describe('the model file uncertainty field is validated on load', () => {
  const cases: [string, (u: Record<string, unknown> & { factor: number[][] }) => void, RegExp][] = [
    ['a short factor row', (u) => u.factor[3].pop(), /uncertainty\.factor\[3\] has 9 numbers, expected 10/],
    ['a missing row', (u) => u.factor.pop(), /uncertainty\.factor has 12 rows, expected 13/],
    ['a null entry', (u) => { (u.factor[0] as unknown[])[1] = null; }, /uncertainty\.factor\[0\]\[1\] is not a finite number/],
    ['sigma 0', (u) => { u.sigma = 0; }, /uncertainty\.sigma must be > 0/],
    ['unknown parameters', (u) => { u.parameters = 'theta'; }, /uncertainty\.parameters must be "w,b" or "w,b,theta"/],
  ];
  it.each(cases)('%s', async (_name, damage, message) => {
    const m = JSON.parse(readFileSync(MODEL, 'utf8'));
    damage(m.uncertainty);
    const bad = tmp.file('bad-model.json');
    writeFileSync(bad, JSON.stringify(m));
    expect(() => parseModel(JSON.stringify(m), bad)).toThrow(message);
    const r = await runCli(['predict', query, '--model', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
