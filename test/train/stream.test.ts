import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadOptions, loadTable, standardization } from '../../src/data/index.js';
import { BasisfitError, DataError, TrainingError, UsageError } from '../../src/errors.js';
import { families } from '../../src/basis/index.js';
import type { BasisName } from '../../src/basis/index.js';
import { Tensor } from '../../src/engine/index.js';
import { loadModel, type ModelFile, serializeModel } from '../../src/model/index.js';
import { fit as fitInMemory } from '../../src/train/fit.js';
import type { OptimizerName } from '../../src/train/optimizer.js';
import { metrics } from '../../src/model/metrics.js';
import { predictRows, scaleInputs } from '../../src/model/predict.js';
import { type StreamTrainOptions, trainStream } from '../../src/train/stream-train.js';
import { HashSplit, Reservoir, scalingOf, survey } from '../../src/train/stream-survey.js';
import { scaleTarget, type TrainOptions, train } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { BAD } from '../data/helpers.js';
import { DATA_DIR, describeRun, parseJsonOutput, runCli, startCli } from '../helpers/cli.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-stream-');
const data = (name: string) => join(DATA_DIR, name);

/** 9000 rows: more than two of the gradient's 4096-row blocks, fewer than the default sample. */
let wide: string;
/** 30 000 rows: more than the default training sample. */
let long: string;

beforeAll(() => {
  wide = writeCsv(tmp.file('wide.csv'), ['x', 'y'], curveRows({ n: 9000, lo: -6, hi: 6, f: (x) => Math.sin(x) / (1 + x * x), noise: 0.05, seed: 3 }));
  long = writeCsv(tmp.file('long.csv'), ['x', 'y'], curveRows({ n: 30_000, lo: 1, hi: 9, f: (x) => 2 * Math.sqrt(x), noise: 0.1, seed: 4 }));
});

/** Relative closeness for numbers computed by different but equally accurate summations. */
function expectClose(actual: number, expected: number, digits = 12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(10 ** -digits * Math.max(1, Math.abs(expected)));
}

describe('trainStream against fit() on the rows in memory', () => {
  interface Config {
    file: () => string;
    basis: BasisName;
    units: number;
    epochs: number;
    optimizer: OptimizerName;
    lr: number;
    ridge: number;
    standardize: boolean;
  }
  const base = { units: 10, epochs: 15, optimizer: 'adam' as const, lr: 0.01, ridge: 0, standardize: true };
  const configs: [string, Config][] = [
    ['rbf on sinc, standardised', { ...base, file: () => data('sinc.csv'), basis: 'rbf' }],
    ['tanh on kink, sgd, ridge, raw columns', { ...base, file: () => data('kink.csv'), basis: 'tanh', optimizer: 'sgd', lr: 0.05, ridge: 1e-3, standardize: false }],
    ['poly on powerlaw, raw columns', { ...base, file: () => data('powerlaw.csv'), basis: 'poly', units: 3, standardize: false }],
    ['rbf on 2 features, momentum, standardised', { ...base, file: () => data('surface2d.csv'), basis: 'rbf', units: 12, optimizer: 'momentum' }],
    ['rbf on 9000 rows (three gradient blocks), standardised', { ...base, file: () => wide, basis: 'rbf', units: 8, epochs: 5 }],
    ['tanh on 30 000 rows (eight gradient blocks), raw columns', { ...base, file: () => long, basis: 'tanh', units: 5, epochs: 3, standardize: false }],
  ];

  it.each(configs)('takes the same full-batch steps from the same start, to the bit: %s', async (_name, c) => {
    const table = await loadTable(c.file());
    const stats = standardization(table);
    const scaling = c.standardize ? { x: { mean: stats.x.mean, std: stats.x.std }, y: stats.y! } : null;
    const x = scaleInputs({ features: table.features, scaling } as ModelFile, table.x, table.n);
    const y = scaleTarget(table.y!, scaling);
    const family = families[c.basis];
    const initialTheta = family.pack(family.init(family.prepare(new Tensor(x, [table.n, table.d])), c.units, new Rng(3)), table.d);
    const want = await fitInMemory(
      { x, y, n: table.n, d: table.d },
      null,
      { family, units: c.units, epochs: c.epochs, batchSize: 'full', optimizer: c.optimizer, lr: { w: c.lr, b: c.lr, theta: c.lr }, solver: 'gd', ridge: c.ridge, patience: null, initialTheta },
      new Rng(1),
    );
    const { model, result } = await trainStream({
      file: c.file(),
      basis: c.basis,
      units: c.units,
      epochs: c.epochs,
      batchSize: 'full',
      valSplit: 0,
      optimizer: c.optimizer,
      lr: c.lr,
      ridge: c.ridge,
      standardize: c.standardize,
      sampleRows: 30_000,
      initialTheta,
    });
    // The sample holds every row, so the statistics are columnStats' own.
    expect(result.stream.exact_stats).toBe(true);
    expect(model!.scaling).toEqual(scaling);
    expect({ theta: model!.theta, w: model!.w, b: model!.b, losses: model!.history!.train }).toEqual({
      theta: want.theta,
      w: want.w,
      b: want.b,
      losses: want.history.train,
    });
  });

  it('gives the same model file on every run', async () => {
    const opts: StreamTrainOptions = { file: wide, basis: 'tanh', units: 6, epochs: 2, valSplit: 0.2, batchSize: 700, seed: 4 };
    const a = await trainStream(opts);
    const b = await trainStream(opts);
    expect(serializeModel(b.model!)).toBe(serializeModel(a.model!));
  });

  it('reports each epoch in the target units', async () => {
    const seen: number[] = [];
    const { model } = await trainStream({ file: data('sinc.csv'), epochs: 4, valSplit: 0, onEpoch: (e) => seen.push(e.trainLoss) });
    const variance = model!.scaling!.y.std ** 2;
    expect(seen).toEqual(model!.history!.train.map((v) => v * variance));
    expect(seen).toHaveLength(4);
  });

  it('scales by statistics that agree with train()’s to rounding when the file outgrows the sample', async () => {
    const rng = new Rng(1);
    const sv = await survey(long, {
      load: {},
      split: new HashSplit(0, 1),
      positiveInputs: false,
      basis: 'rbf',
      sampleRows: 100,
      validationRows: 100,
      sampleBytes: 1 << 20,
      rng,
    });
    expect(sv.exactStats).toBe(false);
    expect(sv.sample.size).toBe(100);
    const streamed = scalingOf('rbf', sv.stats);
    const whole = standardization(await loadTable(long));
    expectClose(streamed.x.mean[0], whole.x.mean[0]);
    expectClose(streamed.x.std[0], whole.x.std[0]);
    expectClose(streamed.y.mean, whole.y!.mean);
    expectClose(streamed.y.std, whole.y!.std);
  });
});

