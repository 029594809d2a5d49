import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertPositiveFeatures,
  columnStats,
  isConstantTarget,
  splitRows,
  standardization,
  standardizeColumns,
  standardizeValues,
  type Table,
  takeRows,
} from '../../src/data/index.js';
import { DataError, UsageError } from '../../src/errors.js';
import { uniform as seeded } from '../helpers/datasets.js';
import { failure, loadText } from './helpers.js';

describe('standardization', () => {
  it('gives the population mean and std of each feature and of the target', async () => {
    const t = await loadText('a,b,y\n1,10,0\n2,10,1\n3,10,5\n4,10,2\n');
    const s = standardization(t);
    expect(s.x.mean).toEqual([2.5, 10]);
    expect(s.x.std[0]).toBeCloseTo(Math.sqrt(1.25), 15);
    // A constant column gets std 1, so dividing by it is harmless.
    expect(s.x.std[1]).toBe(1);
    expect(s.constantFeatures).toEqual(['b']);
    expect(s.y).toEqual({ mean: 2, std: Math.sqrt((4 + 1 + 9 + 0) / 4) });
    expect(s.constantTarget).toBe(false);
  });

  it('flags a constant target', async () => {
    const t = await loadText('x,y\n1,7\n2,7\n3,7\n');
    const s = standardization(t);
    expect(s.constantTarget).toBe(true);
    expect(s.y).toEqual({ mean: 7, std: 1 });
    expect(isConstantTarget(t)).toBe(true);
    expect(isConstantTarget(await loadText('x,y\n1,7\n2,7.000001\n'))).toBe(false);
  });

  it('has no target statistics without a target', async () => {
    const t = await loadText('x\n1\n2\n', { requireTarget: false });
    const s = standardization(t);
    expect(s.y).toBeNull();
    expect(s.constantTarget).toBe(false);
    expect(isConstantTarget(t)).toBe(false);
  });

  it('uses only the given rows', async () => {
    const t = await loadText('x,y\n1,0\n100,0\n3,1\n');
    const s = standardization(t, [0, 2]);
    expect(s.x.mean).toEqual([2]);
    expect(s.x.std).toEqual([1]);
    expect(s.y).toEqual({ mean: 0.5, std: 0.5 });
  });

  it('keeps precision when the mean is large compared with the spread', () => {
    const values = Float64Array.from([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    const stats = columnStats(values, 3, 1, 0);
    expect(stats.mean).toBe(1e9 + 2);
    expect(stats.std).toBeCloseTo(Math.sqrt(2 / 3), 6);
  });

  it('standardized columns have mean 0 and std 1 (or stay centred when constant)', () => {
    fc.assert(
      fc.property(
        // Subnormal values (below 2.2e-308) carry too few bits to standardise to 1e-9; normal ones down to 1e-300 are in.
        fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => v === 0 || Math.abs(v) >= 1e-300), fc.constant(5)), {
          minLength: 2,
          maxLength: 50,
        }),
        (rows) => {
          const x = Float64Array.from(rows.flat());
          const stats = [columnStats(x, rows.length, 2, 0), columnStats(x, rows.length, 2, 1)];
          const z = standardizeColumns(x, 2, { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) });
          const again = [columnStats(z, rows.length, 2, 0), columnStats(z, rows.length, 2, 1)];
          expect(again[1]).toEqual({ mean: 0, std: 1, constant: true });
          // A spread within a few ulps of the values (e.g. two adjacent doubles) has no representable
          // mean, so no standardisation can centre it; the property is about well-conditioned columns.
          const magnitude = Math.max(...rows.map((r) => Math.abs(r[0])));
          if (!stats[0].constant && stats[0].std > 1e-10 * magnitude) {
            expect(Math.abs(again[0].mean)).toBeLessThan(1e-9);
            expect(again[0].std).toBeCloseTo(1, 9);
          }
        },
      ),
    );
  });

  it('standardizes target values', () => {
    expect(Array.from(standardizeValues(Float64Array.from([1, 3]), { mean: 2, std: 0.5 }))).toEqual([-2, 2]);
  });
});

describe('splitRows', () => {
  const table = (n: number) => ({ n, file: 'data.csv' });

  it('holds out round(n * fraction) rows and partitions all rows, each part in file order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 500 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer(), (n, f, seed) => {
        const expected = f === 0 ? 0 : Math.max(1, Math.round(n * f));
        if (expected >= n) {
          expect(() => splitRows(table(n), f, seeded(seed))).toThrow(DataError);
          return;
        }
        const { train, validation } = splitRows(table(n), f, seeded(seed));
        expect(validation.length).toBe(expected);
        const all = [...train, ...validation].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
        for (const part of [train, validation]) for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1]);
      }),
    );
  });

  it('is reproducible for the same random sequence and differs for another', () => {
    const a = splitRows(table(1000), 0.2, seeded(1));
    const b = splitRows(table(1000), 0.2, seeded(1));
    const c = splitRows(table(1000), 0.2, seeded(2));
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(Array.from(a.validation)).not.toEqual(Array.from(c.validation));
  });

  it('picks validation rows from the whole file, not just its start or end', () => {
    const { validation } = splitRows(table(10_000), 0.5, seeded(3));
    const firstHalf = validation.filter((i) => i < 5000).length;
    expect(firstHalf).toBeGreaterThan(2300);
    expect(firstHalf).toBeLessThan(2700);
  });

  it('holds out at least one row for a small positive fraction', () => {
    expect(splitRows(table(3), 0.01, seeded(4)).validation.length).toBe(1);
    expect(splitRows(table(3), 0, seeded(4)).validation.length).toBe(0);
  });

  it('refuses a split that leaves no training rows, with a clear message', async () => {
    const err = (await failure(Promise.resolve().then(() => splitRows(table(1), 0.2, seeded(5))))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('too few rows for a validation split: 1 data row');
    expect(err.location?.file).toBe('data.csv');
    expect(() => splitRows(table(4), 0.9, seeded(5))).toThrow(/leaves none to train on/);
  });

  it.each([-0.1, 1, 1.5, Number.NaN])('rejects the fraction %d as a usage error', (f) => {
    expect(() => splitRows(table(10), f, seeded(6))).toThrow(UsageError);
  });

  it('takeRows gathers features and target of the chosen rows', async () => {
    const t = await loadText('a,b,y\n1,2,3\n4,5,6\n7,8,9\n');
    const part = takeRows(t, [2, 0]);
    expect(part.n).toBe(2);
    expect(Array.from(part.x)).toEqual([7, 8, 1, 2]);
    expect(Array.from(part.y!)).toEqual([9, 3]);
  });
});

describe('assertPositiveFeatures', () => {
  it('passes when every feature is positive, whatever the target', async () => {
    const t = await loadText('a,b,y\n0.1,2,-3\n4,5,0\n');
    expect(() => assertPositiveFeatures(t, 'poly')).not.toThrow();
  });

  it('names the column, its minimum and the line of the minimum', async () => {
    const t: Table = await loadText('a,b,y\n1,2,3\n\n4,-0.5,6\n5,-7,8\n');
    const err = (await failure(Promise.resolve().then(() => assertPositiveFeatures(t, 'poly')))) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain("column 'b' has minimum -7");
    expect(err.location).toEqual({ file: '<stdin>', line: 5, column: 'b' });
    expect(err.hint).toContain('rbf');
    expect(err.hint).toContain('tanh');
  });

  it('rejects zero', async () => {
    const t = await loadText('a,y\n0,1\n1,2\n');
    expect(() => assertPositiveFeatures(t, 'poly')).toThrow(/minimum 0/);
  });
});
