/**
 * The results folder: cv.json (the run's spec) and one file per finished fit,
 * fit-<task>.jsonl holding its one JSON line. Each is written atomically (a
 * temporary file renamed into place), so a killed shard leaves whole lines or
 * nothing, any number of shards can share the folder, and a rerun skips what is there.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../model/write.js';
import { type CvSpec, sameRun } from './spec.js';
import type { ResultLine } from './task.js';

const SPEC_FILE = 'cv.json';
const LINE_FILE = /^fit-(\d+)\.jsonl$/;

export const lineFile = (task: number) => `fit-${String(task).padStart(6, '0')}.jsonl`;

/** Creates the folder and writes cv.json, or checks that the cv.json there is this run's. */
export async function openResults(dir: string, spec: CvSpec): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot create --results folder ${dir}: ${e.code ?? e.message}`, 'give a folder you can write to');
  });
  const existing = await readSpec(dir, false);
  if (existing === null) await writeFileAtomic(join(dir, SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  else if (!sameRun(existing, spec)) {
    throw new UsageError(`--results ${dir} holds the results of another run (other data, folds, seed or options)`, 'use a new --results folder for this run, or the same options as the run that made it');
  }
}

export async function readSpec(dir: string, required = true): Promise<CvSpec | null> {
  let text: string;
  try {
    text = await readFile(join(dir, SPEC_FILE), 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataError(`no cross-validation results in ${dir}: cannot read ${SPEC_FILE} (${(e as NodeJS.ErrnoException).code ?? e})`, { file: dir }, 'give the folder a basisfit cv --results run wrote');
  }
  try {
    const spec = JSON.parse(text) as CvSpec;
    if (spec.format !== 'basisfit-cv' || spec.version !== 1) throw new Error('unknown format or version');
    return spec;
  } catch (e) {
    throw new DataError(`${SPEC_FILE} is not a basisfit cv spec: ${(e as Error).message}`, { file: join(dir, SPEC_FILE) }, 'use a new --results folder');
  }
}

export async function writeLine(dir: string, line: ResultLine): Promise<void> {
  await writeFileAtomic(join(dir, lineFile(line.task)), `${JSON.stringify(line)}\n`);
}

/** Every finished fit in the folder, by task number. */
export async function readLines(dir: string, spec: CvSpec): Promise<Map<number, ResultLine>> {
  const lines = new Map<number, ResultLine>();
  for (const name of (await readdir(dir)).sort()) {
    const m = LINE_FILE.exec(name);
    if (!m) continue;
    const text = await readFile(join(dir, name), 'utf8');
    let line: ResultLine;
    try {
      line = JSON.parse(text) as ResultLine;
    } catch {
      throw new DataError(`${name} is not a JSON result line`, { file: join(dir, name) }, 'delete the file and rerun the shard that wrote it');
    }
    if (line.run !== spec.data.hash || line.task !== Number(m[1]) || line.task >= spec.tasks) {
      throw new DataError(`${name} belongs to another run`, { file: join(dir, name) }, 'delete the file and rerun the shard that wrote it');
    }
    lines.set(line.task, line);
  }
  return lines;
}
