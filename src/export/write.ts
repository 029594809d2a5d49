/**
 * A trained model written out as a formula (text or LaTeX) or as a standalone
 * JavaScript module, with the scaling folded into the numbers: the result can
 * be recomputed anywhere from the raw columns, without basisfit.
 */
import type { ModelFile } from '../model/index.js';
import { type Dialect, type ExportFormat, jsDialect, jsString, latexDialect, textDialect } from './dialects.js';
import { type FoldedModel, foldModel } from './fold.js';

export interface ExportOptions {
  /** Significant digits of every number; omitted: as many as it takes to read back the same double. */
  digits?: number;
}

export function exportModel(model: ModelFile, format: ExportFormat, opts: ExportOptions = {}): string {
  const folded = foldModel(model);
  switch (format) {
    case 'text':
      return textFormula(folded, textDialect(opts.digits));
    case 'latex':
      return latexFormula(folded, latexDialect(opts.digits));
    case 'js':
      return jsModule(folded, jsDialect(opts.digits));
  }
}

interface Signed {
  negative: boolean;
  /** The term without its sign. */
  body: string;
}

/** Each unit's term, weight times basis function, in unit order (term j is unit j). */
function terms(f: FoldedModel, D: Dialect): Signed[] {
  const v = (k: number) => D.variable(f.features[k], k);
  const diff = (x: string, c: number) => (c === 0 ? x : c > 0 ? `${x} - ${D.num(c)}` : `${x} + ${D.num(-c)}`);
  const body = (j: number): string => {
    switch (f.basis) {
      case 'rbf': {
        const t = f.terms[j];
        return D.exp(D.negatedSum(t.centre.map((c, k) => D.ratio(D.square(diff(v(k), c)), D.num(t.width[k])))));
      }
      case 'tanh': {
        const t = f.terms[j];
        const parts: Signed[] = t.slope.flatMap((a, k) => (a === 0 ? [] : [{ negative: a < 0, body: D.times(D.num(Math.abs(a)), v(k)) }]));
        if (t.offset !== 0 || parts.length === 0) parts.push({ negative: t.offset < 0, body: D.num(Math.abs(t.offset)) });
        return D.tanh(inline(parts));
      }
      case 'exp': {
        const t = f.terms[j];
        const parts: Signed[] = t.rate.flatMap((a, k) => (a === 0 ? [] : [{ negative: a < 0, body: D.times(D.num(Math.abs(a)), v(k)) }]));
        return D.exp(parts.length === 0 ? D.num(0) : inline(parts));
      }
      case 'poly': {
        const t = f.terms[j];
        const factors = t.power.flatMap((p, k) => {
          if (p === 0) return [];
          const base = t.shift[k] === 0 ? v(k) : D.paren(diff(v(k), t.shift[k]));
          return [p === 1 ? base : D.power(base, D.num(p), p < 0)];
        });
        return factors.length === 0 ? D.num(1) : D.product(factors);
      }
    }
  };
  return f.terms.map((t, j) => ({ negative: t.weight < 0, body: D.times(D.num(Math.abs(t.weight)), body(j)) }));
}

/** a - b + c on one line. */
function inline(parts: Signed[]): string {
  return parts.map((p, i) => (i === 0 ? `${p.negative ? '-' : ''}${p.body}` : `${p.negative ? '-' : '+'} ${p.body}`)).join(' ');
}

function headerLines(f: FoldedModel, D: Dialect): string[] {
  const J = f.terms.length;
  return [
    D.comment(`basisfit ${f.basis} model, ${J} unit${J === 1 ? '' : 's'}: ${f.target} from ${f.features.join(', ')}`),
    D.comment(`scaling folded in: the variables are the raw columns and ${f.target} comes out in its own units`),
  ];
}

function textFormula(f: FoldedModel, D: Dialect): string {
  const lines = [...headerLines(f, D), `${D.variable(f.target, -1)} = ${D.num(f.intercept)}`];
  for (const t of terms(f, D)) lines.push(`  ${t.negative ? '-' : '+'} ${t.body}`);
  return `${lines.join('\n')}\n`;
}

function latexFormula(f: FoldedModel, D: Dialect): string {
  const rows = [`${D.variable(f.target, -1)} ={}& ${D.num(f.intercept)}`, ...terms(f, D).map((t) => `&${t.negative ? '-' : '+'} ${t.body}`)];
  return `${[...headerLines(f, D), '\\begin{aligned}', rows.join(' \\\\\n'), '\\end{aligned}'].join('\n')}\n`;
}

function jsModule(f: FoldedModel, D: Dialect): string {
  const sum = [`${D.num(f.intercept)}`, ...terms(f, D).map((t) => `${t.negative ? '-' : '+'} ${t.body}`)];
  return `${[
    ...headerLines(f, D),
    `// Written by \`basisfit export --format js\`; needs nothing but JavaScript.`,
    `export const features = [${f.features.map(jsString).join(',')}];`,
    `export const target = ${jsString(f.target)};`,
    '',
    `/** ${jsString(f.target)} for one row: an array in the order of \`features\`, or an object keyed by feature name. */`,
    'export function predict(row) {',
    '  const x = Array.isArray(row) ? row : features.map((name) => row[name]);',
    `  return (\n    ${sum.join('\n    ')}\n  );`,
    '}',
    '',
    'export default predict;',
  ].join('\n')}\n`;
}
