import { UsageError } from '../errors.js';
import { isFunctionName } from './ast.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EXAMPLE = 'write it as name=value pairs separated by commas, e.g. --at x1=1.5,x2=0.5';

/**
 * "x1=1.5, x2=0.5" → {x1: 1.5, x2: 0.5}, keeping the order given (the first
 * name is the default --wrt). Any malformed item is a UsageError naming it.
 */
export function parseAssignments(text: string): Record<string, number> {
  if (text.trim() === '') throw new UsageError('--at is empty', EXAMPLE);
  const values = new Map<string, number>();
  text.split(',').forEach((raw, index) => {
    const item = raw.trim();
    const where = `--at item ${index + 1}`;
    if (item === '') throw new UsageError(`${where} is empty (a stray comma?)`, EXAMPLE);
    const eq = item.indexOf('=');
    if (eq < 0) throw new UsageError(`${where} '${item}' is not name=value`, EXAMPLE);
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!NAME.test(name)) {
      throw new UsageError(`${where}: '${name}' is not a variable name`, 'names start with a letter or _ and continue with letters, digits or _');
    }
    if (isFunctionName(name)) throw new UsageError(`${where}: '${name}' is a function name, not a variable`, 'rename the variable in the expression and in --at');
    if (!NUMBER.test(value) || !Number.isFinite(Number(value))) {
      throw new UsageError(`${where}: the value of ${name} is '${value}', which is not a finite number`, 'write numbers like 1.5, -2, .5 or 1e-3');
    }
    if (values.has(name)) throw new UsageError(`--at gives ${name} twice (items ${[...values.keys()].indexOf(name) + 1} and ${index + 1})`, 'give each variable once');
    values.set(name, Number(value));
  });
  return Object.fromEntries(values);
}
