/**
 * --restarts R: R seeded starts, the best kept by validation loss (training
 * loss without a split), and the result says which start won.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/train/train.js';
import { describeRun, parseJsonOutput, runCli, startCli } from '../helpers/cli.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

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

  it.each(['rbf', 'exp', 'poly'] as const)('%s with one feature: the starts differ (its init lays a fixed grid, which later starts jitter), and start 1 is the single fit', async (basis) => {
    // x > 0 for poly; small enough that exp stays finite.
    const rows = curveRows({ n: 120, lo: 0.2, hi: 3, f: (x) => Math.sin(2 * x) + x, noise: 0.05, seed: 7 });
    const file = writeCsv(tmp.file(`grid-${basis}.csv`), ['x', 'y'], rows);
    const opts = { file, basis, units: 4, epochs: 5, out: null, committee: 0, seed: 4 };
    const one = await train({ ...opts, restarts: 1 });
    const many = await train({ ...opts, restarts: 3 });
    expect(new Set(many.result.restarts.losses).size).toBe(3);
    expect(many.result.restarts.losses[0]).toBe(one.result.restarts.losses[0]);
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

  // --threads 2 runs the starts over the worker pool (src/util/pool.ts), one fit per worker; --threads 1 one after another here.
  // Start 1 always runs here first, timed; BASISFIT_POOL_SERIAL_BELOW=0 sends the rest to the workers however quick they are.
  const poolable = availableParallelism() >= 2;
  const toPool = { BASISFIT_POOL_SERIAL_BELOW: '0' };

  it.runIf(poolable)('gives the same model bytes and result with the starts in 2 workers as one after another', async () => {
    const docs = [];
    for (const [threads, env] of [['1', {}], ['2', toPool], ['2', {}]] as const) {
      const out = tmp.file(`pool-${docs.length}.json`);
      const res = await runCli(['train', bumpy, '--basis', 'tanh', '--units', '8', '--epochs', '60', '--restarts', '5', '--seed', '7', '--threads', threads, '--json', '--quiet', '--out', out], { env });
      expect(res.code, describeRun(res)).toBe(0);
      const { timing: _, model: __, ...doc } = parseJsonOutput<Record<string, unknown>>(res);
      docs.push({ doc, bytes: readFileSync(out, 'utf8') });
    }
    for (const other of docs.slice(1)) {
      expect(other.bytes).toBe(docs[0].bytes);
      expect(other.doc).toEqual(docs[0].doc);
    }
    expect((docs[0].doc.restarts as { count: number }).count).toBe(5);
  }, 90_000);

  describe.runIf(poolable)('interrupted', () => {
    const big = writeCsv(
      tmp.file('big.csv'),
      ['x', 'y'],
      Array.from({ length: 20_000 }, (_, i) => [(i % 6000) / 1000 - 3, Math.sin(i)]),
    );
    const run = async (name: string, epochs: string, waitFor: RegExp) => {
      const dir = tmp.file(name);
      mkdirSync(dir);
      const out = `${dir}/m.json`;
      const cli = startCli(['train', big, '--units', '20', '--epochs', epochs, '--patience', '0', '--restarts', '4', '--threads', '2', '--json', '--out', out], {
        timeoutMs: 110_000,
        env: toPool,
      });
      await cli.waitForStderr(waitFor, 100_000);
      cli.child.kill('SIGINT');
      const r = await cli.done;
      expect(r.code, describeRun(r)).toBe(130);
      const doc = JSON.parse(r.stdout);
      expect(doc.stopped).toBe('interrupted');
      expect(doc.restarts.losses).toHaveLength(doc.restarts.count);
      expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('basisfit-model');
      expect(readdirSync(dir)).toEqual(['m.json']);
      return doc;
    };

    it('during start 1 (in this thread): saves it, exits 130, leaves no temp file', async () => {
      const doc = await run('first', '100000', /^start 1\/4 +epoch \d+\//m);
      // Start 1 was running when the signal came, so the list of starts ends there.
      expect(doc.restarts.count).toBe(1);
    }, 120_000);

    it('while later starts run in workers: keeps the starts up to the first interrupted one', async () => {
      const doc = await run('workers', '200', /^start [234]\/4 +epoch \d+\//m);
      expect(doc.restarts.count).toBeGreaterThanOrEqual(2);
    }, 120_000);
  });
});
