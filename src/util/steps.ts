/**
 * Long synchronous computations (the start search, the covariance) written as
 * generators that yield between steps. Node runs signal handlers only when the
 * event loop turns, so a computation that never gives it back cannot be
 * interrupted: a Ctrl-C during a minute of Jacobian passes waited for all of them.
 * Yielding changes when the work runs, never its order, so results keep every bit.
 */

/** A computation cut into steps: yields between them (the share of the work done, where it knows), returns its result. */
export type Steps<T> = Generator<number | undefined, T, undefined>;

/** Runs the steps to the end without pausing (callers that have no event loop to serve). */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long the steps run before the event loop gets a turn. */
const SLICE_MS = 50;

/**
 * Runs the steps, giving the event loop a turn every SLICE_MS so signal handlers
 * and progress run; null as soon as `shouldStop` says so between two steps.
 * `onProgress` hears the latest share of the work done at each turn.
 */
export async function finishUnlessStopped<T>(steps: Steps<T>, shouldStop?: () => boolean, onProgress?: (done: number) => void): Promise<T | null> {
  let slice = Date.now();
  let done: number | undefined;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (next.value !== undefined) done = next.value;
    if (Date.now() - slice < SLICE_MS) continue;
    if (done !== undefined) onProgress?.(done);
    await new Promise((resolve) => setImmediate(resolve));
    slice = Date.now();
    if (shouldStop?.()) {
      steps.return(undefined as T);
      return null;
    }
  }
}

/**
 * The steps of a part of a larger computation, re-yielded as the share of the whole done:
 * the part's own shares (or, where it yields none, its step count over `expected`) map onto [from, from + span].
 */
export function* share<T>(steps: Steps<T>, from: number, span: number, expected = 1): Steps<T> {
  let taken = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    taken++;
    yield from + span * (next.value ?? Math.min(taken / expected, 1));
  }
}
