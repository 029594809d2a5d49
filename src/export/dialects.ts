/**
 * The three notations a model is written out in. Each dialect knows only how
 * to spell numbers, variables and a few operations; the shape of the formula
 * is built once, in write.ts, from these pieces.
 */

import { printable } from '../util/printable.js';

export type ExportFormat = 'text' | 'latex' | 'js';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['text', 'latex', 'js'];

export interface Dialect {
  /** A number as a literal (non-negative when it follows a sign the caller wrote). */
  num(v: number): string;
  /** Feature k, named `name`, as a variable. */
  variable(name: string, k: number): string;
  /** (e)² */
  square(e: string): string;
  /** base^p for a variable or a parenthesised base. */
  power(base: string, p: string, negative: boolean): string;
  ratio(a: string, b: string): string;
  /** a · b, where a is a number. */
  times(a: string, b: string): string;
  /** f_1 · f_2 · … (factors already spelled). */
  product(factors: string[]): string;
  /** −(p_1 + p_2 + …) */
  negatedSum(parts: string[]): string;
  paren(e: string): string;
  exp(e: string): string;
  tanh(e: string): string;
  /** A comment line. */
  comment(text: string): string;
}

/** Shortest text that reads back to the same double, or `digits` significant digits. */
export function numberText(v: number, digits?: number): string {
  const r = digits === undefined ? v : Number(v.toPrecision(digits));
  return Object.is(r, -0) ? '0' : String(r);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A name as a JavaScript string literal that is safe anywhere in a module, comments
 * included: JSON.stringify escapes quotes, backslashes and C0 controls but leaves U+2028
 * and U+2029 raw (line terminators that end a // comment), DEL and C1 controls raw, and
 * `*\/` and `</script` as they are. Escaping those too keeps a hostile header cell from
 * ending a comment or a script element and running as code.
 */
export function jsString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029<>]|\*\//g, (c) =>
    c === '*/' ? '*\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A text-formula name: bare when it is a plain identifier, else in brackets with ] and \ escaped and controls made visible. */
function textVariable(name: string): string {
  if (IDENTIFIER.test(name) && !RESERVED_TEXT.has(name)) return name;
  return `[${printable(name.replace(/[\\\]]/g, (c) => `\\${c}`))}]`;
}
const RESERVED_TEXT = new Set(['exp', 'tanh']);

export function textDialect(digits?: number): Dialect {
  return {
    num: (v) => numberText(v, digits),
    variable: textVariable,
    square: (e) => `(${e})^2`,
    power: (base, p, negative) => `${base}^${negative ? `(${p})` : p}`,
    ratio: (a, b) => `${a} / ${b}`,
    times: (a, b) => `${a} * ${b}`,
    product: (f) => f.join(' * '),
    negatedSum: (parts) => `-(${parts.join(' + ')})`,
    paren: (e) => `(${e})`,
    exp: (e) => `exp(${e})`,
    tanh: (e) => `tanh(${e})`,
    comment: (t) => `# ${printable(t)}`,
  };
}

export function jsDialect(digits?: number): Dialect {
  return {
    num: (v) => numberText(v, digits),
    variable: (_name, k) => `x[${k}]`,
    square: (e) => `(${e}) ** 2`,
    power: (base, p, negative) => `${base} ** ${negative ? `(${p})` : p}`,
    ratio: (a, b) => `${a} / ${b}`,
    times: (a, b) => `${a} * ${b}`,
    product: (f) => f.join(' * '),
    negatedSum: (parts) => `-(${parts.join(' + ')})`,
    paren: (e) => `(${e})`,
    exp: (e) => `Math.exp(${e})`,
    tanh: (e) => `Math.tanh(${e})`,
    // A name ends no line here (printable), and `<` is spelled out so that the module
    // can be inlined in a <script> element without a name closing it.
    comment: (t) => `// ${printable(t).replace(/</g, '\\x3c')}`,
  };
}

export function latexDialect(digits?: number): Dialect {
  return {
    num: (v) => latexNumber(numberText(v, digits)),
    variable: latexVariable,
    square: (e) => `(${e})^{2}`,
    power: (base, p) => `${base}^{${p}}`,
    ratio: (a, b) => `\\frac{${a}}{${b}}`,
    times: (a, b) => `${a}\\,${b}`,
    product: (f) => f.join('\\,'),
    negatedSum: (parts) => parts.map((p) => `-${p}`).join(' '),
    paren: (e) => `\\left(${e}\\right)`,
    exp: (e) => `\\exp\\!\\left(${e}\\right)`,
    tanh: (e) => `\\tanh\\!\\left(${e}\\right)`,
    comment: (t) => `% ${printable(t)}`,
  };
}

/** 1.5e-7 -> 1.5 \times 10^{-7} */
function latexNumber(text: string): string {
  const m = /^(-?[\d.]+)e([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const exponent = String(Number(m[2]));
  return m[1] === '1' ? `10^{${exponent}}` : `${m[1]} \\times 10^{${exponent}}`;
}

/**
 * Spellings inside \mathrm{}, which is math mode: the text-mode accents \^{} and \~{}
 * are errors there ("Command \^ invalid in math mode"), so ^ and ~ become the math
 * symbols that look like them; < and > are braced so they are ordinary symbols rather
 * than relations, and a space is kept (math mode drops a bare one).
 */
const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\backslash{}',
  '{': '\\{',
  '}': '\\}',
  _: '\\_',
  '^': '\\wedge{}',
  '#': '\\#',
  $: '\\$',
  '%': '\\%',
  '&': '\\&',
  '~': '\\sim{}',
  '<': '{<}',
  '>': '{>}',
  ' ': '\\ ',
};

/**
 * x -> x, x2 -> x_{2}, anything longer -> \mathrm{...} with every special character
 * escaped and control characters made visible: a raw newline would end a `%` comment
 * line, and a backslash or brace would start live LaTeX. A character beyond ASCII (é, °)
 * goes in \textrm{}: math mode has no accents or text symbols, text mode inside it does.
 */
function latexVariable(name: string): string {
  if (/^[A-Za-z]$/.test(name)) return name;
  const indexed = /^([A-Za-z])_?(\d+)$/.exec(name);
  if (indexed) return `${indexed[1]}_{${indexed[2]}}`;
  const spelled = printable(name).replace(/[\\{}_^#$%&~<> ]|[^\x20-\x7e]/gu, (ch) => LATEX_SPECIAL[ch] ?? `\\textrm{${ch}}`);
  return `\\mathrm{${spelled}}`;
}
