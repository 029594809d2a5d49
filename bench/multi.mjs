// Multi-feature benchmark: good fits by default on data basisfit was never tuned on? For every
// set in data/multi/ (17 real, 3 generated; data/multi/README.md), train basisfit on the fixed
// split's training rows with the defaults and only --basis (rbf, the default basis, and tanh),
// predict the held-out test rows and compare the test RMSE with the best tuned scikit-learn
// reference in bench/reference/multi_results.json (bench/reference/multi_reference.py).
//
//   npm run build && node bench/multi.mjs [--basis rbf,tanh] [--seeds 1,2,3,4,5] [--only a,b]
//                                          [--set key=value ...] [--levers] [--json PATH]
//                                          [--data DIR] [--reference PATH]
//   node bench/run.mjs multi               the same through the bench runner (seed 1)
//
// --data DIR takes the sets from another folder laid out like data/multi/ (e.g. data/heldout,
// the held-out suite); its references are then bench/reference/<folder name>_results.json
// (multi_reference.py --data DIR writes that file). --reference PATH, or
// BENCH_MULTI_REFERENCE=PATH, reads the references from another file.
//
// --seeds trains once per seed (validation split and init) and reports the mean test RMSE and
// the worst ratio; --set passes a TrainOptions field to every run (e.g. --set valSplit=0);
// --levers instead runs the fixed list of one-at-a-time variants in LEVERS below and prints
// the geometric mean ratio per variant (and per set size class); --lever 'label=key:value,...'
// (repeatable) runs the given variants instead (e.g. --lever defaults= --lever 'units 10=units:10').
// The project's target:
// test RMSE at most TARGET × the best reference on every set.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { predictRows } from '../dist/model/predict.js';
import { train } from '../dist/train/train.js';
import { csvLines, parseValue, rmse } from './quality-common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_DATA = join(ROOT, 'data', 'multi');
const TARGET = 1.05;
/** Training rows below which a set counts as small (for the levers summary). */
const SMALL = 200;

// One change at a time against the defaults; none is tuned to a set.
const LEVERS = [
  { label: 'defaults', set: {} },
  { label: '--val-split 0', set: { valSplit: 0 } },
  { label: '--units 20', set: { units: 20 } },
  { label: '--restarts 5', set: { restarts: 5 } },
  { label: '--val-split 0.2', set: { valSplit: 0.2 } },
  { label: '--units 40', set: { units: 40 } },
];

function usage(message) {
  console.error(`bench/multi.mjs: ${message}`);
  console.error("usage: node bench/multi.mjs [--basis rbf,tanh] [--seeds 1,2] [--only a,b] [--set key=value ...] [--levers | --lever 'label=key:value,...' ...] [--json PATH] [--data DIR] [--reference PATH]");
  process.exit(2);
}

function parseArgs(argv) {
  const args = { bases: ['rbf', 'tanh'], set: {}, only: null, seeds: [1], levers: false, json: null, data: DEFAULT_DATA, reference: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--basis') args.bases = value().split(',');
    else if (a === '--set') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) usage(`--set takes key=value, got '${kv}'`);
      args.set[kv.slice(0, eq)] = parseValue(kv.slice(eq + 1));
    } else if (a === '--only') args.only = value().split(',');
    else if (a === '--seeds') args.seeds = value().split(',').map(Number);
    else if (a === '--levers') args.levers = true;
    else if (a === '--lever') {
      // --lever 'label=key:value,key:value' (repeatable): variants to run instead of LEVERS.
      const spec = value();
      const eq = spec.indexOf('=');
      if (eq <= 0) usage(`--lever takes label=key:value,..., got '${spec}'`);
      const set = {};
      for (const kv of spec.slice(eq + 1).split(',').filter(Boolean)) {
        const c = kv.indexOf(':');
        if (c <= 0) usage(`--lever: '${kv}' is not key:value`);
        set[kv.slice(0, c)] = parseValue(kv.slice(c + 1));
      }
      args.levers = true;
      args.leverList = [...(args.leverList ?? []), { label: spec.slice(0, eq), set }];
    }
    else if (a === '--json') args.json = value();
    else if (a === '--data') args.data = resolve(value());
    else if (a === '--reference') args.reference = resolve(value());
    else usage(`unknown argument '${a}'`);
  }
  for (const b of args.bases) if (!['rbf', 'tanh', 'poly'].includes(b)) usage(`unknown basis '${b}'`);
  return args;
}

