/**
 * The bad-input corpus (test/fixtures/bad/cases.json) through the real binary:
 * each case ends in the right exit code with a short message naming where the
 * problem is, no stack trace, and an --out file left exactly as it was. Then
 * randomly damaged CSVs: the CLI only ever succeeds or fails cleanly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/index.js';
import { describeRun, REPO_ROOT, runCli, STACK_LINE } from '../helpers/cli.js';
import { useTmpdir } from '../helpers/tmp.js';

interface Case {
  file: string;
  args?: string[];
  error: 'DataError' | 'UsageError';
  expect: string;
  line?: number;
  column?: string;
  hint?: string;
}

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'bad');
const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
const PREVIOUS_MODEL = '{"an earlier model": true}\n';
const tmp = useTmpdir('bad-inputs-');

describe('the corpus has at least 25 cases', () => {
  it('counts them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});

describe.concurrent('each bad input fails cleanly through the CLI', () => {
  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_name, c) => {
    const out = tmp.file(`${c.file}.model.json`);
    writeFileSync(out, PREVIOUS_MODEL);
    const r = await runCli(['train', join(FIXTURES, c.file), ...(c.args ?? []), '--epochs', '2', '--quiet', '--out', out], {
      timeoutMs: 60_000,
    });
    expect(r.code, describeRun(r)).toBe(c.error === 'UsageError' ? 2 : 1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^basisfit: error: /);
    expect(lines[0]).toContain(c.expect);
    if (c.line !== undefined) expect(lines[0]).toContain(`:${c.line}:`);
    if (c.column !== undefined) expect(lines[0]).toContain(`'${c.column}'`);
    if (c.hint !== undefined) expect(r.stderr).toContain(c.hint);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(readFileSync(out, 'utf8')).toBe(PREVIOUS_MODEL);
  });
});

describe('randomly damaged CSVs', () => {
  const valid = readFileSync(join(REPO_ROOT, 'data', 'sinc.csv')).subarray(0, 600);
  const damage = fc.oneof(
    fc.double({ min: 0, max: 1, noNaN: true }).map((at) => (b: Buffer) => b.subarray(0, Math.floor(at * b.length))),
    fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 6 }))
      .map(([at, bytes]) => (b: Buffer) => {
        const i = Math.floor(at * b.length);
        return Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]);
      }),
    fc.constantFrom(';', '\t', '"', '\n').map((d) => (b: Buffer) => Buffer.from(b.toString('latin1').replace(/,/g, d), 'latin1')),
    fc
      .tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('', 'abc', 'NaN', '1e400', '"', '-inf'))
      .map(([at, junk]) => (b: Buffer) => {
        const rows = b.toString('latin1').split('\n');
        const r = 1 + Math.floor(at * (rows.length - 2));
        rows[r] = `${junk},${rows[r].split(',')[1] ?? ''}`;
        return Buffer.from(rows.join('\n'), 'latin1');
      }),
  );

  it('only ever ends in success with a valid model or in a clean error', async () => {
    await fc.assert(
      fc.asyncProperty(damage, fc.nat(), async (mutate, k) => {
        const input = tmp.file(`damaged-${k}.csv`);
        const out = tmp.file(`damaged-${k}.model.json`);
        writeFileSync(input, mutate(valid));
        writeFileSync(out, PREVIOUS_MODEL);
        const r = await runCli(['train', input, '--epochs', '3', '--units', '4', '--quiet', '--json', '--out', out], { timeoutMs: 60_000 });
        expect(r.stderr, describeRun(r)).not.toMatch(STACK_LINE);
        expect(r.stderr).not.toContain('internal error');
        if (r.code === 0) {
          expect(() => parseModel(readFileSync(out, 'utf8'), out)).not.toThrow();
          expect(JSON.parse(r.stdout).model).toBe(out);
        } else {
          expect([1, 2], describeRun(r)).toContain(r.code);
          expect(readFileSync(out, 'utf8')).toBe(PREVIOUS_MODEL);
          expect(r.stderr).toMatch(/^basisfit: error: /);
        }
      }),
      { numRuns: 24, seed: 20261127 },
    );
  }, 240_000);
});
