export { assertPositiveFeatures, isConstantTarget } from './checks.js';
export { detectDelimiter, normalizeDelimiter } from './delimiter.js';
export { assignFolds } from './folds.js';
export { loadTable } from './load.js';
export { type CellProblem, describeBadCell, parseNumber } from './number.js';
export {
  type ColumnStats,
  columnStats,
  overflowAt,
  ScalingOverflow,
  type Standardization,
  standardization,
  standardizeColumns,
  standardizeValues,
} from './scaling.js';
export { STDIN_NAME } from './source.js';
export { type Split, splitRows, takeRows } from './split.js';
export type { LoadOptions, MissingPolicy, Table } from './table.js';