describe('HashSplit', () => {
  it('holds out each row with the given chance, the same rows for the same seed', () => {
    const n = 200_000;
    const a = new HashSplit(0.2, 5);
    const b = new HashSplit(0.2, 5);
    const c = new HashSplit(0.2, 6);
    let held = 0;
    let agree = 0;
    let sameAsOtherSeed = 0;
    for (let i = 0; i < n; i++) {
      const v = a.isValidation(i);
      if (v) held++;
      if (v === b.isValidation(i)) agree++;
      if (v === c.isValidation(i)) sameAsOtherSeed++;
    }
    // Binomial(n, 0.2): standard deviation sqrt(n·0.2·0.8) ≈ 179; 5 of them is a bound a correct split passes.
    expect(Math.abs(held - 0.2 * n)).toBeLessThan(5 * Math.sqrt(n * 0.2 * 0.8));
    expect(agree).toBe(n);
    // Independent splits agree on a row with chance 0.8² + 0.2² = 0.68.
    expect(Math.abs(sameAsOtherSeed / n - 0.68)).toBeLessThan(0.01);
  });

  it('holds out nothing at fraction 0', () => {
    const s = new HashSplit(0, 1);
    for (let i = 0; i < 10_000; i++) expect(s.isValidation(i)).toBe(false);
  });

  it('looks at row indices past 2^32', () => {
    const s = new HashSplit(0.5, 1);
    const low = Array.from({ length: 64 }, (_, i) => s.isValidation(i));
    const high = Array.from({ length: 64 }, (_, i) => s.isValidation(i + 2 ** 32));
    expect(high).not.toEqual(low);
  });
});

describe('Reservoir', () => {
  const chunk = (values: number[]) => ({ x: Float64Array.from(values), y: Float64Array.from(values, (v) => -v), lines: Uint32Array.from(values, (_, i) => i + 2), n: values.length });

  it('holds every row in order until it is full', () => {
    const r = new Reservoir(10, 1, new Rng(1));
    const c = chunk([1, 2, 3, 4]);
    for (let i = 0; i < c.n; i++) r.offer(c as never, i);
    expect(r.complete).toBe(true);
    expect(Array.from(r.rows().x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(r.rows().y)).toEqual([-1, -2, -3, -4]);
    // The file line of each row, for the report's tooltips.
    expect(Array.from(r.rows().lines)).toEqual([2, 3, 4, 5]);
  });

  it('keeps a seeded uniform sample of distinct rows once full', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i);
    const sample = (seed: number) => {
      const r = new Reservoir(1000, 1, new Rng(seed));
      const c = chunk(values);
      for (let i = 0; i < c.n; i++) r.offer(c as never, i);
      expect(r.complete).toBe(false);
      return Array.from(r.rows().x);
    };
    const a = sample(1);
    expect(sample(1)).toEqual(a);
    expect(sample(2)).not.toEqual(a);
    expect(new Set(a).size).toBe(1000);
    // Uniform over 0..9999: the sample mean is 4999.5 ± 2887/√1000 ≈ ±91 (one standard error).
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 4999.5)).toBeLessThan(5 * 91);
    // Rows from the end of the file are as likely as rows from the start.
    expect(a.filter((v) => v >= 9000).length).toBeGreaterThan(50);
  });
});

