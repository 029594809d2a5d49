/**
 * Which slice of the grid × folds this process runs. Task t goes to shard
 * t mod N, a fixed assignment that needs no coordination: each shard knows
 * its tasks from i and N alone. Shards are numbered 0..N−1, like Kubernetes'
 * JOB_COMPLETION_INDEX.
 */
import { UsageError } from '../errors.js';

export interface Shard {
  index: number;
  count: number;
}

/** The environment variables read when --shard is not given (a Kubernetes Indexed Job sets the first; the manifest passes the second). */
export const SHARD_ENV = { index: 'JOB_COMPLETION_INDEX', count: 'JOB_COMPLETIONS' } as const;

export function parseShard(text: string, source = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) {
    throw new UsageError(`${source} must be i/N with 0 <= i < N, got '${text}'`, 'e.g. --shard 0/4 ... --shard 3/4 (shards are numbered from 0)');
  }
  return { index, count };
}

/** --shard, else the job environment, else null (the whole grid). */
export function resolveShard(option: string | undefined, env: NodeJS.ProcessEnv): Shard | null {
  if (option !== undefined) return parseShard(option);
  const index = env[SHARD_ENV.index];
  const count = env[SHARD_ENV.count];
  if (index === undefined && count === undefined) return null;
  if (index === undefined || count === undefined) {
    const missing = index === undefined ? SHARD_ENV.index : SHARD_ENV.count;
    throw new UsageError(`${missing} is not set, but ${missing === SHARD_ENV.index ? SHARD_ENV.count : SHARD_ENV.index} is`, `set both (the shard is ${SHARD_ENV.index}/${SHARD_ENV.count}), or pass --shard i/N`);
  }
  return parseShard(`${index}/${count}`, `${SHARD_ENV.index}/${SHARD_ENV.count}`);
}

export function shardTasks(tasks: number, shard: Shard | null): number[] {
  const out: number[] = [];
  for (let t = 0; t < tasks; t++) if (shard === null || t % shard.count === shard.index) out.push(t);
  return out;
}
