/**
 * Variable projection's linear solve (w, b exact for θ) on the gradient's
 * chunks of rows, each chunk's features recorded on a tape that stays open
 * (engine recordOpen). The gradient that follows at the same θ on the same
 * rows adds the loss to those tapes instead of running the features forward
 * a second time: the same operations in the same order as chunkLossAndGrad
 * after a plain solve, so the same bits, one forward pass fewer per step.
 *
 * The chunks' tapes live with a team (FeatureTeam): one thread holding every
 * chunk (localTeam), or the parallel evaluator's threads each holding theirs
 * (parallel.ts). The team hands back per-chunk partials (column sums, Gram
 * products, gradients); they are added here in chunk order, so the model is
 * the same for any number of threads.
 */
import type { BasisFamily } from '../basis/index.js';
import { type OpenRecording, recordOpen, Tensor, type ValueAndGrad } from '../engine/index.js';
import { NumericError } from '../errors.js';
import { predictFromFeatures } from '../model/predict.js';
import { chunkColumnSums, chunkProductSize, chunkProducts, GRAM_CHUNK_ROWS, type ProductLayout, productLayout, sumChunkPartials, sumChunkProducts } from '../solve/gram.js';
import { centre, keepIfFinite, ridgeFromProducts } from './linear.js';
import { numericOr } from './numeric.js';
import { halfSquaredError, modelTheta } from './objective.js';

/** Writes [loss, ...grads] into out, or a NaN loss and zeros where the chunk overflowed. */
export function writeChunkResult(result: ValueAndGrad | null, out: Float64Array): void {
  if (result === null) {
    // A NaN loss is what every thread reports for a chunk that overflowed: the loop rolls the step back.
    out.fill(0);
    out[0] = Number.NaN;
    return;
  }
  out[0] = result.value.item();
  let o = 1;
  for (const g of result.grads) {
    out.set(g.data, o);
    o += g.size;
  }
}

const chunkRange = (c: number, rows: number) => [c * GRAM_CHUNK_ROWS, Math.min(rows, (c + 1) * GRAM_CHUNK_ROWS)];

/** One thread's chunks' features on open tapes: what every member of a team runs on its share. */
export class ChunkFeatures {
  private readonly recs = new Map<number, OpenRecording>();
  private rows = 0;

  constructor(private readonly family: BasisFamily) {}

  /**
   * Records chunks thread, thread + threads, … of x (rows × d) at raw θ, each
   * chunk's column sums into sums(c) where asked. False, nothing held, where
   * a chunk's features overflowed.
   */
  record(x: Float64Array, rows: number, d: number, raw: readonly Tensor[], thread: number, threads: number, sums: ((c: number) => Float64Array) | null): boolean {
    this.release();
    this.rows = rows;
    const ok = numericOr(false, () => {
      for (let c = thread; c * GRAM_CHUNK_ROWS < rows; c += threads) {
        const [start, end] = chunkRange(c, rows);
        const xc = new Tensor(x.subarray(start * d, end * d), [end - start, d]);
        const rec = recordOpen((...r) => this.family.features(xc, modelTheta(this.family, r)), raw);
        this.recs.set(c, rec);
        if (sums !== null) chunkColumnSums(rec.output.data, end - start, rec.output.shape[1], sums(c));
      }
      return true;
    });
    if (!ok) this.release();
    return ok;
  }

  /** The products of [Φ y] (chunkProducts) of the held chunks among first … first + count − 1, chunk c's into out(c). */
  products(first: number, count: number, l: ProductLayout, y: Float64Array, out: (c: number) => Float64Array): void {
    for (const [c, rec] of this.recs) {
      if (c < first || c >= first + count) continue;
      const [start, end] = chunkRange(c, this.rows);
      chunkProducts(l, rec.output.data, y.subarray(start, end), end - start, out(c));
    }
  }

  /** Each held chunk's [loss, ...θ grads] of ½ Σ (f − y)² with w, b into out(c); the tapes are released. */
  finish(y: Float64Array, w: Tensor, b: Tensor, out: (c: number) => Float64Array): void {
    for (const [c, rec] of this.recs) {
      const [start, end] = chunkRange(c, this.rows);
      const yc = new Tensor(y.subarray(start, end), [end - start]);
      const head = (phi: Tensor) => halfSquaredError(predictFromFeatures(phi, w, b), yc, 1);
      writeChunkResult(
        numericOr(null, () => rec.finish(head)),
        out(c),
      );
    }
    this.release();
  }

