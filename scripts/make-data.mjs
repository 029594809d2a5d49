#!/usr/bin/env node
// Regenerates basisfit's sample data: the generated CSVs in data/, the train/test split of
// every data set in data/splits/, and the manifest data/datasets.json.
//
//   node scripts/make-data.mjs
//
// The output is byte-identical on every run: all randomness comes from the seeded PRNG in seeded-random.mjs,
// and every number is written with a fixed number of decimals. It imports nothing from src/
// or dist/ so it runs without a build. The real data sets (data/cars_*.csv, ...) are not made
// here but by scripts/extract-vega-data.mjs; this script only reads them to split them.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gaussian, mulberry32 } from './seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, '..', 'data');
const splitDir = join(dataDir, 'splits');

const TEST_FRACTION = 0.2;
const DECIMALS = 6;

function uniform(rand, lo, hi) {
  return lo + (hi - lo) * rand();
}

// Rounding before the function is evaluated makes the stored x exactly the x the clean value
// belongs to, so the oracle RMSE below measures the written noise (to within 1e-6 rounding).
function round(v) {
  return Number(v.toFixed(DECIMALS));
}

// FNV-1a: a split's seed comes from the data set's name, so adding a data set moves no other split.
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function sinc(x) {
  return x === 0 ? 1 : Math.sin(x) / x;
}

const generated = [
  {
    name: 'sinc',
    seed: 101,
    rows: 400,
    features: ['x'],
    noiseSd: 0.1,
    formula: 'y = sin(x)/x + N(0, 0.1^2), x ~ U[-10, 10]',
    suits: 'rbf (localised bumps), tanh',
    draw: (rand) => [uniform(rand, -10, 10)],
    clean: ([x]) => sinc(x),
  },
  {
    name: 'kink',
    seed: 202,
    rows: 400,
    features: ['x'],
    noiseSd: 0.05,
    formula: 'y = |x| + 0.3 sin(2x) + N(0, 0.05^2), x ~ U[-3, 3]',
    suits: 'tanh (a pair of steep units makes the kink); rbf smooths it',
    draw: (rand) => [uniform(rand, -3, 3)],
    clean: ([x]) => Math.abs(x) + 0.3 * Math.sin(2 * x),
  },
  {
    name: 'powerlaw',
    seed: 303,
    rows: 300,
    features: ['x'],
    noiseSd: 0.2,
    formula: 'y = 2 x^1.5 - 0.5 x^0.5 + N(0, 0.2^2), x ~ U[0.1, 5]',
    suits: 'poly (two units with exponents 1.5 and 0.5 are exact; x > 0)',
    draw: (rand) => [uniform(rand, 0.1, 5)],
    clean: ([x]) => 2 * x ** 1.5 - 0.5 * x ** 0.5,
  },
  {
    name: 'surface2d',
    seed: 404,
    rows: 600,
    features: ['x1', 'x2'],
    noiseSd: 0.1,
    formula: 'y = sin(x1) cos(x2) + N(0, 0.1^2), x1, x2 ~ U[-3, 3] independently',
    suits: 'rbf, tanh',
    draw: (rand) => [uniform(rand, -3, 3), uniform(rand, -3, 3)],
    clean: ([x1, x2]) => Math.sin(x1) * Math.cos(x2),
  },
];

// Real data sets: written by scripts/extract-vega-data.mjs, read here only to be split.
const real = [
  {
    name: 'cars_mpg_hp',
    source: 'vega-datasets@3.2.1 cars.json (StatLib / UCI Auto MPG)',
    suits: 'tanh, rbf (smooth decreasing curve); poly (horsepower > 0)',
  },
  {
    name: 'cars_mpg_hp_weight',
    source: 'vega-datasets@3.2.1 cars.json (StatLib / UCI Auto MPG)',
    suits: 'tanh, rbf; poly (all inputs > 0)',
  },
  {
    name: 'gapminder_life_income',
    source: 'vega-datasets@3.2.1 gapminder-health-income.csv (Gapminder)',
    suits: 'poly (income > 0, a small exponent acts like log), tanh',
  },
  {
    name: 'co2_trend',
    source: 'vega-datasets@3.2.1 co2-concentration.csv (Scripps CO2 Program, Mauna Loa)',
    suits: 'poly (t > 0, accelerating trend), tanh',
  },
];