/** Train on the split's training rows, score the test rows (as bench/defaults.mjs does). */
async function evaluate(data, entry, basis, options, dir) {
  const text = await readFile(join(data, entry.file), 'utf8');
  const split = JSON.parse(await readFile(join(data, entry.split), 'utf8'));
  const { header, rows } = csvLines(text);
  if (rows.length !== split.rows) throw new Error(`${entry.split}: split is for ${split.rows} rows, ${entry.file} has ${rows.length}`);
  const isTest = new Uint8Array(rows.length);
  for (const r of split.test) isTest[r] = 1;
  const trainFile = join(dir, `${entry.name}.train.csv`);
  await writeFile(trainFile, `${header}\n${rows.filter((_, i) => !isTest[i]).join('\n')}\n`);
  // Wall time of the whole fit: timing.train_s leaves out the start search, which is most of a small set's fit.
  const t0 = performance.now();
  const { result, model } = await train({ ...options, file: trainFile, basis, features: entry.features, target: entry.target, out: null });
  const seconds = (performance.now() - t0) / 1000;
  if (!model) return { rmse: Number.NaN, seconds, result };
  const cols = header.split(',');
  const featureCols = model.features.map((f) => cols.indexOf(f));
  const targetCol = cols.indexOf(model.target);
  const testRows = split.test.map((r) => rows[r].split(',').map(Number));
  const d = featureCols.length;
  const x = new Float64Array(testRows.length * d);
  const y = new Float64Array(testRows.length);
  testRows.forEach((cells, i) => {
    featureCols.forEach((c, k) => {
      x[i * d + k] = cells[c];
    });
    y[i] = cells[targetCol];
  });
  return { rmse: rmse(predictRows(model, x, testRows.length), y), seconds, result };
}

/** Every (set, basis) with options, once per seed: mean RMSE, worst, mean fit seconds (wall). */
async function runAll(sets, references, args, extra, dir, onRow) {
  const out = [];
  for (const entry of sets) {
    const ref = references[entry.name].best;
    for (const basis of args.bases) {
      const runs = [];
      for (const seed of args.seeds) runs.push(await evaluate(args.data, entry, basis, { ...args.set, ...extra, seed }, dir));
      const mean = runs.reduce((s, r) => s + r.rmse, 0) / runs.length;
      const row = {
        dataset: entry.name,
        kind: entry.kind,
        rows: entry.rows,
        n_train: references[entry.name].n_train,
        features: entry.features.length,
        basis,
        rmse: mean,
        ratio: mean / ref.test_rmse,
        worst_ratio: Math.max(...runs.map((r) => r.rmse)) / ref.test_rmse,
        reference: ref.test_rmse,
        method: ref.method,
        seconds: runs.reduce((s, r) => s + r.seconds, 0) / runs.length,
        // Training-row RMSE (target units) next to the test RMSE: the over-fitting gap.
        train_rmse: runs.map((r) => r.result.train.rmse),
        rmse_by_seed: runs.map((r) => r.rmse),
        epochs: runs.map((r) => r.result.epochs),
        best_epoch: runs.map((r) => r.result.best_epoch),
        ridge: runs.map((r) => r.result.ridge ?? null),
        init_scale: runs.map((r) => r.result.init_scale ?? null),
        // What the start search chose (--units auto) and its cross-validated RMSE.
        units: runs.map((r) => r.result.units),
        near_linear: runs.map((r) => r.result.selection?.near_linear ?? null),
        cv_rmse: runs.map((r) => r.result.selection?.cv_rmse ?? null),
      };
      out.push(row);
      onRow?.(row);
    }
  }
  return out;
}

const num = (v, digits = 4) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toPrecision(digits));
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / Math.max(xs.length, 1));

