/**
 * Hostile use, through the built binary: no path loses data, no name from a file runs
 * as code or reaches the terminal raw, no input produces a stack trace, and resources
 * stay bounded. Each case is a way a user (or an attacker who controls a CSV) could
 * get basisfit to do harm.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { metrics } from '../../src/model/metrics.js';
import { type CliResult, DATA_DIR, describeRun, runCli, STACK_LINE, startCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const tmp = useTmpdir('basisfit-hostile-');
const SINC = join(DATA_DIR, 'sinc.csv');
/** Training that takes a moment: the point of these tests is the paths, not the fit. */
const QUICK = ['--epochs', '2', '--units', '3', '--quiet', '--restarts', '1'];
const ESC = String.fromCharCode(0x1b);
/** Control characters, line separators: what no name may carry raw into code, a terminal or XML. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/** A folder of its own per test, so leftovers show. */
let dirs = 0;
function caseDir(): string {
  const dir = tmp.file(`case-${++dirs}`);
  mkdirSync(dir);
  return dir;
}

function sh(cmd: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', cmd], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BIN_CMD = `"${process.execPath}" "${join(DATA_DIR, '..', 'bin', 'basisfit.js')}"`;

/** One line of error (plus an optional hint line), no stack trace. */
function expectOneError(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, describeRun(r)).toBe(code);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toMatch(/internal error/);
}

