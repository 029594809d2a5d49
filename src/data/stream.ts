/**
 * Reading a CSV in chunks of rows, for files larger than memory. The same
 * parser, column selection, number parsing and messages as loadTable (the
 * TableBuilder in chunk mode), but the rows are handed out `rowsPerChunk` at a
 * time and never gathered: memory holds one read buffer plus the chunks parsed
 * from it, however long the file.
 */
import { UsageError } from '../errors.js';
import { TableBuilder } from './builder.js';
import { explainLoadError, openCsv } from './load.js';
import { RecordParser } from './record-parser.js';
import type { LoadOptions } from './table.js';

export interface ChunkOptions extends Omit<LoadOptions, 'keepRaw'> {
  /** Rows per chunk (the last chunk may have fewer). */
  rowsPerChunk: number;
}

/** Consecutive kept rows of the file, with the columns a Table would have. */
export interface RowChunk {
  /** Row-major n × d feature values. */
  x: Float64Array;
  /** n target values; null only without a target (requireTarget: false). */
  y: Float64Array | null;
  n: number;
  d: number;
  /** 0-based index of the chunk's first row among the file's kept rows (a Table's row index). */
  first: number;
  /** File line (1-based) on which each row starts. */
  lines: Uint32Array;
  /** The path as given, or '<stdin>'. */
  file: string;
  features: string[];
  target: string | null;
  /** Rows dropped for empty cells (missing: 'drop') up to the end of this chunk. */
  droppedRows: number;
}

/**
 * Yields the file's rows in order, `rowsPerChunk` per chunk. Problems are the
 * same DataErrors, with the same messages and locations, as loadTable's; a
 * problem after the first rows surfaces when the reader gets there, after the
 * chunks before it were yielded. Stopping early (break) closes the file.
 */
export async function* readChunks(path: string, opts: ChunkOptions): AsyncGenerator<RowChunk, void, undefined> {
  const { rowsPerChunk } = opts;
  if (!(Number.isSafeInteger(rowsPerChunk) && rowsPerChunk > 0)) {
    throw new UsageError(`rows per chunk must be a positive whole number, got ${rowsPerChunk}`, 'pass a batch size such as 10000');
  }
  const { file, delimiter, bytes } = await openCsv(path, opts);
  const builder = new TableBuilder(file, opts, delimiter, rowsPerChunk);
  const parser = new RecordParser(builder, delimiter);
  // Failures are read from the write and end callbacks; this keeps an 'error' event from being unhandled.
  parser.on('error', () => {});
  let first = 0;
  const chunk = (block: { x: Float64Array; y: Float64Array | null; lines: Uint32Array; n: number }): RowChunk => {
    const { features, target } = builder.selection!;
    const c = { ...block, d: features.length, first, file, features, target, droppedRows: builder.droppedRows };
    first += block.n;
    return c;
  };
  try {
    // One read buffer at a time: the parser runs synchronously over it, and the
    // chunks it filled are handed out before the next read (bounded memory).
    for await (const buffer of bytes) {
      await settle(parser, (done) => parser.write(buffer, done));
      for (const block of builder.takeBlocks()) yield chunk(block);
    }
    await settle(parser, (done) => parser.end(done));
    for (const block of builder.takeBlocks()) yield chunk(block);
    const last = builder.finishBlocks();
    if (last !== null) yield chunk(last);
  } catch (err) {
    throw explainLoadError(err, file, parser, builder.columns);
  } finally {
    parser.destroy();
  }
}

/**
 * Runs a write or end on the parser and waits for it. The parser fails by
 * destroying itself (a bad record) or through the callback (a CSV syntax
 * error); either way the stream's own error is what is thrown.
 */
function settle(parser: RecordParser, start: (done: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: unknown) => reject(parser.errored ?? err);
    parser.once('error', failed);
    start((err) => {
      parser.off('error', failed);
      if (parser.errored ?? err) reject(parser.errored ?? err);
      else resolve();
    });
  });
}
