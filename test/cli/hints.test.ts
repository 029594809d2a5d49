/**
 * A hint is only help if the command it follows accepts what it says: every option a
 * message or hint names must be one of that command's options (as its --help lists
 * them). Each data-reading command is run on a battery of bad inputs, and each bad
 * option value, and every option named on stderr is looked up in that command's help.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR, describeRun, HOOK_TIMEOUT_MS, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-hints-');
const QUICK = ['--epochs', '2', '--units', '3', '--quiet', '--restarts', '1'];

/** Bad inputs, by file name: each fails every command that reads it, with a hint. */
const BAD_FILES: Record<string, string | Buffer> = {
  'header-only.csv': 'x,y\n',
  'empty.csv': '',
  'blank-lines.csv': '\n\n\n',
  'bad-cell.csv': 'x,y\n1,2\nabc,3\n',
  'empty-cell.csv': 'x,y\n1,2\n,3\n',
  'ragged.csv': 'x,y\n1,2\n3\n',
  'unclosed.csv': 'x,y\n1,"2\n3,4\n',
  'stray-quote.csv': 'x,y\n1,2"3\n',
  'no-header.csv': '1,2\n3,4\n5,6\n',
  'other-names.csv': 'a,b\n1,2\n3,4\n',
  'huge.csv': 'x,y\n1e308,1\n-1e308,2\n1,3\n',
  'far.csv': 'x,y\n1,2\n1e300,1\n',
  'utf16.csv': Buffer.from('x,y\n1,2\n', 'utf16le'),
  'gzip.csv': Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]),
  'wide.csv': `${Array.from({ length: 100_001 }, (_, i) => `c${i}`).join(',')}\n`,
  'negative.csv': 'x,y\n-1,2\n1,3\n2,4\n',
  'dup.csv': 'x,x,y\n1,2,3\n',
};

/** The options a command accepts: every --name in its help, and --no-name for each. */
function optionsOf(command: string[]): Set<string> {
  const r = spawnSync(process.execPath, [join(DATA_DIR, '..', 'bin', 'basisfit.js'), ...command, '--help'], { encoding: 'utf8' });
  const names = new Set<string>();
  for (const m of r.stdout.matchAll(/--(?:no-)?([a-z][a-z-]*)/g)) {
    names.add(`--${m[1]}`);
    names.add(`--no-${m[1]}`);
  }
  // Hidden, but accepted by every command.
  names.add('--debug');
  return names;
}

/**
 * Options named on stderr (option-like words: two dashes and a letter, not inside a
 * word), except those of another command quoted whole ("the file written by basisfit train --out").
 */
function namedOptions(stderr: string): string[] {
  const own = stderr.replace(/basisfit (?:train|predict|eval|grad|trace|plot|export|cv)\b[^;\n]*/g, '');
  return [...own.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]);
}

