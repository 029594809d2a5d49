/**
 * A cv worker thread: it receives the spec and the table once, then task
 * numbers one at a time, and answers each with its result line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BasisfitError } from '../errors.js';
import type { Table } from '../data/index.js';
import type { CvSpec } from './spec.js';
import { TaskRunner } from './task.js';

const { spec, table } = workerData as { spec: CvSpec; table: Table };
const runner = new TaskRunner(spec, table);

parentPort!.on('message', async (task: number) => {
  try {
    parentPort!.postMessage({ task, line: await runner.run(task) });
  } catch (e) {
    const err = e instanceof BasisfitError ? { kind: e.name, message: e.message, hint: e.hint, exitCode: e.exitCode, location: e.location } : { kind: 'Error', message: String((e as Error)?.message ?? e) };
    parentPort!.postMessage({ task, error: err });
  }
});
