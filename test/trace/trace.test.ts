import { describe, expect, it } from 'vitest';
import { NumericError, UsageError } from '../../src/errors.js';
import { ExpressionError, runTrace } from '../../src/trace/index.js';

const defs = (expr: string, at: Record<string, number>) => runTrace(expr, at).rows.map((r) => `${r.name} = ${r.definition}`);

describe('trace rows', () => {
  it('gives a repeated subexpression one row, whatever its spelling', () => {
    expect(defs('x*y + (x * y)', { x: 2, y: 3 })).toEqual(['x = input', 'y = input', 'v1 = x * y', 'v2 = v1 + v1']);
    expect(defs('x/2 + x/2.0', { x: 1 })).toEqual(['x = input', 'v1 = x / 2', 'v2 = v1 + v1']);
  });

  it('accumulates adjoints over every use of a shared row', () => {
    const r = runTrace('x*y + x*y', { x: 2, y: 3 });
    expect(r.rows.find((x) => x.name === 'v1')!.adjoint).toBe(2);
    expect(r.gradient).toEqual({ x: 6, y: 4 });
  });

  it('regroups a - b + c as a - (b - c) when b - c is shared', () => {
    const r = runTrace('x - y + z + (y - z)', { x: 1, y: 2, z: 4 });
    expect(r.rows.slice(3).map((x) => `${x.name} = ${x.definition}`)).toEqual(['v1 = y - z', 'v2 = x - v1', 'v3 = v2 + v1']);
    expect(r.value).toBe(1 - 2 + 4 + (2 - 4));
    expect(r.gradient).toEqual({ x: 1, y: 0, z: 0 });
  });

  it('does not regroup across parentheses the user wrote, nor when nothing is shared', () => {
    expect(defs('x + (y - z)', { x: 1, y: 2, z: 3 }).slice(3)).toEqual(['v1 = y - z', 'v2 = x + v1']);
    expect(defs('x + y - z', { x: 1, y: 2, z: 3 }).slice(3)).toEqual(['v1 = x + y', 'v2 = v1 - z']);
    expect(defs('x + x + x', { x: 1 }).slice(1)).toEqual(['v1 = x + x', 'v2 = v1 + x']);
  });

  it('folds subexpressions without variables into constants', () => {
    const r = runTrace('2*3*x + -2^2', { x: 1.5 });
    expect(r.rows.slice(1).map((x) => x.definition)).toEqual(['(2 * 3) * x', 'v1 + (-2 ^ 2)']);
    expect(r.rows[1].inputs).toEqual([6, 'x']);
    expect(r.value).toBe(6 * 1.5 - 4);
    expect(r.gradient.x).toBe(6);
  });

  it('follows the precedence rules numerically', () => {
    expect(runTrace('-x^2', { x: 3 }).value).toBe(-9);
    expect(runTrace('2^x^2', { x: 3 }).value).toBe(512);
    expect(runTrace('x - 1 - 1', { x: 3 }).value).toBe(1);
    expect(runTrace('x / 2 / 2', { x: 8 }).value).toBe(2);
    expect(runTrace('2^-x', { x: 1 }).value).toBe(0.5);
    expect(runTrace('-x * -x', { x: 3 }).value).toBe(9);
  });

  it('handles an expression that is a single input or a constant', () => {
    const id = runTrace('x2', { x1: 1, x2: 5 });
    expect(id.value).toBe(5);
    expect(id.output).toBe('x2');
    expect(id.gradient).toEqual({ x1: 0, x2: 1 });
    expect(id.tangent).toBe(0);
    const c = runTrace('2 * 3', {});
    expect(c.value).toBe(6);
    expect(c.wrt).toBeNull();
    expect(c.rows).toEqual([]);
    expect(c.output).toBe('2 * 3');
  });

  it('implements sqrt as x^0.5 with its derivative', () => {
    const r = runTrace('sqrt(x)', { x: 4 });
    expect(r.value).toBe(2);
    expect(r.gradient.x).toBe(0.25);
    expect(r.rows[1].op).toBe('sqrt');
  });

  it('renames intermediates when an input is already called v1', () => {
    expect(defs('v1 * v2 + 1', { v1: 1, v2: 2 }).slice(2)).toEqual(['v_1 = v1 * v2', 'v_2 = v_1 + 1']);
  });

  it('keeps variables given but unused, with zero derivatives', () => {
    const r = runTrace('x^2', { x: 3, unused: 1 }, 'unused');
    expect(r.gradient).toEqual({ x: 6, unused: 0 });
    expect(r.tangent).toBe(0);
  });
});

describe('trace errors', () => {
  it('names an unknown variable with its column and lists the ones given', () => {
    const e = catchError(() => runTrace('x1 + 2*z', { x1: 1, x2: 2 }));
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).column).toBe(8);
    expect((e as ExpressionError).exitCode).toBe(2);
    expect(e.message.split('\n')[0]).toBe("unknown variable 'z' at column 8");
    expect((e as ExpressionError).hint).toContain('x1, x2');
  });

  it('refuses a wrt that was not given a value', () => {
    const e = catchError(() => runTrace('x1', { x1: 1 }, 'x3'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain("'x3'");
    expect((e as UsageError).hint).toContain('x1');
  });

  it('refuses non-finite input values', () => {
    expect(() => runTrace('x', { x: Number.NaN })).toThrow(UsageError);
  });

  it('reports a domain error with the row and column it came from', () => {
    const e = catchError(() => runTrace('x + log(x - 2)', { x: 1 }));
    expect(e).toBeInstanceOf(NumericError);
    expect(e.message).toContain('v2 = log(v1)');
    expect(e.message).toContain('column 5');
  });

  it('reports a point where the derivative is not finite', () => {
    const e = catchError(() => runTrace('sqrt(x - 1)', { x: 1 }));
    expect(e).toBeInstanceOf(NumericError);
    expect(e.message).toContain('dy/dv1');
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
