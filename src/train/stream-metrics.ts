/**
 * The regression metrics of train --json (docs/contract.md section 3) from predictions that
 * arrive a chunk at a time. Same definitions and the same compensated sums as
 * metrics(); only R²'s total sum of squares is taken around a centre fixed in
 * advance instead of the rows' own mean, with the Chan–Golub–LeVeque
 * correction that makes the two agree to rounding.
 */
import { DataError } from '../errors.js';
import { type Metrics, NeumaierSum } from '../model/metrics.js';

export class MetricsAccumulator {
  private n = 0;
  private readonly squares = new NeumaierSum();
  private readonly absolute = new NeumaierSum();
  private readonly deviation = new NeumaierSum();
  private readonly deviationSquares = new NeumaierSum();
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** `centre`: a value near the targets' mean, e.g. the training rows' mean. */
  constructor(private readonly centre: number) {}

  add(prediction: number, y: number): void {
    this.n++;
    const e = prediction - y;
    this.squares.add(e * e);
    this.absolute.add(Math.abs(e));
    const dev = y - this.centre;
    this.deviation.add(dev);
    this.deviationSquares.add(dev * dev);
    if (y < this.min) this.min = y;
    if (y > this.max) this.max = y;
  }

  result(): Metrics {
    const { n } = this;
    if (n === 0) throw new DataError('cannot compute metrics on zero rows', undefined, 'give the split at least one row');
    const ssRes = this.squares.value();
    const mse = ssRes / n;
    return { n, mse, rmse: Math.sqrt(mse), mae: this.absolute.value() / n, r2: this.r2(ssRes) };
  }

  /** null for a constant target, as metrics() has it. */
  private r2(ssRes: number): number | null {
    if (this.min === this.max) return null;
    const c = this.deviation.value();
    const ssTot = this.deviationSquares.value() - (c * c) / this.n;
    return ssTot > 0 ? 1 - ssRes / ssTot : null;
  }
}
