/**
 * Recursive-descent parser for the expressions `basisfit trace` differentiates.
 *
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := atom ('^' unary)?          right-associative; binds tighter than unary minus
 *   atom    := number | name | name '(' sum ')' | '(' sum ')'
 *
 * so -x^2 is -(x^2), 2^3^2 is 2^(3^2) and 2^-x is 2^(-x). Nothing is evaluated here.
 */
import { UsageError } from '../errors.js';
import { type BinaryOp, type Expr, FUNCTION_NAMES, type FunctionName, isFunctionName } from './ast.js';

/** Characters of the expression shown on either side of an error's column. */
const WINDOW = 60;

/** A syntax or name error in an expression: says where, and shows the spot under the text. */
export class ExpressionError extends UsageError {
  readonly expression: string;
  /** 1-based position in `expression`. */
  readonly column: number;

  constructor(expression: string, column: number, what: string, hint?: string) {
    // A long expression is shown as a window around the spot, so the caret stays on screen.
    const from = Math.max(0, column - 1 - WINDOW);
    const to = Math.min(expression.length, column - 1 + WINDOW);
    const shown = `${from > 0 ? '…' : ''}${expression.slice(from, to).replace(/[\t\n\r]/g, ' ')}${to < expression.length ? '…' : ''}`;
    const caret = column - 1 - from + (from > 0 ? 1 : 0);
    super(`${what} at column ${column}\n  ${shown}\n  ${' '.repeat(Math.max(0, caret))}^`, hint);
    this.expression = expression;
    this.column = column;
  }
}

const KNOWN_FUNCTIONS = `known functions: ${FUNCTION_NAMES.join(', ')}`;
const GRAMMAR_HINT = `expressions use numbers, variables, + - * / ^, parentheses and ${FUNCTION_NAMES.join(', ')}`;

type TokenKind = 'number' | 'name' | 'op' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  column: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** What may not directly follow a number: a second '.', a dangling exponent, more digits. */
const NUMBER_TAIL = /^[.eE0-9]/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const column = i + 1;
    if (/^[0-9.]/.test(c)) {
      const m = NUMBER.exec(rest);
      const after = m ? rest.slice(m[0].length) : rest;
      if (!m || NUMBER_TAIL.test(after)) {
        const bad = /^[0-9.]*(?:[eE][+-]?)?[0-9A-Za-z_.]*/.exec(rest)![0] || c;
        throw new ExpressionError(src, column, `malformed number '${bad}'`, 'write numbers like 3, 0.5, .5, 1e-3 or 2.5E+4');
      }
      if (!Number.isFinite(Number(m[0]))) throw new ExpressionError(src, column, `number '${m[0]}' is too large`, 'numbers must fit in a double (below about 1.8e308)');
      tokens.push({ kind: 'number', text: m[0], column });
      i += m[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], column });
      i += name[0].length;
      continue;
    }
    if ('+-*/^'.includes(c)) tokens.push({ kind: 'op', text: c, column });
    else if (c === '(' || c === ')' || c === ',') tokens.push({ kind: c, text: c, column });
    else throw new ExpressionError(src, column, `unexpected character '${c}'`, GRAMMAR_HINT);
    i++;
  }
  tokens.push({ kind: 'end', text: '', column: src.length + 1 });
  return tokens;
}

