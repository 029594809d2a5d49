/**
 * --solver lm through the CLI: a certified reference problem under
 * `--ridge 0 --no-standardize --val-split 0`, started with --init from a
 * model file; the JSON result's solver key; --no-intercept; and the one-line
 * errors of --init and --no-intercept misuse.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/model/index.js';
import { describeRun, parseJsonOutput, runCli } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';
import { attainableRssDigits, digits, fitDigits, references } from '../train/lm-reference.js';

const tmp = useTmpdir();

function writeProblem(name: string): { csv: string; p: (typeof references)[number] } {
  const p = references.find((r) => r.name === name)!;
  const csv = tmp.file(`${name}.csv`);
  writeFileSync(csv, `t,y\n${p.x.map((x, i) => `${x},${p.y[i]}`).join('\n')}\n`);
  return { csv, p };
}

/** A model file holding a start: θ as given, w = 1, b = 0, raw columns. */
function startModel(p: (typeof references)[number], theta: number[][]): string {
  const m: ModelFile = { format: 'basisfit-model', version: 1, basis: p.basis, features: ['t'], target: 'y', theta, w: theta.map(() => 1), b: 0, scaling: null, training: { seed: 1, epochs: 0 } };
  const path = tmp.file(`${p.name}-start.json`);
  writeFileSync(path, JSON.stringify(m));
  return path;
}

const EXACT = ['--ridge', '0', '--no-standardize', '--val-split', '0', '--solver', 'lm', '--json', '--quiet'];

