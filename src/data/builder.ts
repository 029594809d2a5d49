import { DataError } from '../errors.js';
import { checkHeader, columnLabel, selectColumns, syntheticHeader } from './columns.js';
import { describeBadCell, parseNumber } from './number.js';
import type { LoadOptions, Table } from './table.js';

const INITIAL_ROWS = 1024;

/**
 * Turns parsed records into a Table, one record at a time, so that a file is
 * never held as text: numbers go straight into growing typed buffers. Knows
 * nothing of streams; `add` throws a DataError at the first bad record.
 */
export class TableBuilder {
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

  constructor(
    private readonly file: string,
    private readonly opts: LoadOptions,
    private readonly delimiter: string,
  ) {
    if (opts.keepRaw) this.raw = [];
  }

  /** The header so far (null before the first record), for labelling parser errors. */
  get columns(): string[] | null {
    return this.header;
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

  private start(cells: string[], line: number): void {
    this.width = cells.length;
    this.headerLine = line;
    const header =
      this.opts.header === false
        ? syntheticHeader(cells.length, this.opts.requireTarget !== false)
        : cells.map((cell) => cell.trim());
    checkHeader(header, this.file, line);
    const selection = selectColumns(header, this.opts, this.file, line);
    this.header = header;
    this.features = selection.features;
    this.target = selection.target;
    this.d = selection.features.length;
    this.grow(INITIAL_ROWS);
  }

  private grow(rows: number): void {
    const x = new Float64Array(rows * this.d);
    x.set(this.x);
    this.x = x;
    if (this.target !== null) {
      const y = new Float64Array(rows);
      if (this.y !== null) y.set(this.y);
      this.y = y;
    }
    const lines = new Uint32Array(rows);
    lines.set(this.lines);
    this.lines = lines;
    this.capacity = rows;
  }

  private addRow(cells: string[], line: number): void {
    if (cells.length !== this.width) this.ragged(cells.length, line);
    // 1.5x growth: the spare capacity is the only memory beyond the numbers themselves.
    if (this.n === this.capacity) this.grow(Math.ceil(this.capacity * 1.5));
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
    const problem = describeBadCell(cell);
    if (problem.kind === 'empty' && this.opts.missing === 'drop') return true;
    throw new DataError(
      problem.message,
      { file: this.file, line, column: columnLabel(this.header!, column) },
      problem.hint,
    );
  }

  private ragged(fields: number, line: number): never {
    const reference = this.opts.header === false ? `the first row (line ${this.headerLine})` : 'the header';
    const missing = fields < this.width ? `; no value for '${columnLabel(this.header!, fields)}'` : '';
    throw new DataError(
      `row has ${fields} field${fields === 1 ? '' : 's'} but ${reference} has ${this.width}${missing}`,
      { file: this.file, line },
      `every row needs the same number of '${printable(this.delimiter)}'-separated fields; ` +
        'a value that contains the delimiter must be quoted',
    );
  }

  finish(): Table {
    const { file } = this;
    if (this.header === null) {
      throw new DataError('file is empty', { file }, 'a CSV needs a header row and at least one data row');
    }
    if (this.n === 0 && this.dropped === 0) {
      throw new DataError(
        'file has a header row but no data rows',
        { file, line: this.headerLine },
        'add data rows below the header (or pass --no-header if the first line is data)',
      );
    }
    if (this.n === 0) {
      throw new DataError(
        `no rows left: all ${this.dropped} data rows have an empty cell in a selected column`,
        { file },
        'fill in the missing values, or select other columns',
      );
    }
    const { n, d } = this;
    const header = this.header;
    return {
      file,
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
}

/** Copies to the exact length so the spare capacity can be freed. */
function trimTo<T extends Float64Array | Uint32Array>(buffer: T, length: number): T {
  return (buffer.length === length ? buffer : buffer.slice(0, length)) as T;
}

function printable(delimiter: string): string {
  return delimiter === '\t' ? '\\t' : delimiter;
}