function csvCell(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A small CSV whose header cells are `names` (last one the target). */
function hostileCsv(path: string, names: string[]): string {
  const rows = [names.map(csvCell).join(',')];
  for (let i = 0; i < 60; i++) rows.push(names.map((_, k) => String(Math.sin(i * (k + 1)) + k + i / 30)).join(','));
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('data loss', () => {
  it('train - --out d.csv < d.csv is refused before training, and the data survive', () => {
    const dir = caseDir();
    copyFileSync(SINC, join(dir, 'd.csv'));
    const r = sh(`${BIN_CMD} train - --out d.csv ${QUICK.join(' ')} < d.csv`, dir);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out d\.csv is the input data file \(standard input\)/);
    expect(readFileSync(join(dir, 'd.csv'), 'utf8')).toBe(readFileSync(SINC, 'utf8'));
  });

  it('plot - --out d.csv < d.csv is refused, and the data survive', async () => {
    const dir = caseDir();
    copyFileSync(SINC, join(dir, 'd.csv'));
    expect((await runCli(['train', 'd.csv', '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const r = sh(`${BIN_CMD} plot - --model m.json --out d.csv < d.csv`, dir);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out d\.csv is the input data file/);
    expect(readFileSync(join(dir, 'd.csv'), 'utf8')).toBe(readFileSync(SINC, 'utf8'));
  });

  it('a dangling symlink --plot fit.svg -> pm.json is the --out pm.json, refused before training', async () => {
    const dir = caseDir();
    symlinkSync('pm.json', join(dir, 'fit.svg'));
    const r = await runCli(['train', SINC, '--out', 'pm.json', '--plot', 'fit.svg', ...QUICK], { cwd: dir });
    expectOneError(r, 2, /--plot fit\.svg is also the --out model path \(pm\.json\)/);
    expect(existsSync(join(dir, 'pm.json'))).toBe(false);
  });

  it('a dangling symlink --out is written through to its target, and the link stays a link', async () => {
    const dir = caseDir();
    symlinkSync('real.json', join(dir, 'link.json'));
    const r = await runCli(['train', SINC, '--out', 'link.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')).format).toBe('basisfit-model');
  });

  it('a symlink --out to the data file is refused', async () => {
    const dir = caseDir();
    copyFileSync(SINC, join(dir, 'd.csv'));
    symlinkSync('d.csv', join(dir, 'model.json'));
    const r = await runCli(['train', 'd.csv', '--out', 'model.json', ...QUICK], { cwd: dir });
    expectOneError(r, 2, /--out model\.json is the input data file d\.csv/);
    expect(readFileSync(join(dir, 'd.csv'), 'utf8')).toBe(readFileSync(SINC, 'utf8'));
  });

  it('--out /dev/null is written as a stream and stays a character device', async () => {
    const r = await runCli(['train', SINC, '--out', '/dev/null', ...QUICK]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirSync('/dev').some((n) => n.startsWith('.bf-'))).toBe(false);
  });

  it('--out into a FIFO streams the model to its reader and leaves the FIFO a FIFO', async () => {
    const dir = caseDir();
    const fifo = join(dir, 'model.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = sh(`${BIN_CMD} train "${SINC}" --out model.fifo ${QUICK.join(' ')} >/dev/null & cat model.fifo; wait $!`, dir);
    expect(reader.status, reader.stderr).toBe(0);
    expect(JSON.parse(reader.stdout).format).toBe('basisfit-model');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('--out naming a folder is a clear usage error before training', async () => {
    const dir = caseDir();
    const r = await runCli(['train', SINC, '--out', dir, ...QUICK]);
    expectOneError(r, 2, /cannot write --out .*: it is a folder/);
  });

  it('--out "" is a usage error, not a silent run that writes nothing', async () => {
    const r = await runCli(['train', SINC, '--out', '', ...QUICK]);
    expectOneError(r, 2, /--out needs a path, got an empty string/);
  });

  it('a --plot in a missing folder is found before training, and no model is written', async () => {
    const dir = caseDir();
    const r = await runCli(['train', SINC, '--out', 'm.json', '--plot', 'nodir/fit.svg', '--json', ...QUICK], { cwd: dir });
    expectOneError(r, 2, /cannot write --plot nodir\/fit\.svg: the folder .*nodir does not exist/);
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
  });

  it('a 245-character --out name works: the temporary name does not grow with it', async () => {
    const dir = caseDir();
    const name = `${'m'.repeat(240)}.json`;
    const r = await runCli(['train', SINC, '--out', name, ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(readdirSync(dir)).toEqual([name]);
  });

  it('--out - writes the model to stdout and the summary to stderr', async () => {
    const r = await runCli(['train', SINC, '--out', '-', ...QUICK]);
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('basisfit-model');
    expect(r.stderr).toMatch(/model written to standard output/);
  });

  it('--out - with --json, and --out - with --plot -, are usage errors before training', async () => {
    expectOneError(await runCli(['train', SINC, '--out', '-', '--json', ...QUICK]), 2, /--out - writes the model to standard output, which --json reserves/);
    expectOneError(await runCli(['train', SINC, '--out', '-', '--plot', '-', ...QUICK]), 2, /would both write to standard output/);
  });

  it('--plot - writes the SVG to stdout', async () => {
    const dir = caseDir();
    const r = await runCli(['train', SINC, '--out', 'm.json', '--plot', '-', ...QUICK], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^<svg/);
    expect(r.stdout.trimEnd()).toMatch(/<\/svg>$/);
  });

  it('--report is checked before training like --out and --plot: the data file, the --plot path, a missing folder', async () => {
    const dir = caseDir();
    copyFileSync(SINC, join(dir, 'd.csv'));
    const before = readFileSync(join(dir, 'd.csv'));
    symlinkSync('d.csv', join(dir, 'r.html'));
    expectOneError(await runCli(['train', 'd.csv', '--out', 'm.json', '--report', 'r.html', ...QUICK], { cwd: dir }), 2, /--report r\.html is the input data file d\.csv; writing the HTML report there would destroy it/);
    expectOneError(await runCli(['train', 'd.csv', '--out', 'm.json', '--plot', 'x.html', '--report', 'x.html', ...QUICK], { cwd: dir }), 2, /--report x\.html is also the --plot SVG path/);
    expectOneError(await runCli(['train', 'd.csv', '--out', 'm.json', '--report', 'nodir/r.html', ...QUICK], { cwd: dir }), 2, /cannot write --report nodir\/r\.html: the folder .*nodir does not exist/);
    expect(readFileSync(join(dir, 'd.csv'))).toEqual(before);
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
  });

  it('--report - writes the HTML to stdout, and is refused with --json', async () => {
    const dir = caseDir();
    const r = await runCli(['train', SINC, '--out', 'm.json', '--report', '-', ...QUICK], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/);
    expect(r.stdout.trimEnd()).toMatch(/<\/html>$/);
    expectOneError(await runCli(['train', SINC, '--report', '-', '--json', ...QUICK], { cwd: dir }), 2, /--report - writes the HTML report to standard output, which --json reserves/);
  });

  it('--model - reads the model from stdin; with FILE - too it is a usage error', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const model = readFileSync(join(dir, 'm.json'));
    const r = await runCli(['eval', SINC, '--model', '-', '--json'], { input: model });
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(r.stdout).n).toBe(400);
    expectOneError(await runCli(['eval', '-', '--model', '-'], { input: model }), 2, /FILE and --model cannot both be -/);
  });
});

describe('code injection through column names', () => {
  const names = [
    "x\nimport('node:fs').then(f=>f.writeFileSync('PWNED.txt','owned'));//",
    'a*/b\u2028c\u2029d',
    `q"'\\%<script>${ESC}[31m`,
    `y${ESC}]0;title\u0007`,
  ];

  async function trained(): Promise<string> {
    const dir = caseDir();
    hostileCsv(join(dir, 'h.csv'), names);
    const r = await runCli(['train', 'h.csv', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    return dir;
  }

  it('export --format js: importing the module runs no code, and features come back exact', async () => {
    const dir = await trained();
    const r = await runCli(['export', '--model', 'm.json', '--format', 'js', '--out', 'm.mjs'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    const mod = await import(pathToFileURL(join(dir, 'm.mjs')).href);
    expect(existsSync(join(dir, 'PWNED.txt'))).toBe(false);
    expect(mod.features).toEqual(names.slice(0, 3));
    expect(mod.target).toBe(names[3]);
    expect(Number.isFinite(mod.predict([1, 2, 3]))).toBe(true);
    const code = readFileSync(join(dir, 'm.mjs'), 'utf8');
    // No raw line terminator or control character from a name reaches the source.
    expect(code).not.toMatch(RAW_CONTROL);
    expect(code).not.toMatch(/<script/);
  });

  it('export --format latex and text: no name breaks out of its comment line or runs a command', async () => {
    const dir = await trained();
    const tex = (await runCli(['export', '--model', 'm.json', '--format', 'latex'], { cwd: dir })).stdout;
    const lines = tex.split('\n');
    // Comments are exactly the first two lines; the rest is the equation.
    expect(lines.filter((l) => l.startsWith('%'))).toHaveLength(2);
    expect(lines.slice(2).every((l) => !/^import|^\\(input|write|immediate)/.test(l))).toBe(true);
    expect(tex).not.toMatch(RAW_CONTROL);
    // Every % and backslash of a name is escaped: an unescaped % would comment out the rest of a line.
    expect(tex).toContain('\\mathrm{q"\'\\backslash{}\\%{<}script{>}\\backslash{}x1b[31m}');
    const text = (await runCli(['export', '--model', 'm.json', '--format', 'text'], { cwd: dir })).stdout;
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(2);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).not.toMatch(/^import/m);
  });

  it('export --format latex: names full of TeX specials come out as valid LaTeX that runs no command', async () => {
    const dir = caseDir();
    const texNames = ['\\input{/etc/passwd}', 'a^^5cinput b', '~x^{}}}', 'température °C', '$x$&#_%', '<b>"q"</b>', '\\catcode`\\^^M=9', 'y'];
    hostileCsv(join(dir, 'tex.csv'), texNames);
    expect((await runCli(['train', 'tex.csv', '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const r = await runCli(['export', '--model', 'm.json', '--format', 'latex'], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    const body = r.stdout.split('\n').filter((l) => !l.startsWith('%')).join('\n');
    // KaTeX in strict mode rejects what LaTeX would (e.g. the text accent \^{} in math mode) and runs no macro it does not know.
    expect(() => katex.renderToString(body, { displayMode: true, throwOnError: true, strict: 'error' })).not.toThrow();
    // Every control word in the equation is one the exporter writes itself.
    const words = new Set([...body.matchAll(/\\([A-Za-z]+)/g)].map((m) => m[1]));
    expect([...words].filter((w) => !['begin', 'end', 'aligned', 'mathrm', 'textrm', 'backslash', 'wedge', 'sim', 'exp', 'left', 'right', 'frac', 'times'].includes(w))).toEqual([]);
    expect(body).toContain('\\mathrm{temp\\textrm{é}rature\\ \\textrm{°}C}');
    expect(body).toContain('\\mathrm{a\\wedge{}\\wedge{}5cinput\\ b}');
  });

  it('plot: names are escaped in the SVG, which parses as XML with no script element', async () => {
    const dir = await trained();
    const r = await runCli(['plot', 'h.csv', '--model', 'm.json', '--out', 'fit.svg'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const svg = readFileSync(join(dir, 'fit.svg'), 'utf8');
    expect(svg).not.toMatch(/<script/i);
    // XML 1.0 allows no C0 control but tab and newlines: one would make the file unreadable.
    expect(svg).not.toMatch(RAW_CONTROL);
    expect(svg).toContain('y\u241b]0;title\u2407');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('report: names are text in the HTML, never markup or script, with no raw control character', async () => {
    const dir = await trained();
    const r = await runCli(['report', 'h.csv', '--model', 'm.json', '--out', 'r.html', '--no-timestamp'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    // The inlined runtimes are the installed packages' own code; the names live in the rest.
    const ours = html.slice(0, html.indexOf('<script data-runtime=')) + html.slice(html.lastIndexOf('<script>'));
    expect(ours).not.toMatch(RAW_CONTROL);
    expect(ours.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(html.match(/<script[\s>]/g)!.length);
    expect(ours).toContain('q&quot;&#39;\\%&lt;script&gt;\u241b[31m');
    expect(ours).toContain('y\u241b]0;title\u2407');
    expect(existsSync(join(dir, 'PWNED.txt'))).toBe(false);
  });

  it('the terminal never sees a raw control sequence from a header: summary, warnings, errors', async () => {
    const dir = await trained();
    const train = await runCli(['train', 'h.csv', '--out', 'm2.json', '--epochs', '2', '--units', '3'], { cwd: dir });
    const evalRun = await runCli(['eval', 'h.csv', '--model', 'm.json'], { cwd: dir });
    const bad = await runCli(['train', 'h.csv', '--target', `nope${ESC}[2J`], { cwd: dir });
    for (const r of [train, evalRun, bad]) {
      expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(train.stdout).toMatch(/x\\nimport/);
    expectOneError(bad, 1, /no column named/);
    expect(bad.stderr).toContain('nope\\u001b[2J');
  });
});

describe('stack traces and internal text', () => {
  it('a command piped into `true` exits quietly with 141, as a tool killed by SIGPIPE would', async () => {
    const dir = caseDir();
    const big = join(dir, 'big.csv');
    writeFileSync(big, `x,y\n${Array.from({ length: 200_000 }, (_, i) => `${i / 1000},${Math.sin(i)}`).join('\n')}\n`);
    expect((await runCli(['train', SINC, '--out', join(dir, 'm.json'), ...QUICK])).code).toBe(0);
    for (const reader of ['head -n 1 >/dev/null', 'true']) {
      const piped = spawnSync('/bin/bash', ['-c', `set -o pipefail; ${BIN_CMD} predict big.csv --model m.json | ${reader}`], { cwd: dir, encoding: 'utf8' });
      expect(piped.status, piped.stderr).toBe(141);
      expect(piped.stderr).toBe('');
    }
  });

  it('> /dev/full gives one line (no space left) and exit 1', () => {
    const r = sh(`${BIN_CMD} trace "x1*x2" --at x1=1,x2=2 > /dev/full`, tmp.path);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('basisfit: error: cannot write to standard output: no space left on the device\n');
  });

  it('trace: 60,000 nested parentheses are a usage error, not a stack overflow', async () => {
    const expr = `${'('.repeat(60_000)}x1${')'.repeat(60_000)}`;
    const r = await runCli(['trace', expr, '--at', 'x1=1']);
    expectOneError(r, 2, /nested too deeply/);
    // The expression is shown as a window around the spot, not 120,000 characters.
    expect(r.stderr.length).toBeLessThan(1000);
  });

  it('trace: a flat sum of 10,000 terms is a usage error; one of 1,000 works', async () => {
    const sum = (n: number) => Array.from({ length: n }, () => 'x1').join('+');
    expectOneError(await runCli(['trace', sum(10_000), '--at', 'x1=1']), 2, /expression too large/);
    const ok = await runCli(['trace', sum(1000), '--at', 'x1=1', '--json']);
    expect(ok.code, describeRun(ok)).toBe(0);
    expect(JSON.parse(ok.stdout).value).toBe(1000);
  });

  it('trace "-x1^2" works with and without --', async () => {
    for (const args of [['trace', '-x1^2', '--at', 'x1=3', '--json'], ['trace', '--at', 'x1=3', '--json', '--', '-x1^2']]) {
      const r = await runCli(args);
      expect(r.code, describeRun(r)).toBe(0);
      expect(JSON.parse(r.stdout).value).toBe(-9);
    }
  });
});

describe('overflow and hints', () => {
  it('features near ±1.7e308 are refused before the solve, with the line and column (in memory) and no internal error', async () => {
    const dir = caseDir();
    const rows = Array.from({ length: 50 }, (_, i) => `${(i % 2 ? 1 : -1) * 1.7e308},${i}`);
    writeFileSync(join(dir, 'huge.csv'), `x,y\n${rows.join('\n')}\n`);
    const r = await runCli(['train', 'huge.csv', '--out', 'm.json', ...QUICK], { cwd: dir });
    expectOneError(r, 1, /huge\.csv:2: column 'x': values as large as -1\.7e\+308 overflow the column's mean and spread/);
    // The streaming survey names the same line and column.
    const streamed = await runCli(['train', 'huge.csv', '--out', 'm.json', '--stream', ...QUICK], { cwd: dir });
    expectOneError(streamed, 1, /huge\.csv:2: column 'x': values as large as -1\.7e\+308 overflow the column's mean and spread/);
    expect(streamed.stderr).toMatch(/^ {2}rescale the column before training/m);
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
  });

  it('--stream on a file larger than its sample names the line and column of a 1e308 target', async () => {
    const dir = caseDir();
    // 12,000 rows: more training rows than the survey keeps, so its running moments are what overflow.
    const rows = Array.from({ length: 12_000 }, (_, i) => `${Math.sin(i)},${i % 7}`);
    rows[11_000] = '0.5,1e308';
    writeFileSync(join(dir, 'far.csv'), `a,b\n${rows.join('\n')}\n`);
    const r = await runCli(['train', 'far.csv', '--out', 'm.json', '--stream', '--val-split', '0', ...QUICK], { cwd: dir });
    expectOneError(r, 1, /far\.csv:11002: column 'b': values as large as 1e\+308 overflow the column's mean and spread/);
    expect(existsSync(join(dir, 'm.json'))).toBe(false);
  });

  it('predict and eval report a non-finite prediction by its line, not by engine op and tensor shape', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'far.csv'), 'x,y\n1,2\n1e300,1\n');
    for (const command of ['predict', 'eval']) {
      const r = await runCli([command, 'far.csv', '--model', 'm.json'], { cwd: dir });
      expectOneError(r, 1, /far\.csv:3: non-finite prediction for row 2: the input is far outside the range the model was trained on/);
      expect(r.stderr).not.toMatch(/sqdist|shape/);
    }
  });

  it('predict: a non-finite prediction three chunks in leaves stdout empty, not a CSV cut short at row 8192', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    // Rows are predicted 4096 at a time; the bad one is in the third chunk.
    const rows = Array.from({ length: 10_000 }, (_, i) => `${(i % 100) / 10 - 5},1`);
    rows[9_000] = '1e300,1';
    writeFileSync(join(dir, 'late.csv'), `x,y\n${rows.join('\n')}\n`);
    const r = await runCli(['predict', 'late.csv', '--model', 'm.json'], { cwd: dir });
    expectOneError(r, 1, /late\.csv:9002: non-finite prediction for row 9001/);
    expect(r.stdout).toBe('');
    // Redirected into a file, the file holds nothing rather than the first two chunks.
    const redirected = sh(`${BIN_CMD} predict late.csv --model m.json > out.csv`, dir);
    expect(redirected.status).toBe(1);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('');
  });

  it('predict and eval hints name the model, not --target or --features, which they do not take', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'other.csv'), 'a,b\n1,2\n3,4\n');
    for (const command of ['predict', 'eval', 'grad', 'plot']) {
      const r = await runCli([command, 'other.csv', '--model', 'm.json'], { cwd: dir });
      // eval, grad and plot look for the target first.
      expectOneError(r, 1, /the model m\.json needs a column named '[xy]': give a file whose header has it/);
      expect(r.stderr).not.toMatch(/--target|--features/);
    }
  });

  it('--digits 0 suggests a value it accepts; --seed beyond 2^53−1 says so', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const digits = await runCli(['export', '--model', 'm.json', '--digits', '0'], { cwd: dir });
    expectOneError(digits, 2, /e\.g\. --digits 6/);
    const seed = await runCli(['train', SINC, '--seed', '9007199254740993', ...QUICK]);
    expectOneError(seed, 2, /--seed must be a safe integer, at most 2\^53−1 = 9007199254740991/);
  });

  it('UTF-16 without a byte order mark is named as such, not as gzip', async () => {
    const dir = caseDir();
    writeFileSync(join(dir, 'u16.csv'), Buffer.from('x,y\n1,2\n3,4\n', 'utf16le'));
    const r = await runCli(['train', 'u16.csv', ...QUICK], { cwd: dir });
    expectOneError(r, 1, /looks like UTF-16LE text without a byte order mark/);
    expect(r.stderr).toMatch(/iconv -f UTF-16LE -t UTF-8/);
    expect(r.stderr).not.toMatch(/gunzip/);
  });

  it('--stream on a FIFO is refused before reading: it reads the file once per epoch', async () => {
    const dir = caseDir();
    expect(spawnSync('mkfifo', [join(dir, 'data.fifo')]).status).toBe(0);
    const r = await runCli(['train', 'data.fifo', '--stream', ...QUICK], { cwd: dir });
    expectOneError(r, 2, /--stream needs a regular file, and data\.fifo is a FIFO/);
  });

  it('a header-less numeric file warns that its first row became the header', async () => {
    const dir = caseDir();
    writeFileSync(join(dir, 'nh.csv'), `${Array.from({ length: 30 }, (_, i) => `${i},${i * 2 + 1}`).join('\n')}\n`);
    const r = await runCli(['train', 'nh.csv', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/warning: every cell of the header line of nh\.csv is a number .*--no-header/);
    const named = await runCli(['train', SINC, '--out', 'm2.json', ...QUICK], { cwd: dir });
    expect(named.stderr).not.toMatch(/header line/);
  });

  it('predict on its own output names the new column prediction_2, with a warning', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    const first = await runCli(['predict', SINC, '--model', 'm.json'], { cwd: dir });
    writeFileSync(join(dir, 'p.csv'), first.stdout);
    const second = await runCli(['predict', 'p.csv', '--model', 'm.json'], { cwd: dir });
    expect(second.code, describeRun(second)).toBe(0);
    const lines = second.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('x,y,prediction,prediction_2');
    const [, , p1, p2] = lines[1].split(',');
    expect(p2).toBe(p1);
    expect(second.stderr).toMatch(/already has a column 'prediction'; the new one is called 'prediction_2'/);
  });
});

describe('resources', () => {
  const dir = caseDir();
  const big = join(dir, 'big.csv');
  // 300,000 rows: the old N×J basis matrices (80 units) alone were 190 MB each.
  writeFileSync(big, `x,y\n${Array.from({ length: 300_000 }, (_, i) => `${(i % 1000) / 100 - 5},${Math.sin(i)}`).join('\n')}\n`);

  /** Peak resident memory of a run, in MiB (GNU time's %M is KiB). */
  function peakMiB(args: string[]): { mib: number; status: number | null; stderr: string } {
    const r = spawnSync('/usr/bin/time', ['-f', 'peak=%M', process.execPath, join(DATA_DIR, '..', 'bin', 'basisfit.js'), ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    const m = /peak=(\d+)/.exec(r.stderr);
    return { mib: m ? Number(m[1]) / 1024 : Number.NaN, status: r.status, stderr: r.stderr };
  }

  it('predict and eval on 300,000 rows stay under 400 MiB: rows are predicted in chunks', async () => {
    expect((await runCli(['train', SINC, '--out', 'm.json', '--epochs', '2', '--quiet'], { cwd: dir })).code).toBe(0);
    for (const command of ['predict', 'eval']) {
      const r = peakMiB([command, 'big.csv', '--model', 'm.json', '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.mib, r.stderr).toBeLessThan(400);
    }
  }, 120_000);

  it('chunked predictions and metrics are bit-identical to predicting the rows in one piece', async () => {
    expect((await runCli(['train', SINC, '--out', 'm.json', '--epochs', '2', '--quiet'], { cwd: dir })).code).toBe(0);
    // 10,000 rows span three chunks of 4096; each row alone is one chunk of one.
    const rows = Array.from({ length: 10_000 }, (_, i) => [((i * 7919) % 10_000) / 1000 - 5, Math.cos(i)]);
    writeFileSync(join(dir, 'mid.csv'), `x,y\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const all = JSON.parse((await runCli(['predict', 'mid.csv', '--model', 'm.json', '--json'], { cwd: dir })).stdout).predictions as number[];
    for (const i of [0, 4095, 4096, 8191, 8192, 9999]) {
      writeFileSync(join(dir, 'one.csv'), `x,y\n${rows[i].join(',')}\n`);
      const one = JSON.parse((await runCli(['predict', 'one.csv', '--model', 'm.json', '--json'], { cwd: dir })).stdout).predictions[0];
      expect(all[i]).toBe(one);
    }
    // eval's metrics, from chunked predictions, are exactly those of all the predictions at once.
    const m = JSON.parse((await runCli(['eval', 'mid.csv', '--model', 'm.json', '--json'], { cwd: dir })).stdout);
    expect(m).toEqual(metrics(Float64Array.from(all), Float64Array.from(rows, (r) => r[1])));
  }, 120_000);

  it('--threads 1000 is capped at the cores and at the work (one chunk of rows here), with a warning', async () => {
    const r = await runCli(['train', SINC, '--out', join(dir, 't.json'), '--threads', '1000', '--json', ...QUICK]);
    expect(r.code, describeRun(r)).toBe(0);
    const warning = /--threads 1000 is more than the \d+ cores? here and the 1 chunk of 4096 rows in each gradient \(360 rows\); using 1/;
    expect(r.stderr).toMatch(warning);
    expect((JSON.parse(r.stdout).warnings as string[]).some((w) => warning.test(w))).toBe(true);
    // The default (the cores) is capped at the work silently.
    const quiet = await runCli(['train', SINC, '--out', join(dir, 't.json'), ...QUICK]);
    expect(quiet.stderr).not.toMatch(/--threads/);
  });

  it('--threads 2 on one chunk of work warns once, in memory and with --stream', async () => {
    for (const extra of [[], ['--stream']]) {
      const r = await runCli(['train', SINC, '--out', join(dir, 't.json'), '--threads', '2', ...QUICK, ...extra]);
      expect(r.code, describeRun(r)).toBe(0);
      expect(r.stderr.match(/--threads 2 is more than/g), describeRun(r)).toHaveLength(1);
      expect(r.stderr).toMatch(extra.length > 0 ? /the one thread a streaming full-batch gradient runs on; using 1/ : /the 1 chunk of 4096 rows in each gradient \(360 rows\); using 1/);
    }
  });

  it('more parameters than training rows warns with a unit count that fits, in memory and with --stream', async () => {
    for (const extra of [[], ['--stream']]) {
      const r = await runCli(['train', SINC, '--out', join(dir, 'p.json'), '--epochs', '1', '--units', '200', '--restarts', '1', '--quiet', ...extra]);
      expect(r.code, describeRun(r)).toBe(0);
      // rbf on one feature: a centre and a width per unit, plus its weight, plus the intercept.
      // (The streaming split is a hash of each row's index, so its training row count differs.)
      const m = /warning: --units 200 gives 601 parameters for (\d+) training rows: .*--units (\d+) or fewer/.exec(r.stderr);
      expect(m, describeRun(r)).not.toBeNull();
      expect(Number(m![2])).toBe(Math.floor((Number(m![1]) - 1) / 3));
    }
    const fits = await runCli(['train', SINC, '--out', join(dir, 'p.json'), '--epochs', '1', '--units', '119', '--quiet']);
    expect(fits.stderr).not.toMatch(/parameters for/);
  });

  it('--units 2000 warns before training that it may run for minutes, and shows the start search moving', async () => {
    const cli = startCli(['train', SINC, '--out', join(dir, 'u.json'), '--units', '2000', '--epochs', '1']);
    await cli.waitForStderr(/warning: --units 2000 is a lot/, 20_000);
    // Not a terminal, so progress comes as lines, one every 2 s; the first is at 0.
    await cli.waitForStderr(/^start search [1-9]\d*\/1000 /m, 30_000);
    cli.child.kill('SIGKILL');
    await cli.done;
  });

  it('--units beyond 10,000 is a usage error at once (10^8 ran out of memory after minutes), from train, --init and cv', async () => {
    const dir2 = caseDir();
    const r = await runCli(['train', SINC, '--units', '100000000', '--out', 'm.json'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(r, 2, /--units 100000000: basisfit fits at most 10000 units/);
    const cv = await runCli(['cv', SINC, '--units', '3,100000000', '--folds', '2', '--epochs', '1', '--quiet'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(cv, 2, /--units 100000000: basisfit fits at most 10000 units/);
    // A model file of 10,001 units (its units repeated) as the start.
    expect((await runCli(['train', SINC, '--out', 'small.json', ...QUICK], { cwd: dir2 })).code).toBe(0);
    const small = JSON.parse(readFileSync(join(dir2, 'small.json'), 'utf8'));
    const J = 10_001;
    small.theta = Array.from({ length: J }, (_, i) => small.theta[i % 3]);
    small.w = Array.from({ length: J }, (_, i) => small.w[i % 3]);
    // Its standard errors belong to the 3 units.
    delete small.uncertainty;
    writeFileSync(join(dir2, 'big.json'), JSON.stringify(small));
    const init = await runCli(['train', SINC, '--init', 'big.json', '--out', 'm.json', '--epochs', '1'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(init, 2, /--init big\.json has 10001 units: basisfit fits at most 10000 units/);
    expect(init.stderr).toMatch(/start from a model with fewer units/);
    expect(existsSync(join(dir2, 'm.json'))).toBe(false);
  });

  it('--bootstrap beyond the 10,000 refits a model file may hold is refused before training, not after days', async () => {
    const dir2 = caseDir();
    const r = await runCli(['train', SINC, '--bootstrap', '100000000', '--out', 'm.json', ...QUICK], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(r, 2, /--bootstrap 100000000: basisfit runs at most 10000 refits/);
    expect(existsSync(join(dir2, 'm.json'))).toBe(false);
  });

  it('--restarts beyond 10,000 is refused before training, in train and in a cv grid, not an out-of-memory crash', async () => {
    const dir2 = caseDir();
    const r = await runCli(['train', SINC, '--restarts', '1000000000', '--out', 'm.json', '--epochs', '2', '--units', '3', '--quiet'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(r, 2, /--restarts 1000000000: basisfit runs at most 10000 starts/);
    expect(existsSync(join(dir2, 'm.json'))).toBe(false);
    const cv = await runCli(['cv', SINC, '--restarts', '1,1000000000', '--folds', '2'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(cv, 2, /--restarts 1000000000: basisfit runs at most 10000 starts/);
  });

  it('cv --workers 1000 is capped at the cores with a warning', async () => {
    const r = await runCli(['cv', SINC, '--folds', '2', '--units', '3', '--epochs', '1', '--workers', '1000', '--json'], { timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr).toMatch(/warning: --workers 1000 is more than the \d+ cores? here; using \d+/);
    expect(JSON.parse(r.stdout).folds).toBe(2);
  });

  it('a model file over the size limit is refused without reading it all; the limit can be raised', async () => {
    const dir2 = caseDir();
    const r = await runCli(['eval', SINC, '--model', '/dev/urandom'], { cwd: dir2, timeoutMs: 20_000 });
    expectOneError(r, 1, /\/dev\/urandom: the model file is larger than 67108864 bytes/);
    expect(r.stderr).toMatch(/BASISFIT_MAX_MODEL_BYTES=/);
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir2 })).code).toBe(0);
    const small = await runCli(['eval', SINC, '--model', 'm.json'], { cwd: dir2, env: { BASISFIT_MAX_MODEL_BYTES: '100' } });
    expectOneError(small, 1, /larger than 100 bytes/);
    const raised = await runCli(['eval', SINC, '--model', 'm.json', '--json'], { cwd: dir2, env: { BASISFIT_MAX_MODEL_BYTES: String(1 << 20) } });
    expect(raised.code, describeRun(raised)).toBe(0);
  });
});

describe('a cv results folder from elsewhere', () => {
  /** A finished two-fold run's folder, copied per case so each tampering starts clean. */
  async function results(): Promise<{ dir: string; line: string }> {
    const dir = caseDir();
    const r = await runCli(['cv', SINC, '--folds', '2', '--units', '3', '--epochs', '1', '--workers', '1', '--quiet', '--results', 'R'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, describeRun(r)).toBe(0);
    const line = readdirSync(join(dir, 'R')).find((n) => n.startsWith('fit-'))!;
    return { dir, line: join(dir, 'R', line) };
  }

  it('a FIFO or /dev/zero as a result line is refused at once, not read for ever', async () => {
    for (const swap of ['fifo', 'zero'] as const) {
      const { dir, line } = await results();
      rmSync(line);
      if (swap === 'fifo') expect(spawnSync('mkfifo', [line]).status).toBe(0);
      else symlinkSync('/dev/zero', line);
      const r = await runCli(['cv', 'collect', 'R'], { cwd: dir, timeoutMs: 20_000 });
      expectOneError(r, 1, /fit-\d+\.jsonl: is not a regular file/);
    }
  });

  it('result lines of the wrong shape, and a cv.json that would enumerate 10^12 tasks, are clear errors', async () => {
    for (const text of ['null', '[]', '{"run":1}', '"x"']) {
      const { dir, line } = await results();
      writeFileSync(line, text);
      expectOneError(await runCli(['cv', 'collect', 'R'], { cwd: dir }), 1, /is not a result line cv writes|belongs to another run/);
    }
    const { dir } = await results();
    const specPath = join(dir, 'R', 'cv.json');
    const spec = JSON.parse(readFileSync(specPath, 'utf8'));
    writeFileSync(specPath, JSON.stringify({ ...spec, tasks: 1e12 }));
    const r = await runCli(['cv', 'collect', 'R'], { cwd: dir, timeoutMs: 20_000 });
    expectOneError(r, 1, /cv\.json is not a basisfit cv spec: tasks 1000000000000 is not the grid's 1 cells × 2 folds/);
    writeFileSync(specPath, JSON.stringify({ ...spec, axes: { ...spec.axes, units: Array.from({ length: 2000 }, (_, i) => i + 1), lr: Array.from({ length: 2000 }, () => 0.1) } }));
    expectOneError(await runCli(['cv', 'collect', 'R'], { cwd: dir, timeoutMs: 20_000 }), 1, /\(at most 1000000\)/);
  }, 120_000);

  it('cv --refit is checked before any fit: not the results folder\'s cv.json, not a missing folder, not -', async () => {
    const dir = caseDir();
    const cv = ['cv', SINC, '--folds', '2', '--units', '3', '--epochs', '1', '--workers', '1', '--quiet'];
    expectOneError(await runCli([...cv, '--results', 'R', '--refit', 'R/cv.json'], { cwd: dir }), 2, /--refit R\/cv\.json is a file of the --results folder R; the model would replace it/);
    expectOneError(await runCli([...cv, '--refit', 'nodir/m.json'], { cwd: dir }), 2, /cannot write --refit nodir\/m\.json: the folder .*nodir does not exist/);
    expectOneError(await runCli([...cv, '--refit', '-'], { cwd: dir }), 2, /--refit - would write the model to standard output/);
    // No fit ran: the folder was never created.
    expect(readdirSync(dir)).toEqual([]);
    // After a run, collect --refit onto cv.json (by a symlink too) is refused and the folder stays whole.
    expect((await runCli([...cv, '--results', 'R'], { cwd: dir, timeoutMs: 60_000 })).code).toBe(0);
    const spec = readFileSync(join(dir, 'R', 'cv.json'), 'utf8');
    symlinkSync('R/cv.json', join(dir, 'link.json'));
    expectOneError(await runCli(['cv', 'collect', 'R', '--refit', 'R/cv.json'], { cwd: dir }), 2, /is a file of the --results folder/);
    expectOneError(await runCli(['cv', 'collect', 'R', '--refit', 'link.json'], { cwd: dir }), 2, /--refit link\.json is the cross-validation spec/);
    expect(readFileSync(join(dir, 'R', 'cv.json'), 'utf8')).toBe(spec);
  }, 120_000);

  it('JOB_COMPLETIONS beyond 2^53 is refused, not read as the shard 0/1e+23', async () => {
    const r = await runCli(['cv', SINC, '--folds', '2', '--units', '3', '--epochs', '1', '--quiet'], { env: { JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '99999999999999999999999' } });
    expectOneError(r, 2, /JOB_COMPLETION_INDEX\/JOB_COMPLETIONS must be i\/N with 0 <= i < N/);
  });

  it('a grid of more than a million fits is refused before any runs', async () => {
    const units = Array.from({ length: 1001 }, (_, i) => i + 1).join(',');
    const r = await runCli(['cv', SINC, '--units', units, '--lr', units, '--folds', '2', '--quiet'], { timeoutMs: 20_000 });
    expectOneError(r, 2, /the grid has 2004002 fits \(cells × folds\); cv runs at most 1000000/);
  });
});

describe('wide files', () => {
  it('more than 10,000 feature columns are refused at the header, not after minutes and gigabytes', async () => {
    const dir = caseDir();
    const n = 20_001;
    const header = Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const row = Array.from({ length: n }, (_, i) => String(i % 7)).join(',');
    writeFileSync(join(dir, 'wide.csv'), `${header}\n${row}\n${row}\n`);
    const r = await runCli(['train', 'wide.csv', ...QUICK], { cwd: dir });
    expectOneError(r, 1, /wide\.csv:1: 20000 feature columns: basisfit fits at most 10000/);
  });

  it('a one-line header of a million cells is refused before it is parsed, by every command that reads a CSV', async () => {
    const dir = caseDir();
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');
    writeFileSync(join(dir, 'million.csv'), `${header}\n${header.replace(/c\d+/g, '1')}\n`);
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    for (const args of [['train', 'million.csv', ...QUICK], ['train', 'million.csv', '--stream', ...QUICK], ['predict', 'million.csv', '--model', 'm.json']]) {
      const r = await runCli(args, { cwd: dir });
      expectOneError(r, 1, /million\.csv:1: more than 100000 columns on line 1: basisfit reads at most 100000/);
    }
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });

  it('a data row of millions of cells is refused at its first read block, not after all of them are held', async () => {
    const dir = caseDir();
    expect((await runCli(['train', SINC, '--out', 'm.json', ...QUICK], { cwd: dir })).code).toBe(0);
    // One-digit cells pass a limit on characters of field text, and empty ones add nothing to it.
    writeFileSync(join(dir, 'digits.csv'), `x,y,z\n${'1,'.repeat(8_000_000)}1\n`);
    writeFileSync(join(dir, 'empty.csv'), `x,y,z\n1,2,3\n${','.repeat(20_000_000)}\n`);
    const wide = /row has at least (\d+) fields but the header has 3/;
    const cases: [string[], string, string?][] = [
      [['train', 'digits.csv', ...QUICK], 'digits.csv:2'],
      [['train', 'digits.csv', '--stream', ...QUICK], 'digits.csv:2'],
      [['predict', 'digits.csv', '--model', 'm.json'], 'digits.csv:2'],
      [['train', 'empty.csv', ...QUICK], 'empty.csv:3'],
      [['train', '-', ...QUICK], '<stdin>:2', readFileSync(join(dir, 'digits.csv'), 'utf8')],
    ];
    for (const [args, where, input] of cases) {
      const r = await runCli(args, { cwd: dir, input });
      expectOneError(r, 1, new RegExp(`${where.replace('.', '\\.')}: ${wide.source}`));
      // Refused part way: fewer fields counted than the row has.
      expect(Number(wide.exec(r.stderr)![1])).toBeLessThan(8_000_000);
    }
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  }, 120_000);

  it('100,000 columns are read, and --features picks the columns of the model from them', async () => {
    const dir = caseDir();
    const n = 100_000;
    const header = Array.from({ length: n }, (_, i) => `c${i}`).join(',');
    const rows = Array.from({ length: 30 }, (_, r) => Array.from({ length: n }, (_, i) => String((i * 7 + r * 3) % 11)).join(','));
    writeFileSync(join(dir, 'wide.csv'), `${header}\n${rows.join('\n')}\n`);
    const r = await runCli(['train', 'wide.csv', '--features', 'c1,c2', '--target', 'c99999', '--out', 'm.json', '--json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).features).toEqual(['c1', 'c2']);
  });

  it('a warning per column is shown for the first 20, then counted', async () => {
    const dir = caseDir();
    const n = 31;
    const rows = Array.from({ length: 30 }, (_, i) => Array.from({ length: n }, (_, k) => (k === n - 1 ? String(i % 5) : k === 0 ? String(i) : '1')).join(','));
    writeFileSync(join(dir, 'flat.csv'), `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${rows.join('\n')}\n`);
    const r = await runCli(['train', 'flat.csv', '--out', 'm.json', ...QUICK], { cwd: dir });
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.stderr.match(/is constant over the training rows/g)).toHaveLength(20);
    // 9 more constant columns, and the 3 units' 94 parameters for 27 training rows.
    expect(r.stderr).toMatch(/… and 10 more warnings \(--json lists them all\)/);
    const json = await runCli(['train', 'flat.csv', '--out', 'm.json', '--json', ...QUICK], { cwd: dir });
    expect((JSON.parse(json.stdout).warnings as string[]).filter((w) => /is constant/.test(w))).toHaveLength(29);
  });
});

describe('signals while training', () => {
  const dir = caseDir();
  const rows = Array.from({ length: 20_000 }, (_, i) => `${(i % 6000) / 1000 - 3},${Math.sin(i)}`);
  writeFileSync(join(dir, 'big.csv'), `x,y\n${rows.join('\n')}\n`);
  const long = ['train', 'big.csv', '--epochs', '100000', '--patience', '0', '--json'];

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} saves the best model so far like Ctrl-C, exits 130, and leaves no temp file`, async () => {
      const sub = join(dir, signal);
      mkdirSync(sub);
      const cli = startCli([...long, '--out', join(sub, 'm.json')], { cwd: dir, timeoutMs: 60_000 });
      await cli.waitForStderr(/^epoch \d+\//m, 50_000);
      cli.child.kill(signal);
      const r = await cli.done;
      expect(r.code, describeRun(r)).toBe(130);
      expect(JSON.parse(r.stdout).stopped).toBe('interrupted');
      expect(JSON.parse(readFileSync(join(sub, 'm.json'), 'utf8')).format).toBe('basisfit-model');
      expect(readdirSync(sub)).toEqual(['m.json']);
    }, 70_000);
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} in a start search of minutes (--units 2000) exits 130 at once, writing nothing`, async () => {
      const sub = join(dir, `search-${signal}`);
      mkdirSync(sub);
      // The search solves dozens of 2001 × 2001 systems before the first epoch; the harness kills the run if the signal waits for them.
      const cli = startCli(['train', SINC, '--units', '2000', '--out', join(sub, 'm.json')], { cwd: dir, timeoutMs: 40_000 });
      await cli.waitForStderr(/warning: --units 2000 is a lot/, 20_000);
      cli.child.kill(signal);
      const r = await cli.done;
      expectOneError(r, 130, /interrupted during the start search, before the first start was chosen/);
      expect(readdirSync(sub)).toEqual([]);
    }, 70_000);
  }

  it('SIGTERM while the standard errors are computed (after the last epoch) saves the model without them, at once', async () => {
    const sub = join(dir, 'stderr-phase');
    mkdirSync(sub);
    // One epoch, then hundreds of Jacobian passes over 18,000 rows (a minute on a loaded machine).
    const cli = startCli(['train', 'big.csv', '--units', '100', '--epochs', '1', '--json', '--out', join(sub, 'm.json')], { cwd: dir, timeoutMs: 40_000 });
    await cli.waitForStderr(/^epoch 1\/1 /m, 30_000);
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    expect(r.code, describeRun(r)).toBe(130);
    const doc = JSON.parse(r.stdout);
    expect(doc.stopped).toBe('interrupted');
    expect(doc.uncertainty).toBeNull();
    expect(doc.warnings).toContain('interrupted: the model is saved without standard errors (predict --interval needs them; train again to the end)');
    const model = JSON.parse(readFileSync(join(sub, 'm.json'), 'utf8'));
    expect(model.format).toBe('basisfit-model');
    expect(model.uncertainty).toBeUndefined();
    expect(readdirSync(sub)).toEqual(['m.json']);
  }, 70_000);

  it('a second signal aborts at once with 130: nothing half-written, no temp file', async () => {
    const sub = join(dir, 'twice');
    mkdirSync(sub);
    const cli = startCli([...long, '--out', join(sub, 'm.json')], { cwd: dir, timeoutMs: 60_000 });
    await cli.waitForStderr(/^epoch \d+\//m, 50_000);
    cli.child.kill('SIGTERM');
    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code, describeRun(r)).toBe(130);
    // Either the model was complete before the second signal, or there is nothing.
    for (const name of readdirSync(sub)) {
      expect(name).toBe('m.json');
      expect(JSON.parse(readFileSync(join(sub, name), 'utf8')).format).toBe('basisfit-model');
    }
  }, 70_000);
});

describe('an option given twice', () => {
  // yargs-parser took a parsed 1 for a counter's increment and added it to the first value.
  it.each([
    [['--epochs', '3', '--epochs', '1'], (d: { epochs: number }) => d.epochs, 1],
    [['--seed', '3', '--seed', '1'], (d: { seed: number }) => d.seed, 1],
    [['--restarts', '3', '--restarts', '1'], (d: { restarts: { count: number } | null }) => d.restarts?.count ?? 1, 1],
    [['--epochs', '1', '--epochs', '2'], (d: { epochs: number }) => d.epochs, 2],
  ] as const)('%j: the last value counts', async (args, read, want) => {
    const r = await runCli(['train', SINC, '--units', '3', '--patience', '0', '--quiet', '--json', ...args, '--out', tmp.file(`twice-${args.join('')}.json`)]);
    expect(r.code, describeRun(r)).toBe(0);
    expect((read as (d: unknown) => number)(JSON.parse(r.stdout))).toBe(want);
  });
});
