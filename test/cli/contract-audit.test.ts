/**
 * Promises of SPEC.md the CLI broke, found by an item-by-item audit against it: an option
 * given without its value, `completion --json`, the `uncertainty` key when every start
 * diverged, and repeated names among the columns predict, eval and grad ignore.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-contract-audit-');
const SINC = join(DATA_DIR, 'sinc.csv');
const MODEL = tmp.file('sinc-model.json');

beforeAll(async () => {
  const r = await runCli(['train', SINC, '--units', '3', '--epochs', '3', '--quiet', '--out', MODEL]);
  expect(r.code, describeRun(r)).toBe(0);
}, HOOK_TIMEOUT_MS);

/** A fresh empty folder to run in, so that a default output (model.json, report.html) written by mistake shows. */
function freshCwd(name: string): string {
  const dir = tmp.file(name.replace(/\W+/g, '_'));
  mkdirSync(dir);
  return dir;
}

describe('an option given without its value is a usage error (SPEC section 5: missing argument, exit 2)', () => {
  // Before the fix: the first ran with --lr's default and exited 0, the --target and --features
  // ones exited 1 naming a column '' or 'true', and the --out and report --out ones wrote
  // model.json / report.html into the working folder.
  const cases: [string, string[], string][] = [
    ['train --lr followed by another option', ['train', SINC, '--lr', '--quiet'], 'lr'],
    ['train with a trailing --epochs', ['train', SINC, '--quiet', '--epochs'], 'epochs'],
    ['train --target followed by another option', ['train', SINC, '--target', '--quiet'], 'target'],
    ['train --features followed by another option', ['train', SINC, '--features', '--quiet'], 'features'],
    ['train --out followed by another option', ['train', SINC, '--units', '3', '--epochs', '2', '--out', '--quiet'], 'out'],
    ['train --init followed by another option', ['train', SINC, '--init', '--quiet'], 'init'],
    ['train --expect followed by another option', ['train', SINC, '--expect', '--quiet'], 'expect'],
    ['train --target= with nothing after it', ['train', SINC, '--target=', '--quiet'], 'target'],
    ['grad --mode followed by another option', ['grad', SINC, '--model', MODEL, '--mode', '--check'], 'mode'],
    ['report with a trailing --out', ['report', SINC, '--model', MODEL, '--out'], 'out'],
    ['cv with a trailing --folds', ['cv', SINC, '--units', '3', '--epochs', '2', '--folds'], 'folds'],
  ];

  it.concurrent.each(cases)('%s', async (name, args, option) => {
    const cwd = freshCwd(name);
    const r = await runCli([...args, '--json'], { cwd });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^basisfit: error: --${option} needs a value`, 'm'));
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('still takes a negative number as a value', async () => {
    const out = tmp.file('negative-seed.json');
    const r = await runCli(['train', SINC, '--seed', '-3', '--units', '3', '--epochs', '2', '--quiet', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).training.seed).toBe(-3);
  });

  it('still completes a command line that ends in an option awaiting its value', async () => {
    const r = await runCli(['--get-yargs-completions', 'train', '--basis']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['poly', 'rbf', 'tanh', 'exp']));
  });
});

describe('completion --json (SPEC section 2: every command takes --json)', () => {
  it('prints one JSON document holding the script that plain completion prints', async () => {
    const [plain, json] = await Promise.all([runCli(['completion']), runCli(['completion', '--json'])]);
    expect(plain.code, describeRun(plain)).toBe(0);
    expect(json.code, describeRun(json)).toBe(0);
    const doc = parseJsonOutput<{ script: string }>(json);
    expect(Object.keys(doc)).toEqual(['script']);
    expect(doc.script).toBe(plain.stdout);
    expect(doc.script).toContain('basisfit --get-yargs-completions');
  });
});

describe('train --json when every start diverges (SPEC section 6: uncertainty is null or an object)', () => {
  it('carries uncertainty: null', async () => {
    const out = tmp.file('diverged.json');
    // Joint descent with plain steps this large diverges on every one of its 8 halvings.
    const r = await runCli(['train', SINC, '--solver', 'gd', '--optimizer', 'sgd', '--lr', '1e200', '--units', '5', '--epochs', '50', '--json', '--out', out]);
    expect(r.code, describeRun(r)).toBe(1);
    const doc = parseJsonOutput<Record<string, unknown>>(r);
    expect(doc.stopped).toBe('diverged');
    expect(doc.model).toBeNull();
    expect(Object.hasOwn(doc, 'uncertainty')).toBe(true);
    expect(doc.uncertainty).toBeNull();
    expect(existsSync(out)).toBe(false);
  });
});

describe('predict, eval and grad ignore the other columns, repeated names included (SPEC section 2)', () => {
  const rows = readFileSync(SINC, 'utf8').trim().split('\n').slice(1, 21);
  const plain = tmp.file('plain.csv');
  const repeated = tmp.file('repeated-notes.csv');
  const repeatedFeature = tmp.file('repeated-feature.csv');
  beforeAll(() => {
    writeFileSync(plain, `x,y\n${rows.join('\n')}\n`);
    // Two columns named 'note' that the model does not use; the model's x and y in another order.
    writeFileSync(repeated, `note,y,note,x\n${rows.map((r, i) => { const [x, y] = r.split(','); return `a${i},${y},b${i},${x}`; }).join('\n')}\n`);
    writeFileSync(repeatedFeature, `x,y,x\n${rows.map((r) => `${r},1`).join('\n')}\n`);
  });

  it.concurrent.each([['predict'], ['eval'], ['grad']])('%s gives the same document as on the plain file', async (command) => {
    const [a, b] = await Promise.all([runCli([command, plain, '--model', MODEL, '--json']), runCli([command, repeated, '--model', MODEL, '--json'])]);
    expect(a.code, describeRun(a)).toBe(0);
    expect(b.code, describeRun(b)).toBe(0);
    expect(parseJsonOutput(b)).toEqual(parseJsonOutput(a));
  });

  it('still refuses a repeated name of a column the model reads', async () => {
    const r = await runCli(['eval', repeatedFeature, '--model', MODEL]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/duplicate column name 'x'/);
  });
});