function tokenText(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`;
}

/**
 * Bounds that keep every later pass (regrouping, evaluation, printing, all recursive over
 * the tree) well inside the call stack: 60,000 nested parentheses or a sum of 10,000 terms
 * would otherwise overflow it and surface as an internal error. An expression anyone traces
 * by hand is far smaller.
 */
export const MAX_NESTING = 200;
export const MAX_TREE_DEPTH = 2000;

class Parser {
  private pos = 0;
  /** Open parentheses, calls, unary signs and exponents around the current token. */
  private nesting = 0;
  /** Depth of each subtree built so far (a left-associated chain a+b+c+… is as deep as it is long). */
  private readonly depth = new WeakMap<Expr, number>();

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  private get peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isOp(...ops: string[]): boolean {
    return this.peek.kind === 'op' && ops.includes(this.peek.text);
  }

  private fail(t: Token, what: string, hint?: string): never {
    throw new ExpressionError(this.src, t.column, what, hint);
  }

  parseAll(): Expr {
    if (this.peek.kind === 'end') this.fail(this.peek, 'expression is empty', 'give an expression such as "sin(x1/x2) * x2"');
    const e = this.sum();
    const t = this.peek;
    if (t.kind !== 'end') {
      const prev = this.tokens[this.pos - 1];
      let hint = 'every operand needs an operator between it and the next';
      if (t.kind === ')') hint = "remove it, or add the matching '(' before it";
      else if (t.kind === ',') hint = 'functions take a single argument';
      else if (t.kind === 'name' || t.kind === 'number' || t.kind === '(') {
        hint = `write multiplication explicitly, e.g. ${prev.text}*${t.text}`;
      }
      this.fail(t, `unexpected ${tokenText(t)} after a complete expression`, hint);
    }
    return e;
  }

  /** A node over `children`, refused once the tree gets deeper than MAX_TREE_DEPTH. */
  private node<E extends Expr>(e: E, op: Token, ...children: Expr[]): E {
    const d = 1 + Math.max(0, ...children.map((c) => this.depth.get(c) ?? 1));
    if (d > MAX_TREE_DEPTH) {
      this.fail(op, `expression too large: more than ${MAX_TREE_DEPTH} operations in a chain`, 'trace a smaller expression; a sum of many terms can be split into parts');
    }
    this.depth.set(e, d);
    return e;
  }

  private sum(): Expr {
    let left = this.product();
    while (this.isOp('+', '-')) {
      const op = this.next();
      const right = this.product();
      left = this.node({ kind: 'binary', op: op.text as BinaryOp, left, right, column: op.column }, op, left, right);
    }
    return left;
  }

  private product(): Expr {
    let left = this.unary();
    while (this.isOp('*', '/')) {
      const op = this.next();
      if (op.text === '*' && this.isOp('*')) this.fail(this.peek, "unexpected '*'", 'use ^ for powers, e.g. x^2');
      const right = this.unary();
      left = this.node({ kind: 'binary', op: op.text as BinaryOp, left, right, column: op.column }, op, left, right);
    }
    return left;
  }

  /** Every recursion of the grammar passes through here: the one place to bound it. */
  private unary(): Expr {
    if (++this.nesting > MAX_NESTING) {
      this.fail(this.peek, `expression nested too deeply: more than ${MAX_NESTING} levels of parentheses, signs, powers or calls`, 'simplify the expression');
    }
    try {
      return this.unaryInner();
    } finally {
      this.nesting--;
    }
  }

  private unaryInner(): Expr {
    if (this.isOp('-')) {
      const op = this.next();
      const operand = this.unary();
      return this.node({ kind: 'negate', operand, column: op.column }, op, operand);
    }
    if (this.isOp('+')) {
      this.next();
      return this.unary();
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.atom();
    if (!this.isOp('^')) return base;
    const op = this.next();
    const right = this.unary();
    return this.node({ kind: 'binary', op: '^', left: base, right, column: op.column }, op, base, right);
  }

  private atom(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: Number(t.text), text: t.text, column: t.column };
      case 'name':
        return this.nameOrCall(t);
      case '(': {
        const inner = this.sum();
        this.closing(t);
        return inner;
      }
      default:
        return this.fail(t, `expected a number, variable, function call or '(' but found ${tokenText(t)}`, GRAMMAR_HINT);
    }
  }

  private nameOrCall(t: Token): Expr {
    if (this.peek.kind !== '(') {
      if (isFunctionName(t.text)) this.fail(t, `function '${t.text}' needs its argument in parentheses`, `write ${t.text}(...)`);
      return { kind: 'variable', name: t.text, column: t.column };
    }
    if (!isFunctionName(t.text)) this.fail(t, `unknown function '${t.text}'`, KNOWN_FUNCTIONS);
    const open = this.next();
    const argument = this.sum();
    const after: Token = this.peek;
    if (after.kind === ',') this.fail(after, `function '${t.text}' takes one argument`, `write ${t.text}(expression)`);
    this.closing(open);
    return this.node({ kind: 'call', fn: t.text as FunctionName, argument, column: t.column }, t, argument);
  }

  private closing(open: Token): void {
    const t = this.peek;
    if (t.kind === ')') {
      this.next();
      return;
    }
    if (t.kind === 'end') this.fail(open, "this '(' is never closed", "add the missing ')'");
    this.fail(t, `expected ')' to close the '(' at column ${open.column} but found ${tokenText(t)}`, GRAMMAR_HINT);
  }
}

/** Parses `src` into a tree; throws ExpressionError (a UsageError, exit 2) with the column and a caret. */
export function parseExpression(src: string): Expr {
  return new Parser(src, tokenize(src)).parseAll();
}