function formatRow(values) {
  return values.map((v) => v.toFixed(DECIMALS)).join(',');
}

function makeGenerated(spec) {
  const rand = mulberry32(spec.seed);
  const xs = [];
  const cleanYs = [];
  const ys = [];
  for (let i = 0; i < spec.rows; i++) {
    const x = spec.draw(rand).map(round);
    const c = spec.clean(x);
    xs.push(x);
    cleanYs.push(c);
    ys.push(round(c + spec.noiseSd * gaussian(rand)));
  }
  const lines = [[...spec.features, 'y'].join(',')];
  for (let i = 0; i < spec.rows; i++) lines.push(formatRow([...xs[i], ys[i]]));
  writeFileSync(join(dataDir, `${spec.name}.csv`), `${lines.join('\n')}\n`);
  return { cleanYs, ys };
}

function readHeaderAndRows(file) {
  let text;
  try {
    text = readFileSync(join(dataDir, file), 'utf8');
  } catch {
    throw new Error(
      `data/${file} is missing: run scripts/extract-vega-data.mjs first (see its header comment)`,
    );
  }
  const lines = text.trim().split('\n');
  return { header: lines[0].split(','), rows: lines.length - 1 };
}

// Fisher-Yates over 0..n-1 driven by mulberry32(seed); the first round(0.2 n) indices are the
// test rows. Indices count data rows from 0 (the header is not a row).
function testRows(n, seed) {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.round(TEST_FRACTION * n)).sort((a, b) => a - b);
}

function writeSplit(name, file, n) {
  const seed = fnv1a(name);
  const test = testRows(n, seed);
  const head = {
    dataset: name,
    file,
    rows: n,
    test_fraction: TEST_FRACTION,
    seed,
    rule:
      'mulberry32(seed) drives a Fisher-Yates shuffle of 0..rows-1 (for i from rows-1 down to 1: ' +
      'j = floor(rand() * (i + 1)), swap i and j); the first round(test_fraction * rows) entries, ' +
      'sorted, are the test rows; all others are training rows. Rows count from 0 after the header.',
    n_train: n - test.length,
    n_test: test.length,
  };
  const body = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  writeFileSync(join(splitDir, `${name}.json`), `${body},\n  "test": [${test.join(', ')}]\n}\n`);
  return test;
}

function rmseAt(indices, a, b) {
  let s = 0;
  for (const i of indices) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / indices.length);
}

mkdirSync(splitDir, { recursive: true });
const manifest = [];

for (const spec of generated) {
  const file = `${spec.name}.csv`;
  const { cleanYs, ys } = makeGenerated(spec);
  const test = writeSplit(spec.name, file, spec.rows);
  const all = Array.from({ length: spec.rows }, (_, i) => i);
  manifest.push({
    name: spec.name,
    file,
    kind: 'generated',
    rows: spec.rows,
    features: spec.features,
    target: 'y',
    split: `splits/${spec.name}.json`,
    formula: spec.formula,
    data_seed: spec.seed,
    noise_sd: spec.noiseSd,
    // RMSE of the noise-free function itself: no model can expect to beat it.
    oracle_rmse: { all: round(rmseAt(all, ys, cleanYs)), test: round(rmseAt(test, ys, cleanYs)) },
    suits: spec.suits,
  });
}

for (const spec of real) {
  const file = `${spec.name}.csv`;
  const { header, rows } = readHeaderAndRows(file);
  writeSplit(spec.name, file, rows);
  manifest.push({
    name: spec.name,
    file,
    kind: 'real',
    rows,
    features: header.slice(0, -1),
    target: header[header.length - 1],
    split: `splits/${spec.name}.json`,
    source: spec.source,
    suits: spec.suits,
  });
}

writeFileSync(join(dataDir, 'datasets.json'), `${JSON.stringify(manifest, null, 2)}\n`);

for (const m of manifest) {
  const oracle = m.oracle_rmse ? `  oracle test RMSE ${m.oracle_rmse.test}` : '';
  console.log(`${m.file.padEnd(28)} ${String(m.rows).padStart(4)} rows${oracle}`);
}
