/**
 * The benchmark folders data/multi/ and data/heldout/ as their READMEs promise: every set's CSV
 * matches its datasets.json entry (header, target last, row count, numbers only) and its split
 * is the one the shared rule gives, so a regenerated or hand-edited file cannot drift unnoticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../scripts/seeded-random.mjs';
import { DATA_DIR } from '../helpers/cli.js';

interface Entry {
  name: string;
  file: string;
  rows: number;
  features: string[];
  target: string;
  split: string;
  source: string;
  licence: string;
}

interface Split {
  dataset: string;
  file: string;
  rows: number;
  seed: number;
  n_train: number;
  n_test: number;
  test: number[];
}

// Written out again here rather than imported from the data scripts, so a bug there shows.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function testRows(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, Math.round(0.2 * n)).sort((a, b) => a - b);
}

const manifest = (folder: string): Entry[] => JSON.parse(readFileSync(join(DATA_DIR, folder, 'datasets.json'), 'utf8'));

describe.each(['multi', 'heldout'])('data/%s', (folder) => {
  const entries = manifest(folder);

  it('lists sets with 3-15 features and 30-5000 rows, each with a source and a licence', () => {
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const e of entries) {
      expect(e.features.length, e.name).toBeGreaterThanOrEqual(3);
      expect(e.features.length, e.name).toBeLessThanOrEqual(15);
      expect(e.rows, e.name).toBeGreaterThanOrEqual(30);
      expect(e.rows, e.name).toBeLessThanOrEqual(5000);
      expect(e.source.length, e.name).toBeGreaterThan(0);
      expect(e.licence.length, e.name).toBeGreaterThan(0);
    }
  });

  it.each(entries.map((e) => [e.name, e] as const))('%s: the CSV is numeric, complete and as listed', (_, e) => {
    const lines = readFileSync(join(DATA_DIR, folder, e.file), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const [header, ...rows] = lines;
    expect(header.split(',')).toEqual([...e.features, e.target]);
    expect(rows.length).toBe(e.rows);
    for (const row of rows) {
      const cells = row.split(',');
      expect(cells.length).toBe(e.features.length + 1);
      for (const c of cells) expect(c !== '' && Number.isFinite(Number(c)), `${e.file}: '${row}'`).toBe(true);
    }
  });

  it.each(entries.map((e) => [e.name, e] as const))('%s: the split follows the FNV-1a/mulberry32 rule', (_, e) => {
    const split: Split = JSON.parse(readFileSync(join(DATA_DIR, folder, e.split), 'utf8'));
    expect([split.dataset, split.file, split.rows]).toEqual([e.name, e.file, e.rows]);
    expect(split.seed).toBe(fnv1a(e.name));
    expect(split.test).toEqual(testRows(e.rows, split.seed));
    expect(split.n_test + split.n_train).toBe(e.rows);
    expect(split.n_test).toBe(split.test.length);
  });
});

describe('data/heldout', () => {
  it('shares no set with data/multi or data/', () => {
    const seen = new Set([...manifest('multi'), ...(JSON.parse(readFileSync(join(DATA_DIR, 'datasets.json'), 'utf8')) as Entry[])].map((e) => e.name));
    for (const e of manifest('heldout')) expect(seen.has(e.name), e.name).toBe(false);
  });
});
