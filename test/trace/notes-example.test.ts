import { describe, expect, it } from 'vitest';
import { runTrace, type TraceResult } from '../../src/trace/index.js';

/** Equation (17) of the course notes, written as they write it. */
const NOTES = '(sin(x1/x2) + x1/x2 - exp(x2)) * (x1/x2 - exp(x2))';
const AT = { x1: 1.5, x2: 0.5 };

function row(r: TraceResult, name: string) {
  const found = r.rows.find((x) => x.name === name);
  if (!found) throw new Error(`no row ${name} in ${r.rows.map((x) => x.name).join(', ')}`);
  return found;
}

/** The notes print four decimals from rounded intermediates. */
function closeToNotes(actual: number, notes: number) {
  expect(Math.abs(actual - notes), `${actual} vs the notes' ${notes}`).toBeLessThan(1e-4);
}

describe('the course notes worked example through `trace`', () => {
  const r = runTrace(NOTES, AT);

  it('has exactly the notes six rows after the two inputs, with shared x1/x2 and x1/x2 - exp(x2)', () => {
    expect(r.rows.map((x) => `${x.name} = ${x.definition}`)).toEqual([
      'x1 = input',
      'x2 = input',
      'v1 = x1 / x2',
      'v2 = sin(v1)',
      'v3 = exp(x2)',
      'v4 = v1 - v3',
      'v5 = v2 + v4',
      'v6 = v5 * v4',
    ]);
    expect(r.output).toBe('v6');
    expect(row(r, 'v5').inputs).toEqual(['v2', 'v4']);
    expect(row(r, 'v2').op).toBe('sin');
  });

  it('defaults wrt to the first variable given', () => {
    expect(r.wrt).toBe('x1');
  });

  it('gives y and both gradient entries to 1e-12', () => {
    expect(Math.abs(r.value - 2.016646669428201)).toBeLessThan(1e-12);
    expect(Math.abs(r.gradient.x1 - 3.011843327673907)).toBeLessThan(1e-12);
    expect(Math.abs(r.gradient.x2 - -13.723961509314076)).toBeLessThan(1e-12);
    expect(Math.abs(r.tangent - 3.011843327673907)).toBeLessThan(1e-12);
    const by2 = runTrace(NOTES, AT, 'x2');
    expect(Math.abs(by2.tangent - -13.723961509314076)).toBeLessThan(1e-12);
  });

  it('reproduces the notes forward values', () => {
    closeToNotes(row(r, 'x1').value, 1.5);
    closeToNotes(row(r, 'x2').value, 0.5);
    closeToNotes(row(r, 'v1').value, 3.0);
    closeToNotes(row(r, 'v2').value, 0.1411);
    closeToNotes(row(r, 'v3').value, 1.6487);
    closeToNotes(row(r, 'v4').value, 1.3513);
    closeToNotes(row(r, 'v5').value, 1.4924);
    closeToNotes(row(r, 'v6').value, 2.0167);
  });

  it('reproduces the notes forward tangents d/dx1 (equations 18-35)', () => {
    expect(row(r, 'x1').tangent).toBe(1);
    expect(row(r, 'x2').tangent).toBe(0);
    closeToNotes(row(r, 'v1').tangent, 2.0);
    closeToNotes(row(r, 'v2').tangent, -1.98);
    closeToNotes(row(r, 'v3').tangent, 0);
    closeToNotes(row(r, 'v4').tangent, 2.0);
    closeToNotes(row(r, 'v5').tangent, 0.02);
    closeToNotes(row(r, 'v6').tangent, 3.0118);
  });

  it('reproduces the notes reverse adjoints', () => {
    expect(row(r, 'v6').adjoint).toBe(1);
    closeToNotes(row(r, 'v5').adjoint, 1.3513);
    closeToNotes(row(r, 'v4').adjoint, 2.8437);
    closeToNotes(row(r, 'v3').adjoint, -2.8437);
    closeToNotes(row(r, 'v2').adjoint, 1.3513);
    closeToNotes(row(r, 'v1').adjoint, 1.5059);
    closeToNotes(row(r, 'x2').adjoint, -13.7239);
    closeToNotes(row(r, 'x1').adjoint, 3.0118);
  });

  it('without regrouping traces left to right (seven rows) and gets the same numbers', () => {
    const plain = runTrace(NOTES, AT, undefined, { regroup: false });
    expect(plain.rows.slice(2).map((x) => `${x.name} = ${x.definition}`)).toEqual([
      'v1 = x1 / x2',
      'v2 = sin(v1)',
      'v3 = v2 + v1',
      'v4 = exp(x2)',
      'v5 = v3 - v4',
      'v6 = v1 - v4',
      'v7 = v5 * v6',
    ]);
    expect(Math.abs(plain.value - r.value)).toBeLessThan(1e-12);
    expect(Math.abs(plain.gradient.x1 - r.gradient.x1)).toBeLessThan(1e-12);
    expect(Math.abs(plain.gradient.x2 - r.gradient.x2)).toBeLessThan(1e-12);
  });
});
