#!/usr/bin/env node
// Quality regression runs for CI: train every sample data set with every basis
// that suits it, through the CLI exactly as a user would (defaults, a pinned
// seed), and compare the train and validation metrics with data/baselines.json.
//
//   npm run regress                    # build, run, compare; exit 1 on a regression
//   npm run regress -- --update        # rewrite data/baselines.json from this run
//   node scripts/regress.mjs [--only sinc,kink] [--jobs 2] [--update]
//
// Each run also passes --expect "validation.rmse<=X" with X the baseline's
// validation RMSE plus the tolerance: the same check a CI user can put in their
// own pipeline (basisfit exits 3 when an --expect fails).
//
// Fixed seeds make the runs deterministic on one machine; the tolerance in the
// baselines file absorbs floating-point differences across platforms (Node
// versions, CPUs, WebAssembly vs scalar kernels). A metric worse than its
// baseline beyond the tolerance is a regression; better beyond it is reported
// (re-run with --update to pin the improvement).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'basisfit.js');
const DATA = join(ROOT, 'data');
const BASELINES = join(DATA, 'baselines.json');
const SEED = 1;
const DEFAULT_TOLERANCE = { rmse_relative: 0.02, r2_absolute: 0.005 };

function usage(message) {
  console.error(`scripts/regress.mjs: ${message}`);
  console.error('usage: node scripts/regress.mjs [--update] [--only name[,name...]] [--jobs N]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { update: false, only: null, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--update') args.update = true;
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--jobs') {
      args.jobs = Number(value());
      if (!Number.isInteger(args.jobs) || args.jobs < 1) usage('--jobs takes a whole number of at least 1');
    } else usage(`unknown argument '${a}'`);
  }
  return args;
}

/** Every (data set, basis) pair: rbf and tanh everywhere, poly where every feature is positive. */
async function cases(only) {
  const datasets = JSON.parse(await readFile(join(DATA, 'datasets.json'), 'utf8'));
  if (only) {
    const unknown = only.filter((n) => !datasets.some((d) => d.name === n));
    if (unknown.length > 0) usage(`unknown data set(s): ${unknown.join(', ')}`);
  }
  const out = [];
  for (const d of datasets) {
    if (only && !only.includes(d.name)) continue;
    const bases = ['rbf', 'tanh'];
    if (await featuresPositive(d)) bases.push('poly');
    for (const basis of bases) out.push({ key: `${d.name}/${basis}`, dataset: d, basis });
  }
  return out;
}

