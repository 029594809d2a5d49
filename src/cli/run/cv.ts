/**
 * `basisfit cv FILE` and `basisfit cv collect DIR` (docs/cv.md): load as train
 * does, run this shard's fits over the worker pool (skipping those already in
 * --results), and print the table or JSON document built from the lines alone.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { assertPositiveFeatures, loadTable, type MissingPolicy, type Table } from '../../data/index.js';
import { type Axes, GRID_OPTIONS, type GridOption, gridCells, type OptionValue, trainSettingsOf } from '../../cv/grid.js';
import { runTasks } from '../../cv/pool.js';
import { isResultsFile, MAX_TASKS, openResults, readLines, readSpec, writeLine } from '../../cv/results.js';
import { resolveShard, SHARD_ENV, shardTasks } from '../../cv/shard.js';
import { type CvSpec, fixedSettings, makeSpec, tableHash } from '../../cv/spec.js';
import { type Choice, type CvDocument, missingTasks, summarize } from '../../cv/summary.js';
import type { ResultLine } from '../../cv/task.js';
import { createCvProgress } from '../../report/cv-progress.js';
import { cvTable } from '../../report/cv-table.js';
import type { DataSettings } from '../../train/defaults.js';
import { defaultThreads } from '../../train/parallel.js';
import { trainTable } from '../../train/train.js';
import { channels, printJson } from '../io.js';
import { checkOutputs } from '../outputs.js';

interface ChoiceArgs {
  refit?: string;
  choose: string;
  json?: boolean;
  quiet?: boolean;
  color: boolean;
}

export interface CvArgs extends ChoiceArgs, Record<string, unknown> {
  file: string;
  folds: number;
  workers?: number;
  shard?: string;
  results?: string;
  seed: number;
  standardize: boolean;
  intercept: boolean;
  relevance?: boolean;
  tol: number;
  header: boolean;
  target?: string;
  features?: string[];
  delimiter?: string;
  missing: string;
}

export interface CollectArgs extends ChoiceArgs {
  dir: string;
}

export async function runCv(a: CvArgs): Promise<void> {
  const io = channels({ color: a.color });
  const shard = resolveShard(a.shard, process.env);
  if (shard !== null && a.results === undefined) {
    throw new UsageError(`a shard (${shard.index}/${shard.count}) needs --results DIR: its fits are only useful written there`, 'add --results DIR, then merge the shards with basisfit cv collect DIR');
  }
  if (shard !== null && a.refit !== undefined) throw new UsageError('--refit needs every fit, not one shard', 'run basisfit cv collect DIR --refit PATH after the shards');
  if (a.refit !== undefined) await checkRefit(a.refit, a.file, a.results, a.json);
  const loader: DataSettings = { target: a.target, features: a.features, header: a.header, delimiter: a.delimiter, missing: a.missing as MissingPolicy };
  const table = await loadTable(a.file, loader);
  const axes = Object.fromEntries(GRID_OPTIONS.map((n) => [n, listOf(a[camel(n)])])) as Axes;
  // The data rules of train, checked once before any fit rather than in every worker.
  if (axes.basis.includes('poly')) assertPositiveFeatures(table, 'poly');
  const tasks = GRID_OPTIONS.reduce((n, o) => n * Math.max(1, axes[o].length), a.folds);
  if (tasks > MAX_TASKS) throw new UsageError(`the grid has ${tasks} fits (cells × folds); cv runs at most ${MAX_TASKS}`, 'give fewer values per option, or fewer --folds');
  const spec = makeSpec(a.file, table, loader, a.folds, a.seed, { standardize: a.standardize, intercept: a.intercept, relevance: a.relevance ?? null, tol: a.tol }, axes);
  if (a.folds > table.n) throw new UsageError(`--folds ${a.folds} is more than the ${table.n} data rows`, `use --folds between 2 and ${table.n}`);
  if (a.folds < 2) throw new UsageError('--folds must be at least 2', 'e.g. --folds 5');

  const lines = new Map<number, ResultLine>();
  if (a.results !== undefined) {
    await openResults(a.results, spec);
    for (const [t, l] of await readLines(a.results, spec)) lines.set(t, l);
  }
  const mine = shardTasks(spec.tasks, shard);
  const todo = mine.filter((t) => !lines.has(t));
  // One fit per worker and each fit single-threaded: more workers than cores only wait (and each holds the data).
  const cores = defaultThreads();
  if (a.workers !== undefined && a.workers > cores) io.err(`${io.color.yellow('basisfit: warning:')} --workers ${a.workers} is more than the ${cores} cores here; using ${cores}`);
  const workers = Math.max(1, Math.min(a.workers ?? cores, cores, todo.length));
  const progress = createCvProgress({ mode: a.quiet || a.json ? 'none' : io.interactive ? 'bar' : 'lines', color: io.color, total: mine.length, skipped: mine.length - todo.length });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log(io.color.yellow('interrupted: stopping after the running fits (Ctrl-C again to abort)'));
  };
  process.on('SIGINT', onSigint);
  const t0 = performance.now();
  try {
    await runTasks(spec, table, todo, workers, {
      shouldStop: () => interrupted,
      onLine: async (line) => {
        lines.set(line.task, line);
        if (a.results !== undefined) await writeLine(a.results, line);
        progress.tick();
      },
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const seconds = (performance.now() - t0) / 1000;
  const ran = todo.filter((t) => lines.has(t)).length;
  if (!a.quiet) io.err(`cv: ${ran} fit${ran === 1 ? '' : 's'} in ${seconds.toFixed(1)}s on ${workers} worker${workers === 1 ? '' : 's'}${mine.length > todo.length ? `, ${mine.length - todo.length} already in ${a.results}` : ''}`);
  if (interrupted) {
    if (a.results !== undefined) io.err(`the finished fits are in ${a.results}; run the same command again to resume`);
    process.exitCode = 130;
    return;
  }
  if (shard !== null) {
    // One shard's document would be a fraction of the grid; the merged one comes from collect.
    const left = missingTasks(spec, lines).length;
    const done = { shard: `${shard.index}/${shard.count}`, tasks: mine.length, ran, skipped: mine.length - todo.length, results: a.results, left };
    if (a.json) printJson(done);
    else io.err(`shard ${done.shard} done: ${mine.length} task(s); ${left} fit(s) left in other shards; then merge with basisfit cv collect ${a.results}`);
    return;
  }
  await finish(spec, lines, a, io, table);
}

export async function runCollect(a: CollectArgs): Promise<void> {
  const io = channels({ color: a.color });
  const spec = (await readSpec(a.dir))!;
  const lines = await readLines(a.dir, spec);
  const missing = missingTasks(spec, lines);
  if (missing.length > 0) {
    throw new UsageError(
      `${a.dir} holds ${lines.size} of ${spec.tasks} fits: task${missing.length === 1 ? '' : 's'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} missing`,
      'run the missing shards again with the same options (finished fits are skipped)',
    );
  }
  let table: Table | null = null;
  if (a.refit !== undefined) {
    // A refit trains on the data, which collect finds where the run read it, and checks it is the same.
    await checkRefit(a.refit, spec.file, a.dir, a.json);
    table = await loadTable(spec.file, spec.loader);
    if (tableHash(table) !== spec.data.hash) {
      throw new UsageError(`${spec.file} is not the data the cross-validation ran on (its contents differ)`, 'run collect --refit where the same data file is at the same path');
    }
  }
  await finish(spec, lines, a, io, table);
}

async function finish(spec: CvSpec, lines: Map<number, ResultLine>, a: ChoiceArgs, io: ReturnType<typeof channels>, table: Table | null): Promise<void> {
  const doc: CvDocument & { refit?: unknown } = summarize(spec, lines, a.choose as Choice);
  if (a.refit !== undefined && table !== null) {
    if (doc.chosen === null) throw new UsageError('no cell finished every fold, so there is nothing to refit', 'look at the failed fits in the table; try another --lr or basis');
    const cell = gridCells(spec.axes)[doc.chosen];
    const { result } = await trainTable(table, { ...trainSettingsOf(cell), ...fixedSettings(spec), threads: 'auto', out: a.refit });
    doc.refit = { cell: doc.chosen, choose: doc.choose, model: a.refit, train: result.train, validation: result.validation };
    if (!a.json) io.err(`refit: cell ${doc.chosen} (${a.choose}) trained on all ${table.n} rows, model written to ${a.refit}`);
  }
  if (a.json) printJson(doc);
  else io.out(cvTable(doc, io.color));
}

/**
 * --refit is checked as train's --out is, before any fit: a missing folder or a path that is
 * the data found only after the whole grid is a lost run, and a name of the results folder's
 * own files (--refit R/cv.json) would replace the record of the run with a model.
 */
async function checkRefit(refit: string, data: string, results: string | undefined, json: boolean | undefined): Promise<void> {
  if (refit === '-') throw new UsageError('--refit - would write the model to standard output, which carries the cv table or document', 'give --refit a file path');
  if (results !== undefined && resolve(dirname(refit)) === resolve(results) && isResultsFile(basename(refit))) {
    throw new UsageError(`--refit ${refit} is a file of the --results folder ${results}; the model would replace it`, 'give --refit a path outside the results folder, or another name');
  }
  const spec = results === undefined ? [] : [{ what: 'cross-validation spec', path: join(results, 'cv.json') }];
  await checkOutputs([{ flag: '--refit', path: refit, what: 'model' }], [{ what: 'input data file', path: data }, ...spec], { json });
}

/** A grid option's value(s) from yargs: a list after coerce, a bare default, or nothing. */
function listOf(v: unknown): OptionValue[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as OptionValue[];
}

function camel(n: GridOption): string {
  return n.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export { SHARD_ENV };
