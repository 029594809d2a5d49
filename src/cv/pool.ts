/**
 * cv's fits over the worker pool (src/util/pool.ts): one task per job, the
 * same TaskRunner in this thread or in each worker.
 */
import type { Table } from '../data/index.js';
import { runPool } from '../util/pool.js';
import type { CvSpec } from './spec.js';
import { type ResultLine, TaskRunner } from './task.js';

export interface PoolHooks {
  onLine: (line: ResultLine) => Promise<void> | void;
  shouldStop?: () => boolean;
}

/** What a cv worker is built from (worker.ts). */
export interface CvWorkerData {
  spec: CvSpec;
  table: Table;
}

export async function runTasks(spec: CvSpec, table: Table, tasks: number[], workers: number, hooks: PoolHooks): Promise<void> {
  const runner = new TaskRunner(spec, table);
  // Only what the runner reads crosses to the workers (raw text cells stay behind).
  const workerData: CvWorkerData = { spec, table: { ...table, raw: undefined } };
  await runPool<number, ResultLine, never>({
    jobs: tasks,
    size: workers,
    local: (task) => runner.run(task),
    worker: new URL('./worker.js', import.meta.url),
    workerData,
    onResult: (_, line) => hooks.onLine(line),
    shouldStop: hooks.shouldStop,
  });
}
