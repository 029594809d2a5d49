import { DataError } from '../errors.js';
import { checkHeader, columnLabel, MAX_COLUMNS, selectColumns, syntheticHeader, tooManyColumns } from './columns.js';
import { describeBadCell, parseNumber } from './number.js';
import type { RecordSink } from './record-parser.js';
import type { LoadOptions, Table } from './table.js';

const INITIAL_ROWS = 1024;

/** Rows handed over in chunk mode: a Table's numeric columns, for `n` rows. */
export interface RowBlock {
  x: Float64Array;
  y: Float64Array | null;
  lines: Uint32Array;
  n: number;
}

/**
 * Turns parsed records into a Table, one record at a time, so that a file is
 * never held as text: numbers go straight into growing typed buffers. Knows
 * nothing of streams; `add` throws a DataError at the first bad record.
 *
 * In chunk mode (`chunkRows` > 0) the buffers never grow: each time `chunkRows`
 * rows are full they are sealed into a RowBlock for `takeBlocks`, so memory
 * stays bounded however long the file is.
 */
export class TableBuilder implements RecordSink {
  private header: string[] | null = null;
  private headerLine = 0;
  private width = 0;
  private features: number[] = [];
  private target: number | null = null;
  private d = 0;

  private capacity = 0;
  private x = new Float64Array(0);
  private y: Float64Array | null = null;
  private lines = new Uint32Array(0);
  private readonly raw: string[][] | undefined;
  private n = 0;
  private dropped = 0;
  private readonly sealed: RowBlock[] = [];
  /** Rows in blocks already sealed. */
  private sealedRows = 0;

  constructor(
    private readonly file: string,
    private readonly opts: LoadOptions,
    private readonly delimiter: string,
    private readonly chunkRows = 0,
    /** The rows to make room for at once (a size estimate); growth takes over beyond it. */
    private readonly expectedRows = 0,
  ) {
    if (opts.keepRaw) this.raw = [];
  }

  /** The header so far (null before the first record), for labelling parser errors. */
  get columns(): string[] | null {
    return this.header;
  }

  /** Rows skipped so far for an empty cell under `missing: 'drop'`. */
  get droppedRows(): number {
    return this.dropped;
  }

  add(cells: string[], line: number): void {
    // A line of only spaces is as blank as an empty one (which csv-parse skips).
    if (cells.length === 1 && cells[0].trim() === '') return;
    if (this.header === null) {
      this.start(cells, line);
      if (this.opts.header !== false) return;
    }
    this.addRow(cells, line);
  }

  /** Refuses a record still being read once it has more fields than any row may have. */
  checkWidth(fields: number, line: number): void {
    if (this.header === null) {
      if (fields > MAX_COLUMNS) throw tooManyColumns(this.file, line);
    } else if (fields > this.width) {
      this.ragged(fields, line, true);
    }
  }

  private start(cells: string[], line: number): void {
    this.width = cells.length;
    this.headerLine = line;
    const header =
      this.opts.header === false
        ? syntheticHeader(cells.length, this.opts.requireTarget !== false)
        : cells.map((cell) => cell.trim());
    // predict, eval and grad read the model's columns by name and ignore the rest (SPEC section 2), repeated names included.
    const named = this.opts.columnsFrom === undefined ? undefined : new Set([...(this.opts.features ?? []), ...(this.opts.target === undefined ? [] : [this.opts.target])]);
    checkHeader(header, this.file, line, named);
    const selection = selectColumns(header, this.opts, this.file, line);
    this.header = header;
    this.features = selection.features;
    this.target = selection.target;
    this.d = selection.features.length;
    // A few percent over the estimate: rows later in a file may be shorter than the first ones.
    this.allocate(this.chunkRows > 0 ? this.chunkRows : Math.max(INITIAL_ROWS, Math.ceil(this.expectedRows * 1.02)));
  }

  private allocate(rows: number): void {
    this.x = new Float64Array(rows * this.d);
    this.y = this.target === null ? null : new Float64Array(rows);
    this.lines = new Uint32Array(rows);
    this.capacity = rows;
  }

  private grow(rows: number): void {
    const { x, y, lines } = this;
    this.allocate(rows);
    this.x.set(x);
    if (y !== null) this.y!.set(y);
    this.lines.set(lines);
  }

  /** Hands the full buffers over as a block and starts empty ones (chunk mode). */
  private seal(): void {
    this.sealed.push({ x: this.x, y: this.y, lines: this.lines, n: this.n });
    this.sealedRows += this.n;
    this.n = 0;
    this.allocate(this.chunkRows);
  }

  /** The blocks sealed since the last call, in file order (chunk mode). */
  takeBlocks(): RowBlock[] {
    return this.sealed.splice(0);
  }

