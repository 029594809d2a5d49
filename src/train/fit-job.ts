/**
 * One fit as plain data: a seeded start (one of --restarts) or a bootstrap refit
 * (--bootstrap). Plain data, so that the worker pool (src/util/pool.ts) runs it in
 * this thread or in a worker thread with the same result: a job names its Rng by
 * the fork path from the seed, and the context carries the rows and settings.
 */
import { basisFamily } from '../basis/index.js';
import { InterruptedError } from '../errors.js';
import { type JobHandler, type JobHooks, runPool } from '../util/pool.js';
import { Rng } from '../util/rng.js';
import { fit } from './fit.js';
import { drawRows, resample } from './resample.js';
import type { Dataset, EpochReport, FitOptions, FitOutcome } from './types.js';

/** A fit's settings without what cannot cross to a worker (the family is rebuilt from its name). */
export type FitSettings = Omit<FitOptions, 'family' | 'onEpoch' | 'onWarning' | 'shouldStop' | 'onSearch'>;

export interface FitContext {
  basis: string;
  seed: number;
  /** The fit rows (also what bootstrap refits resample) and the validation rows, scaled as the model acts on them. */
  train: Dataset;
  validation: Dataset | null;
  settings: FitSettings;
}

export type FitJob =
  /** jitter: a restart after the first (FitOptions.jitter). */
  | { kind: 'start'; forks: number[]; jitter?: boolean }
  /** Refit on rows drawn with replacement from the fit rows by the job's Rng, from `from` with its λ fixed. */
  | { kind: 'refit'; forks: number[]; from: { theta: number[][]; w: number[]; b: number; ridge: number } };

/** What a running fit tells: an epoch's losses, or its start search's share done (0 to 1). */
export type FitMessage = { epoch: EpochReport } | { search: number };

export interface FitJobResult {
  /** null: interrupted in its start search, before it had parameters to keep. */
  outcome: FitOutcome | null;
  /** The fit's warnings, passed on by the caller in job order (so they do not depend on the pool size). */
  warnings: string[];
}

/** Runs fit jobs in this thread (`local`) or, with `pool`, over `pool.size` workers built from its context. */
export interface FitRunner {
  local: JobHandler<FitJob, FitJobResult, FitMessage>;
  /** Absent where the rows are not in memory (--stream): every job then runs here. */
  pool?: { context: FitContext; size: number };
}

/**
 * Runs one job. `warnNow`, where the job runs in the thread that shows warnings, passes
 * them on as they happen (jobs there run one after another, so in job order); otherwise
 * they come back with the result.
 */
export async function runFitJob(ctx: FitContext, job: FitJob, hooks: JobHooks<FitMessage>, warnNow?: (m: string) => void): Promise<FitJobResult> {
  const warnings: string[] = [];
  const rng = Rng.at(ctx.seed, job.forks);
  const control = { family: basisFamily(ctx.basis), shouldStop: hooks.stopped };
  try {
    if (job.kind === 'start') {
      const opts = {
        ...ctx.settings,
        ...control,
        ...(job.jitter ? { jitter: true } : {}),
        onEpoch: (e: EpochReport) => hooks.post({ epoch: e }),
        onSearch: (done: number) => hooks.post({ search: done }),
        onWarning: warnNow ?? ((m: string) => warnings.push(m)),
      };
      return { outcome: await fit(ctx.train, ctx.validation, opts, rng), warnings };
    }
    const rows = resample(ctx.train, drawRows(ctx.train.n, rng));
    const { from } = job;
    // A refit's warnings repeat the fit's B times over; the refits' count of divergences is what is reported.
    const opts = { ...ctx.settings, ...control, initialTheta: from.theta, initialLinear: { w: from.w, b: from.b }, ridge: from.ridge };
    return { outcome: await fit(rows, ctx.validation, opts, rng), warnings };
  } catch (err) {
    // The caller decides what an interrupted search means (the end of the starts, or of the run).
    if (err instanceof InterruptedError) return { outcome: null, warnings };
    throw err;
  }
}

export interface FitsHooks {
  onMessage?: (index: number, m: FitMessage) => void;
  onResult?: (index: number, r: FitJobResult) => void;
  shouldStop?: () => boolean;
}

/**
 * Seconds of remaining fits, one after another, below which they stay in this thread (see
 * PoolRun.serialBelow); BASISFIT_POOL_SERIAL_BELOW sets it (0: always the pool, as the tests
 * that compare the pool with one thread need).
 */
const SERIAL_BELOW = serialBelow(process.env.BASISFIT_POOL_SERIAL_BELOW);

function serialBelow(v: string | undefined): number {
  const s = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? s : 2;
}

/** Runs `jobs`; the result of job i at index i, undefined for jobs an interruption left unstarted. */
export async function runFits(runner: FitRunner, jobs: FitJob[], hooks: FitsHooks): Promise<(FitJobResult | undefined)[]> {
  const results: (FitJobResult | undefined)[] = new Array(jobs.length).fill(undefined);
  await runPool<FitJob, FitJobResult, FitMessage>({
    jobs,
    size: runner.pool?.size ?? 1,
    local: runner.local,
    worker: new URL('./fit-worker.js', import.meta.url),
    workerData: runner.pool?.context,
    onResult: (i, r) => {
      results[i] = r;
      hooks.onResult?.(i, r);
    },
    onMessage: hooks.onMessage,
    shouldStop: hooks.shouldStop,
    serialBelow: SERIAL_BELOW,
  });
  return results;
}
