/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real browser, opened from disk with the network cut
 * off: it must render every chart from its inlined runtimes, plot each row
 * where its numbers say, show those numbers on hover, and link the units
 * across charts. A report with hostile column names must render them as text.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/index.js';
import { DATA_DIR, describeRun, REPO_ROOT, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';
import { launchChromium } from './browser.js';

const dir = useTmpdir('basisfit-browser-').path;
const OUTPUT = join(REPO_ROOT, 'test', '.output');
const SINC = join(DATA_DIR, 'sinc.csv');
/** data/sinc.csv's lines as a person numbers them (the header is line 1). */
const SINC_LINES = readFileSync(SINC, 'utf8').split('\n');
/** data/sinc.csv as numbers: every x there is distinct, so x finds a row. */
const SINC_ROWS = SINC_LINES.slice(1).filter((line) => line !== '').map((line) => line.split(',').map(Number));
/** The numbers on line `line` of data/sinc.csv. */
const sincLine = (line: number) => SINC_LINES[line - 1].split(',').map(Number);
const N = 60;

/** The README's own command (with --no-timestamp, and quiet), in a folder laid out like the repository's, so the report's command line reads as the README's. */
async function trainReport(): Promise<string> {
  mkdirSync(join(dir, 'data'));
  copyFileSync(SINC, join(dir, 'data', 'sinc.csv'));
  const r = await runCli(['train', 'data/sinc.csv', '--basis', 'rbf', '--report', 'report.html', '--no-timestamp', '--quiet'], { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(describeRun(r));
  return join(dir, 'report.html');
}

/** The row of data/sinc.csv whose x is nearest. */
function sincRow(x: number): number[] {
  return SINC_ROWS.reduce((best, row) => (Math.abs(row[0] - x) < Math.abs(best[0] - x) ? row : best));
}

function model(feature: string, target: string): ModelFile {
  return {
    format: 'basisfit-model',
    version: 1,
    basis: 'tanh',
    features: [feature],
    target,
    theta: [
      [1.5, 0.2],
      [-0.7, 1],
      [0.4, -0.5],
    ],
    w: [0.9, 0.4, -0.3],
    b: 0.1,
    scaling: null,
    training: { seed: 7, epochs: 3, best_epoch: 3 },
    history: { train: [0.5, 0.3, 0.2], validation: [0.55, 0.35, 0.28] },
  };
}

/** A CSV cell, quoted as RFC 4180 asks. */
const cell = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function writeReport(name: string, feature: string, target: string): Promise<string> {
  const csv = join(dir, `${name}.csv`);
  const rows = Array.from({ length: N }, (_, i) => {
    const x = -2 + (4 * i) / (N - 1);
    return `${x},${Math.tanh(1.5 * x) + 0.05 * Math.sin(7 * i)}`;
  });
  writeFileSync(csv, `${cell(feature)},${cell(target)}\n${rows.join('\n')}\n`);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(model(feature, target)));
  const out = join(dir, `${name}.html`);
  const r = await runCli(['report', csv, '--model', join(dir, `${name}.json`), '--out', out, '--no-timestamp'], { cwd: dir, env: { NO_COLOR: '1' } });
  if (r.code !== 0) throw new Error(describeRun(r));
  return out;
}

/** What the report page exposes: its Vega views, of which the tests use data and scales. */
interface ReportWindow {
  basisfitViews: Record<string, { data(name: string): Record<string, number>[]; scale(name: string): { invert(v: number): number; domain(): number[] } }>;
}

interface Opened {
  page: Page;
  consoleErrors: string[];
  failedRequests: string[];
  ms: number;
}

let browser: BrowserContext | undefined;
/** Why there is no browser: every test then fails with it (a hook's failure would show them as skipped). */
let noBrowser: Error | undefined;
let closeBrowser: () => Promise<void> = async () => {};
let plain: string;
let hostile: string;
const HOSTILE = `x</script><img src=x onerror="window.pwned=1">'"\u2028end\x1b]0;title\x07\u202eevil`;
/** HOSTILE as the page shows it: separators, controls and the bidi override as visible stand-ins. */
const SHOWN = `x</script><img src=x onerror="window.pwned=1">'"\ufffdend\u241b]0;title\u2407\ufffdevil`;

beforeAll(async () => {
  [plain, hostile] = await Promise.all([trainReport(), writeReport('hostile', HOSTILE, '<b>y</b>')]);
  const t0 = performance.now();
  try {
    ({ context: browser, close: closeBrowser } = await launchChromium());
  } catch (e) {
    noBrowser = e as Error;
    return;
  }
  console.log(`chromium started in ${Math.round(performance.now() - t0)} ms`);
}, 90_000);

afterAll(async () => {
  await closeBrowser();
});

/** Opens a report from disk; any request that is not for a file is aborted and counted as failed. */
async function open(path: string): Promise<Opened> {
  if (browser === undefined) throw noBrowser ?? new Error('the browser did not start');
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('requestfailed', (r) => failedRequests.push(r.url()));
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  const t0 = performance.now();
  await page.goto(pathToFileURL(path).href);
  await page.waitForSelector('body[data-rendered]', { timeout: 30_000 });
  const ms = performance.now() - t0;
  return { page, consoleErrors, failedRequests, ms };
}

/** Moves the mouse onto the middle of an element, scrolled into view first (a move outside the viewport hovers nothing). */
async function pointAt(page: Page, target: ReturnType<Page['locator']>): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
}

describe('the report in Chromium', () => {
  let first: Promise<Opened> | undefined;
  /** The README's report, opened once for all the tests here. */
  const report = (): Promise<Opened> =>
    (first ??= open(plain).then((o) => {
      console.log(`report rendered in ${Math.round(o.ms)} ms`);
      return o;
    }));

  it('renders every chart offline, with no console errors and no failed requests', async () => {
    const opened = await report();
    expect(await opened.page.getAttribute('body', 'data-rendered')).toBe('true');
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.failedRequests).toEqual([]);
    expect(await opened.page.locator('#chart-fit svg').count()).toBe(1);
    expect(await opened.page.locator('#chart-loss svg').count()).toBe(1);
  });

  it('plots one point per row of the file, each where its values in the file say', async () => {
    const opened = await report();
    const r = await opened.page.evaluate(() => {
      const w = window as unknown as ReportWindow;
      const view = w.basisfitViews.fit;
      const data = view.data('points');
      const paths = [...document.querySelectorAll('#chart-fit .points_marks path')];
      const at = (i: number) => (paths[i].getAttribute('transform') ?? '').match(/translate\(([-\d.e]+),([-\d.e]+)\)/)!.slice(1).map(Number);
      const check = [0, 17, 200, data.length - 1].map((i) => {
        const [px, py] = at(i);
        return { x: data[i].x, y: data[i].y, fromX: view.scale('fit_x').invert(px), fromY: view.scale('fit_y').invert(py) };
      });
      const lines = data.map((p) => ({ line: p.line, x: p.x, y: p.y }));
      return { rows: data.length, marks: paths.length, check, lines, xSpan: view.scale('fit_x').domain(), ySpan: view.scale('fit_y').domain() };
    });
    // Every point names the file line it came from, each line once: the train and validation rows together are the file.
    expect(new Set(r.lines.map((p) => p.line)).size).toBe(SINC_ROWS.length);
    for (const p of r.lines) expect([p.x, p.y]).toEqual(sincLine(p.line));
    expect(r.rows).toBe(SINC_ROWS.length);
    expect(r.marks).toBe(SINC_ROWS.length);
    // Half a thousandth of the axis: well under the gap between neighbouring points of the file.
    const tol = (span: number[]) => 5e-4 * Math.abs(span[1] - span[0]);
    for (const c of r.check) {
      const [x, y] = sincRow(c.fromX);
      expect([c.x, c.y]).toEqual([x, y]);
      expect(Math.abs(c.fromX - x)).toBeLessThan(tol(r.xSpan));
      expect(Math.abs(c.fromY - y)).toBeLessThan(tol(r.ySpan));
    }
  });

  it('shows the hovered row in a tooltip: its values in the file, and the fit there', async () => {
    const opened = await report();
    const { page } = opened;
    // The point farthest from any other on screen, so the one under the pointer is that one.
    const i = await page.evaluate(() => {
      const paths = [...document.querySelectorAll('#chart-fit .points_marks path')];
      const at = paths.map((p) => (p.getAttribute('transform') ?? '').match(/translate\(([-\d.e]+),([-\d.e]+)\)/)!.slice(1).map(Number));
      const gap = (k: number) => Math.min(...at.map(([x, y], j) => (j === k ? Infinity : Math.hypot(x - at[k][0], y - at[k][1]))));
      return at.reduce((best, _, k) => (gap(k) > gap(best) ? k : best), 0);
    });
    const datum = await page.evaluate((k) => (window as unknown as ReportWindow).basisfitViews.fit.data('points')[k], i);
    await pointAt(page, page.locator('#chart-fit .points_marks path').nth(i));
    const tip = page.locator('#vg-tooltip-element.visible');
    await tip.waitFor({ timeout: 5000 });
    const cells = await tip.locator('tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    // d3-format writes negative numbers with a true minus sign.
    const shown = Object.fromEntries(cells.map(([k, v]) => [k, v.replace(/\u2212/g, '-')]));
    // The line the tooltip names, read from the file, holds the numbers it shows.
    const line = Number(shown.line);
    expect(line).toBe(datum.line);
    const [x, y] = sincLine(line);
    // Six significant digits, as the tooltip formats them.
    expect(Number(shown.x)).toBeCloseTo(x, 5);
    expect(Number(shown.y)).toBeCloseTo(y, 5);
    expect(Number(shown.fitted)).toBeCloseTo(datum.fitted, 5);
    expect(Number(shown.residual)).toBeCloseTo(y - datum.fitted, 5);
  });

  it('draws the 95% bands of a model that has an uncertainty around the fit', async () => {
    const opened = await report();
    const trained = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as ModelFile;
    expect(trained.uncertainty).toBeDefined();
    const r = await opened.page.evaluate(() => {
      const view = (window as unknown as ReportWindow).basisfitViews.fit;
      const height = (sel: string) => [...document.querySelectorAll(`#chart-fit ${sel} path`)].map((p) => (p as SVGGraphicsElement).getBBox().height);
      return {
        mean: height('.band_mean_marks'),
        obs: height('.band_obs_marks'),
        curve: view.data('curve').map((c) => [c.obs_lo, c.mean_lo, c.y, c.mean_hi, c.obs_hi]),
        text: document.querySelector('#chart-fit')!.textContent ?? '',
      };
    });
    expect(r.mean).toHaveLength(1);
    expect(r.obs).toHaveLength(1);
    expect(r.mean[0]).toBeGreaterThan(0);
    expect(r.obs[0]).toBeGreaterThan(r.mean[0]);
    expect(r.curve.length).toBeGreaterThan(0);
    for (const [obsLo, meanLo, y, meanHi, obsHi] of r.curve) {
      expect(obsLo).toBeLessThan(meanLo);
      expect(meanLo).toBeLessThan(y);
      expect(y).toBeLessThan(meanHi);
      expect(meanHi).toBeLessThan(obsHi);
    }
    expect(r.text).toContain('shaded: 95% bands of the mean');
  });

  it('highlights a hovered unit in the basis-function chart too', async () => {
    const opened = await report();
    const { page } = opened;
    const highlighted = () => page.locator('#chart-fit .basis_marks path[stroke="#f58518"]').count();
    expect(await highlighted()).toBe(0);
    await pointAt(page, page.locator('#chart-fit .units_marks path').nth(1));
    await expect.poll(highlighted, { timeout: 5000 }).toBe(1);
  });

  it('saves a screenshot (and the README picture with UPDATE_SCREENSHOT=1)', async () => {
    const opened = await report();
    const { page } = opened;
    await page.mouse.move(0, 0);
    mkdirSync(OUTPUT, { recursive: true });
    const shot = join(OUTPUT, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(REPO_ROOT, 'docs', 'report.png'));
  });
});

describe('a report with hostile column names in Chromium', () => {
  it('shows the names as text and runs none of them', async () => {
    const { page, consoleErrors, failedRequests } = await open(hostile);
    expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
    expect(consoleErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    // Its model has no uncertainty, so no band either.
    expect(await page.locator('#chart-fit .band_mean_marks path, #chart-fit .band_obs_marks path').count()).toBe(0);
    expect(await page.title()).toBe(`basisfit report: <b>y</b> from ${SHOWN}`);
    expect(await page.locator('#columns td').first().textContent()).toBe(SHOWN);
    // The chart's axis title is the same text drawn by Vega, on one line.
    const titles = await page.locator('#chart-fit text').allTextContents();
    expect(titles).toContain(SHOWN);
  });
});
