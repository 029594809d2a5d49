/**
 * Every output path of a command, checked before any work is done: a bad folder found
 * after minutes of training (with the model already written and no JSON document
 * printed) is a wasted run, and an output that is an input, or another output, by name,
 * hard link or symlink (dangling ones too) would silently destroy it.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { inputIdentity } from '../model/write.js';
import { classifyTarget, type Target, TargetError } from '../model/target.js';

export interface OutputSpec {
  /** How the user named it: '--out', '--plot'. */
  flag: string;
  path: string;
  /** What goes there, for messages: 'model', 'SVG'. */
  what: string;
}

export interface InputSpec {
  /** 'input data file', 'model file'. */
  what: string;
  path: string | undefined;
}

/**
 * Throws a UsageError (exit 2) for an output that cannot be written or would destroy an
 * input or another output. `json`: standard output is reserved for the JSON document.
 */
export async function checkOutputs(outputs: readonly OutputSpec[], inputs: readonly InputSpec[], opts: { json?: boolean }): Promise<Target[]> {
  const targets: Target[] = [];
  for (const o of outputs) {
    const t = await classify(o);
    if (t.kind === 'stdout') {
      if (opts.json) {
        throw new UsageError(`${o.flag} - writes the ${o.what} to standard output, which --json reserves for the JSON document`, `give ${o.flag} a file path, or leave out --json`);
      }
      const other = targets.findIndex((p) => p.kind === 'stdout');
      if (other >= 0) throw new UsageError(`${outputs[other].flag} - and ${o.flag} - would both write to standard output`, `give one of them a file path`);
    } else if (t.kind === 'file') await assertWritableFolder(o, t.path);
    for (let i = 0; i < targets.length; i++) {
      if (collides(targets[i], t)) {
        const same = o.path === outputs[i].path ? '' : ` (${outputs[i].path})`;
        throw new UsageError(`${o.flag} ${o.path} is also the ${outputs[i].flag} ${outputs[i].what} path${same}`, `give ${o.flag} a path of its own`);
      }
    }
    for (const input of inputs) {
      if (input.path === undefined) continue;
      const id = await inputIdentity(input.path);
      if (t.id !== null && id !== null && id.dev === t.id.dev && id.ino === t.id.ino && t.device !== true) {
        const named = input.path === '-' ? '(standard input)' : input.path;
        throw new UsageError(`${o.flag} ${o.path} is the ${input.what} ${named}; writing the ${o.what} there would destroy it`, `choose another ${o.flag} path`);
      }
    }
    targets.push(t);
  }
  return targets;
}

async function classify(o: OutputSpec): Promise<Target> {
  try {
    return await classifyTarget(o.path);
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(`cannot write ${o.flag} ${o.path}: ${err.message}`, err.hint);
    throw err;
  }
}

/** Two outputs land in one place: the same file (existing or to be), or the same FIFO. A device such as /dev/null takes any number. */
function collides(a: Target, b: Target): boolean {
  if (a.kind === 'stdout' || b.kind === 'stdout') return false;
  if (a.kind === 'file' && a.path === b.path) return true;
  return a.id !== null && b.id !== null && a.id.dev === b.id.dev && a.id.ino === b.id.ino && a.device !== true;
}

/** The atomic write needs the folder to exist and be writable (the temp file goes there). */
async function assertWritableFolder(o: OutputSpec, file: string): Promise<void> {
  const dir = dirname(file);
  const s = await stat(dir).catch(() => null);
  if (s === null || !s.isDirectory()) {
    throw new UsageError(`cannot write ${o.flag} ${o.path}: the folder ${dir} does not exist`, 'create the folder first, or choose a path in an existing one');
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${o.flag} ${o.path}: the folder ${dir} is not writable`, 'choose a path in a folder you can write to');
  }
}
