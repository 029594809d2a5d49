/** The numeric table a CSV file becomes: what every later stage reads. */
export interface Table {
  /** The path as given, or '<stdin>'; used in messages. */
  file: string;
  /** Every column name of the file, in file order (x1..xD, y without a header). */
  header: string[];
  /** Names of the feature columns, in the order of x's columns. */
  features: string[];
  /** 0-based file column of each feature. */
  featureColumns: number[];
  /** Name of the target column; null when there is none (predict without labels). */
  target: string | null;
  targetColumn: number | null;
  /** Row-major n x d feature values. */
  x: Float64Array;
  /** n target values, or null without a target. */
  y: Float64Array | null;
  n: number;
  d: number;
  /** Rows skipped for empty cells under `missing: 'drop'`. */
  droppedRows: number;
  /** File line (1-based) on which each kept row starts, for messages about a row. */
  lines: Uint32Array;
  /** The field delimiter used (given or detected). */
  delimiter: string;
  /** Every cell of each kept row as text, only with `keepRaw: true`. */
  raw?: string[][];
}

export type MissingPolicy = 'error' | 'drop';

export interface LoadOptions {
  /** Target column by header name or 0-based index. Default: the last column. */
  target?: string;
  /** Feature columns by header name or 0-based index. Default: every column but the target. */
  features?: string[];
  /** Whether the first row names the columns (default true). */
  header?: boolean;
  /** ',', ';', tab (also 'tab' or '\t') or any one character. Default: detected from the first line. */
  delimiter?: string;
  /** What an empty cell in a selected column does (default 'error'). */
  missing?: MissingPolicy;
  /**
   * Default true. With false (predict) the target is optional: a named target
   * that the file lacks gives y = null, and no target is assumed by default.
   */
  requireTarget?: boolean;
  /** Where the selected column names come from, for hints (see SelectOptions.columnsFrom). */
  columnsFrom?: string;
  /** Keep each row's cells as text in `raw` (for echoing input rows). */
  keepRaw?: boolean;
  /** Read from this stream when the path is '-' (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
}
