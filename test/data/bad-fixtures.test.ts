import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertPositiveFeatures,
  type LoadOptions,
  loadTable,
  type MissingPolicy,
  splitRows,
} from '../../src/data/index.js';
import { BasisfitError } from '../../src/errors.js';
import { BAD, failure } from './helpers.js';

interface Case {
  file: string;
  args?: string[];
  error: string;
  expect: string;
  line?: number;
  column?: string;
  hint?: string;
}

const cases: Case[] = JSON.parse(readFileSync(join(BAD, 'cases.json'), 'utf8'));

/** What the CLI is expected to do with a case's extra arguments, in library calls. */
function interpret(args: string[] = []): { load: LoadOptions; basis?: string; valSplit?: number } {
  const load: LoadOptions = {};
  let basis: string | undefined;
  let valSplit: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    switch (args[i]) {
      case '--target':
        load.target = value;
        i++;
        break;
      case '--features':
        load.features = value.split(',');
        i++;
        break;
      case '--missing':
        load.missing = value as MissingPolicy;
        i++;
        break;
      case '--delimiter':
        load.delimiter = value;
        i++;
        break;
      case '--basis':
        basis = value;
        i++;
        break;
      case '--val-split':
        valSplit = Number(value);
        i++;
        break;
      case '--no-header':
        load.header = false;
        break;
      default:
        throw new Error(`cases.json uses an argument this test does not know: ${args[i]}`);
    }
  }
  return { load, basis, valSplit };
}

async function run(c: Case): Promise<void> {
  const { load, basis, valSplit } = interpret(c.args);
  const table = await loadTable(join(BAD, c.file), load);
  if (basis === 'poly') assertPositiveFeatures(table, basis);
  if (valSplit !== undefined) splitRows(table, valSplit, Math.random);
}

describe('bad-input fixtures (test/fixtures/bad/cases.json)', () => {
  it('lists every fixture file and at least 25 cases', () => {
    const listed = new Set(cases.map((c) => c.file));
    const files = readdirSync(BAD).filter((f) => f !== 'cases.json' && f !== 'README.md');
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_name, c) => {
    const err = await failure(run(c));
    expect(err).toBeInstanceOf(BasisfitError);
    const e = err as BasisfitError;
    expect(e.constructor.name).toBe(c.error);
    const text = e.describe();
    expect(text).toContain(c.expect);
    expect(text).not.toContain('\n');
    expect(e.hint ?? '').not.toBe('');
    if (c.hint !== undefined) expect(e.hint).toContain(c.hint);
    if (c.error === 'DataError') {
      expect(e.exitCode).toBe(1);
      // The first line always names the input, and the line and column where the case has them.
      expect(text.startsWith(join(BAD, c.file))).toBe(true);
      expect(e.location?.line).toBe(c.line);
      expect(e.location?.column).toBe(c.column);
      if (c.line !== undefined) expect(text).toContain(`${c.file}:${c.line}:`);
      if (c.column !== undefined) expect(text).toContain(`column '${c.column}'`);
    } else {
      expect(e.exitCode).toBe(2);
    }
  });
});