  private addRow(cells: string[], line: number): void {
    if (cells.length !== this.width) this.ragged(cells.length, line);
    if (this.n === this.capacity) {
      // 1.5x growth: the spare capacity is the only memory beyond the numbers themselves.
      if (this.chunkRows > 0) this.seal();
      else this.grow(Math.ceil(this.capacity * 1.5));
    }
    const { features, d, x } = this;
    let incomplete = false;
    const base = this.n * d;
    for (let j = 0; j < d; j++) {
      const value = parseNumber(cells[features[j]]);
      if (!Number.isFinite(value)) incomplete = this.badCell(cells[features[j]], features[j], line) || incomplete;
      x[base + j] = value;
    }
    if (this.target !== null) {
      const value = parseNumber(cells[this.target]);
      if (!Number.isFinite(value)) incomplete = this.badCell(cells[this.target], this.target, line) || incomplete;
      this.y![this.n] = value;
    }
    if (incomplete) {
      this.dropped++;
      return;
    }
    this.lines[this.n] = line;
    this.raw?.push(cells);
    this.n++;
  }

  /** Throws for an unusable cell; returns true when the row is to be dropped instead. */
  private badCell(cell: string, column: number, line: number): boolean {
    const problem = describeBadCell(cell, this.opts.columnsFrom !== undefined);
    if (problem.kind === 'empty' && this.opts.missing === 'drop') return true;
    throw new DataError(
      problem.message,
      { file: this.file, line, column: columnLabel(this.header!, column) },
      problem.hint,
    );
  }

  /** `partial`: the row is refused before its end, so `fields` is what was read of it so far. */
  private ragged(fields: number, line: number, partial = false): never {
    const reference = this.opts.header === false ? `the first row (line ${this.headerLine})` : 'the header';
    const missing = fields < this.width ? `; no value for '${columnLabel(this.header!, fields)}'` : '';
    const count = `${partial ? 'at least ' : ''}${fields} field${fields === 1 ? '' : 's'}`;
    throw new DataError(
      `row has ${count} but ${reference} has ${this.width}${missing}`,
      { file: this.file, line },
      `every row needs the same number of '${printable(this.delimiter)}'-separated fields; ` +
        'a value that contains the delimiter must be quoted',
    );
  }

  finish(): Table {
    this.checkRows();
    const { n, d } = this;
    const header = this.header!;
    return {
      file: this.file,
      header,
      features: this.features.map((c) => header[c]),
      featureColumns: this.features,
      target: this.target === null ? null : header[this.target],
      targetColumn: this.target,
      x: trimTo(this.x, n * d),
      y: this.y === null ? null : trimTo(this.y, n),
      n,
      d,
      droppedRows: this.dropped,
      lines: trimTo(this.lines, n),
      delimiter: this.delimiter,
      ...(this.raw === undefined ? {} : { raw: this.raw }),
    };
  }

  /**
   * Chunk mode's finish: the same checks of the whole file as `finish`, then the
   * rows not yet sealed (null when there are none).
   */
  finishBlocks(): RowBlock | null {
    this.checkRows();
    const { n } = this;
    if (n === 0) return null;
    return { x: trimTo(this.x, n * this.d), y: this.y === null ? null : trimTo(this.y, n), lines: trimTo(this.lines, n), n };
  }

  /** The columns chosen from the header; null before the header is read. */
  get selection(): { features: string[]; target: string | null } | null {
    const header = this.header;
    if (header === null) return null;
    return { features: this.features.map((c) => header[c]), target: this.target === null ? null : header[this.target] };
  }

  private checkRows(): void {
    const { file } = this;
    const kept = this.sealedRows + this.n;
    if (this.header === null) {
      throw new DataError('file is empty', { file }, 'a CSV needs a header row and at least one data row');
    }
    if (kept === 0 && this.dropped === 0) {
      throw new DataError(
        'file has a header row but no data rows',
        { file, line: this.headerLine },
        // Only train and cv read files without a header; predict, eval, grad and plot match the model's names in it.
        this.opts.columnsFrom === undefined ? 'add data rows below the header (or pass --no-header if the first line is data)' : 'add data rows below the header',
      );
    }
    if (kept === 0) {
      throw new DataError(
        `no rows left: all ${this.dropped} data rows have an empty cell in a selected column`,
        { file },
        'fill in the missing values, or select other columns',
      );
    }
  }
}

/**
 * The first `length` entries. Spare capacity up to half the rows (an
 * estimate's margin: the first block's rows can be shorter than the rest)
 * stays behind a view: pages never written are never resident, while a copy
 * would hold both buffers at the peak. More is copied away so that it can be freed.
 */
function trimTo<T extends Float64Array | Uint32Array>(buffer: T, length: number): T {
  if (buffer.length === length) return buffer;
  return (buffer.length - length <= length / 2 ? buffer.subarray(0, length) : buffer.slice(0, length)) as T;
}

function printable(delimiter: string): string {
  return delimiter === '\t' ? '\\t' : delimiter;
}
