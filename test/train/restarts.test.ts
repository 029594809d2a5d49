/**
 * --restarts R: R seeded starts, the best kept by validation loss (training
 * loss without a split), and the result says which start won.
 */
import { describe, expect, it } from 'vitest';
import { train } from '../../src/train/train.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';
import { describeRun, parseJsonOutput, runCli } from '../helpers/cli.js';

const tmp = useTmpdir();
const bumpy = writeCsv(
  tmp.file('bumpy.csv'),
  ['x', 'y'],
  curveRows({ n: 240, lo: -3, hi: 3, f: (x) => Math.sin(2 * x) + 0.3 * Math.abs(x), noise: 0.1, seed: 5 }),
);
const base = { file: bumpy, basis: 'tanh' as const, units: 8, epochs: 40, out: null };

function variance(ys: Float64Array): number {
  const m = ys.reduce((s, v) => s + v, 0) / ys.length;
  return ys.reduce((s, v) => s + (v - m) ** 2, 0) / ys.length;
}

describe('train --restarts', () => {
  it('reports every start and keeps the one with the lowest validation loss', async () => {
    const { result, model, rows } = await train({ ...base, restarts: 4, seed: 3 });
    const r = result.restarts;
    expect(r.count).toBe(4);
    expect(r.losses).toHaveLength(4);
    expect(r.best).toBeGreaterThanOrEqual(1);
    expect(r.best).toBeLessThanOrEqual(4);
    expect(r.losses[r.best - 1]).toBe(Math.min(...r.losses));
    // The starts really differ: otherwise the choice would mean nothing.
    expect(new Set(r.losses).size).toBeGreaterThan(1);
    // The winner's loss is the kept model's validation MSE (standardised units).
    expect(model).not.toBeNull();
    const scale = model!.scaling!.y.std ** 2;
    expect(r.losses[r.best - 1] * scale).toBeCloseTo(result.validation!.mse, 10);
    expect(rows.validation).not.toBeNull();
    expect(result.validation!.mse).toBeLessThan(variance(rows.validation!.y));
  });

  it.each([1, 2, 3, 4, 5])('never selects a worse start than --restarts 1 (seed %i)', async (seed) => {
    const one = (await train({ ...base, restarts: 1, seed })).result.restarts;
    const three = (await train({ ...base, restarts: 3, seed })).result.restarts;
    // Start 1 is the same run whatever R is, so more restarts only add candidates.
    expect(three.losses[0]).toBe(one.losses[0]);
    expect(Math.min(...three.losses)).toBeLessThanOrEqual(one.losses[0]);
    expect(three.losses[three.best - 1]).toBeLessThanOrEqual(one.losses[one.best - 1]);
  });

  it('compares starts by training loss without a validation split', async () => {
    const { result } = await train({ ...base, restarts: 3, seed: 2, valSplit: 0 });
    expect(result.validation).toBeNull();
    const r = result.restarts;
    expect(r.losses[r.best - 1]).toBe(Math.min(...r.losses));
    expect(r.losses.every(Number.isFinite)).toBe(true);
  });

  it('says which start won in the CLI JSON result', async () => {
    const out = tmp.file('restarts-model.json');
    const res = await runCli(['train', bumpy, '--basis', 'tanh', '--units', '8', '--epochs', '30', '--restarts', '3', '--seed', '4', '--json', '--quiet', '--out', out]);
    expect(res.code, describeRun(res)).toBe(0);
    const doc = parseJsonOutput<{ restarts: { count: number; best: number; losses: number[] } }>(res);
    expect(doc.restarts.count).toBe(3);
    expect(doc.restarts.losses).toHaveLength(3);
    expect(doc.restarts.losses[doc.restarts.best - 1]).toBe(Math.min(...doc.restarts.losses));
  });
});