function mdTable(head, body) {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** One line per set: reference, then each basis's RMSE, ratio (and worst over seeds), fit s (wall, start search included). */
function mainTable(rows, args) {
  const multi = args.seeds.length > 1;
  const head = ['set', 'kind', 'rows', 'features', 'best reference (method)'];
  for (const b of args.bases) head.push(`${b} RMSE${multi ? ' (mean)' : ''}`, `${b} / best${multi ? ' (mean; worst)' : ''}`, `${b} fit s`);
  const body = [];
  for (const name of [...new Set(rows.map((r) => r.dataset))]) {
    const rs = rows.filter((r) => r.dataset === name);
    const line = [name, rs[0].kind, rs[0].rows, rs[0].features, `${num(rs[0].reference)} (${rs[0].method})`];
    for (const b of args.bases) {
      const r = rs.find((x) => x.basis === b);
      const ratio = `${r.ratio.toFixed(3)}${multi ? `; ${r.worst_ratio.toFixed(3)}` : ''}`;
      line.push(num(r.rmse), r.ratio <= TARGET ? ratio : `**${ratio}**`, r.seconds.toFixed(2));
    }
    body.push(line);
  }
  const lines = [mdTable(head, body), ''];
  for (const kind of ['real', 'generated']) {
    for (const b of args.bases) {
      const rs = rows.filter((r) => r.basis === b && r.kind === kind);
      if (rs.length === 0) continue;
      const hit = rs.filter((r) => r.ratio <= TARGET).length;
      lines.push(`- ${b}, ${kind} sets: ${hit}/${rs.length} within ${TARGET} × the best reference; geometric mean ratio ${geo(rs.map((r) => r.ratio)).toFixed(3)}; worst ${Math.max(...rs.map((r) => r.ratio)).toFixed(3)} (${rs.reduce((a, r) => (r.ratio > a.ratio ? r : a)).dataset})`);
    }
  }
  return lines.join('\n');
}

/** Levers: geometric mean ratio per variant and basis, over small / larger / all real sets. */
function leverTable(byLever, args) {
  const head = ['variant (one change from the defaults)'];
  for (const b of args.bases) head.push(`${b}: small sets (< ${SMALL} train rows)`, `${b}: larger real sets`, `${b}: all real, within ${TARGET}`, `${b}: generated`);
  head.push('fit s (sum)');
  const body = [];
  for (const { label, rows } of byLever) {
    const line = [label];
    for (const b of args.bases) {
      const real = rows.filter((r) => r.basis === b && r.kind === 'real');
      const small = real.filter((r) => r.n_train < SMALL);
      const large = real.filter((r) => r.n_train >= SMALL);
      const gen = rows.filter((r) => r.basis === b && r.kind === 'generated');
      const fmt = (rs) => (rs.length ? geo(rs.map((r) => r.ratio)).toFixed(3) : '–');
      line.push(fmt(small), fmt(large), `${real.filter((r) => r.ratio <= TARGET).length}/${real.length}`, fmt(gen));
    }
    line.push(rows.reduce((s, r) => s + r.seconds * args.seeds.length, 0).toFixed(0));
    body.push(line);
  }
  const perSet = ['set', ...byLever.flatMap(({ label }) => args.bases.map((b) => `${label} ${b}`))];
  const names = [...new Set(byLever[0].rows.map((r) => r.dataset))];
  const perSetBody = names.map((n) => [
    n,
    ...byLever.flatMap(({ rows }) => args.bases.map((b) => rows.find((r) => r.dataset === n && r.basis === b).ratio.toFixed(3))),
  ]);
  return `${mdTable(head, body)}\n\nRatio to the best reference per set:\n\n${mdTable(perSet, perSetBody)}`;
}

const args = parseArgs(process.argv.slice(2));
const manifest = JSON.parse(await readFile(join(args.data, 'datasets.json'), 'utf8'));
const referenceFile = args.reference ?? process.env.BENCH_MULTI_REFERENCE ?? join(ROOT, 'bench', 'reference', `${basename(args.data)}_results.json`);
const references = JSON.parse(await readFile(referenceFile, 'utf8').catch(() => usage(`no references at ${referenceFile}: run bench/reference/multi_reference.py --data DIR, or pass --reference`)));
const sets = manifest.filter((e) => !args.only || args.only.includes(e.name));
for (const e of sets) if (!references[e.name]) usage(`no reference for '${e.name}' in ${referenceFile}: run bench/reference/multi_reference.py${args.data === DEFAULT_DATA ? '' : ` --data ${args.data}`}`);
const dir = await mkdtemp(join(tmpdir(), 'basisfit-multi-'));
const load0 = loadavg()[0];
const started = performance.now();
let markdown;
let raw;
const command = `node bench/multi.mjs ${process.argv.slice(2).filter((a, i, all) => a !== '--json' && all[i - 1] !== '--json').map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`.trim();
try {
  if (args.levers) {
    raw = [];
    for (const lever of args.leverList ?? LEVERS) {
      process.stderr.write(`lever ${lever.label} ...\n`);
      raw.push({ label: lever.label, set: lever.set, rows: await runAll(sets, references, args, lever.set, dir) });
      // Partial results survive an interrupted run.
      if (args.json) await writeFile(`${args.json}.partial`, `${JSON.stringify({ part: 'multi', seeds: args.seeds, levers: raw }, null, 2)}\n`);
    }
    markdown = leverTable(raw, args);
  } else {
    raw = await runAll(sets, references, args, {}, dir, (r) =>
      process.stderr.write(`${r.dataset.padEnd(20)} ${r.basis.padEnd(5)} ${num(r.rmse).padStart(9)} ratio ${r.ratio.toFixed(3)} ${r.seconds.toFixed(2)} s\n`),
    );
    markdown = mainTable(raw, args);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
const note = `\n\n\`${command}\`: seeds ${args.seeds.join(',')}, ${seconds.toFixed(0)} s wall, load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`;
const suite = args.data === DEFAULT_DATA ? '' : `, ${basename(args.data)}`;
markdown = `### Multi-feature benchmark (bench/multi.mjs${args.levers ? ' --levers' : ''}${suite})\n\n${markdown}${note}`;
console.log(markdown);
if (args.json) await writeFile(args.json, `${JSON.stringify({ part: 'multi', data: args.data, seeds: args.seeds, bases: args.bases, target: TARGET, rows: raw, markdown }, null, 2)}\n`);
