import { DataError } from '../errors.js';
import { parseNumber } from './number.js';

export interface ColumnSelection {
  features: number[];
  target: number | null;
}

export interface SelectOptions {
  target?: string;
  features?: string[];
  requireTarget?: boolean;
  /**
   * Where the column names come from when not from options (predict, eval, grad, plot:
   * "the model m.json"); hints then point at that rather than at --target / --features,
   * which those commands do not take.
   */
  columnsFrom?: string;
}

/**
 * A column name as messages show it: control characters escaped (a quoted
 * header cell may hold a line break, and a message is one line) and a very
 * long name shortened.
 */
export function showName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is matched
  const escaped = /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name).slice(1, -1) : name;
  return escaped.length > 60 ? `${escaped.slice(0, 60)}…` : escaped;
}

/** A name for messages, even for a column whose header cell is blank. */
export function columnLabel(header: string[], column: number): string {
  const name = header[column];
  return name === undefined || name === '' ? `#${column}` : showName(name);
}

/** Names for a file without a header: x1..x(C-1), y when a target is expected, else x1..xC. */
export function syntheticHeader(width: number, expectTarget: boolean): string[] {
  const names = Array.from({ length: width }, (_, i) => `x${i + 1}`);
  if (expectTarget && width > 1) names[width - 1] = 'y';
  return names;
}

/**
 * Rejects a header that makes names ambiguous: any repeated name, or with `only` (the
 * names a model reads) a repeated one of those; the file's other columns are ignored.
 */
export function checkHeader(header: string[], file: string, line: number, only?: ReadonlySet<string>): void {
  const seen = new Map<string, number>();
  header.forEach((name, column) => {
    if (name === '' || (only !== undefined && !only.has(name))) return;
    const first = seen.get(name);
    if (first !== undefined) {
      throw new DataError(
        `duplicate column name '${showName(name)}' (columns ${first} and ${column}, counting from 0)`,
        { file, line, column: showName(name) },
        'rename one of them so each column has its own name',
      );
    }
    seen.set(name, column);
  });
}

function describeColumns(header: string[]): string {
  const shown = header.slice(0, 20).map((_, i) => columnLabel(header, i));
  const more = header.length > 20 ? `, … (${header.length} in all)` : '';
  return `${shown.join(', ')}${more}`;
}

function looksLikeData(header: string[]): boolean {
  return header.some((name) => Number.isFinite(parseNumber(name)));
}

/** The 0-based column `ref` names (a header name, else a 0-based index), or -1. */
function findColumn(header: string[], ref: string): number {
  const byName = header.indexOf(ref);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(ref)) {
    const index = Number(ref);
    if (index < header.length) return index;
  }
  return -1;
}

function unknownColumn(header: string[], ref: string, file: string, role: 'target' | 'feature', columnsFrom?: string): DataError {
  const option = role === 'target' ? '--target' : '--features';
  const hint =
    columnsFrom !== undefined
      ? looksLikeData(header)
        ? `the first line looks like data, not column names: add a header row naming the columns of ${columnsFrom}`
        : `${columnsFrom} needs a column named '${showName(ref)}': give a file whose header has it`
      : looksLikeData(header)
        ? 'the first line looks like data, not column names: if the file has no header, say so (--no-header)'
        : `give ${option} a column name from the header or a 0-based column index`;
  const what = /^\d+$/.test(ref) ? `column index ${ref} is out of range` : `no column named '${showName(ref)}'`;
  return new DataError(`${role}: ${what} (the file has columns ${describeColumns(header)})`, { file }, hint);
}

/**
 * Columns a CSV may have, checked on its first line before it is parsed: far more than any
 * model fits (MAX_FEATURES), so --features can pick from a wide file, and small enough that
 * the check sees the whole limit within the first line's first megabyte (two bytes a cell).
 * A million-cell header took 15 s to parse only to be refused.
 */
export const MAX_COLUMNS = 100_000;

/** Refuses a first line with more than MAX_COLUMNS cells (delimiters outside quotes, counted on what was read of it). */
export function assertColumnCount(firstLine: string, delimiter: string, file: string): void {
  let cells = 1;
  let quoted = false;
  for (let i = 0; i < firstLine.length && cells <= MAX_COLUMNS; i++) {
    const ch = firstLine[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) cells++;
  }
  if (cells > MAX_COLUMNS) throw tooManyColumns(file, 1);
}

/** The refusal of a header (or, without one, a first row) wider than MAX_COLUMNS. */
export function tooManyColumns(file: string, line: number): DataError {
  return new DataError(
    `more than ${MAX_COLUMNS} columns on line ${line}: basisfit reads at most ${MAX_COLUMNS}`,
    { file, line },
    'keep only the columns you need first (e.g. with cut -f), or check the delimiter (--delimiter)',
  );
}

/** Feature columns one model may have; see selectColumns. */
export const MAX_FEATURES = 10_000;

/**
 * Resolves the target and feature columns. The target defaults to the last
 * column (only when a target is required); features default to every other column.
 */
export function selectColumns(
  header: string[],
  opts: SelectOptions,
  file: string,
  headerLine: number,
): ColumnSelection {
  const requireTarget = opts.requireTarget !== false;
  let target: number | null = null;
  if (opts.target !== undefined) {
    target = findColumn(header, opts.target);
    if (target < 0) {
      if (requireTarget) throw unknownColumn(header, opts.target, file, 'target', opts.columnsFrom);
      target = null;
    }
  } else if (requireTarget) {
    target = header.length - 1;
  }

  let features: number[];
  if (opts.features !== undefined) {
    features = opts.features.map((ref) => {
      const column = findColumn(header, ref);
      if (column < 0) throw unknownColumn(header, ref, file, 'feature', opts.columnsFrom);
      return column;
    });
    const seen = new Set<number>();
    for (const column of features) {
      if (seen.has(column)) {
        throw new DataError(
          `feature column '${columnLabel(header, column)}' is selected twice`,
          { file, column: columnLabel(header, column) },
          'list each feature column once',
        );
      }
      seen.add(column);
    }
    if (target !== null && seen.has(target)) {
      throw new DataError(
        `column '${columnLabel(header, target)}' is selected as both a feature and the target`,
        { file, column: columnLabel(header, target) },
        'name the target with --target, or leave it out of --features',
      );
    }
  } else {
    features = header.map((_, i) => i).filter((i) => i !== target);
  }

  if (features.length > MAX_FEATURES) {
    throw new DataError(
      `${features.length} feature columns: basisfit fits at most ${MAX_FEATURES} (every unit has parameters for each, and a model of a CSV with a million columns takes minutes and gigabytes)`,
      { file, line: headerLine },
      'choose the feature columns with --features',
    );
  }

  if (features.length === 0) {
    const why =
      opts.features === undefined ? `the file's only column, '${columnLabel(header, 0)}', is the target` : 'none selected';
    throw new DataError(`no feature columns: ${why}`, { file }, 'a model needs at least one input column besides the target');
  }
  for (const column of [...features, ...(target === null ? [] : [target])]) {
    if (header[column] === '') {
      throw new DataError(
        `column ${column} (counting from 0) is selected but has no name in the header`,
        { file, line: headerLine },
        'give it a name in the header row, or leave it out with --features',
      );
    }
  }
  return { features, target };
}
