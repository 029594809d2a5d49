/** A pool worker for train's restarts and bootstrap refits (fit-job.ts): the context once, then jobs. */
import { serveJobs } from '../util/pool.js';
import { type FitContext, type FitJob, type FitJobResult, type FitMessage, runFitJob } from './fit-job.js';

serveJobs<FitJob, FitJobResult, FitMessage>((data) => {
  const ctx = data as FitContext;
  return (job, hooks) => runFitJob(ctx, job, hooks);
});
