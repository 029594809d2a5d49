import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadOptions, loadTable } from '../../src/data/index.js';
import { type ChunkOptions, type RowChunk, readChunks } from '../../src/data/stream.js';
import { BasisfitError, UsageError } from '../../src/errors.js';
import { curveRows, writeCsv } from '../helpers/datasets.js';
import { BAD, failure, OK } from './helpers.js';

const DATA = fileURLToPath(new URL('../../data/', import.meta.url));

/** What a chunked read adds up to, in loadTable's terms. */
interface Gathered {
  features: string[];
  target: string | null;
  x: number[];
  y: number[] | null;
  lines: number[];
  droppedRows: number;
  sizes: number[];
  firsts: number[];
}

async function gather(path: string, opts: ChunkOptions): Promise<Gathered> {
  const chunks: RowChunk[] = [];
  for await (const c of readChunks(path, opts)) chunks.push(c);
  const last = chunks[chunks.length - 1];
  return {
    features: last.features,
    target: last.target,
    x: chunks.flatMap((c) => Array.from(c.x)),
    y: last.y === null ? null : chunks.flatMap((c) => Array.from(c.y!)),
    lines: chunks.flatMap((c) => Array.from(c.lines)),
    droppedRows: last.droppedRows,
    sizes: chunks.map((c) => c.n),
    firsts: chunks.map((c) => c.first),
  };
}

async function loaded(path: string, opts: LoadOptions): Promise<Omit<Gathered, 'sizes' | 'firsts'>> {
  const t = await loadTable(path, opts);
  return {
    features: t.features,
    target: t.target,
    x: Array.from(t.x),
    y: t.y === null ? null : Array.from(t.y),
    lines: Array.from(t.lines),
    droppedRows: t.droppedRows,
  };
}

/** Everything a user sees of an error. */
function errorView(err: unknown) {
  expect(err).toBeInstanceOf(BasisfitError);
  const e = err as BasisfitError;
  return { kind: e.constructor.name, text: e.describe(), hint: e.hint, exitCode: e.exitCode, location: e.location };
}

async function outcome<T>(promise: Promise<T>): Promise<{ ok: T } | { error: ReturnType<typeof errorView> }> {
  try {
    return { ok: await promise };
  } catch (err) {
    return { error: errorView(err) };
  }
}

/** The chunk sizes a read of n rows in chunks of k must have. */
function expectedSizes(n: number, k: number): number[] {
  return Array.from({ length: Math.ceil(n / k) }, (_, i) => Math.min(k, n - i * k));
}

