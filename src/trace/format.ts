/** The trace for people (aligned columns) and for programs (one JSON document). */
import { Chalk } from 'chalk';
import type { TraceOp, TraceResult, TraceRow } from './trace.js';

export interface TraceTableOptions {
  color: boolean;
}

/** Seven significant digits (the notes print five), trailing zeros dropped so columns stay narrow. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const s = v.toPrecision(7);
  const [mantissa, exponent] = s.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** A name for the output line that no input already uses. */
function outputLabel(r: TraceResult): string {
  const taken = new Set(Object.keys(r.at));
  let label = ['y', 'f', 'out'].find((c) => !taken.has(c)) ?? 'out';
  while (taken.has(label)) label += '_';
  return label;
}

export function formatTraceTable(r: TraceResult, opts: TraceTableOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const y = outputLabel(r);
  const header = ['var', 'definition', 'value', r.wrt === null ? 'tangent' : `tangent d/d${r.wrt}`, `adjoint d${y}/dv`];
  const body = r.rows.map((row) => [row.name, row.definition, formatNumber(row.value), formatNumber(row.tangent), formatNumber(row.adjoint)]);
  const last = [y, r.output, formatNumber(r.value), formatNumber(r.tangent), r.rows.some((row) => row.name === r.output) ? '1' : '0'];
  const all = [header, ...body, last];
  const widths = header.map((_, k) => Math.max(...all.map((cells) => cells[k].length)));
  // text columns left-aligned, numbers right-aligned so the decimal digits line up by magnitude
  const line = (cells: string[]) =>
    cells
      .map((s, k) => (k < 2 ? s.padEnd(widths[k]) : s.padStart(widths[k])))
      .join('  ')
      .trimEnd();
  const styled = (cells: string[], op: TraceOp | 'output') => {
    const text = line(cells);
    if (op === 'output') return c.bold(text);
    return op === 'input' ? c.cyan(text) : text;
  };
  return [
    c.bold(line(header)),
    ...body.map((cells, i) => styled(cells, r.rows[i].op)),
    styled(last, 'output'),
  ].join('\n');
}

export interface TraceJson {
  expression: string;
  at: Record<string, number>;
  wrt: string | null;
  value: number;
  gradient: Record<string, number>;
  /** The row holding y. */
  output: string;
  /** dy/d(wrt) by forward mode; equals gradient[wrt] up to rounding. */
  tangent: number;
  /** The trace's rows, each named by `var` (the JSON's key) instead of `name`. */
  trace: ({ var: string } & Omit<TraceRow, 'name'>)[];
}

/** The document `basisfit trace --json` prints (a plain object; the caller serialises it). */
export function traceToJson(r: TraceResult): TraceJson {
  return {
    expression: r.expression,
    at: { ...r.at },
    wrt: r.wrt,
    value: r.value,
    gradient: { ...r.gradient },
    output: r.output,
    tangent: r.tangent,
    trace: r.rows.map((row) => ({
      var: row.name,
      op: row.op,
      definition: row.definition,
      inputs: row.inputs.slice(),
      value: row.value,
      tangent: row.tangent,
      adjoint: row.adjoint,
    })),
  };
}
