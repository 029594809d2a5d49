#!/usr/bin/env node
// Extracts basisfit's real sample data sets (data/cars_*.csv, data/gapminder_life_income.csv,
// data/co2_trend.csv) from the npm package vega-datasets.
//
// vega-datasets is NOT a dependency of basisfit (it is 40 MB); install it in a temporary folder:
//
//   tmp=$(mktemp -d) && (cd "$tmp" && npm install vega-datasets@3.2.1)
//   node scripts/extract-vega-data.mjs "$tmp/node_modules/vega-datasets"
//   node scripts/make-data.mjs        # rewrites data/datasets.json and the splits
//
// Plain Node ESM with no imports beyond node:, so it runs without a build.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, '..', 'data');

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error('usage: node scripts/extract-vega-data.mjs <path to node_modules/vega-datasets>');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
if (pkg.name !== 'vega-datasets') {
  console.error(`${pkgDir}/package.json is "${pkg.name}", expected vega-datasets`);
  process.exit(1);
}
const source = (file) => readFileSync(join(pkgDir, 'data', file), 'utf8');

function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

// Number('') is 0, so an empty cell must be caught before conversion.
function cellNum(cell) {
  return cell === undefined || cell.trim() === '' ? Number.NaN : Number(cell);
}

function writeCsv(name, header, rows) {
  const text = `${header.join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
  writeFileSync(join(dataDir, name), text);
}

// Quoted cells ("Congo, Dem. Rep.") occur; embedded newlines do not, so a line is a record.
function splitCsvLine(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

function parseCsv(text, file) {
  const lines = text.trim().split(/\r?\n/);
  const header = splitCsvLine(lines[0]);
  return lines.slice(1).map((line, i) => {
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      throw new Error(`${file} line ${i + 2}: ${cells.length} cells, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, cells[j]]));
  });
}

const report = [];

// --- cars.json: the StatLib / UCI "Auto MPG" data (406 cars, 1970-1982) ---
const cars = JSON.parse(source('cars.json'));
const carsHp = cars.filter((c) => isNum(c.Horsepower) && isNum(c.Miles_per_Gallon));
writeCsv(
  'cars_mpg_hp.csv',
  ['horsepower', 'mpg'],
  carsHp.map((c) => [c.Horsepower, c.Miles_per_Gallon]),
);
report.push(['cars_mpg_hp.csv', cars.length, carsHp.length]);

const carsHpW = cars.filter(
  (c) => isNum(c.Horsepower) && isNum(c.Weight_in_lbs) && isNum(c.Miles_per_Gallon),
);
writeCsv(
  'cars_mpg_hp_weight.csv',
  ['horsepower', 'weight_lbs', 'mpg'],
  carsHpW.map((c) => [c.Horsepower, c.Weight_in_lbs, c.Miles_per_Gallon]),
);
report.push(['cars_mpg_hp_weight.csv', cars.length, carsHpW.length]);

// --- gapminder-health-income.csv: life expectancy against GDP per capita, one row per country ---
const gap = parseCsv(source('gapminder-health-income.csv'), 'gapminder-health-income.csv');
const gapRows = gap
  .map((r) => [cellNum(r.income), cellNum(r.health)])
  .filter(([inc, life]) => isNum(inc) && inc > 0 && isNum(life));
writeCsv('gapminder_life_income.csv', ['income', 'life_expectancy'], gapRows);
report.push(['gapminder_life_income.csv', gap.length, gapRows.length]);

// --- co2-concentration.csv: Mauna Loa monthly CO2, seasonally adjusted column ---
// Time as years since 1958-01-01 at mid-month, so it is positive (the poly basis needs x > 0).
const co2 = parseCsv(source('co2-concentration.csv'), 'co2-concentration.csv');
const co2Rows = co2
  .map((r) => {
    const [y, m] = r.Date.split('-').map(Number);
    const t = Math.round((y - 1958 + (m - 0.5) / 12) * 1e4) / 1e4;
    return [t, cellNum(r['adjusted CO2'])];
  })
  .filter(([t, c]) => isNum(t) && isNum(c));
writeCsv('co2_trend.csv', ['years_since_1958', 'co2_adjusted'], co2Rows);
report.push(['co2_trend.csv', co2.length, co2Rows.length]);

console.log(`extracted from ${pkg.name}@${pkg.version}:`);
for (const [file, total, kept] of report) {
  console.log(`  ${file}: ${kept} rows kept of ${total} (${total - kept} dropped for missing values)`);
}
