import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError } from 'csv-parse';
import { BasisfitError, DataError } from '../errors.js';
import { TableBuilder } from './builder.js';
import { assertColumnCount, columnLabel } from './columns.js';
import { detectDelimiter, normalizeDelimiter } from './delimiter.js';
import { MAX_RECORD_CHARS, RecordParser } from './record-parser.js';
import { ioError, openSource, peekFirstLine } from './source.js';
import type { LoadOptions, Table } from './table.js';

/**
 * Reads a CSV file (or standard input for '-') into a numeric Table, streaming:
 * the text is parsed as it is read and only the selected columns' numbers are
 * kept. Every problem with the data is a DataError that names the file, line
 * and column; an invalid delimiter option is a UsageError.
 */
export async function loadTable(path: string, opts: LoadOptions = {}): Promise<Table> {
  const { file, delimiter, bytes, expectedRows } = await openCsv(path, opts);
  const builder = new TableBuilder(file, opts, delimiter, 0, expectedRows);
  const parser = new RecordParser(builder, delimiter);
  try {
    // The parser hands records to the builder itself; this sink only lets the pipeline finish.
    const sink = new Writable({ objectMode: true, write: (_record, _encoding, done) => done() });
    await pipeline(bytes, parser, sink);
    return builder.finish();
  } catch (err) {
    throw explainLoadError(err, file, parser, builder.columns);
  }
}

/** An opened input whose delimiter is settled (given, or detected from the first line). */
export interface OpenCsv {
  /** What messages call the input: the path, or '<stdin>'. */
  file: string;
  delimiter: string;
  /** Every byte of the input, the first line included. */
  bytes: AsyncIterable<Buffer>;
  /** About how many lines a file holds (its size over the first block's bytes per line); undefined for standard input. */
  expectedRows?: number;
}

/** Opens the input and settles the delimiter: the start every CSV reader shares. */
export async function openCsv(path: string, opts: Pick<LoadOptions, 'delimiter' | 'stdin'>): Promise<OpenCsv> {
  const given = opts.delimiter === undefined ? undefined : normalizeDelimiter(opts.delimiter);
  const source = await openSource(path, opts.stdin);
  try {
    const { firstLine, head, all } = await peekFirstLine(source);
    const delimiter = given ?? detectDelimiter(firstLine);
    assertColumnCount(firstLine, delimiter, source.name);
    return { file: source.name, delimiter, bytes: all, expectedRows: estimateRows(source.size, head) };
  } catch (err) {
    throw explainLoadError(err, source.name, undefined, null);
  }
}

/**
 * Lines in a file of `size` bytes at the rate of its first block. Sizing the
 * columns once from this spares the copies of growing them (each growth holds
 * the old and the new buffers at once), which set the peak memory of a load.
 */
function estimateRows(size: number | undefined, head: Buffer): number | undefined {
  if (size === undefined || head.length === 0) return undefined;
  let lines = 0;
  for (let i = head.indexOf(0x0a); i >= 0; i = head.indexOf(0x0a, i + 1)) lines++;
  if (lines === 0 || head.length >= size) return lines + 1;
  return Math.ceil(((lines + 1) * size) / head.length);
}

/** Maps whatever stopped the pipeline to a DataError; anything unrecognised is a bug and passes through. */
export function explainLoadError(err: unknown, file: string, parser: RecordParser | undefined, header: string[] | null): unknown {
  if (err instanceof BasisfitError) return err;
  if (err instanceof CsvError) return csvError(err, file, parser, header);
  return ioError(err, file) ?? err;
}

function csvError(err: CsvError, file: string, parser: RecordParser | undefined, header: string[] | null): DataError {
  const line = parser?.currentRecordLine ?? (typeof err.lines === 'number' ? err.lines : undefined);
  const column =
    header !== null && typeof err.column === 'number' && err.column < header.length
      ? columnLabel(header, err.column)
      : undefined;
  const at = { file, line, column };
  const quoteHint = 'a field containing a quote must be quoted itself, with the quote doubled: "a ""b"" c"';
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new DataError(
        'a quoted field starting on this line is never closed',
        { file, line },
        'look for a stray or missing " on this line',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new DataError('unexpected text after the closing quote of a field', at, quoteHint);
    case 'INVALID_OPENING_QUOTE':
      return new DataError('a quote inside an unquoted field', at, quoteHint);
    case 'CSV_MAX_RECORD_SIZE':
      return new DataError(
        `row longer than ${MAX_RECORD_CHARS / (1024 * 1024)}M characters`,
        { file, line },
        'an unclosed quote, or a delimiter other than the one detected (pass --delimiter)',
      );
    default:
      return new DataError(`malformed CSV: ${err.message.replace(/\s+/g, ' ')}`, at);
  }
}
