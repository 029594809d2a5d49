/** Reading a model file: every field validated before anything uses it (docs/contract.md section 4). */
import { createReadStream } from 'node:fs';
import { ModelError, UsageError } from '../errors.js';
import { fsReason } from './fs-errors.js';
import type { ModelFile } from './types.js';
import { type Problem, validateModel } from './validate.js';

const retrain = (option: string) => `point ${option} at a file basisfit wrote, or re-train with basisfit train --out FILE`;

/** `file` names the source in error messages; `option` the option that named it (--model, or train's --init). */
export function parseModel(text: string, file: string, option = '--model'): ModelFile {
  const RETRAIN = retrain(option);
  // A UTF-8 byte-order mark, as some editors add, is not part of the JSON.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new ModelError('the model file is empty', file, RETRAIN);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    // V8 quotes the text around the fault, line breaks and all: an error is one line (docs/contract.md section 5.2).
    const detail = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
    throw new ModelError(`the model file is not valid JSON (${detail})`, file, RETRAIN);
  }
  return validateModel(doc, (p: Problem): never => {
    throw new ModelError(p.message, file, p.hint ?? RETRAIN);
  });
}

/**
 * A model file is a few kilobytes to a few megabytes; a limit keeps `--model /dev/urandom`
 * or a mistyped multi-gigabyte path from being read whole into memory.
 */
export const DEFAULT_MAX_MODEL_BYTES = 64 * 1024 * 1024;
const LIMIT_ENV = 'BASISFIT_MAX_MODEL_BYTES';

function maxModelBytes(): number {
  const raw = process.env[LIMIT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_MODEL_BYTES;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${LIMIT_ENV} must be a positive whole number of bytes, got '${raw}'`, `e.g. ${LIMIT_ENV}=268435456 for 256 MiB`);
  }
  return n;
}

/** `path` '-' reads the model from standard input; `option` names it in hints (see parseModel). */
export async function loadModel(path: string, option = '--model'): Promise<ModelFile> {
  const limit = maxModelBytes();
  const name = path === '-' ? '<stdin>' : path;
  let text: string;
  try {
    text = await readLimited(path === '-' ? process.stdin : createReadStream(path), limit);
  } catch (err) {
    if (err instanceof TooLarge) {
      throw new ModelError(
        `the model file is larger than ${limit} bytes, which no model basisfit writes comes near`,
        name,
        `check the ${option} path; to read it anyway raise the limit, e.g. ${LIMIT_ENV}=${limit * 4}`,
      );
    }
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP'
        ? `check the ${option} path, or create a model with basisfit train FILE --out PATH`
        : `check the file permissions of the ${option} path`;
    throw new ModelError(`cannot read the model file: ${fsReason(err)}`, name, hint);
  }
  return parseModel(text, name, option);
}

class TooLarge extends Error {}

/** Reads a stream as UTF-8, stopping (and closing it) as soon as it passes `limit` bytes. */
async function readLimited(stream: NodeJS.ReadableStream, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > limit) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new TooLarge();
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
