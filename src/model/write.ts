/** Writing a model file: validated, deterministic, atomic (docs/contract.md sections 2 and 4). */
import { randomBytes } from 'node:crypto';
import { fstatSync, unlinkSync } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ModelError, TrainingError, UsageError } from '../errors.js';
import { fsReason } from './fs-errors.js';
import { classifyTarget } from './target.js';
import type { ModelFile } from './types.js';
import { type Problem, validateModel } from './validate.js';

/**
 * The model as text: keys in docs/contract.md section 4 order (training's extra keys sorted), two-space
 * indent, a trailing newline. JSON.stringify prints the shortest decimal that reads back to
 * the same double, so numbers round-trip exactly and the same model gives the same bytes.
 * The model passes the reader's own validation first, so NaN, Infinity (which JSON would
 * turn into null) or a malformed model never reach the disk.
 */
export function serializeModel(m: ModelFile): string {
  const checked = validateModel(m, (p: Problem): never => {
    throw new TrainingError(
      `refusing to write the model: ${p.message}`,
      p.nonFinite
        ? 'training produced non-finite parameters; try a lower --lr, fewer --units or standardised data'
        : 'the trainer built an invalid model; this is a bug in basisfit, please report it',
    );
  });
  return `${JSON.stringify(checked, null, 2)}\n`;
}

/**
 * Serialises first, so a model that cannot be written leaves the target untouched, then
 * replaces the target atomically.
 */
export async function writeModel(path: string, m: ModelFile): Promise<void> {
  const text = serializeModel(m);
  try {
    await writeFileAtomic(path, text);
  } catch (err) {
    throw new ModelError(`cannot write the model file: ${fsReason(err)}`, path, 'choose an --out path in an existing, writable folder');
  }
}

/**
 * Temp files being written right now. A signal handler that exits (a second Ctrl-C,
 * SIGTERM) calls removeTempFiles() so no `.bf-*.tmp` is left beside the target; the
 * 'exit' hook covers every process.exit().
 */
const pendingTemps = new Set<string>();
process.on('exit', () => removeTempFiles());

/** Removes every temp file of a write still in progress (synchronous: safe in an exit path). */
export function removeTempFiles(): void {
  for (const tmp of pendingTemps) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already renamed into place or never created.
    }
  }
  pendingTemps.clear();
}

/** Whether a write is in progress (a signal handler then cleans up before it exits). */
export function writesPending(): boolean {
  return pendingTemps.size > 0;
}

/**
 * Writes `text` to `path` as it deserves (see classifyTarget): '-' is standard output,
 * a FIFO or a character device is written in place as a stream, and a regular file (or
 * nothing yet) is replaced atomically. A folder, socket or block device is refused:
 * renaming over it would destroy it.
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  // A TargetError's message is its reason, which fsReason passes through.
  const target = await classifyTarget(path);
  if (target.kind === 'stdout') {
    await writeStdout(text);
    return;
  }
  if (target.kind === 'stream') {
    // 'w' on a FIFO or device opens it in place: no truncation to fear, no rename possible.
    const handle = await open(target.path, 'w');
    try {
      await handle.writeFile(text, 'utf8');
    } finally {
      await handle.close();
    }
    return;
  }
  await replaceFile(target.path, text);
}

/** Resolves once `text` is handed to the operating system (or rejects with its error). */
function writeStdout(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Write to a fresh temp file beside the target, fsync it, then rename it over the target:
 * rename within one folder is atomic on POSIX, so readers see the old file or the whole
 * new one, never a partial one. On any failure the temp file is removed and the target is
 * left as it was; the original file-system error is rethrown for the caller to word.
 */
async function replaceFile(target: string, text: string | Uint8Array): Promise<void> {
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o666,
  );
  // Short and independent of the target's name: a name near the 255-byte limit must still
  // leave room for its temp file. Dot-prefixed so listings hide it.
  const tmp = join(dirname(target), `.bf-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  pendingTemps.add(tmp);
  try {
    // 'wx': never reuse an existing path, even in the astronomically unlikely name clash.
    handle = await open(tmp, 'wx', mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, target);
  } catch (err) {
    await handle?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  } finally {
    pendingTemps.delete(tmp);
  }
  await syncFolder(dirname(target));
}

/** Make the rename itself durable; some platforms cannot fsync a folder, which is no error. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort only: the file's contents are already synced.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Refuse `--out` when it is the input data file itself (same device and inode, so hard
 * links and symlinks count too): the model would silently replace the data. For `-` the
 * input is whatever standard input is: `train - --out d.csv < d.csv` is the same file.
 * An output that does not exist yet can never be the same file.
 */
export async function assertNotSameFile(outPath: string, inputPath: string): Promise<void> {
  if (outPath === '-') return;
  const [out, input] = await Promise.all([stat(outPath, { bigint: true }).catch(() => null), inputIdentity(inputPath)]);
  if (out === null || input === null) return;
  // bigint stats: inode numbers on some file systems exceed 2^53.
  if (out.dev === input.dev && out.ino === input.ino) {
    throw new UsageError(
      `--out ${outPath} is the input data file ${inputPath === '-' ? '(standard input)' : inputPath}; writing the model there would destroy the data`,
      'choose a different --out path, e.g. model.json',
    );
  }
}

/** Device and inode of an input path, or of descriptor 0 for '-'; null when there is none. */
export async function inputIdentity(inputPath: string): Promise<{ dev: bigint; ino: bigint } | null> {
  if (inputPath === '-') {
    try {
      const s = fstatSync(0, { bigint: true });
      return { dev: s.dev, ino: s.ino };
    } catch {
      return null;
    }
  }
  return stat(inputPath, { bigint: true }).then(
    (s) => ({ dev: s.dev, ino: s.ino }),
    () => null,
  );
}
