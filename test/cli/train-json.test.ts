/** `basisfit train --json`: one JSON document with the SPEC's keys on stdout, progress on stderr only. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { type CliResult, DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');
const SINC_ROWS = readFileSync(SINC, 'utf8').trim().split('\n').length - 1;
const EPOCHS = 30;

interface MetricsDoc {
  n: number;
  mse: number;
  rmse: number;
  mae: number;
  r2: number | null;
}
interface TrainDoc {
  basis: string;
  units: number;
  features: string[];
  target: string;
  epochs: number;
  stopped: string;
  train: MetricsDoc;
  validation: MetricsDoc | null;
  timing: { load_s: number; train_s: number; epoch_s: number };
  model: string | null;
}

function expectMetrics(m: MetricsDoc, n: number): void {
  expect(Object.keys(m).sort()).toEqual(['mae', 'mse', 'n', 'r2', 'rmse']);
  expect(m.n).toBe(n);
  for (const v of [m.mse, m.rmse, m.mae]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThanOrEqual(0);
  }
  expect(m.rmse).toBeCloseTo(Math.sqrt(m.mse), 12);
  // MAE never exceeds RMSE (Jensen).
  expect(m.mae).toBeLessThanOrEqual(m.rmse * (1 + 1e-12));
  expect(typeof m.r2).toBe('number');
  expect(m.r2!).toBeLessThanOrEqual(1);
}

describe('train --json without --quiet (progress on, stderr not a TTY)', () => {
  let run: CliResult;
  let doc: TrainDoc;
  const out = tmp.file('sinc-model.json');

  beforeAll(async () => {
    run = await runCli(['train', SINC, '--basis', 'rbf', '--units', '8', '--epochs', String(EPOCHS), '--patience', '0', '--json', '--out', out]);
    doc = parseJsonOutput<TrainDoc>(run);
  }, HOOK_TIMEOUT_MS);

  it('exits 0', () => {
    expect(run.code, describeRun(run)).toBe(0);
  });

  it('stdout is exactly one JSON document, with nothing else on it', () => {
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stdout).not.toMatch(/epoch \d+\//);
  });

  it('holds the SPEC keys with the values of this run', () => {
    for (const key of ['basis', 'units', 'features', 'target', 'epochs', 'stopped', 'train', 'validation', 'timing', 'model']) {
      expect(doc).toHaveProperty(key);
    }
    expect(doc.basis).toBe('rbf');
    expect(doc.units).toBe(8);
    expect(doc.features).toEqual(['x']);
    expect(doc.target).toBe('y');
    expect(doc.epochs).toBe(EPOCHS);
    expect(doc.stopped).toBe('max-epochs');
    expect(doc.model).toBe(out);
  });

  it('splits the rows into train and validation metrics (default split)', () => {
    expectMetrics(doc.train, doc.train.n);
    expect(doc.validation).not.toBeNull();
    expectMetrics(doc.validation!, doc.validation!.n);
    expect(doc.train.n + doc.validation!.n).toBe(SINC_ROWS);
    expect(doc.validation!.n).toBeGreaterThan(0);
  });

  it('reports timing in seconds, epoch_s = train_s / epochs', () => {
    const { load_s, train_s, epoch_s } = doc.timing;
    expect(Object.keys(doc.timing).sort()).toEqual(['epoch_s', 'load_s', 'train_s']);
    for (const v of [load_s, train_s, epoch_s]) expect(v).toBeGreaterThan(0);
    // Rounded to 6 significant digits in the document.
    expect(epoch_s).toBeCloseTo(train_s / doc.epochs, 5);
  });

  it('writes the model file it names, and the file is a valid model', () => {
    expect(existsSync(out)).toBe(true);
    const model = parseModel(readFileSync(out, 'utf8'), out);
    expect(model.basis).toBe('rbf');
    expect(model.w).toHaveLength(8);
    expect(model.features).toEqual(['x']);
  });

  it('writes plain `epoch N/M ...` progress lines to stderr', () => {
    const lines = run.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(0);
    // A start search of more than a second (a loaded machine) counts itself first.
    for (const l of lines) expect(l).toMatch(new RegExp(`^(epoch \\d+/${EPOCHS}|start search \\d+/1000)\\b`));
    // The final epoch is always reported, even when lines are rate-limited.
    expect(lines.at(-1)).toMatch(new RegExp(`^epoch ${EPOCHS}/${EPOCHS}\\b`));
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});

describe('train --json variants', () => {
  it('--val-split 0 gives validation null and trains on every row', async () => {
    const run = await runCli(['train', SINC, '--units', '4', '--epochs', '5', '--val-split', '0', '--json', '--quiet', '--out', tmp.file('nosplit.json')]);
    expect(run.code, describeRun(run)).toBe(0);
    const doc = parseJsonOutput<TrainDoc>(run);
    expect(doc.validation).toBeNull();
    expectMetrics(doc.train, SINC_ROWS);
  });

  it('the summary gives the whole run\'s seconds next to the optimisation loop\'s, which leaves out the start search', async () => {
    const run = await runCli(['train', SINC, '--epochs', '5', '--quiet', '--out', tmp.file('summary.json')]);
    expect(run.code, describeRun(run)).toBe(0);
    const m = run.stdout.match(/ in ([\d.e-]+) s \([\d.e-]+ ms\/epoch\); ([\d.e-]+) s in all, with loading, the start search and the standard errors\n/);
    expect(m, run.stdout).not.toBeNull();
    // The start search's cross-validation alone is more than five epochs of descent on 360 rows.
    expect(Number(m![2])).toBeGreaterThan(Number(m![1]));
  });

  it('--quiet leaves stderr empty', async () => {
    const run = await runCli(['train', SINC, '--units', '4', '--epochs', '5', '--json', '--quiet', '--out', tmp.file('quiet.json')]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toBe('');
    expect(parseJsonOutput<TrainDoc>(run).epochs).toBe(5);
  });

  it('--features and --target pick columns by name, in the order given', async () => {
    const file = join(DATA_DIR, 'surface2d.csv');
    const run = await runCli(['train', file, '--basis', 'tanh', '--units', '4', '--epochs', '5', '--features', 'x2,x1', '--target', 'y', '--json', '--quiet', '--out', tmp.file('surface.json')]);
    expect(run.code, describeRun(run)).toBe(0);
    const doc = parseJsonOutput<TrainDoc>(run);
    expect(doc.features).toEqual(['x2', 'x1']);
    expect(doc.target).toBe('y');
    expect(doc.basis).toBe('tanh');
    const model = parseModel(readFileSync(tmp.file('surface.json'), 'utf8'), 'surface.json');
    // tanh rows are [a_1 .. a_D, c]: D = 2 features.
    expect(model.theta.every((row) => row.length === 3)).toBe(true);
  });

  it('--units auto (the default) says in the document and the summary which unit count it chose and why', async () => {
    const run = await runCli(['train', SINC, '--epochs', '3', '--json', '--quiet', '--out', tmp.file('auto.json')]);
    expect(run.code, describeRun(run)).toBe(0);
    const doc = parseJsonOutput<TrainDoc & { selection: { method: string; folds: number; units_auto: boolean; threshold_rmse: number; candidates: { units: number; cv_rmse: number }[] } }>(run);
    expect(doc.selection).toMatchObject({ method: 'cv', folds: 10, units_auto: true, near_linear: false });
    const { candidates, threshold_rmse } = doc.selection;
    // The near-linear start (one unit for the one feature) first, then the unit counts.
    expect(candidates.map((c) => c.units)).toEqual([1, 5, 10, 20, 40, 80]);
    // The first candidate within the one-standard-error bound won, and the model has that many units.
    expect(doc.units).toBe(candidates.find((c) => c.cv_rmse <= threshold_rmse)!.units);
    expect(parseModel(readFileSync(tmp.file('auto.json'), 'utf8'), 'auto.json').w).toHaveLength(doc.units);
    const human = await runCli(['train', SINC, '--epochs', '3', '--out', tmp.file('auto2.json')]);
    expect(human.stdout).toMatch(new RegExp(`start chosen by 10-fold cross-validation: ${doc.units} units \\(of 1 near-linear, 5, 10, 20, 40, 80\\)`));
  });

  it('the summary counts one unit in the singular', async () => {
    const one = await runCli(['train', SINC, '--units', '1', '--epochs', '2', '--out', tmp.file('one.json')]);
    expect(one.code, describeRun(one)).toBe(0);
    expect(one.stdout).toMatch(/^rbf basis, 1 unit: x -> y$/m);
  });

  it('a bad --units names auto in its hint', async () => {
    const run = await runCli(['train', SINC, '--units', 'many', '--quiet', '--out', tmp.file('bad.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--units must be 'auto' or a positive whole number, got 'many'/);
  });
});
