import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { type Expr, ExpressionError, parseExpression, printExpr } from '../../src/trace/index.js';

/** Fully parenthesised prefix form, so a test states the tree it expects. */
function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'variable':
      return e.name;
    case 'negate':
      return `(neg ${sexpr(e.operand)})`;
    case 'call':
      return `(${e.fn} ${sexpr(e.argument)})`;
    case 'binary':
      return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`;
  }
}

const tree = (src: string) => sexpr(parseExpression(src));

describe('parser: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['a - b - c', '(- (- a b) c)'],
    ['a / b / c', '(/ (/ a b) c)'],
    ['a / b * c', '(* (/ a b) c)'],
    ['-x^2', '(neg (^ x 2))'],
    ['(-x)^2', '(^ (neg x) 2)'],
    ['2^3^2', '(^ 2 (^ 3 2))'],
    ['2^-x', '(^ 2 (neg x))'],
    ['-a * b', '(* (neg a) b)'],
    ['a * -b', '(* a (neg b))'],
    ['a - -b', '(- a (neg b))'],
    ['--x', '(neg (neg x))'],
    ['+x', 'x'],
    ['-x + y', '(+ (neg x) y)'],
    ['x^2*y', '(* (^ x 2) y)'],
    ['sin(cos(x1))^2', '(^ (sin (cos x1)) 2)'],
    ['exp(-x/2)', '(exp (/ (neg x) 2))'],
    ['  tanh ( y_2 )\t+ log(_a) ', '(+ (tanh y_2) (log _a))'],
    ['sqrt(x)', '(sqrt x)'],
  ])('%s  →  %s', (src, expected) => {
    expect(tree(src)).toBe(expected);
  });

  it.each([
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['2.', 2],
    ['1.5E+2', 150],
    ['0.25e1', 2.5],
    ['007', 7],
  ])('reads the number %s as %d', (src, value) => {
    const e = parseExpression(src);
    expect(e.kind).toBe('number');
    expect(e.kind === 'number' && e.value).toBe(value);
  });

  it('records the column of each node', () => {
    const e = parseExpression('x1 + sin(y)');
    expect(e.kind === 'binary' && [e.column, e.left.column, e.right.column]).toEqual([4, 1, 6]);
  });

  it('prints with the minimal parentheses that parse back to the same tree', () => {
    for (const src of ['(a - b) - (c - d)', '-(x^2)', '(-x)^2', '2^(3^2)', '(2^3)^2', 'a / (b * c)', '-(-x)', 'sin(x)^-(y + 1)']) {
      const printed = printExpr(parseExpression(src));
      expect(tree(printed), printed).toBe(tree(src));
    }
    expect(printExpr(parseExpression('((a)) - (b - c)'))).toBe('a - (b - c)');
    expect(printExpr(parseExpression('(x^2)'))).toBe('x ^ 2');
  });
});

describe('parser: errors', () => {
  it.each([
    ['sin(x1/)', 8, "expected a number, variable, function call or '(' but found ')'"],
    ['2x', 2, "unexpected 'x' after a complete expression"],
    ['x y', 3, "unexpected 'y' after a complete expression"],
    ['tan(x)', 1, "unknown function 'tan'"],
    ['x(2)', 1, "unknown function 'x'"],
    ['sin x', 1, "function 'sin' needs its argument in parentheses"],
    ['(x + 1', 1, "this '(' is never closed"],
    ['x + 1)', 6, "unexpected ')' after a complete expression"],
    ['x ** 2', 4, "unexpected '*'"],
    ['1e+', 1, "malformed number '1e+'"],
    ['1.2.3 * x', 1, "malformed number '1.2.3'"],
    ['x + 2ex', 5, "malformed number '2ex'"],
    ['x $ 2', 3, "unexpected character '$'"],
    ['sin(x, y)', 6, "function 'sin' takes one argument"],
    ['', 1, 'expression is empty'],
    ['   ', 4, 'expression is empty'],
    ['x +', 4, "expected a number, variable, function call or '(' but found the end of the expression"],
    ['1e400', 1, "number '1e400' is too large"],
  ])('%j fails at column %i', (src, column, what) => {
    let caught: unknown;
    try {
      parseExpression(src);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect(caught).toBeInstanceOf(UsageError);
    const e = caught as ExpressionError;
    expect(e.exitCode).toBe(2);
    expect(e.column).toBe(column);
    const [first, shown, caret] = e.message.split('\n');
    expect(first).toBe(`${what} at column ${column}`);
    expect(shown).toBe(`  ${src}`);
    expect(caret).toBe(`  ${' '.repeat(column - 1)}^`);
    expect(e.hint).toBeTruthy();
  });

  it('hints at explicit multiplication and at ^ for powers', () => {
    const hint = (src: string) => {
      try {
        parseExpression(src);
      } catch (e) {
        return (e as UsageError).hint;
      }
      return undefined;
    };
    expect(hint('2x')).toBe('write multiplication explicitly, e.g. 2*x');
    expect(hint('x**2')).toContain('^');
    expect(hint('cosh(x)')).toContain('sin, cos, exp, log, tanh, sqrt');
  });
});
