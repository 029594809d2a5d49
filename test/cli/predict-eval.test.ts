/**
 * predict and eval on a trained 2-feature model: the CSV and JSON outputs,
 * standard input, column lookup by name, and eval's metrics checked against
 * metrics computed here from predict's output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli } from '../helpers/cli.js';
import { parseSimpleCsv, rmse } from '../helpers/datasets.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SURFACE = join(DATA_DIR, 'surface2d.csv');
const input = parseSimpleCsv(readFileSync(SURFACE, 'utf8'));
const col = (name: string) => input.header.indexOf(name);
const MODEL = tmp.file('surface-model.json');

interface Metrics {
  n: number;
  mse: number;
  rmse: number;
  mae: number;
  r2: number | null;
}

function relativeDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** The same rows with the columns as y, note, x2, x1: other order, an extra (non-numeric) column. */
function reorderedCopy(): string {
  const lines = input.rows.map((r, i) => [r[col('y')], `row-${i}`, r[col('x2')], r[col('x1')]].join(','));
  return `${['y', 'note', 'x2', 'x1'].join(',')}\n${lines.join('\n')}\n`;
}

let trainDoc: { train: Metrics; validation: null; features: string[] };
let predictions: number[];

beforeAll(async () => {
  const r = await runCli(['train', SURFACE, '--basis', 'rbf', '--units', '6', '--epochs', '15', '--val-split', '0', '--json', '--quiet', '--out', MODEL]);
  expect(r.code, describeRun(r)).toBe(0);
  trainDoc = parseJsonOutput(r);
  const p = await runCli(['predict', SURFACE, '--model', MODEL, '--json']);
  expect(p.code, describeRun(p)).toBe(0);
  predictions = parseJsonOutput<{ predictions: number[] }>(p).predictions;
}, HOOK_TIMEOUT_MS);

describe('predict', () => {
  it('--json prints {"predictions": [...]}, one finite number per row', () => {
    expect(trainDoc.features).toEqual(['x1', 'x2']);
    expect(predictions).toHaveLength(input.rows.length);
    expect(predictions.every(Number.isFinite)).toBe(true);
  });

  it('CSV output: the input columns and a prediction column, one row per input row', async () => {
    const r = await runCli(['predict', SURFACE, '--model', MODEL]);
    expect(r.code, describeRun(r)).toBe(0);
    const csv = parseSimpleCsv(r.stdout);
    expect(csv.header).toEqual([...input.header, 'prediction']);
    expect(csv.rows).toHaveLength(input.rows.length);
    csv.rows.forEach((row, i) => {
      expect(row.slice(0, -1)).toEqual(input.rows[i]);
      expect(Number(row.at(-1))).toBe(predictions[i]);
    });
    expect(r.stderr).toBe('');
  });

  it("reads standard input for '-'", async () => {
    const r = await runCli(['predict', '-', '--model', MODEL, '--json'], { input: readFileSync(SURFACE) });
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput<{ predictions: number[] }>(r).predictions).toEqual(predictions);
  });

  it('finds the feature columns by name in another order and ignores other columns', async () => {
    const file = tmp.file('reordered.csv');
    writeFileSync(file, reorderedCopy());
    const r = await runCli(['predict', file, '--model', MODEL, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput<{ predictions: number[] }>(r).predictions).toEqual(predictions);
  });

  it('needs no target column', async () => {
    const file = tmp.file('features-only.csv');
    writeFileSync(file, `x2,x1\n${input.rows.slice(0, 5).map((r) => `${r[col('x2')]},${r[col('x1')]}`).join('\n')}\n`);
    const r = await runCli(['predict', file, '--model', MODEL]);
    expect(r.code, describeRun(r)).toBe(0);
    const csv = parseSimpleCsv(r.stdout);
    expect(csv.header).toEqual(['x2', 'x1', 'prediction']);
    expect(csv.rows.map((row) => Number(row[2]))).toEqual(predictions.slice(0, 5));
  });

  it('a file with a single data row is valid input', async () => {
    const file = tmp.file('one-row.csv');
    writeFileSync(file, `${input.header.join(',')}\n${input.rows[3].join(',')}\n`);
    const r = await runCli(['predict', file, '--model', MODEL, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput<{ predictions: number[] }>(r).predictions).toEqual([predictions[3]]);
  });
});

describe('eval', () => {
  let evalDoc: Metrics;
  beforeAll(async () => {
    const r = await runCli(['eval', SURFACE, '--model', MODEL, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    evalDoc = parseJsonOutput<Metrics>(r);
  }, HOOK_TIMEOUT_MS);

  it('--json prints exactly n, mse, rmse, mae, r2', () => {
    expect(Object.keys(evalDoc).sort()).toEqual(['mae', 'mse', 'n', 'r2', 'rmse']);
    expect(evalDoc.n).toBe(input.rows.length);
  });

  it("agrees with metrics computed from predict's output", () => {
    const y = input.rows.map((r) => Number(r[col('y')]));
    const e = rmse(predictions, y);
    expect(relativeDiff(evalDoc.rmse, e)).toBeLessThan(1e-12);
    expect(relativeDiff(evalDoc.mse, e * e)).toBeLessThan(1e-12);
    const mae = predictions.reduce((s, p, i) => s + Math.abs(p - y[i]), 0) / y.length;
    expect(relativeDiff(evalDoc.mae, mae)).toBeLessThan(1e-12);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(evalDoc.r2!).toBeCloseTo(1 - (e * e * y.length) / total, 10);
  });

  it("on the training file (no validation split) equals train's train metrics", () => {
    expect(trainDoc.validation).toBeNull();
    expect(trainDoc.train.n).toBe(evalDoc.n);
    expect(relativeDiff(trainDoc.train.rmse, evalDoc.rmse)).toBeLessThan(1e-12);
  });

  it('finds the columns by name in another order and ignores other columns', async () => {
    const file = tmp.file('reordered-eval.csv');
    writeFileSync(file, reorderedCopy());
    const r = await runCli(['eval', file, '--model', MODEL, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput<Metrics>(r)).toEqual(evalDoc);
  });

  it('a file with a single data row is valid input', async () => {
    const file = tmp.file('one-row-eval.csv');
    writeFileSync(file, `${input.header.join(',')}\n${input.rows[3].join(',')}\n`);
    const r = await runCli(['eval', file, '--model', MODEL, '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<Metrics>(r);
    expect(doc.n).toBe(1);
    expect(relativeDiff(doc.mae, Math.abs(predictions[3] - Number(input.rows[3][col('y')])))).toBeLessThan(1e-12);
  });
});
