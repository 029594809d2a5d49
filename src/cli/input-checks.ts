/** Checks of the training input that are cheap before training and costly to learn after it. */
import { stat } from 'node:fs/promises';
import { openCsv } from '../data/load.js';
import { parseNumber } from '../data/number.js';
import { UsageError } from '../errors.js';

/**
 * --stream reads the file once per epoch: a FIFO or standard input can be read only once,
 * and its second pass would look like an empty file.
 */
export async function assertRereadable(file: string): Promise<void> {
  const hint = 'save the data to a file first, or train without --stream';
  if (file === '-') throw new UsageError('--stream cannot read standard input: it reads the file once per epoch, so it needs a regular file', hint);
  const s = await stat(file).catch(() => null);
  // A missing file is reported by the loader, with its own message.
  if (s !== null && !s.isFile() && !s.isDirectory()) {
    throw new UsageError(`--stream needs a regular file, and ${file} is ${s.isFIFO() ? 'a FIFO' : 'not one'}: it reads the file once per epoch`, hint);
  }
}

/**
 * A file without a header silently loses its first row to the header: when every cell of
 * the first line is a number, say so. Only for files (peeking at standard input would
 * consume it); null when the header looks like names.
 */
export async function numericHeaderWarning(file: string, delimiter: string | undefined): Promise<string | null> {
  if (file === '-') return null;
  const s = await stat(file).catch(() => null);
  if (s === null || !s.isFile()) return null;
  let first: string;
  try {
    const csv = await openCsv(file, { delimiter });
    const iterator = csv.bytes[Symbol.asyncIterator]();
    const head = await iterator.next();
    await iterator.return?.();
    const text = head.done ? '' : head.value.toString('utf8');
    first = text.split(/\r?\n|\r/, 1)[0];
    const cells = first.split(csv.delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length === 0 || !cells.every((c) => c !== '' && Number.isFinite(parseNumber(c)))) return null;
  } catch {
    // Unreadable or malformed: the loader reports it properly.
    return null;
  }
  return `every cell of the header line of ${file} is a number (${first.slice(0, 60)}): if the file has no header, pass --no-header, or that row is not trained on`;
}
