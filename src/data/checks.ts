import { DataError } from '../errors.js';
import { showName } from './columns.js';
import type { Table } from './table.js';

/**
 * For a basis that raises inputs to learned powers (poly: x^p = exp(p log x)),
 * every feature value must be > 0. Names the first offending column, its
 * minimum and the line where that minimum is.
 */
export function assertPositiveFeatures(table: Table, basis: string): void {
  const { x, n, d } = table;
  for (let j = 0; j < d; j++) {
    let minRow = 0;
    for (let i = 1; i < n; i++) if (x[i * d + j] < x[minRow * d + j]) minRow = i;
    const min = x[minRow * d + j];
    if (min <= 0) throw nonPositiveInput(table.file, basis, table.features[j], min, table.lines[minRow]);
  }
}

/** The error for a feature column whose minimum (found on `line`) is not > 0. */
export function nonPositiveInput(file: string, basis: string, feature: string, min: number, line: number): DataError {
  const column = showName(feature);
  return new DataError(
    `the ${basis} basis needs every input > 0, but column '${column}' has minimum ${min}`,
    { file, line, column },
    `use --basis rbf or --basis tanh, or shift '${column}' so all its values are positive`,
  );
}

/** True when every target value is the same (there is nothing to fit, and R^2 is undefined). */
export function isConstantTarget(table: Pick<Table, 'y' | 'n'>): boolean {
  const { y, n } = table;
  if (y === null || n === 0) return false;
  for (let i = 1; i < n; i++) if (y[i] !== y[0]) return false;
  return true;
}
