/**
 * `basisfit grad`: the loss and gradient at a trained model's parameters, in
 * reverse and forward mode, checked against finite differences and against a
 * loss recomputed here from predict's output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ModelFile, parseModel } from '../../src/model/index.js';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli } from '../helpers/cli.js';
import { parseSimpleCsv } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const J = 4;

interface GradDoc {
  loss: number;
  grad: { w: number[]; b: number; theta: number[][] };
  check?: { max_rel_error: number };
}

// Two features each; poly needs positive inputs, which the cars data have.
const cases: [string, string, number][] = [
  ['rbf', join(DATA_DIR, 'surface2d.csv'), 3],
  ['tanh', join(DATA_DIR, 'surface2d.csv'), 3],
  ['poly', join(DATA_DIR, 'cars_mpg_hp_weight.csv'), 2],
];

/** Every number of a gradient document, in a fixed order. */
function flatten(d: GradDoc): number[] {
  return [d.loss, ...d.grad.w, d.grad.b, ...d.grad.theta.flat()];
}

describe.concurrent.each(cases)('%s model', (basis, file, rowWidth) => {
  const modelPath = tmp.file(`${basis}-model.json`);
  let model: ModelFile;
  let reverse: GradDoc;
  let forward: GradDoc;
  let predictions: number[];

  beforeAll(async () => {
    const t = await runCli(['train', file, '--basis', basis, '--units', String(J), '--epochs', '5', '--quiet', '--out', modelPath]);
    expect(t.code, describeRun(t)).toBe(0);
    model = parseModel(readFileSync(modelPath, 'utf8'), modelPath);
    const [r, f, p] = await Promise.all([
      runCli(['grad', file, '--model', modelPath, '--json', '--check']),
      runCli(['grad', file, '--model', modelPath, '--json', '--mode', 'forward']),
      runCli(['predict', file, '--model', modelPath, '--json']),
    ]);
    for (const run of [r, f, p]) expect(run.code, describeRun(run)).toBe(0);
    reverse = parseJsonOutput<GradDoc>(r);
    forward = parseJsonOutput<GradDoc>(f);
    predictions = parseJsonOutput<{ predictions: number[] }>(p).predictions;
  }, HOOK_TIMEOUT_MS);

  it('--json has loss, grad.w (J numbers), grad.b and grad.theta (J rows of the right width)', () => {
    expect(typeof reverse.loss).toBe('number');
    expect(reverse.grad.w).toHaveLength(J);
    expect(typeof reverse.grad.b).toBe('number');
    expect(reverse.grad.theta).toHaveLength(J);
    for (const row of reverse.grad.theta) expect(row).toHaveLength(rowWidth);
    expect(flatten(reverse).every(Number.isFinite)).toBe(true);
    // A model trained for 5 epochs is not at a stationary point.
    expect(flatten(reverse).slice(1).some((g) => g !== 0)).toBe(true);
  });

  it('forward mode equals reverse mode to 1e-10 relative', () => {
    const a = flatten(reverse);
    const b = flatten(forward);
    expect(b).toHaveLength(a.length);
    a.forEach((v, i) => {
      expect(Math.abs(v - b[i]), `component ${i}: reverse ${v}, forward ${b[i]}`).toBeLessThanOrEqual(1e-10 * Math.max(Math.abs(v), Math.abs(b[i])));
    });
  });

  it('--check agrees with central finite differences (max_rel_error < 1e-5)', () => {
    expect(reverse.check).toBeDefined();
    expect(reverse.check!.max_rel_error).toBeGreaterThanOrEqual(0);
    expect(reverse.check!.max_rel_error).toBeLessThan(1e-5);
    expect(forward.check).toBeUndefined();
  });

  it("the loss is ½·Σ residual², on the scale the model stores (from predict's output)", () => {
    const csv = parseSimpleCsv(readFileSync(file, 'utf8'));
    const yCol = csv.header.indexOf(model.target);
    const s = model.scaling === null ? 1 : model.scaling.y.std;
    const expected = 0.5 * csv.rows.reduce((acc, row, i) => acc + ((predictions[i] - Number(row[yCol])) / s) ** 2, 0);
    expect(Math.abs(reverse.loss - expected) / expected).toBeLessThan(1e-9);
  });
});

describe('grad --check where the loss curves on a much smaller scale than the parameter', () => {
  it('an exp rate of -3.7e-4 on raw inputs near 4000 checks to 1e-6 (the first step, 1e-3, moves a·x by 4)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => 3000 + 40 * i);
    const data = tmp.file('raw-exp.csv');
    writeFileSync(data, `x,y\n${rows.map((x, i) => `${x},${2 * Math.exp(-3e-4 * x) + 1 + 0.01 * Math.sin(i)}`).join('\n')}\n`);
    const m = { format: 'basisfit-model', version: 1, basis: 'exp', features: ['x'], target: 'y', theta: [[-3.7e-4]], w: [2.1], b: 1.1, scaling: null, training: { seed: 1, epochs: 0 } };
    const path = tmp.file('raw-exp.json');
    writeFileSync(path, JSON.stringify(m));
    const r = await runCli(['grad', data, '--model', path, '--json', '--check']);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<GradDoc>(r);
    // The rate's derivative, Σ r·w·x·e^(a x), written out.
    const y = readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
    const dA = rows.reduce((acc, x, i) => acc + (2.1 * Math.exp(-3.7e-4 * x) + 1.1 - y[i]) * 2.1 * x * Math.exp(-3.7e-4 * x), 0);
    expect(Math.abs(doc.grad.theta[0][0] - dA)).toBeLessThan(1e-9 * Math.abs(dA));
    expect(doc.check!.max_rel_error).toBeLessThan(1e-6);
  });
});
