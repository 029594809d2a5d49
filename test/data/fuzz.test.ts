import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LoadOptions } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { loadText } from './helpers.js';

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.double({ min: -10, max: 10, noNaN: true }).map((v) => v.toFixed(3)),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toExponential(4)),
);

/** A valid CSV: a header, 1-20 rows of numbers, one of the three delimiters and line ends. */
const validCsv = fc
  .record({
    columns: fc.integer({ min: 1, max: 5 }),
    rows: fc.integer({ min: 1, max: 20 }),
    delimiter: fc.constantFrom(',', ';', '\t'),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    seedCells: fc.array(numberText, { minLength: 100, maxLength: 100 }),
  })
  .map(({ columns, rows, delimiter, eol, bom, seedCells }) => {
    const header = Array.from({ length: columns }, (_, j) => `c${j}`).join(delimiter);
    const lines = [header];
    for (let i = 0; i < rows; i++) {
      lines.push(Array.from({ length: columns }, (_, j) => seedCells[(i * columns + j) % 100]).join(delimiter));
    }
    return { text: `${bom ? '\ufeff' : ''}${lines.join(eol)}${eol}`, delimiter };
  });

const junk = fc.constantFrom('', ' ', 'abc', 'NaN', 'inf', '1e400', '"', '""', '"1', '0x1f', '1,5', '\u0000', '\r', '\n', '٣');

type Mutation = (bytes: Buffer, delimiter: string) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((at): Mutation => (b) => b.subarray(0, Math.floor(at * b.length))),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
    .map(([at, inserted]): Mutation => (b) => {
      const i = Math.floor(at * b.length);
      return Buffer.concat([b.subarray(0, i), inserted, b.subarray(i)]);
    }),
  fc
    .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 20 }))
    .map(([at, length]): Mutation => (b) => {
      const i = Math.floor(at * b.length);
      return Buffer.concat([b.subarray(0, i), b.subarray(i + length)]);
    }),
  fc
    .tuple(fc.constantFrom(',', ';', '\t', '"', '\n'), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([other, share]): Mutation => (b, delimiter) => {
      let k = 0;
      const text = b.toString('latin1').replace(new RegExp(delimiter, 'g'), (d) => (k++ % 10 < share * 10 ? other : d));
      return Buffer.from(text, 'latin1');
    }),
  fc
    .tuple(fc.nat(), junk)
    .map(([which, cell]): Mutation => (b, delimiter) => {
      const fields = b.toString('utf8').split(delimiter);
      if (fields.length > 1) {
        const i = 1 + (which % (fields.length - 1));
        // Keep the line end that a field may carry, replace its value.
        const eol = /\r?\n.*$/s.exec(fields[i])?.[0] ?? '';
        fields[i] = cell + eol;
      }
      return Buffer.from(fields.join(delimiter));
    }),
);

const options: fc.Arbitrary<LoadOptions> = fc.record({
  missing: fc.constantFrom('error' as const, 'drop' as const),
  header: fc.boolean(),
  keepRaw: fc.boolean(),
  requireTarget: fc.boolean(),
});

describe('loadTable on mutated CSV text', () => {
  it('either yields finite numbers in consistent shapes or fails with a DataError', async () => {
    await fc.assert(
      fc.asyncProperty(
        validCsv,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        options,
        async ({ text, delimiter }, mutations, opts) => {
          let bytes: Buffer = Buffer.from(text);
          for (const mutate of mutations) bytes = mutate(bytes, delimiter);
          let table: Awaited<ReturnType<typeof loadText>>;
          try {
            table = await loadText(bytes, opts);
          } catch (err) {
            expect(err).toBeInstanceOf(DataError);
            expect((err as DataError).describe()).not.toContain('\n');
            return;
          }
          const { n, d, x, y, lines } = table;
          expect(n).toBeGreaterThanOrEqual(1);
          expect(d).toBeGreaterThanOrEqual(1);
          expect(x.length).toBe(n * d);
          expect(lines.length).toBe(n);
          expect(x.every(Number.isFinite)).toBe(true);
          if (y !== null) {
            expect(y.length).toBe(n);
            expect(y.every(Number.isFinite)).toBe(true);
          }
          for (let i = 1; i < n; i++) expect(lines[i]).toBeGreaterThan(lines[i - 1]);
          if (opts.keepRaw) expect(table.raw!.length).toBe(n);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('loads every unmutated CSV exactly', async () => {
    await fc.assert(
      fc.asyncProperty(validCsv, async ({ text, delimiter }) => {
        const body = text.replace(/^\ufeff/, '').trimEnd().split(/\r?\n/).slice(1);
        const expected = body.map((line) => line.split(delimiter).map(Number));
        const columns = expected[0].length;
        if (columns === 1) return; // a lone column is the target, and that is an error (tested elsewhere)
        const table = await loadText(text);
        expect(table.n).toBe(expected.length);
        expected.forEach((row, i) => {
          expect(Array.from(table.x.subarray(i * (columns - 1), (i + 1) * (columns - 1)))).toEqual(row.slice(0, -1));
          expect(table.y![i]).toBe(row[columns - 1]);
        });
      }),
      { numRuns: 200 },
    );
  });
});
