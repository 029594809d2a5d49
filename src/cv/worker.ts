/** A cv worker thread: the spec and the table once, then task numbers (see pool.ts). */
import { serveJobs } from '../util/pool.js';
import type { CvWorkerData } from './pool.js';
import { TaskRunner } from './task.js';

serveJobs<number, Awaited<ReturnType<TaskRunner['run']>>, never>((data) => {
  const { spec, table } = data as CvWorkerData;
  const runner = new TaskRunner(spec, table);
  return (task) => runner.run(task);
});
