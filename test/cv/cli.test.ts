import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-cv-');
const SINC = join(DATA_DIR, 'sinc.csv');
// Small and quick: 2 bases × 2 unit counts × 3 folds = 12 fits of at most 20 epochs.
const GRID = ['cv', SINC, '--folds', '3', '--basis', 'rbf,tanh', '--units', '4,8', '--epochs', '20', '--seed', '3'];
const TIMEOUT = { timeoutMs: 120_000 };

describe('basisfit cv', () => {
  let one: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    one = await runCli([...GRID, '--json', '--workers', '1'], TIMEOUT);
  }, HOOK_TIMEOUT_MS * 2);

  it('prints one JSON document with every cell, its fold metrics and the two choices', () => {
    expect(one.code, describeRun(one)).toBe(0);
    const doc = parseJsonOutput<{
      cells: { options: Record<string, unknown>; rmse: { mean: number; sd: number }; folds: { n: number }[] }[];
      grid: Record<string, unknown[]>;
      best: { cell: number };
      one_se: { cell: number; threshold: number };
      chosen: number;
    }>(one);
    expect(doc.grid).toEqual({ basis: ['rbf', 'tanh'], units: [4, 8] });
    expect(doc.cells.map((c) => c.options)).toEqual([
      { basis: 'rbf', units: 4 }, { basis: 'rbf', units: 8 }, { basis: 'tanh', units: 4 }, { basis: 'tanh', units: 8 },
    ]);
    for (const c of doc.cells) {
      expect(c.folds.map((f) => f.n).reduce((a, b) => a + b, 0)).toBe(400);
      expect(c.rmse.mean).toBeGreaterThan(0);
      expect(c.rmse.sd).toBeGreaterThan(0);
    }
    const best = Math.min(...doc.cells.map((c) => c.rmse.mean));
    expect(doc.cells[doc.best.cell].rmse.mean).toBe(best);
    expect(doc.cells[doc.one_se.cell].rmse.mean).toBeLessThanOrEqual(doc.one_se.threshold);
    expect(doc.chosen).toBe(doc.one_se.cell);
  });

  it('prints nothing about progress on stderr with --json', () => {
    expect(one.stderr).not.toMatch(/fits done/);
  });

  it('gives the same bytes on 2 workers as on 1', async () => {
    const two = await runCli([...GRID, '--json', '--workers', '2'], TIMEOUT);
    expect(two.code, describeRun(two)).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  }, 120_000);

  it('gives the same bytes from 3 shards and cv collect as unsharded, and a rerun skips finished fits', async () => {
    const dir = tmp.file('shards');
    for (const i of [0, 1, 2]) {
      const r = await runCli([...GRID, '--shard', `${i}/3`, '--results', dir, '--workers', '1', '--quiet'], TIMEOUT);
      expect(r.code, describeRun(r)).toBe(0);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('fit-'))).toHaveLength(12);
    const collected = await runCli(['cv', 'collect', dir, '--json'], TIMEOUT);
    expect(collected.code, describeRun(collected)).toBe(0);
    expect(collected.stdout).toBe(one.stdout);

    rmSync(join(dir, 'fit-000004.jsonl'));
    const again = await runCli([...GRID, '--shard', '1/3', '--results', dir, '--json'], TIMEOUT);
    expect(again.code, describeRun(again)).toBe(0);
    expect(parseJsonOutput(again)).toMatchObject({ tasks: 4, ran: 1, skipped: 3, left: 0 });
    expect((await runCli(['cv', 'collect', dir, '--json'])).stdout).toBe(one.stdout);
  }, 240_000);

  it('takes the shard from JOB_COMPLETION_INDEX and JOB_COMPLETIONS', async () => {
    const dir = tmp.file('k8s');
    const r = await runCli([...GRID, '--results', dir, '--json'], { ...TIMEOUT, env: { JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '4' } });
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput(r)).toMatchObject({ shard: '1/4', tasks: 3, ran: 3 });
    expect(readdirSync(dir).filter((f) => f.startsWith('fit-')).sort()).toEqual(['fit-000001.jsonl', 'fit-000005.jsonl', 'fit-000009.jsonl']);
    const line = JSON.parse(readFileSync(join(dir, 'fit-000005.jsonl'), 'utf8'));
    expect(line).toMatchObject({ task: 5, cell: 1, fold: 2, options: { basis: 'rbf', units: 8 }, n: 133 });
  }, 120_000);

  it('collect of an incomplete folder says which fits are missing and exits 2', async () => {
    const r = await runCli(['cv', 'collect', tmp.file('k8s')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds 3 of 12 fits/);
    expect(r.stderr).toMatch(/run the missing shards/);
  });

  it('refuses a results folder of another run', async () => {
    const r = await runCli([...GRID, '--seed', '4', '--results', tmp.file('k8s'), '--shard', '0/4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds the results of another run/);
  });

  it('--refit trains the 1-SE cell on all rows and writes a model eval can use', async () => {
    const model = tmp.file('refit.json');
    const r = await runCli([...GRID, '--json', '--refit', model, '--workers', '2'], TIMEOUT);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ chosen: number; cells: { options: { basis: string; units: number } }[]; refit: { cell: number; model: string } }>(r);
    expect(doc.refit.cell).toBe(doc.chosen);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.basis).toBe(doc.cells[doc.chosen].options.basis);
    expect(saved.w).toHaveLength(doc.cells[doc.chosen].options.units);
    expect((await runCli(['eval', SINC, '--model', model, '--json'])).code).toBe(0);
  }, 120_000);

  it('passes the options that are not grid axes to every fit and to the refit (--no-intercept, --tol)', async () => {
    const small = ['cv', SINC, '--folds', '2', '--units', '4', '--epochs', '5', '--seed', '3', '--json', '--workers', '1'];
    const model = tmp.file('no-intercept.json');
    const [withB, withoutB] = await Promise.all([
      runCli(small, TIMEOUT),
      runCli([...small, '--no-intercept', '--solver', 'lm', '--tol', '0.01', '--refit', model], TIMEOUT),
    ]);
    expect(withB.code, describeRun(withB)).toBe(0);
    expect(withoutB.code, describeRun(withoutB)).toBe(0);
    type Doc = { options: Record<string, unknown>; cells: { rmse: { mean: number } }[] };
    const a = parseJsonOutput<Doc>(withB);
    const b = parseJsonOutput<Doc>(withoutB);
    expect(a.options).toMatchObject({ intercept: true, relevance: null, standardize: true });
    expect(b.options).toMatchObject({ intercept: false, tol: 0.01, solver: 'lm' });
    expect(b.cells[0].rmse.mean).not.toBe(a.cells[0].rmse.mean);
    expect(JSON.parse(readFileSync(model, 'utf8')).b).toBe(0);
  }, 120_000);

  it('refuses --init: a model fitted on every row would leak each held-out fold', async () => {
    const r = await runCli(['cv', SINC, '--init', tmp.file('any.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/init/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('prints a table with the best and the 1-SE cell marked', async () => {
    const r = await runCli(['cv', SINC, '--units', '4', '--epochs', '20', '--workers', '1', '--folds', '2'], TIMEOUT);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/2-fold cross-validation/);
    expect(r.stdout).toMatch(/best, 1-SE/);
  }, 60_000);
});

describe('basisfit cv: bad usage and bad data', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['an item outside the choices', ['cv', SINC, '--basis', 'rbf,cubic'], 2, /invalid value 'cubic' for --basis/],
    ['a bad number in a list', ['cv', SINC, '--units', '10,x'], 2, /--units must be 'auto' or a positive whole number, got 'x'/],
    ['a value listed twice', ['cv', SINC, '--units', '10,10'], 2, /lists a value twice/],
    ['a shard outside 0..N-1', ['cv', SINC, '--shard', '3/3', '--results', 'r'], 2, /0 <= i < N/],
    ['a shard without --results', ['cv', SINC, '--shard', '0/3'], 2, /needs --results/],
    ['more folds than rows', ['cv', SINC, '--folds', '401'], 2, /--folds 401/],
    ['a train option cv does not take', ['cv', SINC, '--out', 'm.json'], 2, /unknown option --out/],
    ['a missing file', ['cv', 'nope.csv'], 1, /nope\.csv/],
  ];
  it.each(cases)('%s: one line and a hint', async (_name, args, code, message) => {
    const r = await runCli(args);
    expect(r.code, describeRun(r)).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it('applies train\'s data rules: poly on a non-positive feature fails before any fit', async () => {
    const r = await runCli(['cv', SINC, '--basis', 'rbf,poly']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/poly/);
  });

  it('fails on a bad cell as train does', async () => {
    const bad = tmp.file('bad.csv');
    writeFileSync(bad, 'x,y\n1,2\n2,abc\n3,4\n');
    const r = await runCli(['cv', bad, '--folds', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv:3/);
    expect(existsSync(tmp.file('results'))).toBe(false);
  });
});