async function featuresPositive(d) {
  const lines = (await readFile(join(DATA, d.file), 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = lines[0].split(',');
  const idx = d.features.map((f) => cols.indexOf(f));
  return lines.slice(1).every((l) => {
    const cells = l.split(',');
    return idx.every((i) => Number(cells[i]) > 0);
  });
}

/** The command line of one case: nothing but the data, the basis and the seed (the defaults are what is pinned). */
function commandArgs(c, out, expect) {
  const args = [BIN, 'train', join(DATA, c.dataset.file), '--basis', c.basis, '--target', c.dataset.target, '--features', c.dataset.features.join(','), '--seed', String(SEED), '--json', '--quiet', '--out', out];
  if (expect !== null) args.push('--expect', expect);
  return args;
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `tasks` (functions returning promises) with at most `jobs` at a time, results in task order. */
async function pool(tasks, jobs) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

/** The validation RMSE a run may reach before it counts as a regression. */
function rmseLimit(value, tol) {
  return Number((value * (1 + tol.rmse_relative)).toPrecision(6));
}

/** Each metric compared with its baseline: 'ok', 'worse' (a regression) or 'better' (beyond the tolerance). */
function compare(current, base, tol) {
  const checks = [];
  for (const part of ['train', 'validation']) {
    const cur = current[part];
    const ref = base[part];
    if (ref === null || ref === undefined) continue;
    if (cur === null || cur === undefined) {
      checks.push({ metric: `${part}.rmse`, status: 'worse', actual: null, baseline: ref.rmse });
      continue;
    }
    const rmseStatus = !(cur.rmse <= ref.rmse * (1 + tol.rmse_relative)) ? 'worse' : cur.rmse < ref.rmse * (1 - tol.rmse_relative) ? 'better' : 'ok';
    checks.push({ metric: `${part}.rmse`, status: rmseStatus, actual: cur.rmse, baseline: ref.rmse });
    if (ref.r2 !== null && ref.r2 !== undefined) {
      const r2Status = !(cur.r2 >= ref.r2 - tol.r2_absolute) ? 'worse' : cur.r2 > ref.r2 + tol.r2_absolute ? 'better' : 'ok';
      checks.push({ metric: `${part}.r2`, status: r2Status, actual: cur.r2, baseline: ref.r2 });
    }
  }
  return checks;
}

function fmt(v, digits = 4) {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toPrecision(digits);
}

function pct(actual, baseline) {
  if (!Number.isFinite(actual) || !Number.isFinite(baseline) || baseline === 0) return '';
  const d = (100 * (actual - baseline)) / Math.abs(baseline);
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}%`;
}

const args = parseArgs(process.argv.slice(2));
const all = await cases(args.only);
let baselines = null;
try {
  baselines = JSON.parse(await readFile(BASELINES, 'utf8'));
} catch (e) {
  if (!args.update) {
    console.error(`scripts/regress.mjs: cannot read ${BASELINES} (${e.code ?? e.message}); create it with: npm run regress -- --update`);
    process.exit(2);
  }
}
const tol = baselines?.tolerance ?? DEFAULT_TOLERANCE;

const dir = await mkdtemp(join(tmpdir(), 'basisfit-regress-'));
const started = performance.now();
let outcomes;
try {
  outcomes = await pool(
    all.map((c, i) => async () => {
      const base = baselines?.cases?.[c.key];
      const expect = !args.update && base?.validation ? `validation.rmse<=${rmseLimit(base.validation.rmse, tol)}` : null;
      const t0 = performance.now();
      const r = await run(commandArgs(c, join(dir, `model-${i}.json`), expect));
      const seconds = (performance.now() - t0) / 1000;
      let doc = null;
      try {
        doc = JSON.parse(r.stdout);
      } catch {
        doc = null;
      }
      return { c, base, expect, code: r.code, stderr: r.stderr, doc, seconds };
    }),
    args.jobs,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
const wall = (performance.now() - started) / 1000;

if (args.update) {
  const failed = outcomes.filter((o) => o.code !== 0 || o.doc === null);
  for (const o of failed) console.error(`${o.c.key}: basisfit exited ${o.code}\n${o.stderr.trim()}`);
  if (failed.length > 0) process.exit(1);
  const kept = args.only ? (baselines?.cases ?? {}) : {};
  const next = {
    about:
      'Quality baselines for scripts/regress.mjs: basisfit train <file> --basis <basis> --target <t> --features <f> --seed 1 (every other option at its default) on each sample data set. A metric worse than its baseline beyond the tolerance fails CI; regenerate with: npm run regress -- --update',
    tolerance: tol,
    seed: SEED,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cases: { ...kept },
  };
  for (const o of outcomes) {
    const m = (x) => (x === null ? null : { n: x.n, rmse: x.rmse, r2: x.r2 });
    next.cases[o.c.key] = { train: m(o.doc.train), validation: m(o.doc.validation), epochs: o.doc.epochs, stopped: o.doc.stopped };
  }
  next.cases = Object.fromEntries(Object.entries(next.cases).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(BASELINES, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`wrote ${outcomes.length} baseline(s) to data/baselines.json in ${wall.toFixed(1)} s`);
  process.exit(0);
}

const header = `${'case'.padEnd(28)} ${'train rmse'.padStart(10)} ${'baseline'.padStart(10)} ${'Δ'.padStart(7)}  ${'val rmse'.padStart(10)} ${'baseline'.padStart(10)} ${'Δ'.padStart(7)}  ${'val r2'.padStart(7)} ${'s'.padStart(5)}  status`;
console.log(header);
console.log('-'.repeat(header.length + 8));
let regressions = 0;
let improvements = 0;
for (const o of outcomes) {
  const { c, base, doc } = o;
  let status;
  let notes = [];
  if (!base) {
    status = 'NO BASELINE';
    regressions++;
  } else if (doc === null || (o.code !== 0 && o.code !== 3)) {
    status = `FAILED (exit ${o.code})`;
    notes = [o.stderr.trim().split('\n').slice(-2).join(' ')];
    regressions++;
  } else {
    const checks = compare(doc, base, tol);
    const worse = checks.filter((k) => k.status === 'worse');
    const expectFailed = o.code === 3;
    if (worse.length > 0 || expectFailed) {
      status = 'REGRESSION';
      notes = worse.map((k) => `${k.metric} ${fmt(k.actual)} vs ${fmt(k.baseline)}`);
      if (expectFailed) notes.push(`--expect "${o.expect}" failed`);
      regressions++;
    } else if (checks.some((k) => k.status === 'better')) {
      status = 'better';
      improvements++;
    } else status = 'ok';
  }
  const tr = doc?.train;
  const va = doc?.validation;
  console.log(
    `${c.key.padEnd(28)} ${fmt(tr?.rmse).padStart(10)} ${fmt(base?.train?.rmse).padStart(10)} ${pct(tr?.rmse, base?.train?.rmse).padStart(7)}  ${fmt(va?.rmse).padStart(10)} ${fmt(base?.validation?.rmse).padStart(10)} ${pct(va?.rmse, base?.validation?.rmse).padStart(7)}  ${fmt(va?.r2, 3).padStart(7)} ${o.seconds.toFixed(1).padStart(5)}  ${status}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`,
  );
}
console.log(
  `\n${outcomes.length} run(s) in ${wall.toFixed(1)} s (${args.jobs} in parallel); tolerance: rmse ${(tol.rmse_relative * 100).toFixed(1)}% relative, r2 ${tol.r2_absolute} absolute; ` +
    `${regressions} regression(s)${improvements > 0 ? `, ${improvements} better beyond the tolerance (pin with: npm run regress -- --update)` : ''}`,
);
process.exit(regressions > 0 ? 1 : 0);