describe('every option a message or hint names is one the command takes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp.file('cases');
    mkdirSync(dir);
    for (const [name, text] of Object.entries(BAD_FILES)) writeFileSync(join(dir, name), text);
    const r = await runCli(['train', join(DATA_DIR, 'sinc.csv'), '--out', join(dir, 'm.json'), ...QUICK]);
    expect(r.code, describeRun(r)).toBe(0);
    writeFileSync(join(dir, 'not-a-model.json'), '{"format":"something-else"}');
  }, HOOK_TIMEOUT_MS);

  const commands: Record<string, (file: string) => string[]> = {
    train: (f) => ['train', f, '--out', 'out.json', ...QUICK],
    'train --stream': (f) => ['train', f, '--stream', '--out', 'out.json', ...QUICK],
    'train --basis poly': (f) => ['train', f, '--basis', 'poly', '--out', 'out.json', ...QUICK],
    predict: (f) => ['predict', f, '--model', 'm.json'],
    eval: (f) => ['eval', f, '--model', 'm.json'],
    grad: (f) => ['grad', f, '--model', 'm.json'],
    plot: (f) => ['plot', f, '--model', 'm.json', '--out', 'out.svg'],
    cv: (f) => ['cv', f, '--folds', '2', '--units', '3', '--epochs', '2', '--quiet', '--workers', '1'],
  };

  for (const [label, args] of Object.entries(commands)) {
    it(`${label}: on ${Object.keys(BAD_FILES).length} bad files and a bad model, no hint names an option it rejects`, async () => {
      const accepted = optionsOf([label.split(' ')[0]]);
      const runs = [
        ...Object.keys(BAD_FILES).map((f) => args(f)),
        ...(args('x')[0] === 'train' || args('x')[0] === 'cv' ? [] : [args(join(DATA_DIR, 'sinc.csv')).map((a) => (a === 'm.json' ? 'not-a-model.json' : a))]),
      ];
      const wrong: string[] = [];
      for (const run of runs) {
        const r = await runCli(run, { cwd: dir, timeoutMs: 60_000 });
        expect(r.stderr, describeRun(r)).not.toMatch(STACK_LINE);
        expect(r.stderr, describeRun(r)).not.toMatch(/internal error/);
        for (const option of namedOptions(r.stderr)) if (!accepted.has(option)) wrong.push(`${run[1]}: ${option} in ${r.stderr}`);
      }
      expect(wrong).toEqual([]);
    }, 180_000);
  }

  it('a header-only file: train suggests --no-header, predict (which matches the model by header) does not', async () => {
    const train = await runCli(['train', 'header-only.csv', ...QUICK], { cwd: dir });
    expect(train.stderr).toMatch(/header-only\.csv:1: file has a header row but no data rows\n {2}add data rows below the header \(or pass --no-header if the first line is data\)\n$/);
    const predict = await runCli(['predict', 'header-only.csv', '--model', 'm.json'], { cwd: dir });
    expect(predict.code).toBe(1);
    expect(predict.stderr).toMatch(/header-only\.csv:1: file has a header row but no data rows\n {2}add data rows below the header\n$/);
  });

  it('bad option values: each hint names only options of the command it follows', async () => {
    const sinc = join(DATA_DIR, 'sinc.csv');
    const runs = [
      ['train', sinc, '--units', '0'],
      ['train', sinc, '--lr', '-1'],
      ['train', sinc, '--val-split', '2'],
      ['train', sinc, '--batch-size', 'x'],
      ['train', sinc, '--ridge', 'y'],
      ['train', sinc, '--solver', 'lm', '--stream'],
      ['train', sinc, '--delimiter', 'ab'],
      ['train', sinc, '--target', 'nope'],
      ['train', sinc, '--features', 'nope'],
      ['train', sinc, '--expect', 'rmse <'],
      // --init reads a model file with train's options: its hints name --init, not --model.
      ['train', sinc, '--init', 'not-a-model.json'],
      ['train', sinc, '--init', 'missing.json'],
      ['train', sinc, '--init', 'header-only.csv'],
      ['train', sinc, '--init', '/dev/zero'],
      ['predict', sinc, '--model', 'm.json', '--delimiter', 'ab'],
      ['export', '--model', 'm.json', '--format', 'nope'],
      ['export', '--model', 'm.json', '--digits', '99'],
      ['grad', sinc, '--model', 'm.json', '--mode', 'nope'],
      ['trace', 'x1+', '--at', 'x1=1'],
      ['trace', 'x1', '--at', 'x2=1'],
      ['cv', sinc, '--folds', '1'],
      ['cv', sinc, '--shard', '3/2'],
    ];
    const wrong: string[] = [];
    for (const run of runs) {
      const accepted = optionsOf([run[0]]);
      const r = await runCli(run, { cwd: dir });
      expect(r.code, describeRun(r)).not.toBe(0);
      expect(r.stderr).not.toMatch(STACK_LINE);
      for (const option of namedOptions(r.stderr)) if (!accepted.has(option)) wrong.push(`${run.join(' ')}: ${option} in ${r.stderr}`);
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});
