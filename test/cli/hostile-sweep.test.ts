/**
 * Failures an adversarial sweep of the CLI found (odd data, odd option values, odd model
 * files), each through the built binary: the right exit code, one clear line, and no
 * stack trace or JavaScript word where a number or a message belongs.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRun, parseJsonOutput, runCli, STACK_LINE } from '../helpers/cli.js';
import { expectClean, QUICK, useCaseDirs } from '../helpers/sweep.js';

const { caseDir } = useCaseDirs('basisfit-sweep-');

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
    const doc = parseJsonOutput<{ stopped: string; units: number; committee: { members: number; units_per_member: number; diverged: number; member_epochs: number[] }; warnings: string[] }>(r);
    expect(doc.stopped).toBe('max-epochs');
    expect(doc.warnings.some((w) => /committee member \d+ of 10 diverged and is left out/.test(w))).toBe(true);
    expect(doc.warnings.some((w) => /^interrupted/.test(w))).toBe(false);
    const kept = doc.committee.member_epochs.length;
    expect(kept).toBeLessThan(doc.committee.members);
    expect(doc.committee.diverged).toBe(doc.committee.members - kept);
    expect(doc.units).toBe((doc.committee.members - doc.committee.diverged) * doc.committee.units_per_member);
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

describe('model files with extreme values', () => {
  /** A one-model fit (no committee) of the curve, and a copy of it changed by `edit`. */
  // biome-ignore lint/suspicious/noExplicitAny: the edits reach into a model file's JSON at will.
  async function models(dir: string, edits: Record<string, (m: Record<string, any>) => void>): Promise<void> {
    curveCsv(join(dir, 'd.csv'));
    const r = await runCli(['train', 'd.csv', '--units', '3', '--committee', '0', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    for (const [name, edit] of Object.entries(edits)) {
      const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
      edit(m);
      writeFileSync(join(dir, name), JSON.stringify(m));
    }
  }

  it('uncertainty.dof of 1e308 gives intervals at once (the normal limit), not a run that never ends', async () => {
    const dir = caseDir();
    await models(dir, { 'huge-dof.json': (m) => (m.uncertainty.dof = 1e308), 'big-dof.json': (m) => (m.uncertainty.dof = 1e7) });
    const huge = await runCli(['predict', 'd.csv', '--model', 'huge-dof.json', '--interval', '0.95', '--json'], { cwd: dir, timeoutMs: 20_000 });
    expect(huge.code, describeRun(huge)).toBe(0);
    const big = await runCli(['predict', 'd.csv', '--model', 'big-dof.json', '--interval', '0.95', '--json'], { cwd: dir });
    const [a, b] = [parseJsonOutput<{ obs_ci_upper: number[] }>(huge), parseJsonOutput<{ obs_ci_upper: number[] }>(big)];
    // t(0.975, 1e7) exceeds the normal 1.95996 by 1.2e-7 relative: the bands nearly agree, the huge one inside.
    for (let i = 0; i < a.obs_ci_upper.length; i++) {
      expect(a.obs_ci_upper[i]).toBeLessThanOrEqual(b.obs_ci_upper[i]);
      expect(Math.abs(a.obs_ci_upper[i] - b.obs_ci_upper[i])).toBeLessThan(1e-5 * (1 + Math.abs(b.obs_ci_upper[i])));
    }
  });

  it('grad, plot and report on a model whose squared residuals overflow say so in one line, not by engine op and shape', async () => {
    const dir = caseDir();
    await models(dir, {
      'huge-b.json': (m) => (m.b = 1e308),
      'tiny-ystd.json': (m) => (m.scaling.y.std = 5e-324),
      'far-centre.json': (m) => (m.theta[0][0] = 1e308),
    });
    for (const model of ['huge-b.json', 'tiny-ystd.json']) {
      const r = await runCli(['grad', 'd.csv', '--model', model, '--check'], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/^basisfit: error: d\.csv: the loss L or its gradient is not finite at the model's parameters on these rows\n {2}check the model file/);
      expect(r.stderr).not.toMatch(/shape|square|backward/);
      expectClean(r);
    }
    // A prediction that overflows is named by the first row that has it, as predict names it.
    for (const command of ['plot', 'report']) {
      writeFileSync(join(dir, 'keep.out'), 'earlier\n');
      const r = await runCli([command, 'd.csv', '--model', 'far-centre.json', '--out', 'keep.out'], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/^basisfit: error: d\.csv:2: non-finite prediction for row 1/);
      expect(readFileSync(join(dir, 'keep.out'), 'utf8')).toBe('earlier\n');
      expectClean(r);
    }
  });

  it.each([{ solver: 'varpro' }, { solver: 'lm' }])('--init with a model whose basis functions overflow on the training rows is refused in words (--solver $solver)', async ({ solver }) => {
    const dir = caseDir();
    await models(dir, { 'narrow.json': (m) => (m.theta[0][1] = 1e-320) });
    writeFileSync(join(dir, 'o.json'), 'earlier\n');
    const r = await runCli(['train', 'd.csv', '--init', 'narrow.json', '--out', 'o.json', '--solver', solver, ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.stderr).toMatch(/^basisfit: error: --init: the model's basis functions are not finite on this run's training rows/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(readFileSync(join(dir, 'o.json'), 'utf8')).toBe('earlier\n');
    expectClean(r);
  });

  it('a JSON syntax error is one line, however the text around it breaks', async () => {
    const dir = caseDir();
    await models(dir, {});
    const text = readFileSync(join(dir, 'm.json'), 'utf8');
    writeFileSync(join(dir, 'nan.json'), text.replace('"b": ', '"b": NaN, "c": '));
    const nan = await runCli(['eval', 'd.csv', '--model', 'nan.json'], { cwd: dir });
    expect(nan.code, describeRun(nan)).toBe(1);
    expect(nan.stderr.trimEnd().split('\n'), nan.stderr).toHaveLength(2);
    expect(nan.stderr).toMatch(/^basisfit: error: nan\.json: the model file is not valid JSON \(.*\)\n {2}point --model at a file basisfit wrote/);
    expect(nan.stderr).not.toMatch(STACK_LINE);
  });
});
