// How good are the defaults? For every sample data set, train basisfit on the
// fixed split's training rows (with only the options given here, so by default
// nothing but --basis), predict the held-out test rows and compare the test
// RMSE with the tuned scikit-learn references in bench/reference/results.json.
//
//   npm run build && node bench/defaults.mjs [--basis rbf,tanh,poly] [--set key=value ...]
//                                            [--only name,...] [--seeds 1,2,3] [--json]
//
// --set passes a TrainOptions field (e.g. --set units=30 --set solver=varpro
// --set patience=null); --seeds trains once per seed and reports the mean test
// RMSE (and the worst). Poly runs only where every feature is positive. The
// target: test RMSE within 10% of the best reference on every data set.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../dist/train/train.js';
import { predictRows } from '../dist/model/predict.js';
import { csvLines, parseValue, rmse } from './quality-common.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'data');
const TOLERANCE = 0.1;

function usage(message) {
  console.error(`bench/defaults.mjs: ${message}`);
  console.error('usage: node bench/defaults.mjs [--basis rbf,tanh,poly] [--set key=value ...] [--only name,...] [--seeds 1,2] [--json]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { bases: ['rbf', 'tanh', 'poly'], set: {}, only: null, seeds: null, json: false };
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
    else if (a === '--json') args.json = true;
    else usage(`unknown argument '${a}'`);
  }
  for (const b of args.bases) if (!['rbf', 'tanh', 'poly'].includes(b)) usage(`unknown basis '${b}'`);
  return args;
}

async function evaluate(entry, basis, options, seed, dir) {
  const text = await readFile(join(DATA, entry.file), 'utf8');
  const split = JSON.parse(await readFile(join(DATA, entry.split), 'utf8'));
  const { header, rows } = csvLines(text);
  if (rows.length !== split.rows) throw new Error(`${entry.split}: split is for ${split.rows} rows, ${entry.file} has ${rows.length}`);
  const isTest = new Uint8Array(rows.length);
  for (const r of split.test) isTest[r] = 1;
  const trainFile = join(dir, `${entry.name}.train.csv`);
  await writeFile(trainFile, `${header}\n${rows.filter((_, i) => !isTest[i]).join('\n')}\n`);

  const { result, model } = await train({
    ...options,
    seed: options.seed ?? seed,
    file: trainFile,
    basis,
    features: entry.features,
    target: entry.target,
    out: null,
  });

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
  return { rmse: rmse(predictRows(model, x, testRows.length), y), seconds: result.timing.train_s, result };
}

function allPositive(entry, text) {
  const { header, rows } = csvLines(text);
  const cols = header.split(',');
  const idx = entry.features.map((f) => cols.indexOf(f));
  return rows.every((r) => {
    const cells = r.split(',');
    return idx.every((i) => Number(cells[i]) > 0);
  });
}

const args = parseArgs(process.argv.slice(2));
const datasets = JSON.parse(await readFile(join(DATA, 'datasets.json'), 'utf8'));
const references = JSON.parse(await readFile(join(ROOT, 'bench', 'reference', 'results.json'), 'utf8'));
const seeds = args.seeds ?? [args.set.seed ?? 1];
const dir = await mkdtemp(join(tmpdir(), 'basisfit-defaults-'));
const rowsOut = [];
try {
  for (const entry of datasets) {
    if (args.only && !args.only.includes(entry.name)) continue;
    const positive = allPositive(entry, await readFile(join(DATA, entry.file), 'utf8'));
    const ref = references[entry.name]?.best;
    for (const basis of args.bases) {
      if (basis === 'poly' && !positive) continue;
      const runs = [];
      for (const seed of seeds) runs.push(await evaluate(entry, basis, { ...args.set, seed }, seed, dir));
      const mean = runs.reduce((s, r) => s + r.rmse, 0) / runs.length;
      const worst = Math.max(...runs.map((r) => r.rmse));
      const seconds = runs.reduce((s, r) => s + r.seconds, 0) / runs.length;
      const ratio = ref ? mean / ref.test_rmse : Number.NaN;
      const row = {
        dataset: entry.name,
        basis,
        rmse: mean,
        worst,
        reference: ref?.test_rmse ?? null,
        method: ref?.method ?? null,
        ratio,
        within: ratio <= 1 + TOLERANCE,
        seconds,
        epochs: runs.map((r) => r.result.epochs),
        restart: runs.map((r) => r.result.restarts.best),
      };
      rowsOut.push(row);
      if (!args.json) printRow(row, seeds.length > 1);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

function printRow(r, multi) {
  if (rowsOut.length === 1) {
    console.log(
      `${'data set'.padEnd(22)} ${'basis'.padEnd(5)} ${'basisfit'.padStart(9)}${multi ? ` ${'worst'.padStart(9)}` : ''} ${'reference'.padStart(9)} ${'method'.padEnd(16)} ${'ratio'.padStart(6)} ${'≤1.10'.padEnd(5)} ${'train s'.padStart(7)}`,
    );
  }
  const num = (v) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toPrecision(4));
  console.log(
    `${r.dataset.padEnd(22)} ${r.basis.padEnd(5)} ${num(r.rmse).padStart(9)}${multi ? ` ${num(r.worst).padStart(9)}` : ''} ${num(r.reference).padStart(9)} ${(r.method ?? '').padEnd(16)} ${Number.isFinite(r.ratio) ? r.ratio.toFixed(3).padStart(6) : '   n/a'} ${(r.within ? 'yes' : 'no').padEnd(5)} ${r.seconds.toFixed(2).padStart(7)}`,
  );
}

if (args.json) console.log(JSON.stringify(rowsOut, null, 2));
else {
  const missed = rowsOut.filter((r) => !r.within);
  const geo = Math.exp(rowsOut.reduce((s, r) => s + Math.log(r.ratio), 0) / Math.max(rowsOut.length, 1));
  console.log(`\n${rowsOut.length - missed.length}/${rowsOut.length} within ${TOLERANCE * 100}% of the best reference; geometric mean ratio ${geo.toFixed(3)}`);
}
