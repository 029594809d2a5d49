/** The HTML report's contents and escaping, through the built CLI and the module that builds the page. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/index.js';
import { modelBand, modelStderr } from '../../src/report/html/uncertainty.js';
import { reportData } from '../../src/report/html/data.js';
import { predictIntervals } from '../../src/uncertainty/index.js';
import { escapeHtml, inlineScript, jsonScript } from '../../src/report/html/escape.js';
import { describeRun, parseJsonOutput, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

const dir = useTmpdir('basisfit-report-html-').path;
const cli = (args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });
const HOSTILE = `a</script><script>alert(1)</script>"'\u2028<!--\x1b[2J\u202e`;
/** HOSTILE as the page shows it: the line separator, ESC and the bidi override as visible stand-ins, the markup as text. */
const SHOWN = `a</script><script>alert(1)</script>"'\ufffd<!--\u241b[2J\ufffd`;
const N = 30;

const model = (features: string[], target: string): ModelFile => ({
  format: 'basisfit-model',
  version: 1,
  basis: 'tanh',
  features,
  target,
  theta: features.length === 1 ? [[1.2, 0.1], [-0.5, 0.3]] : [[1.2, -0.4, 0.1], [-0.5, 0.8, 0.3]],
  w: [0.8, 0.3],
  b: 0.05,
  scaling: null,
  training: { seed: 42, epochs: 2, best_epoch: 2 },
  history: { train: [0.4, 0.2], validation: null },
});

const cell = (s: string) => `"${s.replace(/"/g, '""')}"`;

beforeAll(() => {
  const one = Array.from({ length: N }, (_, i) => `${i / 10},${Math.sin(i / 10)}`);
  writeFileSync(join(dir, 'one.csv'), `${cell(HOSTILE)},y\n${one.join('\n')}\n`);
  writeFileSync(join(dir, 'one.json'), JSON.stringify(model([HOSTILE], 'y')));
  const two = Array.from({ length: N }, (_, i) => `${i / 10},${(i % 7) / 3},${Math.sin(i / 10) + (i % 7) / 9}`);
  writeFileSync(join(dir, 'two.csv'), `u,v,z\n${two.join('\n')}\n`);
  writeFileSync(join(dir, 'two.json'), JSON.stringify(model(['u', 'v'], 'z')));
  const noisy = Array.from({ length: 80 }, (_, i) => `${(3 * i) / 79},${Math.sin((3 * i) / 79) + 0.1 * Math.sin(37 * i)}`);
  writeFileSync(join(dir, 'band.csv'), `x,y\n${noisy.join('\n')}\n`);
});

