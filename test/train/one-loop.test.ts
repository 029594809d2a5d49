/**
 * In-memory and streaming training run one epoch loop (src/train/loop.ts):
 * the same scenario through both data sources ends the same way. Where the
 * sources must differ (the validation split, the order of mini-batches),
 * docs/streaming.md says so and the tests below pin the difference.
 */
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { TrainingError } from '../../src/errors.js';
import { fit as fitInMemory } from '../../src/train/fit.js';
import { trainStream } from '../../src/train/stream-train.js';
import { HashSplit } from '../../src/train/stream-survey.js';
import { type TrainOptions, train } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { DATA_DIR } from '../helpers/cli.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-one-loop-');
const sinc = `${DATA_DIR}sinc.csv`;
const surface = `${DATA_DIR}surface2d.csv`;

/** Full-batch descent without a split: both sources see every training row in the same blocks. */
const same = { valSplit: 0, solver: 'gd' as const, batchSize: 'full' as const };

/** Runs both trainers; a failure becomes its error's result document and message. */
async function both(o: TrainOptions) {
  const outcome = async (run: Promise<{ result: unknown; model: unknown }>) => {
    try {
      const { result, model } = await run;
      return { ok: true, result: result as Record<string, unknown>, model };
    } catch (e) {
      if (!(e instanceof TrainingError)) throw e;
      return { ok: false, result: (e as unknown as { result: Record<string, unknown> }).result, message: e.message };
    }
  };
  const warnings = { memory: [] as string[], stream: [] as string[] };
  const memory = await outcome(train({ ...o, onWarning: (m) => warnings.memory.push(m) }));
  const stream = await outcome(trainStream({ ...o, onWarning: (m) => warnings.stream.push(m) }));
  return { memory, stream, warnings };
}

/**
 * The keys of a result document that do not depend on how the rows were read. The
 * uncertainty does: --stream keeps no rows for the Jacobian, so it has none and says
 * nothing about it, where in memory it is estimated or a warning says why not. So does
 * `committee`: in memory the default auto rule says why it fitted one model (400 rows).
 */
function comparable(r: Record<string, unknown>) {
  const { timing: _t, stream: _s, uncertainty: _u, committee: _c, ...rest } = r;
  return { ...rest, warnings: (rest.warnings as string[]).filter((w) => !w.startsWith('no standard errors or intervals')) };
}

