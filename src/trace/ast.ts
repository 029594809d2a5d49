/**
 * The expression tree `basisfit trace` reads. Columns are 1-based positions in
 * the source text, kept on every node so later stages (unknown variables,
 * numeric failures) can point at the exact spot.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export const FUNCTION_NAMES = ['sin', 'cos', 'exp', 'log', 'tanh', 'sqrt'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export type Expr =
  | { kind: 'number'; value: number; text: string; column: number }
  | { kind: 'variable'; name: string; column: number }
  | { kind: 'negate'; operand: Expr; column: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; column: number }
  | { kind: 'call'; fn: FunctionName; argument: Expr; column: number };

export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

/** Numbers key by value so that `2` and `2.0` are one constant; -0 stays distinct from 0. */
export function numberKey(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Structural identity: two subtrees with the same key compute the same thing the same way. */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return `#${numberKey(e.value)}`;
    case 'variable':
      return e.name;
    case 'negate':
      return `neg(${exprKey(e.operand)})`;
    case 'binary':
      return `${e.op}(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'call':
      return `${e.fn}(${exprKey(e.argument)})`;
  }
}

/** Binding strength as the parser sees it: sums < products < unary minus < powers < atoms. */
export function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return e.op === '+' || e.op === '-' ? 1 : e.op === '*' || e.op === '/' ? 2 : 4;
    case 'negate':
      return 3;
    default:
      return 5;
  }
}

/** Source text for a tree with just the parentheses the grammar needs; parsing it gives the same tree back. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'variable':
      return e.name;
    case 'call':
      return `${e.fn}(${printExpr(e.argument)})`;
    case 'negate':
      // -(-x) rather than --x, and -(a*b) rather than -a*b: same tree, but readable.
      return `-${wrap(e.operand, precedence(e.operand) <= 3)}`;
    case 'binary': {
      const p = precedence(e);
      if (e.op === '^') {
        // right-associative: the base needs parentheses for anything looser than an atom
        return `${wrap(e.left, precedence(e.left) <= 4)} ^ ${wrap(e.right, precedence(e.right) < 3)}`;
      }
      return `${wrap(e.left, precedence(e.left) < p)} ${e.op} ${wrap(e.right, precedence(e.right) <= p)}`;
    }
  }
}

function wrap(e: Expr, parens: boolean): string {
  const s = printExpr(e);
  return parens ? `(${s})` : s;
}

/** Every variable occurrence, in reading order. */
export function variableUses(e: Expr, out: { name: string; column: number }[] = []): { name: string; column: number }[] {
  switch (e.kind) {
    case 'variable':
      out.push({ name: e.name, column: e.column });
      break;
    case 'negate':
      variableUses(e.operand, out);
      break;
    case 'binary':
      variableUses(e.left, out);
      variableUses(e.right, out);
      break;
    case 'call':
      variableUses(e.argument, out);
      break;
  }
  return out;
}
