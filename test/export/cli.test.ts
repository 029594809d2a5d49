/** `basisfit export` as a user runs it: the built CLI in a child process. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/index.js';
import { runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const BUILT = fileURLToPath(new URL('../../dist/cli/commands/export.js', import.meta.url));
const dir = useTmpdir('basisfit-export-cli-').path;

/** The built CLI in `dir`, without colour. */
const cli = (args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });

const model: ModelFile = {
  format: 'basisfit-model',
  version: 1,
  basis: 'rbf',
  features: ['u', 'v'],
  target: 'z',
  theta: [
    [0.3, -0.2, 0.8],
    [-1.1, 0.6, 1.9],
  ],
  w: [1.25, -0.6],
  b: 0.05,
  scaling: { x: { mean: [3, 10], std: [2, 5] }, y: { mean: -4, std: 3 } },
  training: { seed: 1, epochs: 1 },
};
const modelPath = join(dir, 'model.json');
const csvPath = join(dir, 'rows.csv');
const rows = [
  [3, 10],
  [1.5, 14],
  [6.2, 4.5],
  [-0.5, 11],
];

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run 'npm run build' first (npm test does)`);
  writeFileSync(modelPath, JSON.stringify(model));
  writeFileSync(csvPath, `v,u\n${rows.map(([u, v]) => `${v},${u}`).join('\n')}\n`);
});

describe('basisfit export', () => {
  it('--format js writes a module whose predict agrees with basisfit predict', async () => {
    const out = await cli(['export', '--model', modelPath, '--format', 'js']);
    expect(out.code).toBe(0);
    const file = join(dir, 'exported.mjs');
    writeFileSync(file, out.stdout);
    const mod = await import(/* @vite-ignore */ pathToFileURL(file).href);
    const predicted = await cli(['predict', csvPath, '--model', modelPath, '--json']);
    expect(predicted.code).toBe(0);
    const expected: number[] = JSON.parse(predicted.stdout).predictions;
    rows.forEach(([u, v], i) => {
      expect(Math.abs(mod.predict({ u, v }) - expected[i])).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(expected[i])));
    });
  });

  it('--out writes the file and says so', async () => {
    const out = await cli(['export', '--model', modelPath, '--format', 'latex', '--out', 'model.tex']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('latex written to model.tex\n');
    expect(readFileSync(join(dir, 'model.tex'), 'utf8')).toContain('\\begin{aligned}');
  });

  it('--json prints one document with the code and the folded parameters', async () => {
    const out = await cli(['export', '--model', modelPath, '--json']);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.format).toBe('text');
    expect(doc.code).toMatch(/^# basisfit rbf model, 2 units: z from u, v/);
    expect(doc.folded.terms).toHaveLength(2);
    expect(doc.folded.intercept).toBeCloseTo(3 * 0.05 - 4, 12);
  });

  it.each([
    [['--digits', '18'], /--digits must be at most 17/],
    [['--digits', '0'], /--digits must be a positive whole number/],
    [['--format', 'pdf'], /format/],
  ])('rejects %j with exit 2 and one line of error', async (extra, message) => {
    const out = await cli(['export', '--model', modelPath, ...extra]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/^\s+at /m);
  });

  it('fails with exit 1 on a missing model file', async () => {
    const out = await cli(['export', '--model', join(dir, 'nope.json')]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/nope\.json/);
  });
});