/** The JSON data element of a report, parsed. */
function embedded(html: string): { charts: Record<string, unknown> } {
  const m = /<script type="application\/json" id="basisfit-data">(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error('no data element');
  return JSON.parse(m[1]);
}

describe('basisfit report', () => {
  it('writes one self-contained file: runtimes inlined, nothing loaded from elsewhere', async () => {
    const r = await cli(['report', 'one.csv', '--model', 'one.json', '--out', 'one.html', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput(r)).toEqual({ report: 'one.html', kind: 'curve', rows: N });
    const html = readFileSync(join(dir, 'one.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/);
    expect(html).not.toMatch(/<link[^>]*\shref=/);
    for (const name of ['vega', 'vega-lite', 'vega-embed']) expect(html).toContain(`<script data-runtime="${name}">`);
    expect(html).toMatch(/<p class="timestamp">Generated \d{4}-\d\d-\d\dT[\d:.]+Z<\/p>/);
    expect(html).toContain('<td>seed</td><td class="text">42</td>');
    expect(html).toContain(`<td>basisfit version</td><td class="text">${JSON.parse(readFileSync('package.json', 'utf8')).version}</td>`);
  });

  it('never lets a column name out of its text: escaped in markup, \\u003c in the JSON', () => {
    const html = readFileSync(join(dir, 'one.html'), 'utf8');
    // The only </script> tags are the page's own: one per script element.
    expect(html.match(/<\/script>/g)).toHaveLength(html.match(/<script[\s>]/g)!.length);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain(`<td>${escapeHtml(SHOWN)}</td>`);
    // Outside the inlined runtimes no control character, line separator or bidi override is left.
    const ours = html.slice(0, html.indexOf('<script data-runtime='));
    for (const c of ['\x1b', '\u2028', '\u202e']) expect(ours).not.toContain(c);
    const json = /<script type="application\/json" id="basisfit-data">(.*?)<\/script>/s.exec(html)![1];
    expect(json).not.toMatch(/[<>&]/);
    const data = embedded(html);
    expect(JSON.stringify(data)).toContain(JSON.stringify(SHOWN).slice(1, -1));
  });

  it('gives the same bytes for the same inputs with --no-timestamp', async () => {
    const args = ['report', 'two.csv', '--model', 'two.json', '--out', 'two.html', '--no-timestamp'];
    expect((await cli(args)).code).toBe(0);
    const first = readFileSync(join(dir, 'two.html'), 'utf8');
    expect((await cli(args)).code).toBe(0);
    expect(readFileSync(join(dir, 'two.html'), 'utf8')).toBe(first);
    expect(first).not.toContain('class="timestamp"');
    expect(first).toContain('<code>basisfit report two.csv --model two.json --out two.html --no-timestamp</code>');
  });

  it('shows a several-feature model as predicted vs actual, residuals and partial dependence', () => {
    const charts = embedded(readFileSync(join(dir, 'two.html'), 'utf8')).charts as { fit: { vconcat: { concat?: { name: string }[] }[] } };
    const names = charts.fit.vconcat[0].concat!.map((p) => p.name);
    expect(names).toEqual(['predicted', 'residuals', 'residuals_f0', 'residuals_f1', 'partial_f0', 'partial_f1']);
  });

  it('refuses to write over its inputs', async () => {
    const r = await cli(['report', 'two.csv', '--model', 'two.json', '--out', 'two.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out two.json is the model file two.json; writing the HTML report there would destroy it');
  });

  it('is written by train --report beside the model', async () => {
    // One model, for its validation row: a committee (the default on small data) splits off none.
    const r = await cli(['train', 'two.csv', '--units', '3', '--committee', '0', '--epochs', '5', '--quiet', '--json', '--out', 'm.json', '--report', 'train.html', '--no-timestamp']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(parseJsonOutput(r).report).toBe('train.html');
    const html = readFileSync(join(dir, 'train.html'), 'utf8');
    expect(html).toMatch(/<tr><td>train<\/td><td>\d+<\/td>/);
    expect(html).toMatch(/<tr><td>validation<\/td><td>\d+<\/td>/);
    expect(html).not.toContain('out-of-fold');
    const clash = await cli(['train', 'two.csv', '--out', 'm.json', '--report', 'm.json']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--report m.json is also the --out model path');
  });

  it('shows a committee’s out-of-fold metrics as the run measured them (the summary’s row)', async () => {
    const r = await cli(['train', 'two.csv', '--units', '3', '--committee', '4', '--epochs', '5', '--quiet', '--json', '--out', 'c.json', '--report', 'c.html', '--no-timestamp']);
    expect(r.code, describeRun(r)).toBe(0);
    const v = parseJsonOutput(r).validation as { n: number; rmse: number };
    const html = readFileSync(join(dir, 'c.html'), 'utf8');
    const row = /<tr><td>out-of-fold<\/td><td>(\d+)<\/td><td>([^<]+)<\/td>/.exec(html);
    expect(row).not.toBeNull();
    expect(Number(row?.[1])).toBe(v.n);
    expect(Number(row?.[2])).toBeCloseTo(v.rmse, 4);
    // All rows trained some member: no validation set of the model's own.
    expect(html).not.toMatch(/<tr><td>validation<\/td>/);
  });
});

describe('report data', () => {
  const x = Float64Array.from({ length: N }, (_, i) => i / 10);
  const y = x.map(Math.sin);
  const base = { model: model(['x'], 'y'), sets: [{ name: 'train', rows: { x, y, n: N } }], command: [], version: '0', timestamp: null };

  it('draws bands only when an interval is given, from the arrays it returns', () => {
    expect(reportData(base).fit).toMatchObject({ band: null });
    const shift = (g: Float64Array, n: number, d: number) => Array.from(g.subarray(0, n), (v) => v + d);
    const interval = (g: Float64Array, n: number) => ({ level: 0.9, method: 'test', meanLower: shift(g, n, -1), meanUpper: shift(g, n, 1), obsLower: shift(g, n, -2), obsUpper: shift(g, n, 2) });
    const withBand = reportData({ ...base, interval });
    if (withBand.fit.kind !== 'curve') throw new Error('expected a curve');
    expect(withBand.fit.band).toEqual({ level: 0.9, method: 'test' });
    const c = withBand.fit.curve[10];
    expect([c.obs_lo, c.mean_lo, c.mean_hi, c.obs_hi]).toEqual([c.x - 2, c.x - 1, c.x + 1, c.x + 2]);
  });

  it('takes the bands of a model with an uncertainty from predict --interval\'s computation', async () => {
    const r = await cli(['train', 'band.csv', '--basis', 'rbf', '--units', '6', '--quiet', '--out', 'band.json']);
    expect(r.code, describeRun(r)).toBe(0);
    const trained = JSON.parse(readFileSync(join(dir, 'band.json'), 'utf8')) as ModelFile;
    expect(trained.uncertainty).toBeDefined();
    const band = modelBand(trained)!;
    const grid = Float64Array.of(0.5, 1.5, 2.5);
    const b = band(grid, 3);
    const iv = predictIntervals(trained, grid, 3, 0.95);
    expect(b).toMatchObject({ level: 0.95, method: iv.method });
    const all = (...a: ArrayLike<number>[]) => a.flatMap((v) => Array.from(v));
    expect(all(b.meanLower, b.meanUpper, b.obsLower, b.obsUpper)).toEqual(all(iv.meanLower, iv.meanUpper, iv.obsLower, iv.obsUpper));
    for (let i = 0; i < 3; i++) {
      expect(b.obsLower[i]).toBeLessThan(b.meanLower[i]);
      expect(b.meanLower[i]).toBeLessThan(b.meanUpper[i]);
      expect(b.meanUpper[i]).toBeLessThan(b.obsUpper[i]);
    }
    expect(modelBand({ ...trained, uncertainty: undefined })).toBeNull();
  });

  it('recovers the standard errors train reported from the model file, delta method and bootstrap alike', async () => {
    for (const extra of [[], ['--bootstrap', '20']]) {
      const r = await cli(['train', 'band.csv', '--basis', 'rbf', '--units', '6', '--quiet', '--json', '--out', 'se.json', ...extra]);
      expect(r.code, describeRun(r)).toBe(0);
      const reported = (parseJsonOutput(r) as { uncertainty: { stderr: { w: number[]; b: number; theta: (number | null)[][] } } }).uncertainty.stderr;
      const se = modelStderr(JSON.parse(readFileSync(join(dir, 'se.json'), 'utf8')))!;
      for (const [j, v] of se.w.entries()) expect(v).toBeCloseTo(reported.w[j], 10);
      expect(se.b).toBeCloseTo(reported.b, 10);
      for (const [j, row] of se.theta.entries()) {
        for (const [k, v] of row.entries()) {
          const want = reported.theta[j][k];
          if (want === null) expect(v).toBeNull();
          else expect(v).toBeCloseTo(want, 10);
        }
      }
    }
  });

  it('summarises each column and carries standard errors where known', () => {
    const d = reportData({ ...base, stderr: { w: [0.1, null], b: 0.01, theta: [[0.2, 0.3], [null, null]] } });
    expect(d.columns[0]).toMatchObject({ name: 'x', role: 'feature', min: 0, max: (N - 1) / 10 });
    expect(d.columns[0].mean).toBeCloseTo((N - 1) / 20, 12);
    expect(d.parameters.units[0]).toMatchObject({ wStderr: 0.1, thetaStderr: [0.2, 0.3] });
    expect(d.parameters.bStderr).toBe(0.01);
    expect(reportData(base).parameters.bStderr).toBeNull();
  });
});

describe('escaping', () => {
  it('keeps JSON parseable and free of anything that ends a script element', () => {
    const value = { s: `</script><!-- \u2028\u2029 & >` };
    const text = jsonScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('inlines script source without a closing tag in it', () => {
    expect(inlineScript('var a = "</script>"; var b = /<\\/SCRIPT/;')).toBe('var a = "<\\/script>"; var b = /<\\/SCRIPT/;');
  });
});