describe('one loop, two sources', () => {
  it('takes the same full-batch steps and writes the same model', async () => {
    const { memory, stream } = await both({ file: sinc, basis: 'rbf', units: 10, epochs: 20, ...same });
    expect(stream.model).toEqual(memory.model);
    expect(comparable(stream.result)).toEqual(comparable(memory.result));
  });

  it('diverges in a step the same way: rollbacks, halvings, then a clean divergence error', async () => {
    // The case: a sinc curve shifted to positive x, poly, plain SGD with a huge rate.
    const file = writeCsv(tmp.file('pos.csv'), ['x', 'y'], curveRows({ n: 200, lo: 1, hi: 13, f: (x) => Math.sin(x - 7) / (x - 6.999), noise: 0.05, seed: 2 }));
    const { memory, stream, warnings } = await both({ file, basis: 'poly', optimizer: 'sgd', lr: 100, epochs: 30, ...same });
    expect(memory.ok).toBe(false);
    expect(stream.ok).toBe(false);
    expect(stream.message).toBe(memory.message);
    expect(stream.result.stopped).toBe('diverged');
    expect(warnings.stream).toEqual(warnings.memory);
    expect(warnings.stream.filter((w) => w.includes('halved the learning rates'))).toHaveLength(8);
    // No engine text (op names, shapes) reaches the user.
    for (const w of [...warnings.stream, stream.message ?? '']) expect(w).not.toMatch(/shape|\[\d+, \d+\]|from finite inputs/);
  });

  it('stops at an interruption after the same step, with the same history', async () => {
    // Asked to stop by the fourth epoch's report: the loop ends right there.
    const stopAfterEpochs = (k: number) => {
      let seen = 0;
      return { onEpoch: () => void seen++, shouldStop: () => seen >= k };
    };
    const memory = await train({ file: sinc, basis: 'tanh', units: 8, epochs: 50, ...same, ...stopAfterEpochs(4) });
    const stream = await trainStream({ file: sinc, basis: 'tanh', units: 8, epochs: 50, ...same, ...stopAfterEpochs(4) });
    for (const r of [memory, stream]) {
      expect(r.result.stopped).toBe('interrupted');
      expect(r.model!.history!.train).toHaveLength(4);
      expect(r.result.epochs).toBe(4);
    }
    expect(stream.model).toEqual(memory.model);
  });

  it('draws start r the same whatever the number of restarts, in both', async () => {
    const o = { file: surface, basis: 'tanh' as const, units: 6, epochs: 5, ...same };
    const one = await both({ ...o, restarts: 1 });
    const three = await both({ ...o, restarts: 3 });
    const losses = (r: Record<string, unknown>) => (r.restarts as { losses: number[] }).losses;
    expect(losses(three.memory.result)).toEqual(losses(three.stream.result));
    expect(losses(three.memory.result)[0]).toBe(losses(one.memory.result)[0]);
    expect(losses(three.stream.result)[0]).toBe(losses(one.stream.result)[0]);
    // Different starts: the restarts are real candidates.
    expect(new Set(losses(three.memory.result)).size).toBe(3);
  });

  it('reports an interruption during restarts as interrupted, with the starts that ran', async () => {
    for (const run of [train, trainStream]) {
      // Interrupted in the second epoch of the third start.
      let seen = 0;
      const { result } = await run({ file: surface, basis: 'tanh', units: 6, epochs: 4, restarts: 5, ...same, onEpoch: () => void seen++, shouldStop: () => seen >= 9 });
      expect(result.stopped).toBe('interrupted');
      expect(result.restarts.count).toBe(3);
      expect(result.restarts.losses).toHaveLength(3);
    }
  });

  it('rolls back when the validation rows overflow, in both, and gives up the same way', async () => {
    // Training rows in [1, 2]; the rows the stream's hash split holds out sit at 1e200,
    // where any poly unit with an exponent above ~1.5 overflows.
    const split = new HashSplit(0.2, 1);
    const rows = curveRows({ n: 120, lo: 1, hi: 2, f: (x) => x * x, noise: 0.01, seed: 5 }).map((r, i) => (split.isValidation(i) ? [1e200, 1] : r));
    const file = writeCsv(tmp.file('far-validation.csv'), ['x', 'y'], rows);
    const warnings = { memory: [] as string[], stream: [] as string[] };
    const family = families.poly;
    const train_ = rows.filter((_, i) => !split.isValidation(i));
    const held = rows.filter((_, i) => split.isValidation(i));
    const dataset = (r: number[][]) => ({ x: Float64Array.from(r, (v) => v[0]), y: Float64Array.from(r, (v) => v[1]), n: r.length, d: 1 });
    const initialTheta = [[2], [3]];
    const opts = { family, units: 2, epochs: 10, batchSize: 'full' as const, optimizer: 'adam' as const, lr: { w: 0.01, b: 0.01, theta: 0.01 }, solver: 'gd' as const, ridge: 1e-3, patience: 5, initialTheta };
    const memory = await fitInMemory(dataset(train_), dataset(held), { ...opts, onWarning: (m) => warnings.memory.push(m) }, new Rng(1).fork(1));
    const err = await trainStream({
      file,
      basis: 'poly',
      units: 2,
      epochs: 10,
      valSplit: 0.2,
      seed: 1,
      standardize: false,
      ridge: 1e-3,
      patience: 5,
      lr: 0.01,
      initialTheta,
      onWarning: (m) => warnings.stream.push(m),
    }).catch((e) => e);
    expect(memory.stopped).toBe('diverged');
    expect(err).toBeInstanceOf(TrainingError);
    expect(warnings.stream).toEqual(warnings.memory);
    expect(warnings.stream.at(-1)).toMatch(/diverged in epoch 1: /);
  });
});

describe('where the sources differ (docs/streaming.md)', () => {
  it('holds out rows by a seeded shuffle in memory and by a hash of the row index when streaming', async () => {
    const { memory, stream } = await both({ file: sinc, basis: 'rbf', units: 8, epochs: 3, valSplit: 0.25, solver: 'gd' });
    const n = (r: Record<string, unknown>) => (r.validation as { n: number }).n;
    expect(n(memory.result)).toBe(Math.round(0.25 * ((memory.result.train as { n: number }).n + n(memory.result))));
    // The hash split holds out each row with chance 1/4: about a quarter, not exactly.
    const total = (stream.result.train as { n: number }).n + n(stream.result);
    expect(Math.abs(n(stream.result) / total - 0.25)).toBeLessThan(0.08);
    expect(stream.model).not.toEqual(memory.model);
  });

  it('shuffles mini-batches in memory and reads them in file order when streaming', async () => {
    const o = { file: sinc, basis: 'rbf' as const, units: 8, epochs: 2, valSplit: 0, solver: 'gd' as const, batchSize: 32 };
    const { memory, stream } = await both(o);
    const again = await trainStream(o);
    // Both take one step per batch, and the streaming order is the file's, the same every run.
    expect(stream.model).toEqual(again.model);
    expect(stream.model).not.toEqual(memory.model);
  });
});