describe('trainStream', () => {
  it('trains with a validation split, writes a valid model and measures every row', async () => {
    const out = tmp.file('split.json');
    const { result } = await trainStream({ file: wide, basis: 'rbf', units: 8, epochs: 3, valSplit: 0.25, batchSize: 1000, seed: 9, out });
    const model = await loadModel(out);
    const table = await loadTable(wide);
    const split = new HashSplit(0.25, 9);
    const trainRows: number[] = [];
    const validationRows: number[] = [];
    for (let i = 0; i < table.n; i++) (split.isValidation(i) ? validationRows : trainRows).push(i);
    const pred = predictRows(model, table.x, table.n);
    const measure = (rows: number[]) => metrics(Float64Array.from(rows, (i) => pred[i]), Float64Array.from(rows, (i) => table.y![i]));
    for (const [got, rows] of [
      [result.train, trainRows],
      [result.validation!, validationRows],
    ] as const) {
      const want = measure(rows);
      expect(got.n).toBe(rows.length);
      expect(got.mse).toBe(want.mse);
      expect(got.mae).toBe(want.mae);
      expectClose(got.r2!, want.r2!);
    }
    expect(model.training.rows).toBe(9000);
    expect(model.history!.validation).toHaveLength(3);
    expect(result.stream).toEqual({ passes: 5, sample_rows: trainRows.length, exact_stats: true, validation_loss_rows: validationRows.length, metrics_rows: 'all' });
    expect(result.model).toBe(out);
  });

  it('samples the training rows for the start when there are more of them than the sample holds', async () => {
    const { result, rows } = await trainStream({ file: long, basis: 'poly', units: 3, epochs: 2, valSplit: 0.1, batchSize: 5000, sampleRows: 500 });
    expect(result.stream.exact_stats).toBe(false);
    expect(result.stream.sample_rows).toBe(500);
    expect(rows.train.n).toBe(500);
    expect(result.train.n + result.validation!.n).toBe(30_000);
    expect(result.train.r2).toBeGreaterThan(0.9);
  });

  it('keeps the best validated epoch under early stopping', async () => {
    // Bumps crowded at one end: descent has a long way to go, so an epoch, not the start, validates best.
    const initialTheta = Array.from({ length: 30 }, (_, j) => [-1.5 + j * 0.1, 0.3]);
    const { result, model } = await trainStream({ file: data('sinc.csv'), basis: 'rbf', units: 30, epochs: 40, valSplit: 0.3, patience: 5, lr: 0.01, ridge: 1e-3, initialTheta });
    const history = model!.history!.validation!;
    expect(result.best_epoch).toBeGreaterThan(0);
    expect(result.best_epoch).toBe(history.indexOf(Math.min(...history)) + 1);
    expect(result.validation!.mse).toBeGreaterThan(0);
  });

  it('stops at an interruption, keeps the model and measures it on the samples', async () => {
    const out = tmp.file('interrupted.json');
    // Asked to stop once training reports (a stop during the start search has no model to keep).
    let stop = false;
    const { result } = await trainStream({ file: wide, epochs: 50, valSplit: 0.2, batchSize: 100, onEpoch: () => (stop = true), shouldStop: () => stop, out });
    expect(result.stopped).toBe('interrupted');
    expect(result.epochs).toBe(1);
    expect(result.stream.metrics_rows).toBe('sample');
    expect(result.stream.passes).toBe(2);
    expect(result.train.n).toBe(result.stream.sample_rows);
    await expect(loadModel(out)).resolves.toMatchObject({ basis: 'rbf' });
  });

  it('fails when the file changes between passes', async () => {
    const file = writeCsv(tmp.file('changing.csv'), ['x', 'y'], curveRows({ n: 500, lo: 0, hi: 1, f: (x) => x, noise: 0.1, seed: 1 }));
    const err = await trainStream({ file, epochs: 3, onEpoch: () => appendFileSync(file, '0.5,0.5\n') }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).describe()).toContain('the file changed during training: the first pass read 500 rows, pass 3 more');
  });

  it('rolls back and halves the rates when the parameters blow up, then gives up without a model file', async () => {
    const out = tmp.file('diverged.json');
    const warnings: string[] = [];
    const err = await trainStream({ file: data('sinc.csv'), optimizer: 'sgd', lr: 1e3, epochs: 20, valSplit: 0, out, onWarning: (m) => warnings.push(m) }).catch((e) => e);
    expect(err).toBeInstanceOf(TrainingError);
    expect((err as { result: { stopped: string } }).result.stopped).toBe('diverged');
    expect(warnings.filter((w) => w.includes('halved the learning rates'))).toHaveLength(8);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses standard input and the varpro solver', async () => {
    await expect(trainStream({ file: '-' })).rejects.toBeInstanceOf(UsageError);
    await expect(trainStream({ file: data('sinc.csv'), solver: 'varpro' })).rejects.toBeInstanceOf(UsageError);
  });

  it('rejects an impossible validation fraction', async () => {
    await expect(trainStream({ file: data('sinc.csv'), valSplit: 1 })).rejects.toThrow(/validation fraction must be at least 0 and below 1/);
  });
});

