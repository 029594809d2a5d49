/**
 * The one worker pool: cv's fits, train's restarts and its bootstrap refits all
 * run through runPool. A job is plain data; the same handler runs it in this
 * thread (size 1) or in a worker thread, so where a job ran never shows in its
 * result. Results arrive in the order jobs finish; callers key them by index,
 * which keeps their output independent of the pool size.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { BasisfitError } from '../errors.js';

export interface JobHooks<M> {
  /** Sends a message about the running job (progress) to the pool's onMessage. */
  post(message: M): void;
  /** True once the pool's shouldStop has said so: the job should finish its current step and return. */
  stopped(): boolean;
}

export type JobHandler<J, R, M> = (job: J, hooks: JobHooks<M>) => Promise<R>;

export interface PoolRun<J, R, M> {
  jobs: readonly J[];
  /** Jobs at once; 1 runs them one after another in this thread with `local`. */
  size: number;
  local: JobHandler<J, R, M>;
  /** A module that calls serveJobs with the handler `local` is, built from `workerData`. */
  worker: URL;
  workerData: unknown;
  onResult(index: number, result: R): Promise<void> | void;
  onMessage?(index: number, message: M): void;
  /** Polled between jobs and while they run; true lets running jobs finish early and starts no more. */
  shouldStop?(): boolean;
  /**
   * For jobs of about equal cost: job 0 runs here first, timed, and the rest go to the
   * workers only when they would take this many seconds one after another. Starting a
   * worker (loading the modules, warming the JIT) costs a few hundred milliseconds, more
   * than many small refits take together.
   */
  serialBelow?: number;
}

type Reply<R, M> = { index: number; result: R } | { index: number; message: M } | { index: number; error: WireError };

interface WireError {
  kind: string;
  message: string;
  hint?: string;
  exitCode?: number;
  location?: BasisfitError['location'];
  basisfit: boolean;
}

/** How often a running pool looks at shouldStop to pass it on to the workers. */
const STOP_POLL_MS = 25;

export async function runPool<J, R, M>(run: PoolRun<J, R, M>): Promise<void> {
  const { jobs } = run;
  if (jobs.length === 0) return;
  const stop = () => run.shouldStop?.() === true;
  const here = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      if (stop()) return;
      const result = await run.local(jobs[i], { post: (m) => run.onMessage?.(i, m), stopped: stop });
      await run.onResult(i, result);
    }
  };
  if (run.size <= 1 || jobs.length === 1) return here(0, jobs.length);
  let first = 0;
  if (run.serialBelow !== undefined) {
    const t0 = performance.now();
    await here(0, 1);
    first = 1;
    const rest = ((performance.now() - t0) / 1000) * (jobs.length - 1);
    if (stop()) return;
    if (rest < run.serialBelow || jobs.length === 2) return here(1, jobs.length);
  }
  return inWorkers(run, first, stop);
}

async function inWorkers<J, R, M>(run: PoolRun<J, R, M>, first: number, stop: () => boolean): Promise<void> {
  const { jobs } = run;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const data = { data: run.workerData, stop: flag };
  const pool = Array.from({ length: Math.min(run.size, jobs.length - first) }, () => new Worker(run.worker, { workerData: data }));
  const poll = setInterval(() => {
    if (stop()) Atomics.store(flag, 0, 1);
  }, STOP_POLL_MS);
  let next = first;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (e: unknown) => {
        failed = true;
        reject(e);
      };
      const feed = (w: Worker) => {
        if (failed) return;
        if (next >= jobs.length || stop()) {
          if (running === 0) resolve();
          return;
        }
        running++;
        const index = next++;
        w.postMessage({ index, job: jobs[index] });
      };
      for (const w of pool) {
        w.on('message', async (m: Reply<R, M>) => {
          if ('message' in m) return run.onMessage?.(m.index, m.message);
          running--;
          if ('error' in m) return fail(rebuild(m.error));
          try {
            await run.onResult(m.index, m.result);
          } catch (e) {
            return fail(e);
          }
          feed(w);
        });
        w.on('error', fail);
        feed(w);
      }
    });
  } finally {
    clearInterval(poll);
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** The worker side: builds the handler from the pool's workerData and answers each job. */
export function serveJobs<J, R, M>(make: (data: unknown) => JobHandler<J, R, M>): void {
  const { data, stop } = workerData as { data: unknown; stop: Int32Array };
  const handler = make(data);
  const port = parentPort!;
  port.on('message', async ({ index, job }: { index: number; job: J }) => {
    try {
      const result = await handler(job, { post: (message) => port.postMessage({ index, message }), stopped: () => Atomics.load(stop, 0) === 1 });
      port.postMessage({ index, result });
    } catch (e) {
      port.postMessage({ index, error: toWire(e) });
    }
  });
}

function toWire(e: unknown): WireError {
  if (e instanceof BasisfitError) return { kind: e.name, message: e.message, hint: e.hint, exitCode: e.exitCode, location: e.location, basisfit: true };
  return { kind: 'Error', message: String((e as Error)?.message ?? e), basisfit: false };
}

/** A worker's error as the error class main.ts maps to an exit code and a hint. */
function rebuild(e: WireError): Error {
  if (!e.basisfit) return new Error(e.message);
  const err = new BasisfitError(e.message, { exitCode: e.exitCode, hint: e.hint, location: e.location });
  err.name = e.kind;
  return err;
}
