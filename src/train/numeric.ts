import { NumericError } from '../errors.js';

/**
 * Runs f; a NumericError (an overflow the engine caught) becomes `fallback`.
 * The trainer treats a non-finite loss as divergence and rolls back, so the
 * engine's own message, which names ops and shapes, never reaches a user.
 */
export function numericOr<T>(fallback: T, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NumericError) return fallback;
    throw e;
  }
}
