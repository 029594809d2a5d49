/**
 * Runs tasks over worker_threads, one fit per worker at a time. Lines come back
 * in whatever order the fits finish; callers key them by task number, so the
 * output does not depend on the number of workers.
 */
import { Worker } from 'node:worker_threads';
import { BasisfitError } from '../errors.js';
import type { Table } from '../data/index.js';
import type { CvSpec } from './spec.js';
import { type ResultLine, TaskRunner } from './task.js';

export interface PoolHooks {
  onLine: (line: ResultLine) => Promise<void> | void;
  shouldStop?: () => boolean;
}

export async function runTasks(spec: CvSpec, table: Table, tasks: number[], workers: number, hooks: PoolHooks): Promise<void> {
  if (tasks.length === 0) return;
  if (workers <= 1) {
    const runner = new TaskRunner(spec, table);
    for (const t of tasks) {
      if (hooks.shouldStop?.()) return;
      await hooks.onLine(await runner.run(t));
    }
    return;
  }
  // Only what the runner reads crosses to the workers (raw text cells stay behind).
  const shared: Table = { ...table, raw: undefined };
  const pool = Array.from({ length: Math.min(workers, tasks.length) }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: { spec, table: shared } }));
  let next = 0;
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
        if (next >= tasks.length || hooks.shouldStop?.()) {
          if (running === 0) resolve();
          return;
        }
        running++;
        w.postMessage(tasks[next++]);
      };
      for (const w of pool) {
        w.on('message', async (m: { line?: ResultLine; error?: { kind: string; message: string; hint?: string; exitCode?: number; location?: BasisfitError['location'] } }) => {
          running--;
          if (m.error) return fail(m.error.exitCode === undefined ? new Error(m.error.message) : rebuild(m.error));
          try {
            await hooks.onLine(m.line!);
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
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** A worker's error as the error class main.ts maps to an exit code and a hint. */
function rebuild(e: { kind: string; message: string; hint?: string; exitCode?: number; location?: BasisfitError['location'] }): BasisfitError {
  const err = new BasisfitError(e.message, { exitCode: e.exitCode, hint: e.hint, location: e.location });
  err.name = e.kind;
  return err;
}
