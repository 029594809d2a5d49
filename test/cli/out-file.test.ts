/**
 * SPEC section 5: a failed run never creates, truncates or overwrites the --out
 * file; and --out naming the input data file is refused.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir();
const SINC = join(DATA_DIR, 'sinc.csv');
const SENTINEL = '{"not": "a model, and must survive failed runs"}\n';

const nonNumeric = tmp.file('non-numeric.csv');
writeFileSync(nonNumeric, 'x,y\n1,2\n2,abc\n3,4\n');
const negativeForPoly = tmp.file('negative.csv');
writeFileSync(negativeForPoly, 'x,y\n1,2\n-2,3\n3,4\n4,5\n');
const headerOnly = tmp.file('header-only.csv');
writeFileSync(headerOnly, 'x,y\n');

const failures: [string, string[], number][] = [
  ['non-numeric cell', [nonNumeric], 1],
  ['header-only file', [headerOnly], 1],
  ['missing data file', [tmp.file('missing.csv')], 1],
  ['non-positive input for poly', [negativeForPoly, '--basis', 'poly'], 1],
  ['unknown column', [SINC, '--target', 'nope'], 1],
  ['unknown option', [SINC, '--frobnicate'], 2],
  ['--units 0', [SINC, '--units', '0'], 2],
  ['--val-split 1', [SINC, '--val-split', '1'], 2],
  ['malformed --expect', [SINC, '--expect', 'train.rmse=1'], 2],
];

/** A folder of its own per case, so leftovers (e.g. a temporary file of an atomic write) show. */
function caseDir(kind: string, name: string): string {
  const dir = tmp.file(`${kind}-${name.replace(/\W+/g, '_')}`);
  mkdirSync(dir);
  return dir;
}

// Each case is a separate short-lived process: overlapping them keeps the suite fast.
describe.concurrent('a failed run leaves an existing --out file byte-identical', () => {
  it.each(failures)('%s', async (name, args, code) => {
    const dir = caseDir('existing', name);
    const out = join(dir, 'model.json');
    writeFileSync(out, SENTINEL);
    const r = await runCli(['train', ...args, '--epochs', '2', '--out', out]);
    expect(r.code, describeRun(r)).toBe(code);
    expect(readFileSync(out, 'utf8')).toBe(SENTINEL);
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

describe.concurrent('a failed run does not create the --out file', () => {
  const sample = failures.filter(([name]) => ['non-numeric cell', 'missing data file', 'non-positive input for poly', 'unknown option'].includes(name));
  it.each(sample)('%s', async (name, args, code) => {
    const dir = caseDir('fresh', name);
    const r = await runCli(['train', ...args, '--epochs', '2', '--out', join(dir, 'model.json')]);
    expect(r.code, describeRun(r)).toBe(code);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe.concurrent('--out naming the input data file is refused, and the data survives', () => {
  const data = tmp.file('data.csv');
  copyFileSync(SINC, data);
  const original = readFileSync(data);

  const spellings: [string, () => { out: string; cwd?: string }][] = [
    ['the same path', () => ({ out: data })],
    ['a relative path to it', () => ({ out: './data.csv', cwd: tmp.path })],
    ['a path through ..', () => ({ out: join(tmp.path, '..', tmp.path.split('/').at(-1)!, 'data.csv') })],
    [
      'a symbolic link to it',
      () => {
        const link = tmp.file('link-to-data.json');
        if (!existsSync(link)) symlinkSync(data, link);
        return { out: link };
      },
    ],
  ];

  it.each(spellings)('%s', async (_name, spell) => {
    const { out, cwd } = spell();
    const r = await runCli(['train', data, '--epochs', '2', '--quiet', '--out', out], { cwd });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/^basisfit: error: .*--out/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readFileSync(data).equals(original)).toBe(true);
  });
});
