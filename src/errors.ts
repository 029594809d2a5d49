/**
 * Typed failures. Every module throws one of these; src/cli/main.ts is the one
 * place that turns them into a message on stderr and an exit code (docs/contract.md section 5).
 */

export interface Location {
  file?: string;
  line?: number;
  column?: string;
}

export class BasisfitError extends Error {
  readonly exitCode: number;
  /** What the user can do about it; printed on a second line. */
  readonly hint?: string;
  readonly location?: Location;

  constructor(message: string, opts: { exitCode?: number; hint?: string; location?: Location } = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
    this.location = opts.location;
  }

  /** "file:line: column 'c': message" — what the user sees on the first line. */
  describe(): string {
    const loc = this.location;
    if (!loc) return this.message;
    const parts: string[] = [];
    if (loc.file !== undefined) parts.push(loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file);
    else if (loc.line !== undefined) parts.push(`line ${loc.line}`);
    if (loc.column !== undefined) parts.push(`column '${loc.column}'`);
    return parts.length > 0 ? `${parts.join(': ')}: ${this.message}` : this.message;
  }
}

/** Bad command line: unknown option, missing argument, invalid option value. Exit 2. */
export class UsageError extends BasisfitError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, hint });
  }
}

/** Bad or unreadable input data. Exit 1. */
export class DataError extends BasisfitError {
  constructor(message: string, location?: Location, hint?: string) {
    super(message, { exitCode: 1, hint, location });
  }
}

/** Unreadable or invalid model file. Exit 1. */
export class ModelError extends BasisfitError {
  constructor(message: string, file?: string, hint?: string) {
    super(message, { exitCode: 1, hint, location: file === undefined ? undefined : { file } });
  }
}

/** Training failed (diverged beyond recovery). Exit 1. */
export class TrainingError extends BasisfitError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 1, hint });
  }
}

/** A signal arrived before there was anything to save. Exit 130, as for Ctrl-C. */
export class InterruptedError extends BasisfitError {
  constructor(message: string) {
    super(message, { exitCode: 130 });
  }
}

/** A numeric hazard the engine refuses to propagate silently (overflow, NaN from a domain error). */
export class NumericError extends BasisfitError {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`, { exitCode: 1 });
    this.op = op;
  }
}
