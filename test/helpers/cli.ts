/**
 * Runs the built CLI (bin/basisfit.js -> dist/) as a child process, the way a
 * shell or CI job does: the tests see exactly the bytes, exit code and signal
 * handling a user would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** BASISFIT_BIN runs another build (e.g. a private copy while others rebuild dist/). */
export const BIN = process.env.BASISFIT_BIN ?? fileURLToPath(new URL('../../bin/basisfit.js', import.meta.url));
export const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));
const BUILT_ENTRY = process.env.BASISFIT_BIN ?? fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliOptions {
  /** Written to the child's standard input, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer;
  /** Added to (a copy of) this process's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The child is killed (SIGKILL) after this long and the run rejects. */
  timeoutMs?: number;
}

export interface CliResult {
  /** Exit code; null when the child ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything the child wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches `pattern` (rejects if the child ends first or after timeoutMs). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function assertBuilt(): void {
  if (!existsSync(BUILT_ENTRY)) {
    throw new Error(`${BUILT_ENTRY} does not exist: run 'npm run build' first (npm test does it as pretest)`);
  }
}

/**
 * The child's environment: this process's, without colour variables a CI or
 * the test runner may have set (tests that need them pass them), plus `extra`.
 */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `node bin/basisfit.js ...args` and gives access to its output while it runs. */
export function startCli(args: readonly string[], opts: CliOptions = {}): RunningCli {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: childEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const stderrListeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    for (const l of stderrListeners) l();
  });
  // A child that exits before reading its input closes the pipe; that is not a test failure.
  child.stdin!.on('error', () => {});
  child.stdin!.end(opts.input ?? '');

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`basisfit ${args.join(' ')} did not finish within ${timeoutMs} ms\nstderr so far:\n${err}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });

  const waitForStderr = (pattern: RegExp, waitMs = timeoutMs): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(err)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`stderr did not match ${pattern} within ${waitMs} ms; stderr so far:\n${err}`));
      }, waitMs);
      const ended = () => {
        cleanup();
        reject(new Error(`basisfit ended before stderr matched ${pattern}; stderr:\n${err}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        stderrListeners.delete(check);
        child.off('close', ended);
      };
      stderrListeners.add(check);
      child.once('close', ended);
      check();
    });

  return { child, stdout: () => out, stderr: () => err, waitForStderr, done };
}

/** Runs `node bin/basisfit.js ...args` to completion. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** stdout parsed as exactly one JSON document (JSON.parse rejects anything before or after it). */
export function parseJsonOutput<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`stdout is not one JSON document (${(e as Error).message}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** Lines of a stack trace ("    at fn (file:line:col)"). */
export const STACK_LINE = /^\s+at /m;
/** Any ANSI escape sequence (colour, cursor movement). */
export const ANSI = new RegExp(`${String.fromCharCode(0x1b)}\\[`);

/** Exit code, stderr and the start of stdout of a run, for assertion messages. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(0, 2000)}`;
}

/**
 * Timeout for beforeAll hooks that run the CLI: vitest's hook default (10 s)
 * is too short for a few training runs on a busy 2-core machine.
 */
export const HOOK_TIMEOUT_MS = 60_000;
