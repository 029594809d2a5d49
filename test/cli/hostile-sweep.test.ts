/**
 * Failures an adversarial sweep of the CLI found (odd data, odd option values, odd model
 * files), each through the built binary: the right exit code, one clear line, and no
 * stack trace or JavaScript word where a number or a message belongs.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliResult, describeRun, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-sweep-');
const QUICK = ['--epochs', '2', '--quiet'];

let dirs = 0;
function caseDir(): string {
  const dir = tmp.file(`case-${++dirs}`);
  mkdirSync(dir);
  return dir;
}

/** No internal wording on stderr: stack lines, JavaScript error names or values printed as words. */
function expectClean(r: CliResult): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toMatch(/internal error|TypeError|RangeError|Cannot read|\bundefined\b|\[object|\bInfinity\b|\bNaN\b/);
}

/** 60 rows of a smooth curve on [-3, 3], plus `extra` rows first. */
function curveCsv(path: string, extra: string[] = []): string {
  const rows = ['x,y', ...extra];
  for (let i = 0; i < 60; i++) {
    const x = -3 + (6 * ((i * 37) % 60)) / 59;
    rows.push(`${x},${Math.sin(x) + 0.1 * Math.sin(7 * i)}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('committee', () => {
  it('a member that diverges is left out without the run claiming it was interrupted (exit 0, not 130)', async () => {
    const dir = caseDir();
    // x = 1000 among x in [-3, 3]: exp units overflow on the row that holds it, for the member that validates on it.
    curveCsv(join(dir, 'far.csv'), ['1000,1']);
    const r = await runCli(['train', 'far.csv', '--basis', 'exp', '--json', '--out', 'm.json', ...QUICK], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ stopped: string; units: number; committee: { members: number; units_per_member: number; member_epochs: number[] }; warnings: string[] }>(r);
    expect(doc.stopped).toBe('max-epochs');
    expect(doc.warnings.some((w) => /committee member \d+ of 10 diverged and is left out/.test(w))).toBe(true);
    expect(doc.warnings.some((w) => /^interrupted/.test(w))).toBe(false);
    const kept = doc.committee.member_epochs.length;
    expect(kept).toBeLessThan(doc.committee.members);
    expect(doc.units).toBe(kept * doc.committee.units_per_member);
    // The summary counts the members that were averaged, not the K that were asked for.
    const text = await runCli(['train', 'far.csv', '--basis', 'exp', '--out', 'm.json', ...QUICK], { cwd: dir, timeoutMs: 60_000 });
    expect(text.code, describeRun(text)).toBe(0);
    expect(text.stdout).toContain(`committee: ${kept} of 10 members (${10 - kept} diverged)`);
    expectClean(text);
  });

  it('a singular member block is named as such, not as "condition Infinity"', async () => {
    const dir = caseDir();
    writeFileSync(join(dir, 'two.csv'), 'x,y\n1,2\n2,3\n');
    const r = await runCli(['train', 'two.csv', '--basis', 'exp', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/singular or ill-conditioned \(condition infinite\)/);
    expectClean(r);
  });
});

describe('paths the file system refuses', () => {
  const long = 'x'.repeat(300);

  it('an output under a file, or with a name over 255 bytes, is a usage error before any work, for every command that writes', async () => {
    const dir = caseDir();
    const data = curveCsv(join(dir, 'd.csv'));
    expect((await runCli(['train', data, '--units', '3', '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const runs: [string[], string, RegExp][] = [
      [['train', data, '--out', 'd.csv/m.json', ...QUICK], '--out', /a part of the path is not a folder/],
      [['train', data, '--out', long, ...QUICK], '--out', /the path or a name in it is too long/],
      [['train', data, '--plot', long, ...QUICK], '--plot', /the path or a name in it is too long/],
      [['train', data, '--report', `d.csv/${long}`, ...QUICK], '--report', /a part of the path is not a folder|too long/],
      [['plot', data, '--model', 'm.json', '--out', long], '--out', /too long/],
      [['report', data, '--model', 'm.json', '--out', long], '--out', /too long/],
      [['export', '--model', 'm.json', '--out', 'd.csv/f.txt'], '--out', /a part of the path is not a folder/],
    ];
    for (const [args, flag, reason] of runs) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, describeRun(r)).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^basisfit: error: cannot write ${flag} `));
      expect(lines[0]).toMatch(reason);
      expectClean(r);
    }
  });

  it('an input under a file, too long a name or a symlink loop is named in words, not by errno', async () => {
    const dir = caseDir();
    const data = curveCsv(join(dir, 'd.csv'));
    expect((await runCli(['train', data, '--units', '3', '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    symlinkSync('loop-b', join(dir, 'loop-a'));
    symlinkSync('loop-a', join(dir, 'loop-b'));
    const runs: [string[], RegExp][] = [
      [['train', 'd.csv/x.csv', ...QUICK], /d\.csv\/x\.csv: cannot read: a part of the path is not a folder/],
      [['eval', long, '--model', 'm.json'], /cannot read: the path or a name in it is too long/],
      [['predict', 'loop-a', '--model', 'm.json'], /loop-a: cannot read: too many levels of symbolic links/],
      [['predict', 'd.csv', '--model', long], /cannot read the model file: the path or a name in it is too long/],
    ];
    for (const [args, message] of runs) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/\n {2}check the (--model )?path/);
      expect(r.stderr).not.toMatch(/E[A-Z]{3,}:|permissions/);
      expectClean(r);
    }
  });
});
