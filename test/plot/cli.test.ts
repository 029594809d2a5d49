/** `basisfit plot` and `train --plot` as a user runs them: the built CLI in a child process. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';
import { LAYERS } from '../../src/report/plot.js';
import { items, parseSvg, vertices } from './helpers.js';

const BUILT = fileURLToPath(new URL('../../dist/cli/commands/plot.js', import.meta.url));
const dir = useTmpdir('basisfit-plot-cli-').path;

/** The built CLI in `dir`, without colour. */
const cli = (args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });

const N = 40;
const csv = join(dir, 'curve.csv');
const modelPath = join(dir, 'model.json');
const model: ModelFile = {
  format: 'basisfit-model',
  version: 1,
  basis: 'tanh',
  features: ['x'],
  target: 'y',
  theta: [
    [1.5, 0.2],
    [-0.7, 1],
  ],
  w: [0.9, 0.4],
  b: 0.1,
  scaling: null,
  training: { seed: 1, epochs: 3, best_epoch: 3 },
  history: { train: [0.5, 0.3, 0.2], validation: null },
};
const modelText = `${JSON.stringify(model)}\n`;

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run 'npm run build' first (npm test does)`);
  const lines = Array.from({ length: N }, (_, i) => {
    const x = -2 + (4 * i) / (N - 1);
    return `${x},${Math.tanh(1.5 * x) + 0.05 * Math.sin(7 * i)}`;
  });
  writeFileSync(csv, `x,y\n${lines.join('\n')}\n`);
  writeFileSync(modelPath, modelText);
});

describe('basisfit plot', () => {
  it('writes an SVG of the rows, the curve and the loss', async () => {
    const out = await cli(['plot', csv, '--model', modelPath, '--out', 'fit.svg']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('plot written to fit.svg\n');
    const doc = parseSvg(readFileSync(join(dir, 'fit.svg'), 'utf8'));
    expect(items(doc.layer(LAYERS.points)[0])).toHaveLength(N);
    expect(doc.layer(LAYERS.curve)).toHaveLength(1);
    expect(doc.layer(LAYERS.basis)).toHaveLength(2);
    expect(doc.layer(LAYERS.loss)).toHaveLength(1);
  });

  it('--json describes the plot in one document', async () => {
    const out = await cli(['plot', csv, '--model', modelPath, '--out', 'fit2.svg', '--json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ plot: 'fit2.svg', kind: 'curve', rows: N, loss: true });
  });

  it('refuses to write over the model file, and leaves it as it was', async () => {
    const out = await cli(['plot', csv, '--model', modelPath, '--out', modelPath]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/is the model file/);
    expect(readFileSync(modelPath, 'utf8')).toBe(modelText);
  });

  it('needs the target column to draw the data', async () => {
    const noTarget = join(dir, 'x-only.csv');
    writeFileSync(noTarget, 'x\n1\n2\n');
    const out = await cli(['plot', noTarget, '--model', modelPath, '--out', 'none.svg']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/'y'/);
    expect(existsSync(join(dir, 'none.svg'))).toBe(false);
  });
});

describe('basisfit train --plot', () => {
  it('draws the training and validation rows and the loss of every epoch', async () => {
    // One model: a committee (the default on small data) splits off no validation rows to draw.
    const out = await cli(['train', csv, '--basis', 'tanh', '--units', '3', '--committee', '0', '--epochs', '12', '--val-split', '0.25', '--patience', '0', '--out', 'trained.json', '--plot', 'trained.svg', '--json', '--quiet']);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.plot).toBe('trained.svg');
    expect(result.diagnostics.units).toHaveLength(3);
    const trained: ModelFile = JSON.parse(readFileSync(join(dir, 'trained.json'), 'utf8'));
    const doc = parseSvg(readFileSync(join(dir, 'trained.svg'), 'utf8'));
    expect(items(doc.layer(LAYERS.points)[0])).toHaveLength(N);
    const losses = doc.layer(LAYERS.loss);
    expect(losses.map((g) => vertices(items(g)[0]).length)).toEqual([result.epochs, result.epochs]);
    expect(trained.history?.train).toHaveLength(result.epochs);
  });

  it('refuses a plot path that is the model path before training', async () => {
    const out = await cli(['train', csv, '--out', 'same.json', '--plot', 'same.json', '--quiet']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--plot same\.json is also the --out model path/);
    expect(existsSync(join(dir, 'same.json'))).toBe(false);
  });
});
