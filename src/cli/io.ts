/** The CLI's two channels: stdout carries results, stderr everything a person reads along the way. */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Channels {
  color: ChalkInstance;
  /** stderr is a terminal (progress bar rather than plain lines). */
  interactive: boolean;
  err(line: string): void;
  out(text: string): void;
}

export function channels(opts: { color?: boolean; quiet?: boolean }): Channels {
  const tty = process.stderr.isTTY === true;
  const noColor = opts.color === false || (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '');
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  const level = noColor ? 0 : tty || forced ? 1 : 0;
  return {
    color: new Chalk({ level }),
    interactive: tty,
    err: (line) => process.stderr.write(`${line}\n`),
    out: (text) => process.stdout.write(text),
  };
}

/** Exactly one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonNumbers, 2)}\n`);
}

/** JSON has no NaN or Infinity; they become null rather than invalid output. */
function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}
