import { Parser } from 'csv-parse';

/** Longest record accepted; bounds memory when a stray quote swallows the rest of a file. */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * csv-parse's stream parser, with each record handed to `onRecord` together
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
    private readonly onRecord: (cells: string[], line: number) => void,
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
      this.onRecord(record as string[], line);
    } catch (err) {
      // Throwing here would unwind through csv-parse's loop; failing the stream
      // ends the pipeline with this error instead.
      this.failed = true;
      this.destroy(err as Error);
      return false;
    }
    return true;
  }
}
