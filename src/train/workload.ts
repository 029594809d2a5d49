/**
 * Settings that only the row count shows to be wasteful or risky. Both trainers
 * (in memory and streaming) call these once the training rows are counted and
 * before the start search, which is where a bad choice costs minutes.
 */
import type { BasisFamily } from '../basis/index.js';
import { UsageError } from '../errors.js';
import { MAX_REPLICATES } from '../uncertainty/types.js';
import { CHUNK_ROWS, chunkCount } from './chunked.js';
import { defaultThreads } from './parallel.js';

/** The rows one gradient covers, or why it runs on one thread whatever the count. */
export type GradientWork = { rows: number } | { serial: string };

/**
 * Threads for each gradient: at most the cores, and at most the chunks of rows one
 * gradient has, since each thread takes whole chunks (chunked.ts) and a thread without
 * one only waits (`--threads 1000` on 4 rows started 1000 workers). The model does not
 * depend on the count, so the cap is silent unless the count was asked for.
 */
export function gradientThreads(asked: number | 'auto' | undefined, threads: number, work: GradientWork, warn: (m: string) => void, pooled = false): number {
  const cores = defaultThreads();
  const chunks = 'rows' in work ? chunkCount(work.rows) : 1;
  const cap = Math.max(1, Math.min(cores, chunks));
  if (threads <= cap) return threads;
  if (typeof asked === 'number') {
    const reasons = [
      ...(threads > cores ? [`the ${cores} ${cores === 1 ? 'core' : 'cores'} here`] : []),
      // Pooled fits take the threads as fits at once, which a gradient's chunk count does not limit.
      ...(chunks < threads && !pooled ? ['rows' in work ? `the ${chunks} ${chunks === 1 ? 'chunk' : 'chunks'} of ${CHUNK_ROWS} rows in each gradient (${work.rows} rows)` : work.serial] : []),
    ];
    if (reasons.length > 0) warn(`--threads ${asked} is more than ${reasons.join(' and ')}; using ${pooled ? Math.min(threads, cores) : cap}`);
  }
  return cap;
}

/** Above this many units the start search alone (an eigendecomposition, about J³) takes minutes on one core. */
export const MANY_UNITS = 500;

/**
 * Units one model may have. The start search solves a J×J system (800 MB of numbers at
 * 10,000, and an eigendecomposition of hours); 10^8 units ran out of memory after minutes
 * without a word. `source`: where the count came from, for the message.
 */
export const MAX_UNITS = 10_000;

export function assertUnitCount(units: number, init?: string): void {
  if (units > MAX_UNITS) {
    throw new UsageError(
      `${init === undefined ? `--units ${units}` : `--init ${init} has ${units} units`}: basisfit fits at most ${MAX_UNITS} units (the start search needs J×J numbers and about J³ steps)`,
      init === undefined ? 'use fewer units, e.g. --units 80' : 'start from a model with fewer units, or train without --init',
    );
  }
}

/**
 * Every bootstrap refit is stored in the model file, and a model file of more than
 * MAX_REPLICATES is refused on load: `--bootstrap 100000000` ran for days towards a model
 * nothing could read. Refused before the data are read.
 */
export function assertBootstrapCount(bootstrap: number): void {
  if (bootstrap > MAX_REPLICATES) {
    throw new UsageError(`--bootstrap ${bootstrap}: basisfit runs at most ${MAX_REPLICATES} refits (each is stored in the model file)`, 'use fewer refits, e.g. --bootstrap 200');
  }
}

/**
 * More starts than any search needs. Each start is a job of the pool and a loss in the
 * result: `--restarts 1000000000` ran out of memory building the job list.
 */
export const MAX_RESTARTS = 10_000;

export function assertRestartCount(restarts: number): void {
  if (restarts > MAX_RESTARTS) {
    throw new UsageError(`--restarts ${restarts}: basisfit runs at most ${MAX_RESTARTS} starts`, 'use fewer starts, e.g. --restarts 10');
  }
}

/**
 * Warns about a unit count that will run for minutes, or that has more parameters than
 * there are training rows to determine them. Only for counts the user chose (--units or
 * --init): the default is the default for every data set, and the ridge keeps it in check.
 */
export function unitWarnings(units: number, chosen: boolean, family: BasisFamily, d: number, trainRows: number, warn: (m: string) => void): void {
  if (!chosen) return;
  if (units > MANY_UNITS) {
    warn(`--units ${units} is a lot: the start search costs about N×J² + J³ (N = ${trainRows} training rows, J = ${units}) and may run for minutes; fewer units (e.g. 80) usually fit as well`);
    return;
  }
  const params = units * (family.thetaWidth(d) + 1) + 1;
  if (params > trainRows) {
    const most = Math.max(1, Math.floor((trainRows - 1) / (family.thetaWidth(d) + 1)));
    warn(`--units ${units} gives ${params} parameters for ${trainRows} training rows: more than the rows can determine, so only the ridge keeps the fit from following their noise; --units ${most} or fewer keeps the parameters under the rows`);
  }
}
