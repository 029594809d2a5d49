/** Writing a model file: validated, deterministic, atomic (SPEC sections 2 and 4). */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelError, TrainingError, UsageError } from '../errors.js';
import { fsReason } from './fs-errors.js';
import type { ModelFile } from './types.js';
import { type Problem, validateModel } from './validate.js';

/**
 * The model as text: keys in SPEC section 4 order (training's extra keys sorted), two-space
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
 * Write to a fresh temp file beside the target, fsync it, then rename it over the target:
 * rename within one folder is atomic on POSIX, so readers see the old file or the whole
 * new one, never a partial one. On any failure the temp file is removed and the target is
 * left as it was; the original file-system error is rethrown for the caller to word.
 */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  // Through a symlink, replace the file it points to rather than the link itself.
  const target = await realpath(path).catch(() => path);
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o666,
  );
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
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
 * links and symlinks count too): the model would silently replace the data. `-` (standard
 * input) and an output that does not exist yet can never be the same file.
 */
export async function assertNotSameFile(outPath: string, inputPath: string): Promise<void> {
  if (inputPath === '-') return;
  const [out, input] = await Promise.all([stat(outPath, { bigint: true }).catch(() => null), stat(inputPath, { bigint: true }).catch(() => null)]);
  if (out === null || input === null) return;
  // bigint stats: inode numbers on some file systems exceed 2^53.
  if (out.dev === input.dev && out.ino === input.ino) {
    throw new UsageError(
      `--out ${outPath} is the input data file ${inputPath}; writing the model there would destroy the data`,
      'choose a different --out path, e.g. model.json',
    );
  }
}