interface Case {
  file: string;
  args?: string[];
}

/** A bad-input case's options for train() and trainStream(). */
function caseOptions(c: Case): TrainOptions {
  const opts: TrainOptions & LoadOptions = { file: join(BAD, c.file), epochs: 1 };
  const args = c.args ?? [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--no-header') {
      opts.header = false;
      continue;
    }
    if (args[i] === '--target') opts.target = value;
    else if (args[i] === '--features') opts.features = value.split(',');
    else if (args[i] === '--missing') opts.missing = value as LoadOptions['missing'];
    else if (args[i] === '--delimiter') opts.delimiter = value;
    else if (args[i] === '--basis') opts.basis = value as TrainOptions['basis'];
    else if (args[i] === '--val-split') opts.valSplit = Number(value);
    else throw new Error(`unknown argument in cases.json: ${args[i]}`);
    i++;
  }
  return opts;
}

async function failureOf(run: Promise<unknown>) {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BasisfitError);
  const e = err as BasisfitError;
  return { kind: e.constructor.name, text: e.describe(), hint: e.hint, location: e.location };
}

const cases: Case[] = JSON.parse(readFileSync(join(BAD, 'cases.json'), 'utf8'));

describe('trainStream fails on bad input as train() does', () => {
  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_name, c) => {
    const opts = caseOptions(c);
    expect(await failureOf(trainStream(opts))).toEqual(await failureOf(train(opts)));
  });
});

describe('basisfit train --stream', () => {
  it('prints the result document with its stream key', async () => {
    const out = tmp.file('cli.json');
    const r = await runCli(['train', data('sinc.csv'), '--stream', '--epochs', '3', '--batch-size', '100', '--json', '--quiet', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ stream: { passes: number }; train: { n: number }; validation: { n: number }; model: string }>(r);
    expect(doc.stream.passes).toBe(5);
    expect(doc.train.n + doc.validation.n).toBe(400);
    expect(doc.model).toBe(out);
  });

  it('gives the same model file on 1 and 2 threads with mini-batches', async () => {
    const bytes = async (threads: number) => {
      const out = tmp.file(`threads-${threads}.json`);
      const r = await runCli(['train', wide, '--stream', '--basis', 'tanh', '--units', '6', '--epochs', '2', '--batch-size', '4500', '--threads', String(threads), '--quiet', '--out', out]);
      expect(r.code, describeRun(r)).toBe(0);
      return readFileSync(out, 'utf8');
    };
    expect(await bytes(2)).toBe(await bytes(1));
  });

  it('saves the model and exits 130 on SIGINT, measuring on the samples', async () => {
    const out = tmp.file('sigint.json');
    const cli = startCli(['train', wide, '--stream', '--epochs', '100000', '--batch-size', '500', '--json', '--out', out], { timeoutMs: 50_000 });
    await cli.waitForStderr(/^epoch \d+\//m, 40_000);
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code, describeRun(r)).toBe(130);
    const doc = parseJsonOutput<{ stopped: string; model: string; stream: { metrics_rows: string } }>(r);
    expect(doc).toMatchObject({ stopped: 'interrupted', model: out, stream: { metrics_rows: 'sample' } });
    await expect(loadModel(out)).resolves.toMatchObject({ training: { stopped: 'interrupted' } });
  });

  it('is a usage error on standard input', async () => {
    const r = await runCli(['train', '-', '--stream', '--quiet'], { input: readFileSync(data('sinc.csv')) });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toContain('cannot read standard input');
  });
});

