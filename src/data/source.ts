import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DataError } from '../errors.js';
import { fsReason } from '../model/fs-errors.js';

export const STDIN_NAME = '<stdin>';

/** How many bytes to read at most while looking for the end of the first line. */
const FIRST_LINE_LIMIT = 1024 * 1024;

export interface Source {
  /** What messages call the input: the path, or '<stdin>'. */
  name: string;
  chunks: AsyncIterable<Buffer | string>;
  /** Bytes in the file; unknown for standard input. */
  size?: number;
}

/** Turns an operating-system error while opening or reading into a clear DataError. */
export function ioError(err: unknown, file: string): DataError | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new DataError('file not found', { file }, 'check the path, or pass - to read standard input');
    case 'EISDIR':
      return new DataError('is a directory, not a CSV file', { file }, 'give the path of a CSV file inside it');
    case 'EACCES':
    case 'EPERM':
      return new DataError('permission denied', { file }, 'check the file permissions');
    case undefined:
      return undefined;
    case 'ENOTDIR':
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return new DataError(`cannot read: ${fsReason(err)}`, { file }, 'check the path, or pass - to read standard input');
    default:
      return new DataError(`cannot read: ${fsReason(err)}`, { file });
  }
}

/** Opens a CSV path, or standard input for '-'; missing files and directories fail here. */
export async function openSource(path: string, stdin?: NodeJS.ReadableStream): Promise<Source> {
  if (path === '-') return { name: STDIN_NAME, chunks: stdin ?? process.stdin };
  let size: number;
  try {
    // stat first: a directory would otherwise only fail on the first read, with EISDIR.
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error(path), { code: 'EISDIR' });
    size = info.size;
  } catch (err) {
    throw ioError(err, path) ?? err;
  }
  return { name: path, chunks: createReadStream(path, { highWaterMark: 1024 * 1024 }), size };
}

/**
 * Recognises the inputs users most often pass by mistake, which would
 * otherwise fail with a puzzling CSV syntax error on line 1.
 */
function notText(start: Buffer, firstLine: string): { what: string; hint: string } | undefined {
  const decompress = 'decompress it first, e.g. gunzip -c data.csv.gz | basisfit train -';
  if (start[0] === 0x1f && start[1] === 0x8b) return { what: 'gzip-compressed data', hint: decompress };
  if (start[0] === 0x50 && start[1] === 0x4b && start[2] === 0x03 && start[3] === 0x04) {
    return { what: 'a zip archive (an .xlsx workbook is one)', hint: 'unzip it, or export the spreadsheet as CSV' };
  }
  // UTF-32LE's byte order mark begins with UTF-16LE's: checked first, or its text would be decoded as UTF-16 full of NULs.
  const utf32 = (start[0] === 0xff && start[1] === 0xfe && start[2] === 0 && start[3] === 0) || (start[0] === 0 && start[1] === 0 && start[2] === 0xfe && start[3] === 0xff);
  if (utf32) return { what: 'UTF-32 text', hint: 'convert it to UTF-8, e.g. iconv -f UTF-32 -t UTF-8 data.csv > data-utf8.csv' };
  if (start[0] === 0xfe && start[1] === 0xff) {
    return { what: 'UTF-16 big-endian text', hint: 'save it as UTF-8 (or UTF-16 little-endian)' };
  }
  // UTF-16LE text, which csv-parse decodes after its byte order mark, is full of NULs.
  const utf16le = start[0] === 0xff && start[1] === 0xfe;
  if (!utf16le && firstLine.includes('\u0000')) {
    const order = utf16Order(start);
    if (order !== null) {
      return {
        what: `UTF-16${order} text without a byte order mark`,
        hint: `convert it to UTF-8, e.g. iconv -f UTF-16${order} -t UTF-8 data.csv > data-utf8.csv`,
      };
    }
    return { what: 'binary data', hint: decompress };
  }
  return undefined;
}

/**
 * ASCII text in UTF-16 has a NUL in every other byte: after each character (little-endian)
 * or before it (big-endian). Binary data has NULs too, but not in that rhythm.
 */
function utf16Order(start: Buffer): 'LE' | 'BE' | null {
  const n = Math.min(start.length, 512) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (start[i] === 0) evenNul++;
    if (start[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= 0.9 * pairs && evenNul === 0) return 'LE';
  if (evenNul >= 0.9 * pairs && oddNul === 0) return 'BE';
  return null;
}

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/**
 * Reads just enough of the input to see its first line, and returns that line
 * plus a stream that replays everything, the first line included.
 */
export async function peekFirstLine(source: Source): Promise<{ firstLine: string; head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = source.chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  let end = -1;
  while (end < 0 && size < FIRST_LINE_LIMIT) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = toBuffer(next.value);
    const lf = chunk.indexOf(0x0a);
    const cr = chunk.indexOf(0x0d);
    const newline = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
    if (newline >= 0) end = size + newline;
    head.push(chunk);
    size += chunk.length;
  }
  const first = Buffer.concat(head);
  const firstLine = first.subarray(0, end < 0 ? first.length : end).toString('utf8');
  const binary = notText(first, firstLine);
  if (binary !== undefined) {
    await iterator.return?.();
    throw new DataError(`not a CSV text file: it looks like ${binary.what}`, { file: source.name }, binary.hint);
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield toBuffer(next.value);
      }
    } finally {
      // Closes the file when parsing stops early at an error.
      await iterator.return?.();
    }
  }
  return { firstLine, head: first, all: replay() };
}
