/** What people expect of a CLI: completion, --version, examples in --help, and suggestions for typos. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTmpdir } from '../helpers/tmp.js';
import { describe, expect, it } from 'vitest';
import { levenshtein, suggestion } from '../../src/cli/suggest.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { env: { NO_COLOR: '1' } });
const tmp = useTmpdir('basisfit-conventions-');

describe('CLI conventions', () => {
  it('prints a bash/zsh completion script that completes the options of a command', async () => {
    const r = await cli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('###-begin-basisfit-completions-###');
    expect(r.stdout).toContain('basisfit --get-yargs-completions');
    const options = await cli(['--get-yargs-completions', 'train', '--']);
    expect(options.stdout.split('\n')).toEqual(expect.arrayContaining(['--basis', '--units', '--report']));
  });

  it('prints the package version for --version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')).version);
  });

  it('has examples in every command\'s --help', async () => {
    for (const command of [[], ['train'], ['predict'], ['eval'], ['grad'], ['trace'], ['plot'], ['export'], ['cv'], ['cv', 'collect'], ['report'], ['completion']]) {
      const r = await cli([...command, '--help']);
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout, command.join(' ')).toMatch(/Examples:\n\s+basisfit /);
    }
    // --help of completion is its help, not the script.
    expect((await cli(['completion', '--help'])).stdout).not.toContain('###-begin-basisfit-completions-###');
  });

  it('suggests the option a typo meant', async () => {
    const r = await cli(['train', 'data/sinc.csv', '--bassis', 'rbf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --bassis (did you mean --basis?)');
    expect(r.stderr).toContain('see basisfit train --help');
    const negated = await cli(['train', 'data/sinc.csv', '--no-standardise']);
    expect(negated.stderr).toContain('unknown option --no-standardise (did you mean --no-standardize?)');
  });

  it('names a negated unknown option as it was typed', async () => {
    const r = await cli(['train', 'data/sinc.csv', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --no-such-option\b/);
    expect(r.stderr).not.toMatch(/ --such-option/);
  });

  it('suggests the command a typo meant', async () => {
    const r = await cli(['trian', 'data/sinc.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'trian': did you mean train?");
  });

  it('draws plot --format png as a PNG image', async () => {
    const dir = tmp.path;
    writeFileSync(join(dir, 'm.json'), JSON.stringify({ format: 'basisfit-model', version: 1, basis: 'tanh', features: ['x'], target: 'y', theta: [[1, 0]], w: [1], b: 0, scaling: null, training: { seed: 1, epochs: 1 } }));
    writeFileSync(join(dir, 'd.csv'), 'x,y\n0,0\n1,0.7\n2,0.9\n');
    const r = await runCli(['plot', 'd.csv', '--model', 'm.json', '--out', 'fit.img', '--format', 'png'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect([...readFileSync(join(dir, 'fit.img')).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('measures edit distance', () => {
    expect(levenshtein('bassis', 'basis')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(suggestion('bassis', ['basis', 'units'])).toBe('basis');
    expect(suggestion('zzz', ['basis', 'units'])).toBeNull();
  });
});
