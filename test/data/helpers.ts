import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type LoadOptions, loadTable, type Table } from '../../src/data/index.js';

export const BAD = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));
export const OK = fileURLToPath(new URL('../fixtures/ok/', import.meta.url));

/** Loads CSV text through the stdin path, so no temporary file is needed. */
export function loadText(text: string | Buffer, opts: LoadOptions = {}): Promise<Table> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  return loadTable('-', { ...opts, stdin: Readable.from([bytes]) });
}

/** The rows of a table as plain arrays, for readable assertions. */
export function rowsOf(table: Table): number[][] {
  return Array.from({ length: table.n }, (_, i) => Array.from(table.x.subarray(i * table.d, (i + 1) * table.d)));
}

/** Awaits a promise expected to fail and returns what it failed with. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure, but it succeeded');
}
