/**
 * Regression metrics as reported by `train --json` and `eval --json` (docs/contract.md section 3),
 * in the target's own units: the caller passes unscaled predictions and targets.
 */
import { DataError } from '../errors.js';

export interface Metrics {
  n: number;
  mse: number;
  rmse: number;
  mae: number;
  /** null when the target is constant: R^2 = 1 - SSres/SStot has no meaning at SStot = 0. */
  r2: number | null;
}

/**
 * Non-finite predictions (a diverged model) are not an error here: they propagate into
 * the metrics, and deciding what to do about them is the caller's business.
 */
export function metrics(pred: Float64Array, y: Float64Array): Metrics {
  const n = y.length;
  if (pred.length !== n) {
    throw new DataError(`cannot compute metrics: ${pred.length} predictions for ${n} targets`);
  }
  if (n === 0) {
    throw new DataError('cannot compute metrics on zero rows', undefined, 'give the split at least one row');
  }

  const sqErr = new NeumaierSum();
  const absErr = new NeumaierSum();
  for (let i = 0; i < n; i++) {
    const e = pred[i] - y[i];
    sqErr.add(e * e);
    absErr.add(Math.abs(e));
  }
  const ssRes = sqErr.value();
  const mse = ssRes / n;
  return { n, mse, rmse: Math.sqrt(mse), mae: absErr.value() / n, r2: rSquared(ssRes, y) };
}

function rSquared(ssRes: number, y: Float64Array): number | null {
  // Tested exactly: for a constant column the computed mean can be off by an ulp, and the
  // resulting ~1e-30 SStot would turn R^2 into a huge meaningless negative number.
  const first = y[0];
  if (y.every((v) => v === first)) return null;
  const ssTot = totalSumOfSquares(y);
  // Differences so small that their squares underflow leave nothing to explain either.
  if (ssTot <= 0) return null;
  return 1 - ssRes / ssTot;
}

/**
 * Two-pass sum of squared deviations with the correction term of Chan, Golub & LeVeque
 * (1983): subtracting (sum of deviations)^2 / n removes the error left by rounding in the
 * mean. The one-pass sum(y^2) - n*mean^2 loses every digit when |mean| >> spread.
 */
function totalSumOfSquares(y: Float64Array): number {
  const n = y.length;
  const sum = new NeumaierSum();
  for (let i = 0; i < n; i++) sum.add(y[i]);
  const mean = sum.value() / n;
  const dev = new NeumaierSum();
  const sq = new NeumaierSum();
  for (let i = 0; i < n; i++) {
    const d = y[i] - mean;
    dev.add(d);
    sq.add(d * d);
  }
  const c = dev.value();
  return sq.value() - (c * c) / n;
}

/** Compensated (Kahan–Babuška–Neumaier) summation: error independent of n for our sizes. */
export class NeumaierSum {
  private sum = 0;
  private comp = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.comp += this.sum - t + x;
    else this.comp += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.comp;
  }
}
