/**
 * Coercion and validation of option values: each turns text into a typed value
 * or throws a UsageError that names the option and says what it accepts (exit 2).
 */
import { parseNumber } from '../data/number.js';
import { UsageError } from '../errors.js';

/**
 * yargs re-wraps an error thrown by a coerce function in an error of its own,
 * losing the hint; the last one thrown is kept here so main.ts can report it whole.
 */
let lastCoerceError: UsageError | null = null;

export function takeCoerceError(message: string | undefined): UsageError | null {
  const e = lastCoerceError;
  lastCoerceError = null;
  return e !== null && message?.includes(e.message) ? e : null;
}

function usage(message: string, hint?: string): UsageError {
  lastCoerceError = new UsageError(message, hint);
  return lastCoerceError;
}

/** A lone '-' means standard input; yargs turns it into '' (yargs#1312), so main.ts swaps it for this token and back. */
export const STDIN_TOKEN = '\u0000stdin';

/** Marks a trace expression that starts with '-' (see main.ts) so yargs does not read it as options. */
export const EXPRESSION_MARK = '\u0000expr:';

export function expressionArgument(v: unknown): string {
  const text = String(v);
  return text.startsWith(EXPRESSION_MARK) ? text.slice(EXPRESSION_MARK.length) : text;
}

export function fileArgument(v: unknown): string {
  return v === STDIN_TOKEN ? '-' : String(v);
}

/**
 * A numeric option: the number itself, or a one-line usage error saying what
 * --NAME must be and giving an example (`example` overrides it for an option
 * whose range stops short of the default one: --digits stops at 17).
 */
function numberOption(accept: (n: number) => boolean, mustBe: string, defaultExample: string | number) {
  return (name: string, example: string | number = defaultExample) =>
    (v: unknown): number => {
      const n = typeof v === 'number' ? v : parseNumber(String(v));
      if (!accept(n) || String(v).trim() === '') throw usage(`--${name} must be ${mustBe}, got '${v}'`, `e.g. --${name} ${example}`);
      return n;
    };
}

const EXAMPLE_PATHS: Record<string, string> = { plot: 'fit.svg', out: 'model.json', report: 'report.html' };

/**
 * An output path option: '-' is standard output (see README), and an empty string is a
 * mistake (an unset shell variable) rather than "write nothing".
 */
export function outputPath(name: string) {
  return (v: unknown): string => {
    const path = v === STDIN_TOKEN ? '-' : String(v);
    if (path === '') throw usage(`--${name} needs a path, got an empty string`, `e.g. --${name} ${EXAMPLE_PATHS[name] ?? 'FILE'}`);
    return path;
  };
}

export const positiveInteger = numberOption((n) => Number.isSafeInteger(n) && n > 0, 'a positive whole number', '20');
export const nonNegativeInteger = numberOption((n) => Number.isInteger(n) && n >= 0, 'a whole number of at least 0', '50');
export const positiveFinite = numberOption((n) => Number.isFinite(n) && n > 0, 'a positive finite number', '0.01');
export const nonNegativeFinite = numberOption((n) => Number.isFinite(n) && n >= 0, 'a finite number of at least 0', '0.001');
export const fraction = numberOption((n) => Number.isFinite(n) && n >= 0 && n < 1, 'at least 0 and below 1', '0.2, or 0 for none');

export function batchSize(v: unknown): number | 'full' {
  if (String(v).trim().toLowerCase() === 'full') return 'full';
  const n = parseNumber(String(v));
  if (!Number.isInteger(n) || n <= 0) {
    throw usage(`--batch-size must be a positive whole number or 'full', got '${v}'`, 'e.g. --batch-size 32 or --batch-size full');
  }
  return n;
}

