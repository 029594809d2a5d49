import { describe, expect, it } from 'vitest';
import { formatNumber, formatTraceTable, runTrace, traceToJson } from '../../src/trace/index.js';

const NOTES = '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))';

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [3, '3'],
    [-13.723961509314076, '-13.72396'],
    [0.020015013, '0.02001501'],
    [2.016646669428201, '2.016647'],
    [1.5e-9, '1.5e-9'],
    [123456789, '1.234568e+8'],
  ])('%d → %s', (v, s) => {
    expect(formatNumber(v)).toBe(s);
  });

  it('keeps at least six significant digits', () => {
    for (const v of [Math.PI, -Math.E * 1e5, 1 / 3, 2 / 3e-7]) {
      expect(Math.abs(Number(formatNumber(v)) - v) / Math.abs(v)).toBeLessThan(5e-7);
    }
  });
});

describe('formatTraceTable', () => {
  const r = runTrace(NOTES, { x1: 1.5, x2: 0.5 });

  it('prints a header, one line per row and the output line, in aligned columns', () => {
    const lines = formatTraceTable(r, { color: false }).split('\n');
    expect(lines).toHaveLength(1 + 8 + 1);
    expect(lines[0].split(/\s{2,}/)).toEqual(['var', 'definition', 'value', 'tangent d/dx1', 'adjoint dy/dv']);
    expect(lines[3].split(/\s+/)).toEqual(['v1', 'x1', '/', 'x2', '3', '2', '1.505922']);
    expect(lines[9].split(/\s+/)).toEqual(['y', 'v6', '2.016647', '3.011843', '1']);
    // right-aligned numbers: every line ends at the same column
    const widths = new Set(lines.map((l) => l.length));
    expect(widths.size).toBe(1);
  });

  it('colours only when asked', () => {
    expect(formatTraceTable(r, { color: false })).not.toContain('\u001b[');
    expect(formatTraceTable(r, { color: true })).toContain('\u001b[');
  });

  it('labels the output line so that it does not clash with an input called y', () => {
    const lines = formatTraceTable(runTrace('x*y', { x: 2, y: 3 }), { color: false }).split('\n');
    expect(lines[0]).toContain('adjoint df/dv');
    expect(lines.at(-1)!.startsWith('f ')).toBe(true);
  });
});

describe('traceToJson', () => {
  it('is the documented document and survives JSON', () => {
    const r = runTrace(NOTES, { x1: 1.5, x2: 0.5 }, 'x2');
    const doc = JSON.parse(JSON.stringify(traceToJson(r)));
    expect(Object.keys(doc)).toEqual(['expression', 'at', 'wrt', 'value', 'gradient', 'output', 'tangent', 'trace']);
    expect(doc.expression).toBe(NOTES);
    expect(doc.at).toEqual({ x1: 1.5, x2: 0.5 });
    expect(doc.wrt).toBe('x2');
    expect(doc.value).toBe(r.value);
    expect(doc.gradient).toEqual(r.gradient);
    expect(doc.trace).toHaveLength(8);
    expect(doc.trace[2]).toEqual({
      var: 'v1',
      op: 'div',
      definition: 'x1 / x2',
      inputs: ['x1', 'x2'],
      value: 3,
      tangent: r.rows[2].tangent,
      adjoint: r.rows[2].adjoint,
    });
    expect(doc.trace[2].tangent).toBe(-6); // d(x1/x2)/dx2 = -x1/x2^2
  });
});
