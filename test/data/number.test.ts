import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeBadCell, detectDelimiter, normalizeDelimiter, parseNumber } from '../../src/data/index.js';
import { UsageError } from '../../src/errors.js';

describe('parseNumber', () => {
  it.each([
    ['1', 1],
    ['-2.5', -2.5],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['+3', 3],
    ['5.', 5],
    ['-.25', -0.25],
    ['1E+2', 100],
    ['007', 7],
    ['  42\t', 42],
    ['3\r', 3],
    ['1e-400', 0],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.1', 0.1],
    ['9007199254740993', 9007199254740992],
  ])('reads %j as %d', (cell, value) => {
    expect(parseNumber(cell)).toBe(value);
  });

  it.each(['', ' ', '0x10', '0b1', '0o7', '1_000', 'abc', '1e', 'e5', '.', '-', '+', '1.2.3', '1,5', '--1', 'NaN', 'Infinity', '-inf', '1 2', '٣', '１'])(
    'rejects %j',
    (cell) => {
      expect(parseNumber(cell)).toBeNaN();
    },
  );

  it('returns infinity for a decimal that overflows, so callers can say so', () => {
    expect(parseNumber('1e400')).toBe(Number.POSITIVE_INFINITY);
    expect(parseNumber('-1e309')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('agrees with Number() bit for bit on every double written by String()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        // String(-0) is '0', so the oracle is Number() of the same text.
        expect(Object.is(parseNumber(String(v)), Number(String(v)))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with Number() on short decimals and exponents (the fast path)', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{0,12}$/),
        fc.stringMatching(/^\d{0,12}$/),
        fc.option(fc.integer({ min: -30, max: 30 })),
      )
      .filter(([, int, frac]) => int.length + frac.length > 0)
      .map(([sign, int, frac, exp]) => `${sign}${int}${frac ? `.${frac}` : ''}${exp === null ? '' : `e${exp}`}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(Object.is(parseNumber(text), Number(text))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('describeBadCell', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['NaN', 'nan'],
    ['nan', 'nan'],
    ['inf', 'infinite'],
    ['-Infinity', 'infinite'],
    ['1e400', 'overflow'],
    ['abc', 'non-numeric'],
    ['0x1F', 'non-numeric'],
  ])('classifies %j as %s', (cell, kind) => {
    expect(describeBadCell(cell).kind).toBe(kind);
  });

  it('quotes the cell and shortens a long one', () => {
    const problem = describeBadCell('x'.repeat(100));
    expect(problem.message).toContain('"xxxx');
    expect(problem.message).toContain('…');
    expect(problem.message.length).toBeLessThan(80);
  });
});

describe('delimiters', () => {
  it.each([
    ['a,b,c', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['"x;y",b,c', ','],
    ['"a,b";c', ';'],
    ['single', ','],
    ['a,b;c;d', ';'],
  ])('detects from %j', (line, delimiter) => {
    expect(detectDelimiter(line)).toBe(delimiter);
  });

  it('normalizes names and single characters', () => {
    expect(normalizeDelimiter('tab')).toBe('\t');
    expect(normalizeDelimiter('\\t')).toBe('\t');
    expect(normalizeDelimiter('semicolon')).toBe(';');
    expect(normalizeDelimiter('|')).toBe('|');
  });

  it.each(['', ';;', '"', '\n'])('rejects %j as a usage error', (given) => {
    expect(() => normalizeDelimiter(given)).toThrow(UsageError);
  });
});
