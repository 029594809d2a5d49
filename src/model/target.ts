/**
 * What an output path really is, decided before anything is written: the file at the
 * end of its symlinks (dangling ones included), and whether it is replaced atomically
 * or written as a stream. Renaming over a device, a FIFO or a folder would turn it into
 * a regular file (as root, `--out /dev/null` would replace the device), so only a
 * regular file, or nothing yet, is ever replaced.
 */
import { lstat, readlink, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fsReason } from './fs-errors.js';

/**
 * `file`: missing or a regular file, replaced atomically through a temp file beside it.
 * `stream`: a FIFO, a character device (/dev/null, a terminal) or a descriptor link
 * (/dev/stdout, /dev/fd/N) that is already open: written in place, not atomically.
 * `stdout`: the path `-`.
 */
export type TargetKind = 'file' | 'stream' | 'stdout';

export interface Target {
  kind: TargetKind;
  /** The path at the end of every symlink (absolute), or '-' for stdout. */
  path: string;
  /** Device and inode of what exists there now, for comparing outputs with inputs. */
  id: { dev: bigint; ino: bigint } | null;
  /** A character device (/dev/null, a terminal): any number of outputs may share it. */
  device?: boolean;
}

/** A path that cannot be written at all; the message is the reason in words, without the path. */
export class TargetError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Linux's own limit (SYMLOOP_MAX); a longer chain is a loop. */
const MAX_LINKS = 40;

/**
 * Follows symlinks one hop at a time, so a dangling link resolves to the file it would
 * create: `fit.svg -> pm.json` is pm.json even before pm.json exists. realpath() gives
 * up on such links, and a rename onto the link would then replace the link itself.
 */
export async function followLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const s = await lstat(current).catch(() => null);
    if (s === null || !s.isSymbolicLink()) return current;
    const to = await readlink(current);
    // /dev/fd/N and /proc/self/fd/N are "magic" links to open descriptors ("pipe:[123]").
    if (!isAbsolute(to) && /^[a-z]+:\[/.test(to)) return current;
    current = resolve(dirname(current), to);
  }
  throw new TargetError('too many levels of symbolic links', 'check the links for a loop');
}

/** Decides how `path` is written; throws a TargetError for a folder, a socket or a block device. */
export async function classifyTarget(path: string): Promise<Target> {
  if (path === '-') return { kind: 'stdout', path: '-', id: null };
  const end = await followLinks(path);
  const s = await stat(end, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    // A path under a file (ENOTDIR) or too long a name can never be written: say so before any work.
    throw new TargetError(fsReason(e), 'give the path of a file in an existing folder');
  });
  if (s === null) return { kind: 'file', path: end, id: null };
  const id = { dev: s.dev, ino: s.ino };
  if (s.isFile()) return { kind: 'file', path: end, id };
  if (s.isDirectory()) throw new TargetError('it is a folder', `give a file path inside it, e.g. ${path.replace(/\/+$/, '')}/NAME`);
  if (s.isFIFO() || s.isCharacterDevice()) return { kind: 'stream', path: end, id, device: s.isCharacterDevice() };
  throw new TargetError(`it is ${s.isSocket() ? 'a socket' : 'a block device'}, not a file`, 'give the path of a regular file');
}