export function integer(name: string) {
  return (v: unknown): number => {
    const n = typeof v === 'number' ? v : parseNumber(String(v));
    if (!Number.isInteger(n) || String(v).trim() === '') {
      throw usage(`--${name} must be a whole number, got '${v}'`, `e.g. --${name} 1`);
    }
    // Beyond 2^53 − 1 neighbouring integers share one double: 9007199254740993 would silently be ...992.
    if (!Number.isSafeInteger(n)) {
      throw usage(`--${name} must be a safe integer, at most 2^53−1 = ${Number.MAX_SAFE_INTEGER} in size, got '${v}'`, `e.g. --${name} 1`);
    }
    return n;
  };
}

/** "a,b,c" (or repeated options) -> ['a','b','c'] */
export function list(name: string) {
  return (v: unknown): string[] => {
    const items = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim());
    if (items.length === 0 || items.some((s) => s === '')) {
      throw usage(`--${name} needs a comma-separated list of column names or indices, got '${v}'`, `e.g. --${name} x1,x2`);
    }
    return items;
  };
}

/** The last value when an option given once is repeated (yargs makes an array). */
export function single<T>(coerce: (v: unknown) => T) {
  return (v: unknown): T => coerce(Array.isArray(v) ? v[v.length - 1] : v);
}

/** A folder to write into: '-' (standard output) and '' (an unset shell variable) are no folders. */
export function folderPath(what: string, example: string) {
  return (v: unknown): string => {
    const path = String(v);
    if (path === STDIN_TOKEN || path === '') throw usage(`${what} needs a folder, got '${path === '' ? '' : '-'}'`, `e.g. ${example}`);
    return path;
  };
}

/** A model file to read (--model, --init), or '-' to read it from standard input. */
export function modelPath(name: string) {
  return single((v: unknown): string => {
    const path = v === STDIN_TOKEN ? '-' : String(v);
    if (path === '') throw usage(`--${name} needs a path, got an empty string`, `e.g. --${name} model.json`);
    return path;
  });
}

/** --model: a model file, or '-' to read it from standard input (when FILE is not '-' too). */
export const modelOption = {
  type: 'string',
  demandOption: true,
  describe: "model file written by basisfit train, or '-' for standard input",
  coerce: modelPath('model'),
} as const;
export const fileArg = { type: 'string', describe: "CSV file, or '-' for standard input", demandOption: true, coerce: fileArgument } as const;

/** What yargs knows of the command being parsed: its option names and which of them are flags. */
export interface ParsedOptions {
  key: Record<string, unknown>;
  boolean?: string[];
  count?: string[];
}

/** A negative number is a value, not an option (yargs-parser's rule, widened to exponents: -1e-3). */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Refuses an option that takes a value but is given none (`--lr --quiet`, a trailing
 * `--out`, `--target=`). yargs would otherwise quietly use the option's default, or an
 * empty string, and the run would go ahead with a setting nobody asked for; the contract
 * makes a missing argument a usage error (docs/contract.md section 5.1).
 */
export function assertOptionValues(args: readonly string[], options: ParsedOptions, help: string): void {
  const flags = new Set([...(options.boolean ?? []), ...(options.count ?? [])]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!Object.hasOwn(options.key, name) || flags.has(name)) continue;
    if (eq >= 0) {
      if (eq === arg.length - 1) throw new UsageError(`--${name} needs a value, and '${arg}' gives it none`, `write --${name}=VALUE or --${name} VALUE; see ${help}`);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || (next.startsWith('-') && !NEGATIVE_NUMBER.test(next))) {
      const where = next === undefined ? 'nothing follows it' : `it is followed by ${next}`;
      // A value that itself starts with '-' (a column named --x) can only be given with '='.
      const known = next !== undefined && Object.hasOwn(options.key, next.replace(/^--?(no-)?/, '').split('=')[0]);
      const how = next === undefined || known ? `--${name} VALUE` : `--${name} VALUE, or --${name}=${next} if ${next} is the value`;
      throw new UsageError(`--${name} needs a value, but ${where}`, `write ${how}; see ${help}`);
    }
  }
}