let dir: string;
let big: string;
const BIG_ROWS = 5003;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'basisfit-stream-'));
  big = writeCsv(
    join(dir, 'big.csv'),
    ['x', 'y'],
    curveRows({ n: BIG_ROWS, lo: -10, hi: 10, f: Math.sin, noise: 0.1, seed: 7 }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const goodFiles = [
  ...readdirSync(OK).map((f) => join(OK, f)),
  ...(existsSync(DATA) ? readdirSync(DATA).filter((f) => f.endsWith('.csv')).map((f) => join(DATA, f)) : []),
];
const optionSets: LoadOptions[] = [{}, { missing: 'drop' }, { header: false }];

describe('readChunks gives the rows loadTable gives', () => {
  it.each(goodFiles)('%s', async (path) => {
    for (const opts of optionSets) {
      for (const rowsPerChunk of [1, 3, 1000]) {
        const whole = await outcome(loaded(path, opts));
        const chunked = await outcome(gather(path, { ...opts, rowsPerChunk }));
        if ('error' in whole) {
          expect(chunked).toEqual(whole);
          continue;
        }
        expect('ok' in chunked).toBe(true);
        const { sizes, firsts, ...rows } = (chunked as { ok: Gathered }).ok;
        expect(rows).toEqual(whole.ok);
        const n = whole.ok.lines.length;
        expect(sizes).toEqual(expectedSizes(n, rowsPerChunk));
        expect(firsts).toEqual(sizes.map((_, i) => i * rowsPerChunk));
      }
    }
  });

  it.each([1, 4096, 5003, 5004, 100_000])('on %i rows per chunk, across many read buffers', async (rowsPerChunk) => {
    const whole = await loaded(big, {});
    const { sizes, firsts, ...rows } = await gather(big, { rowsPerChunk });
    expect(whole.lines.length).toBe(BIG_ROWS);
    expect(rows).toEqual(whole);
    expect(sizes).toEqual(expectedSizes(BIG_ROWS, rowsPerChunk));
    expect(firsts[firsts.length - 1]).toBe((sizes.length - 1) * rowsPerChunk);
  });

  it('reads standard input for -', async () => {
    const text = readFileSync(join(OK, 'semicolon.csv'));
    const got = await gather('-', { rowsPerChunk: 1, stdin: Readable.from([text]) });
    const whole = await loaded('-', { stdin: Readable.from([text]) });
    const { sizes, firsts, ...rows } = got;
    expect(rows).toEqual(whole);
    expect(sizes).toEqual([1, 1]);
  });
});

interface Case {
  file: string;
  args?: string[];
  error: string;
}

/** cases.json's loading options (its --basis and --val-split cases load fine and fail later). */
function loadOptions(args: string[] = []): LoadOptions {
  const opts: LoadOptions = {};
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--no-header') opts.header = false;
    else if (args[i] === '--target') opts.target = value;
    else if (args[i] === '--features') opts.features = value.split(',');
    else if (args[i] === '--missing') opts.missing = value as LoadOptions['missing'];
    else if (args[i] === '--delimiter') opts.delimiter = value;
    else if (args[i] !== '--basis' && args[i] !== '--val-split') throw new Error(`unknown argument in cases.json: ${args[i]}`);
    if (args[i] !== '--no-header') i++;
  }
  return opts;
}

const cases: Case[] = JSON.parse(readFileSync(join(BAD, 'cases.json'), 'utf8'));

describe('readChunks fails on the bad-input fixtures as loadTable does', () => {
  it('covers every case', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_name, c) => {
    const opts = loadOptions(c.args);
    const whole = await outcome(loaded(join(BAD, c.file), opts));
    for (const rowsPerChunk of [1, 1000]) {
      const chunked = await outcome(gather(join(BAD, c.file), { ...opts, rowsPerChunk }));
      if ('ok' in whole) {
        expect(chunked).toHaveProperty('ok');
      } else {
        expect(chunked).toEqual(whole);
        expect(whole.error.kind).toBe(c.error);
      }
    }
  });
});

describe('readChunks', () => {
  it('rejects a chunk size that is not a positive whole number', async () => {
    for (const rowsPerChunk of [0, -1, 1.5, Number.NaN]) {
      const err = await failure(gather(big, { rowsPerChunk }));
      expect(err).toBeInstanceOf(UsageError);
    }
  });

  it('fails at a bad row after many chunks, naming its line and column', async () => {
    const path = join(dir, 'bad-late.csv');
    writeFileSync(path, `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i}`).join('\n')}\n5,oops\n`);
    const err = await failure(gather(path, { rowsPerChunk: 8 }));
    expect(errorView(err)).toMatchObject({ kind: 'DataError', location: { file: path, line: 22, column: 'y' } });
  });

  it('stops reading when the consumer stops: a bad row past the first read buffer is never reached', async () => {
    const path = join(dir, 'bad-end.csv');
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i}`).join('\n');
    writeFileSync(path, `x,y\n${rows}\n5,oops\n`);
    await expect(gather(path, { rowsPerChunk: 1000 })).rejects.toThrow(/non-numeric value "oops"/);
    let chunks = 0;
    for await (const c of readChunks(path, { rowsPerChunk: 1000 })) {
      chunks++;
      expect(c.first).toBe(0);
      break;
    }
    expect(chunks).toBe(1);
  });
});