  release(): void {
    for (const rec of this.recs.values()) rec.dispose();
    this.recs.clear();
  }
}

/** The chunks' features held by one or several threads; each method's partials are asked for in chunk order. */
export interface FeatureTeam {
  /** Features at params' θ for every chunk of x; per-chunk column sums where `sums`. Null, nothing held, where some chunk overflowed. */
  record(x: Tensor, params: readonly Tensor[], sums: boolean): ((c: number) => Float64Array) | null;
  /** Per-chunk products of [Φ y] for the held features. */
  products(l: ProductLayout, y: Float64Array): (c: number) => Float64Array;
  /** Per-chunk [loss, ...θ grads] (width entries) with params' w, b; the features are released. */
  finish(y: Float64Array, params: readonly Tensor[], width: number): (c: number) => Float64Array;
  release(): void;
}

/** Every chunk on this thread, partials computed as they are asked for. */
export function localTeam(family: BasisFamily): FeatureTeam {
  const own = new ChunkFeatures(family);
  return {
    record(x, params, sums) {
      const [rows, d] = x.shape;
      const parts: Float64Array[] = [];
      const into = (c: number) => {
        parts[c] = new Float64Array(params[0].size);
        return parts[c];
      };
      return own.record(x.data, rows, d, params.slice(2), 0, 1, sums ? into : null) ? (c) => parts[c] : null;
    },
    products(l, y) {
      const out = new Float64Array(chunkProductSize(l));
      return (c) => {
        own.products(c, 1, l, y, () => out);
        return out;
      };
    },
    finish(y, params, width) {
      const parts: Float64Array[] = [];
      own.finish(y, params[0], params[1], (c) => {
        parts[c] = new Float64Array(width);
        return parts[c];
      });
      return (c) => parts[c];
    },
    release: () => own.release(),
  };
}

interface Held {
  x: Float64Array;
  y: Float64Array;
  theta: Float64Array[];
}

export class OpenFeatures {
  private held: Held | null = null;

  constructor(private readonly team: FeatureTeam) {}

  /**
   * Sets params[0], params[1] (w, b) to the ridge solution for params' θ on
   * rows (x, y), unless it is not finite; `keep` holds the features for the
   * next take(). Throws NumericError where the features overflow.
   */
  solve(x: Tensor, y: Float64Array, params: readonly Tensor[], ridge: number, intercept: boolean, keep: boolean): void {
    this.release();
    const n = x.shape[0];
    const j = params[0].size;
    const chunks = Math.ceil(n / GRAM_CHUNK_ROWS);
    const sums = this.team.record(x, params, intercept);
    if (sums === null) throw new NumericError('features', 'not finite for this θ');
    try {
      const { mean, ymean } = centre(intercept ? sumChunkPartials(chunks, j, sums) : null, y, n, j);
      const l = productLayout(j, true, mean, ymean);
      keepIfFinite(ridgeFromProducts(sumChunkProducts(l, chunks, this.team.products(l, y)), n, j, mean, ymean, ridge), params[0], params[1]);
    } catch (e) {
      this.team.release();
      throw e;
    }
    if (keep) this.held = { x: x.data, y, theta: params.slice(2).map((t) => t.data.slice()) };
    else this.team.release();
  }

  /**
   * The per-chunk [loss, ...grads] of ½ Σ (f − y)² for θ alone (argnums 2, 3, …)
   * from the held features, or null when they are not for these rows and this θ
   * or argnums ask for more; what was held is released either way.
   */
  take(x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[], width: number): Float64Array[] | null {
    const h = this.held;
    this.held = null;
    if (h === null) return null;
    try {
      if (!this.matches(h, x, y, params, argnums)) return null;
      const part = this.team.finish(y.data, params, width);
      return Array.from({ length: Math.ceil(y.size / GRAM_CHUNK_ROWS) }, (_, c) => part(c));
    } finally {
      this.team.release();
    }
  }

  private matches(h: Held, x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[]): boolean {
    if (h.x !== x.data || h.y !== y.data || argnums.length !== h.theta.length) return false;
    for (let k = 0; k < h.theta.length; k++) {
      if (argnums[k] !== k + 2) return false;
      const now = params[k + 2].data;
      const then = h.theta[k];
      if (now.length !== then.length) return false;
      for (let i = 0; i < now.length; i++) if (now[i] !== then[i]) return false;
    }
    return true;
  }

  release(): void {
    if (this.held !== null) this.team.release();
    this.held = null;
  }
}
