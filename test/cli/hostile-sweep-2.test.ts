/**
 * Failures a second adversarial sweep of the CLI found (odd data, option values, model files,
 * signals and pipes), each through the built binary: the right exit code, one clear line, no
 * stack trace or JavaScript word, and no existing file changed by a failed run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { fitView } from '../../src/report/plot-data.js';
import { describeRun, runCli } from '../helpers/cli.js';
import { expectClean, fitSmall, QUICK, useCaseDirs } from '../helpers/sweep.js';

const { caseDir } = useCaseDirs('basisfit-sweep2-');

/** 60 rows of a smooth curve on [-3, 3]; `x` maps each x before it is written. */
function curveCsv(path: string, x: (v: number, i: number) => number = (v) => v): string {
  const rows = ['x,y'];
  for (let i = 0; i < 60; i++) {
    const v = -3 + (6 * ((i * 37) % 60)) / 59;
    rows.push(`${x(v, i)},${Math.sin(v) + 0.1 * Math.sin(7 * i)}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('plots Vega cannot lay out', () => {
  it('denormal x values or a denormal loss history end the plot with one line, not a Vega stack trace and a plot without its axis', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    // x from 5e-324 to 3e-322: d3 cannot tick an axis over values closer than about 1e-300.
    curveCsv(join(dir, 'tiny.csv'), (_v, i) => (i + 1) * 5e-324);
    await fitSmall(dir);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    // Five epochs whose losses are denormal (a perfect fit's MSE can underflow so).
    m.history = { train: [1, 1, 1, 1, 1].map(() => 5e-324), validation: [0, 1, 2, 3, 4].map((i) => i * 5e-324) };
    writeFileSync(join(dir, 'tiny-loss.json'), JSON.stringify(m));
    for (const [data, model, out] of [['tiny.csv', 'm.json', 'keep.svg'], ['d.csv', 'tiny-loss.json', 'keep.svg'], ['tiny.csv', 'm.json', 'keep.png']]) {
      writeFileSync(join(dir, out), 'earlier\n');
      const r = await runCli(['plot', data, '--model', model, '--out', out], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/^basisfit: error: cannot draw the plot: its axes could not be laid out over these values\n {2}values that differ by less than about 1e-300/);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(2);
      expect(readFileSync(join(dir, out), 'utf8')).toBe('earlier\n');
      expectClean(r);
    }
    // The same data and model draw once the values are ordinary.
    const ok = await runCli(['plot', 'd.csv', '--model', 'm.json', '--out', 'fit.svg'], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(ok.stderr).toBe('');
  });
});

describe('train --plot or --report failing after the fit', () => {
  it('leaves an existing --out as it was: the plot is made before the model is written', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'tiny.csv'), (_v, i) => (i + 1) * 5e-324);
    for (const out of ['m.json', 'fresh.json']) {
      if (out === 'm.json') writeFileSync(join(dir, out), 'earlier\n');
      writeFileSync(join(dir, 'keep.svg'), 'earlier\n');
      const r = await runCli(['train', 'tiny.csv', '--units', '2', '--committee', '0', '--no-standardize', '--out', out, '--plot', 'keep.svg', '--report', 'r.html', ...QUICK], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toMatch(/^basisfit: error: cannot draw the plot/m);
      if (out === 'm.json') expect(readFileSync(join(dir, out), 'utf8')).toBe('earlier\n');
      else expect(existsSync(join(dir, out))).toBe(false);
      expect(readFileSync(join(dir, 'keep.svg'), 'utf8')).toBe('earlier\n');
      expect(existsSync(join(dir, 'r.html'))).toBe(false);
    }
  });
});

describe('option values at the edge of their range', () => {
  it.each([{ committee: '0' }, { committee: 'auto' }])('--ridge 1e308 trains (w near 0) and says there are no standard errors, not the engine\'s "backward: gradient …" (--committee $committee)', async ({ committee }) => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    // N·λ overflows in the standard errors' penalised loss while the fit itself is finite.
    const r = await runCli(['train', 'd.csv', '--units', '3', '--ridge', '1e308', '--committee', committee, '--json', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    const doc = JSON.parse(r.stdout) as { uncertainty: unknown; warnings: string[]; model: string };
    expect(doc.uncertainty).toBeNull();
    expect(doc.model).toBe('m.json');
    expect(doc.warnings).toContain('no standard errors or intervals: the penalised loss, its gradient or its Jacobian overflows at the fitted parameters on the training rows');
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).format).toBe('basisfit-model');
    expectClean(r);
  });
});

describe("a lone '-' as an option value", () => {
  it("is quoted as '-' in errors, not as the token that stands for standard input", async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    // A column the file does not have is bad data (exit 1); a value the option does not take is bad usage (exit 2).
    const runs: [string[], number, RegExp][] = [
      [['train', 'd.csv', '--target', '-', ...QUICK], 1, /no column named '-'/],
      [['train', 'd.csv', '--features', '-', ...QUICK], 1, /no column named '-'/],
      [['train', 'd.csv', '--delimiter', '-', ...QUICK], 2, /invalid delimiter "-"/],
      [['train', 'd.csv', '--basis', '-', ...QUICK], 2, /invalid value "-" for --basis/],
      [['train', 'd.csv', '--units', '-', ...QUICK], 2, /--units must be 'auto' or a positive whole number, got '-'/],
      [['cv', 'd.csv', '--basis', '-', ...QUICK], 2, /invalid value '-' for --basis/],
      [['export', '--model', 'm.json', '--digits', '-'], 2, /got '-'/],
    ];
    for (const [args, code, message] of runs) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, describeRun(r)).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/stdin|\\u0000|\\x00/);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(2);
      expectClean(r);
    }
  });

  it('--init - reads the model from standard input, as --model - does; with FILE - too it is a usage error', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    await fitSmall(dir);
    const model = readFileSync(join(dir, 'm.json'), 'utf8');
    const fromFile = await runCli(['train', 'd.csv', '--init', 'm.json', '--out', 'a.json', '--json', ...QUICK], { cwd: dir });
    const fromStdin = await runCli(['train', 'd.csv', '--init', '-', '--out', 'b.json', '--json', ...QUICK], { cwd: dir, input: model });
    expect(fromStdin.code, describeRun(fromStdin)).toBe(0);
    expect(fromFile.code, describeRun(fromFile)).toBe(0);
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
    const both = await runCli(['train', '-', '--init', '-', '--out', 'c.json', ...QUICK], { cwd: dir, input: model });
    expect(both.code, describeRun(both)).toBe(2);
    expect(both.stderr).toMatch(/^basisfit: error: FILE and --init cannot both be - \(standard input\)\n {2}give one of them a file path\n$/);
  });

  it('cv --results and cv collect need a folder: - and an empty name are usage errors, a file in the way is named in words', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    const runs: [string[], number, RegExp][] = [
      [['cv', 'd.csv', '--results', '-', ...QUICK], 2, /^basisfit: error: --results needs a folder, got '-'\n {2}e\.g\. --results results\//],
      [['cv', 'd.csv', '--results', '', ...QUICK], 2, /^basisfit: error: --results needs a folder, got ''/],
      [['cv', 'collect', '-'], 2, /^basisfit: error: cv collect DIR needs a folder, got '-'/],
      [['cv', 'd.csv', '--results', 'd.csv', '--folds', '2', '--units', '2', ...QUICK], 2, /^basisfit: error: cannot create --results folder d\.csv: a file of that name is in the way\n/],
      [['cv', 'collect', 'd.csv'], 1, /cannot read cv\.json \(a part of the path is not a folder\)/],
    ];
    for (const [args, code, message] of runs) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, describeRun(r)).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/E[A-Z]{3,}|ERR_/);
      expectClean(r);
    }
  });
});

describe('an option given twice takes its last value, in every command', () => {
  it('predict/eval/grad/plot/report --delimiter, predict --interval, grad --mode, trace --at and --wrt', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    await fitSmall(dir);
    const M = ['--model', 'm.json'];
    for (const args of [['predict', 'd.csv', ...M], ['eval', 'd.csv', ...M], ['grad', 'd.csv', ...M], ['plot', 'd.csv', ...M, '--out', 'f.svg'], ['report', 'd.csv', ...M, '--out', 'r.html']]) {
      const r = await runCli([...args, '--delimiter', ';', '--delimiter', ',', '--json'], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(0);
      expectClean(r);
    }
    const interval = await runCli(['predict', 'd.csv', ...M, '--interval', '0.9', '--interval', '0.5', '--json'], { cwd: dir });
    expect(interval.code, describeRun(interval)).toBe(0);
    expect(JSON.parse(interval.stdout).interval.level).toBe(0.5);
    const grad = await runCli(['grad', 'd.csv', ...M, '--mode', 'reverse', '--mode', 'forward', '--json'], { cwd: dir });
    expect(grad.code, describeRun(grad)).toBe(0);
    expect(JSON.parse(grad.stdout).mode).toBe('forward');
    const trace = await runCli(['trace', 'x1*x2', '--at', 'x1=1,x2=1', '--at', 'x1=2,x2=3', '--wrt', 'x1', '--wrt', 'x2', '--json'], { cwd: dir });
    expect(trace.code, describeRun(trace)).toBe(0);
    const doc = JSON.parse(trace.stdout) as { at: Record<string, number>; wrt: string; value: number };
    expect(doc).toMatchObject({ at: { x1: 2, x2: 3 }, wrt: 'x2', value: 6 });
  });
});

describe('predict --interval at the edge of double precision', () => {
  it('the largest double below 1 is refused as a usage error (its (1 + LEVEL)/2 rounds to 1), the next one down gives finite bands', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    await fitSmall(dir);
    const r = await runCli(['predict', 'd.csv', '--model', 'm.json', '--interval', '0.9999999999999999'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(/^basisfit: error: --interval 0\.9999999999999999 is 1 to within double precision: its bands would be infinite\n {2}use at most --interval 0\.9999999999999998\n$/);
    const ok = await runCli(['predict', 'd.csv', '--model', 'm.json', '--interval', '0.9999999999999998', '--json'], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
    const bands = JSON.parse(ok.stdout) as { predictions: number[]; obs_ci_upper: (number | null)[] };
    expect(bands.obs_ci_upper.every((u, i) => u !== null && Number.isFinite(u) && u > bands.predictions[i])).toBe(true);
  });
});

describe('text encodings', () => {
  it('UTF-32 with a byte order mark (either order) is named as such, not read as UTF-16 with NULs in every name', async () => {
    const dir = caseDir();
    const text = readFileSync(curveCsv(join(dir, 'd.csv')), 'utf8');
    const chars = [...text].map((c) => c.charCodeAt(0));
    writeFileSync(join(dir, 'le.csv'), Buffer.from([0xff, 0xfe, 0, 0, ...chars.flatMap((c) => [c, 0, 0, 0])]));
    writeFileSync(join(dir, 'be.csv'), Buffer.from([0, 0, 0xfe, 0xff, ...chars.flatMap((c) => [0, 0, 0, c])]));
    for (const file of ['le.csv', 'be.csv']) {
      const r = await runCli(['train', file, ...QUICK], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toBe(`basisfit: error: ${file}: not a CSV text file: it looks like UTF-32 text\n  convert it to UTF-8, e.g. iconv -f UTF-32 -t UTF-8 data.csv > data-utf8.csv\n`);
    }
    // UTF-16LE with its byte order mark is still read.
    writeFileSync(join(dir, 'u16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const ok = await runCli(['train', 'u16.csv', '--units', '3', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
  });
});

describe('numeric option values', () => {
  it('are decimal, as the data cells are: 0x10, 0b1 and 0o7 are usage errors in every command, not 16, 1 and 7', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    await fitSmall(dir);
    const runs: [string[], string][] = [
      [['train', 'd.csv', '--epochs', '0x10', '--out', 'never.json'], '--epochs'],
      [['train', 'd.csv', '--units', '0b11', '--out', 'never.json'], '--units'],
      [['train', 'd.csv', '--lr', '0x1', '--out', 'never.json'], '--lr'],
      [['train', 'd.csv', '--seed', '0o7', '--out', 'never.json'], '--seed'],
      [['train', 'd.csv', '--batch-size', '0x8', '--out', 'never.json'], '--batch-size'],
      [['cv', 'd.csv', '--folds', '0x3', '--quiet'], '--folds'],
      [['export', '--model', 'm.json', '--digits', '0x5'], '--digits'],
    ];
    for (const [args, flag] of runs) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^basisfit: error: ${flag} must be `));
      expectClean(r);
    }
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    // Decimal spellings still work: a sign, an exponent, a leading dot.
    const ok = await runCli(['train', 'd.csv', '--units', '+3', '--epochs', '2e0', '--lr', '.01', '--committee', '0', '--out', 'ok.json', '--quiet'], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
  });
});

