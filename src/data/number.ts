/**
 * Strict decimal parsing for CSV cells. Number() is too lenient for data files:
 * it reads '' and ' ' as 0 and accepts '0x10', '0b1' and 'Infinity'. A cell is a
 * number here only if it is optionally signed decimal digits with an optional
 * fraction and exponent ('1', '-2.5', '1e-3', '.5', '+3', '5.'), possibly with
 * surrounding whitespace.
 */

const TWO_53 = 2 ** 53;
/** Powers of ten that are exact doubles; 10^22 is the largest. */
const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xfeff || code === 0xa0;
}

/**
 * The value of a cell, or NaN when the cell is not a plain finite-syntax decimal
 * (empty, text, hex, 'NaN', 'Infinity'). A decimal that overflows ('1e400')
 * returns ±Infinity, so callers must check Number.isFinite.
 */
export function parseNumber(cell: string): number {
  let start = 0;
  let end = cell.length;
  while (start < end && isSpace(cell.charCodeAt(start))) start++;
  while (end > start && isSpace(cell.charCodeAt(end - 1))) end--;
  if (start === end) return Number.NaN;

  let i = start;
  let c = cell.charCodeAt(i);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  // The digits are accumulated as we validate so that the common case never
  // calls Number(): mantissa * 10^k is correctly rounded when both factors are
  // exact doubles (Clinger's fast path).
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  while (i < end && (c = cell.charCodeAt(i)) >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    i++;
  }
  if (i < end && cell.charCodeAt(i) === 46) {
    i++;
    while (i < end && (c = cell.charCodeAt(i)) >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      fractionDigits++;
      i++;
    }
  }
  if (digits === 0) return Number.NaN;

  let exponent = 0;
  if (i < end && ((c = cell.charCodeAt(i)) === 101 || c === 69)) {
    i++;
    let expNegative = false;
    c = cell.charCodeAt(i);
    if (c === 43 || c === 45) {
      expNegative = c === 45;
      i++;
    }
    let expDigits = 0;
    while (i < end && (c = cell.charCodeAt(i)) >= 48 && c <= 57) {
      // Saturate: beyond this the value is 0 or Infinity either way.
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return Number.NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return Number.NaN;

  const scale = exponent - fractionDigits;
  if (mantissa < TWO_53 && scale >= -22 && scale <= 22) {
    const magnitude = scale < 0 ? mantissa / EXACT_POW10[-scale] : mantissa * EXACT_POW10[scale];
    return negative ? -magnitude : magnitude;
  }
  return Number(start === 0 && end === cell.length ? cell : cell.slice(start, end));
}

/** Why a cell that parseNumber rejected is unusable, phrased for the user. */
export interface CellProblem {
  kind: 'empty' | 'nan' | 'infinite' | 'overflow' | 'non-numeric';
  message: string;
  hint: string;
}

const NAN_WORDS = new Set(['nan', '-nan', '+nan']);
const INFINITY_WORDS = new Set(['inf', '+inf', '-inf', 'infinity', '+infinity', '-infinity']);

/**
 * Explains a rejected cell; only called on the error path, so it may be slow.
 * `fixedColumns`: the columns are the model's (predict, eval, grad, plot), so the
 * hint cannot point at --features, --target or --missing, which only train takes.
 */
export function describeBadCell(cell: string, fixedColumns = false): CellProblem {
  const text = cell.trim();
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (text === '') {
    return {
      kind: 'empty',
      message: 'empty cell',
      hint: fixedColumns ? 'fill in the value, or remove the row: the model needs each of its columns' : 'fill in the value, or drop incomplete rows with --missing drop',
    };
  }
  const lower = text.toLowerCase();
  if (NAN_WORDS.has(lower)) {
    return {
      kind: 'nan',
      message: `NaN value ${shown} is not allowed`,
      hint: fixedColumns ? 'replace it with a number or remove the row' : 'remove the row, or leave the cell empty and use --missing drop',
    };
  }
  if (INFINITY_WORDS.has(lower)) {
    return {
      kind: 'infinite',
      message: `infinite value ${shown} is not allowed`,
      hint: 'replace it with a finite number or remove the row',
    };
  }
  if (Number.isNaN(parseNumber(text))) {
    const decimalComma = /^[+-]?\d+,\d+$/.test(text);
    return {
      kind: 'non-numeric',
      message: `non-numeric value ${shown}`,
      hint: decimalComma
        ? "use '.' as the decimal separator (and no thousands separators)"
        : fixedColumns
          ? 'this column of the model must hold plain decimal numbers: fix the value or remove the row'
          : 'this column must hold plain decimal numbers; choose other columns with --features/--target',
    };
  }
  return {
    kind: 'overflow',
    message: `value ${shown} overflows to infinity`,
    hint: 'rescale the column so its values fit in a double (|x| < 1.8e308)',
  };
}
