/** Reading a model file: every field validated before anything uses it (docs/contract.md section 4). */
import { readFile } from 'node:fs/promises';
import { ModelError } from '../errors.js';
import { fsReason } from './fs-errors.js';
import type { ModelFile } from './types.js';
import { type Problem, validateModel } from './validate.js';

const RETRAIN = 're-train with basisfit train --out FILE, or point --model at a file basisfit wrote';

/** `file` names the source in error messages. */
export function parseModel(text: string, file: string): ModelFile {
  // A UTF-8 byte-order mark, as some editors add, is not part of the JSON.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new ModelError('the model file is empty', file, RETRAIN);
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ModelError(`the model file is not valid JSON (${detail})`, file, RETRAIN);
  }
  return validateModel(doc, (p: Problem): never => {
    throw new ModelError(p.message, file, p.hint ?? RETRAIN);
  });
}

export async function loadModel(path: string): Promise<ModelFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR'
        ? 'check the --model path, or create a model with basisfit train FILE --out PATH'
        : 'check the file permissions of the --model path';
    throw new ModelError(`cannot read the model file: ${fsReason(err)}`, path, hint);
  }
  return parseModel(text, path);
}