describe('plots of models with many units', () => {
  it('draw at most 1,000 basis terms, those that vary most, and say so in the heading (20,000 took minutes and gigabytes)', async () => {
    const dir = caseDir();
    curveCsv(join(dir, 'd.csv'));
    await fitSmall(dir);
    const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    const J = 1500;
    m.theta = Array.from({ length: J }, (_, j) => [(2 * j) / J - 1, 0.5]);
    m.w = Array.from({ length: J }, (_, j) => (j + 1) / J);
    delete m.uncertainty;
    writeFileSync(join(dir, 'many.json'), JSON.stringify(m));
    const r = await runCli(['plot', 'd.csv', '--model', 'many.json', '--out', 'many.svg'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const svg = readFileSync(join(dir, 'many.svg'), 'utf8');
    expect(svg).toContain('rbf basis, 1500 units: y from x (the 1000 of 1500 units that vary most drawn)');
    // Unit 1500 varies most, unit 1 least: the kept terms are not simply the first thousand.
    const view = fitView(parseModel(JSON.stringify(m), 'many.json'), [{ name: 'd', rows: { x: Float64Array.of(-3, 3), y: Float64Array.of(0, 0), n: 2 } }]);
    const units = new Set(view.kind === 'curve' ? view.components.map((c) => c.unit) : []);
    expect(units.size).toBe(1000);
    expect(units.has(J)).toBe(true);
    expect(units.has(1)).toBe(false);
    const small = await runCli(['plot', 'd.csv', '--model', 'm.json', '--out', 'small.svg'], { cwd: dir });
    expect(small.code, describeRun(small)).toBe(0);
    expect(readFileSync(join(dir, 'small.svg'), 'utf8')).toContain('rbf basis, 3 units: y from x<');
  });
});

describe('unknown one-letter options', () => {
  it('are named as typed: --x (a header name taken for an option), -x and --no-x', async () => {
    const dir = caseDir();
    writeFileSync(join(dir, 'o.csv'), '--x,y\n1,2\n2,3\n3,5\n4,4\n5,6\n6,8\n');
    for (const [args, named] of [[['-x'], '-x'], [['--no-x'], '--no-x']] as const) {
      const r = await runCli(['train', 'o.csv', ...args, ...QUICK], { cwd: dir });
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^basisfit: error: unknown option ${named}\\n {2}see basisfit train --help\\n$`));
    }
    // Taken as an option name, --x leaves --features without a value; the error names both as typed.
    const bare = await runCli(['train', 'o.csv', '--features', '--x', ...QUICK], { cwd: dir });
    expect(bare.code, describeRun(bare)).toBe(2);
    expect(bare.stderr).toMatch(/^basisfit: error: --features needs a value, but it is followed by --x\n {2}write --features VALUE, or --features=--x if --x is the value; /);
    // The column itself is reachable with the = form.
    const ok = await runCli(['train', 'o.csv', '--features=--x', '--units', '1', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(ok.code, describeRun(ok)).toBe(0);
  });
});