describe('train --solver lm', () => {
  it.each(['exp2', 'exp2-nob'])('%s from the far start via --init: the certified optimum to 6 digits, and the solver key', async (name) => {
    const { csv, p } = writeProblem(name);
    const out = tmp.file(`${name}-fit.json`);
    const args = ['train', csv, '--basis', 'exp', '--init', startModel(p, p.starts.far), ...EXACT, '--out', out, ...(p.intercept ? [] : ['--no-intercept'])];
    const r = await runCli(args);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ units: number; stopped: string; epochs: number; solver: { name: string; stopped: string; iterations: number }; train: { mse: number } }>(r);
    expect(doc.units).toBe(p.units);
    expect(doc.solver.name).toBe('lm');
    expect(doc.solver.stopped).toMatch(/^(relative-reduction|step|reduction-and-step)$/);
    expect(doc.solver.iterations).toBe(doc.epochs);
    expect(doc.stopped).toBe('early-stop');
    const model = JSON.parse(readFileSync(out, 'utf8')) as ModelFile;
    expect(model.training.convergence).toBe(doc.solver.stopped);
    if (!p.intercept) expect(model.b).toBe(0);
    for (const [j, row] of model.theta.entries()) expect(digits(row[0], Number(p.reference.theta[j][0]))).toBeGreaterThanOrEqual(6);
    for (const [j, w] of model.w.entries()) expect(digits(w, Number(p.reference.w[j]))).toBeGreaterThanOrEqual(6);
    if (p.intercept) expect(digits(model.b, Number(p.reference.b))).toBeGreaterThanOrEqual(6);
    expect(digits(doc.train.mse * p.x.length, Number(p.reference.rss))).toBeGreaterThanOrEqual(6);
  });

  /**
   * gauss2 (two overlapping peaks): the start search's two bumps sit at the quartiles, wide,
   * and LM from there ends at two coincident bumps with weights ±79 (RSS 0.548 against the
   * optimum's 0.00700), a stationary point. A start picked from a pool of bumps by forward
   * selection with exchange was tried and ends at a wide bump plus a flank (RSS 0.215); it
   * also lowered the held-out benchmark (docs/defaults.md), so it is not in the trainer.
   * --restarts reaches the optimum (below): later starts jitter the 1-D grid.
   */
  const OWN_START_MISSES = new Set(['gauss2']);

  it('gauss2 from the data-driven start with --restarts 6: a later start reaches the certified optimum to 6 digits', async () => {
    const { csv, p } = writeProblem('gauss2');
    const out = tmp.file('gauss2-restarts.json');
    const r = await runCli(['train', csv, '--basis', 'rbf', '--units', '2', '--restarts', '6', ...EXACT, '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ train: { mse: number }; restarts: { best: number } }>(r);
    expect(doc.restarts.best).toBeGreaterThan(1);
    const model = JSON.parse(readFileSync(out, 'utf8')) as ModelFile;
    const d = fitDigits(p, { theta: model.theta, w: model.w, b: model.b, rss: doc.train.mse * p.x.length });
    expect(d.params).toBeGreaterThanOrEqual(6);
    expect(d.rss).toBeGreaterThanOrEqual(attainableRssDigits(p));
  });

  // NIST StRD's forms among them (danwood and boxbod are NIST's data, lanczos1-3 Lanczos's
  // function rounded as NIST rounds it; osborne1, eckerle4 their MGH17 and Eckerle4 forms):
  // the trainer's own start must find the optimum that a local solver from a far start may
  // miss (eckerle4's NIST start 1 puts the bump outside the data; gauss2's and tanh2's far ones).
  it.each(references.map((r) => r.name).filter((n) => !OWN_START_MISSES.has(n)))('%s from the data-driven start (no --init): the certified optimum to 6 digits', async (name) => {
    const { csv, p } = writeProblem(name);
    const out = tmp.file(`${name}-own.json`);
    const r = await runCli(['train', csv, '--basis', p.basis, '--units', String(p.units), ...EXACT, '--out', out, ...(p.intercept ? [] : ['--no-intercept'])]);
    expect(r.code, describeRun(r)).toBe(0);
    const doc = parseJsonOutput<{ train: { mse: number } }>(r);
    const model = JSON.parse(readFileSync(out, 'utf8')) as ModelFile;
    const d = fitDigits(p, { theta: model.theta, w: model.w, b: model.b, rss: doc.train.mse * p.x.length });
    expect(d.params).toBeGreaterThanOrEqual(6);
    expect(d.rss).toBeGreaterThanOrEqual(attainableRssDigits(p));
  });

  it('--no-intercept with standardisation: the target is only divided by its std, so the model has no constant term', async () => {
    const { csv } = writeProblem('exp1-nob');
    const out = tmp.file('nob-std.json');
    const r = await runCli(['train', csv, '--basis', 'exp', '--units', '1', '--solver', 'lm', '--no-intercept', '--val-split', '0', '--json', '--quiet', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8')) as ModelFile;
    expect(model.b).toBe(0);
    expect(model.scaling!.y.mean).toBe(0);
    expect(model.training.intercept).toBe(false);
  });

  it.each([
    [['--basis', 'rbf'], /^basisfit: error: --init .* is an exp model, but this run trains --basis rbf/m, /add --basis exp/],
    [['--basis', 'exp', '--units', '5'], /^basisfit: error: --init .* has 2 units, but --units is 5/m, /leave out --units/],
    [['--basis', 'exp', '--features', 'y', '--target', 't'], /^basisfit: error: --init .* uses features t, but this run uses y/m, /--features t/],
  ])('--init mismatch %j: exit 2, one line and a hint', async (extra, message, hint) => {
    const { csv, p } = writeProblem('exp2');
    const r = await runCli(['train', csv, '--init', startModel(p, p.starts.near), ...extra, '--solver', 'lm', '--quiet', '--out', tmp.file('never.json')]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(['varpro', 'gd'])('--no-intercept holds b at 0 under --solver %s too', async (solver) => {
    const { csv } = writeProblem('exp1');
    const out = tmp.file(`nob-${solver}.json`);
    const r = await runCli(['train', csv, '--basis', 'exp', '--units', '1', '--no-intercept', '--solver', solver, '--epochs', '20', '--quiet', '--json', '--out', out]);
    expect(r.code, describeRun(r)).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model.b).toBe(0);
    expect(model.scaling.y.mean).toBe(0);
    expect(model.training.intercept).toBe(false);
  });
});
