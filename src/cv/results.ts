/**
 * The results folder: cv.json (the run's spec) and one file per finished fit,
 * fit-<task>.jsonl holding its one JSON line. Each is written atomically (a
 * temporary file renamed into place), so a killed shard leaves whole lines or
 * nothing, any number of shards can share the folder, and a rerun skips what is there.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, UsageError } from '../errors.js';
import { fsReason } from '../model/fs-errors.js';
import { writeFileAtomic } from '../model/write.js';
import { GRID_OPTIONS } from './grid.js';
import { type CvSpec, sameRun } from './spec.js';
import { type ResultLine, taskCell } from './task.js';

/** Largest cv.json and result line read: far above what cv writes, far below what would hurt. */
const SPEC_BYTES = 16 * 1024 * 1024;
const LINE_BYTES = 1024 * 1024;
/** Fits a grid may hold (cells × folds); also bounds what a cv.json can make collect enumerate. */
export const MAX_TASKS = 1_000_000;

const SPEC_FILE = 'cv.json';
const LINE_FILE = /^fit-(\d+)\.jsonl$/;

/** The files cv itself keeps in a results folder (cv.json and the result lines). */
export const isResultsFile = (name: string) => name === SPEC_FILE || LINE_FILE.test(name);

export const lineFile = (task: number) => `fit-${String(task).padStart(6, '0')}.jsonl`;

/** Creates the folder and writes cv.json, or checks that the cv.json there is this run's. */
export async function openResults(dir: string, spec: CvSpec): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot create --results folder ${dir}: ${fsReason(e)}`, 'give a folder you can write to');
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
    text = await readBounded(join(dir, SPEC_FILE), SPEC_BYTES);
  } catch (e) {
    if (e instanceof DataError) throw e;
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataError(`no cross-validation results in ${dir}: cannot read ${SPEC_FILE} (${fsReason(e)})`, { file: dir }, 'give the folder a basisfit cv --results run wrote');
  }
  try {
    const spec = JSON.parse(text) as CvSpec;
    checkSpec(spec);
    return spec;
  } catch (e) {
    throw new DataError(`${SPEC_FILE} is not a basisfit cv spec: ${(e as Error).message}`, { file: join(dir, SPEC_FILE) }, 'use a new --results folder');
  }
}

/**
 * A results folder may come from elsewhere: cv.json is checked for the shape cv writes
 * before anything is enumerated from it (a `tasks` of 10^12, or axes whose product is,
 * would otherwise hang collect).
 */
function checkSpec(spec: CvSpec): void {
  const isCount = (v: unknown, least: number) => Number.isSafeInteger(v) && (v as number) >= least;
  if (spec === null || typeof spec !== 'object' || spec.format !== 'basisfit-cv' || spec.version !== 2) throw new Error('unknown format or version');
  const f = spec.fixed;
  if (f === null || typeof f !== 'object' || typeof f.standardize !== 'boolean' || typeof f.intercept !== 'boolean' || (f.relevance !== null && typeof f.relevance !== 'boolean') || !(typeof f.tol === 'number' && f.tol > 0 && Number.isFinite(f.tol))) {
    throw new Error('fixed options missing or malformed');
  }
  if (typeof spec.file !== 'string' || typeof spec.data?.hash !== 'string' || !isCount(spec.folds, 2)) throw new Error('file, data.hash or folds missing or malformed');
  let cells = 1;
  for (const name of GRID_OPTIONS) {
    const values = spec.axes?.[name];
    if (!Array.isArray(values) || !values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) throw new Error(`axis ${name} is not a list of values`);
    cells *= Math.max(1, values.length);
  }
  if (cells * spec.folds > MAX_TASKS || spec.tasks !== cells * spec.folds) throw new Error(`tasks ${spec.tasks} is not the grid's ${cells} cells × ${spec.folds} folds (at most ${MAX_TASKS})`);
}

/**
 * A file of the results folder, read whole only when it is a regular file of at most
 * `limit` bytes: a FIFO would block the read for ever and /dev/zero never end it. The
 * open does not wait for a FIFO's writer (O_NONBLOCK); the check is on what was opened.
 */
async function readBounded(path: string, limit: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new DataError('is not a regular file', { file: path }, 'delete it: a cv results folder holds only the files cv writes');
    if (s.size > limit) throw new DataError(`is larger than ${limit} bytes, far more than cv writes`, { file: path }, 'delete it and rerun the shard that should have written it');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
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
    const text = await readBounded(join(dir, name), LINE_BYTES);
    let line: ResultLine;
    try {
      line = JSON.parse(text) as ResultLine;
    } catch {
      throw new DataError(`${name} is not a JSON result line`, { file: join(dir, name) }, 'delete the file and rerun the shard that wrote it');
    }
    if (!isResultLine(line)) {
      throw new DataError(`${name} is not a result line cv writes (a field is missing or of the wrong type)`, { file: join(dir, name) }, 'delete the file and rerun the shard that wrote it');
    }
    const { cell, fold } = taskCell(spec, line.task);
    if (line.run !== spec.data.hash || line.task !== Number(m[1]) || line.task >= spec.tasks || line.cell !== cell || line.fold !== fold) {
      throw new DataError(`${name} belongs to another run`, { file: join(dir, name) }, 'delete the file and rerun the shard that wrote it');
    }
    lines.set(line.task, line);
  }
  return lines;
}

/** The fields the summary reads, with the types cv writes them with. */
function isResultLine(v: unknown): v is ResultLine {
  if (v === null || typeof v !== 'object') return false;
  const l = v as Record<string, unknown>;
  const numberOrNull = (k: string) => l[k] === null || typeof l[k] === 'number';
  const stringOrNull = (k: string) => l[k] === null || typeof l[k] === 'string';
  return (
    typeof l.run === 'string' &&
    ['task', 'cell', 'fold', 'n'].every((k) => Number.isSafeInteger(l[k]) && (l[k] as number) >= 0) &&
    ['rmse', 'mae', 'r2', 'epochs'].every(numberOrNull) &&
    ['stopped', 'error'].every(stringOrNull) &&
    l.options !== null &&
    typeof l.options === 'object'
  );
}
