/**
 * --solver lm on several threads: the row blocks are factored by the gradient's
 * worker threads and added in block order, so the model file is the same bytes
 * for any --threads. Through the CLI, since the workers run from dist/.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeRun, parseJsonOutput, runCli } from '../helpers/cli.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-lm-threads-');
let wide = '';

beforeAll(() => {
  // 9000 rows: three blocks of 4096, the last one short.
  wide = writeCsv(tmp.file('wide.csv'), ['x', 'y'], curveRows({ n: 9000, lo: -6, hi: 6, f: (x) => Math.sin(x) / (1 + x * x), noise: 0.05, seed: 3 }));
});

describe('train --solver lm --threads', () => {
  it('gives the same model file on 1, 2 and 3 threads', async () => {
    const run = async (threads: number) => {
      const out = tmp.file(`lm-threads-${threads}.json`);
      const r = await runCli(['train', wide, '--solver', 'lm', '--basis', 'rbf', '--units', '6', '--epochs', '4', '--threads', String(threads), '--json', '--quiet', '--out', out]);
      expect(r.code, describeRun(r)).toBe(0);
      const doc = parseJsonOutput<{ epochs: number; solver: { name: string } }>(r);
      expect(doc.solver.name).toBe('lm');
      expect(doc.epochs).toBeGreaterThan(0);
      return readFileSync(out, 'utf8');
    };
    const one = await run(1);
    expect(await run(2)).toBe(one);
    expect(await run(3)).toBe(one);
  });
});

describe('train --threads, in memory', () => {
  // The gradient's chunks summed in chunk order, the varpro solve's features, column sums and
  // Gram products computed on each chunk's own thread (three chunks: on 2 threads the main thread
  // holds two, on 3 each thread one) and added in chunk order, the fixed rows copied to shared
  // memory once: none of it may move a bit.
  it.each(['gd', 'varpro'])('--solver %s gives the same model file on 1, 2 and 3 threads', async (solver) => {
    const run = async (threads: number) => {
      const out = tmp.file(`${solver}-threads-${threads}.json`);
      const r = await runCli(['train', wide, '--solver', solver, '--units', '6', '--epochs', '4', '--patience', '0', '--threads', String(threads), '--quiet', '--out', out]);
      expect(r.code, describeRun(r)).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const one = await run(1);
    expect(await run(2)).toBe(one);
    expect(await run(3)).toBe(one);
  });
});
