import type { TransformCallback } from 'node:stream';
import { Parser } from 'csv-parse';

/** Longest record accepted; bounds memory when a stray quote swallows the rest of a file. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/** Where a RecordParser's records go. */
export interface RecordSink {
  /** One complete record and the file line it starts on. */
  add(cells: string[], line: number): void;
  /**
   * The record starting on `line` is still being read and has `fields` fields so far;
   * throws when that is already too many, so a line of millions of cells fails
   * at its first read block instead of after all of them are held as strings.
   */
  checkWidth(fields: number, line: number): void;
}

/**
 * csv-parse's stream parser, with each record handed to the sink together
 * with the file line it starts on, synchronously as it is parsed.
 *
 * Why override push instead of reading records downstream: downstream, the
 * parser's live `info` has already moved past the record, and the `info` /
 * `on_record` options copy the info object for every record, which halves the
 * throughput. Here `info.lines` is read at the moment the record is complete.
 * Records never enter the readable side, so nothing is buffered.
 */
export class RecordParser extends Parser {
  private failed = false;
  private previousEnd = 0;
  private previousEmpty = 0;

  constructor(
    private readonly sink: RecordSink,
    delimiter: string,
  ) {
    super({
      delimiter,
      cast: false,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
      // Named rather than discovered: csv-parse's discovery runs at every character until
      // the first line ends, which made a one-line header of a million cells take 8 s, not 1.
      record_delimiter: ['\r\n', '\n', '\r'],
    });
  }

  /**
   * The line where the record now being read starts: one after the previous
   * record's last line, plus the blank lines skipped since. (info.lines itself
   * is the record's last line, later for a quoted field spanning lines.)
   */
  get currentRecordLine(): number {
    return this.previousEnd + 1 + (this.info.empty_lines - this.previousEmpty);
  }

  override push(record: unknown): boolean {
    if (record === null) return super.push(null);
    if (this.failed) return false;
    const line = this.currentRecordLine;
    this.previousEnd = this.info.lines;
    this.previousEmpty = this.info.empty_lines;
    try {
      this.sink.add(record as string[], line);
    } catch (err) {
      // Throwing here would unwind through csv-parse's loop; failing the stream
      // ends the pipeline with this error instead.
      this.fail(err);
      return false;
    }
    return true;
  }

  /**
   * After each read block, the record still open is checked for width. Checked per
   * block rather than per field: the cost stays off the per-field path, and a block
   * (1 MiB) holds at most half a million fields. max_record_size cannot do this:
   * it counts characters of field text, so empty or one-digit cells pass it.
   */
  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback): void {
    super._transform(chunk, encoding, (err?: Error | null) => {
      if (!err && !this.failed) {
        // csv-parse keeps the open record on `state` (public for compatibility, untyped).
        const open = (this as unknown as { state: { record: unknown[] } }).state.record;
        try {
          if (open.length > 0) this.sink.checkWidth(open.length, this.currentRecordLine);
        } catch (widthErr) {
          this.failed = true;
          callback(widthErr as Error);
          return;
        }
      }
      callback(err);
    });
  }

  private fail(err: unknown): void {
    this.failed = true;
    this.destroy(err as Error);
  }
}
