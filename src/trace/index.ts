/**
 * `basisfit trace`: the execution trace of an expression with forward tangents
 * and reverse adjoints, as in the course notes' worked example.
 */
import { parseExpression } from './parse.js';
import { type TraceOptions, type TraceResult, traceExpression } from './trace.js';

export { parseAssignments } from './assignments.js';
export { type Expr, FUNCTION_NAMES, printExpr } from './ast.js';
export { formatNumber, formatTraceTable, type TraceJson, type TraceTableOptions, traceToJson } from './format.js';
export { ExpressionError, parseExpression } from './parse.js';
export type { TraceOp, TraceOptions, TraceResult, TraceRow } from './trace.js';

/**
 * Parses `expr` and traces it at `at`. Tangents are d/d`wrt` (default: the
 * first variable in `at`). Throws ExpressionError/UsageError (exit 2) for bad
 * text, unknown variables or a bad wrt, NumericError (exit 1) where the
 * expression has no finite value or derivative.
 */
export function runTrace(expr: string, at: Record<string, number>, wrt?: string, options?: TraceOptions): TraceResult {
  return traceExpression(expr, parseExpression(expr), at, wrt, options);
}
