/**
 * The first pass of streaming training: one read of the file that settles
 * everything the epochs need before they start, in memory independent of the
 * file's length: the row count, the validation split (a seeded hash of each
 * row's index, so no list of rows is kept), the scaling statistics of the
 * training rows, the poly positivity check, and seeded uniform samples of the
 * training rows (for the initialisation) and of the validation rows (for each
 * epoch's validation loss).
 */
import { type ColumnStats, columnStats, type LoadOptions, overflowAt, ScalingOverflow } from '../data/index.js';
import { nonPositiveInput } from '../data/checks.js';
import { heldOutCount, tooFewRowsToSplit } from '../data/split.js';
import { type RowChunk, readChunks } from '../data/stream.js';
import type { Scaling } from '../model/index.js';
import { murmur3Words } from '../util/hash.js';
import type { Rng } from '../util/rng.js';

/** Rows per read chunk for passes that only look at rows. */
export const READ_ROWS = 16_384;

const TWO_POW_32 = 0x1_0000_0000;
/** Keeps the split's hash apart from every other use of the seed. */
const SPLIT_SALT = 0x5b117;

/**
 * Row `index` (0-based among the file's kept rows) is held out for validation
 * with probability `fraction`, decided by a hash of the seed and the index
 * alone: every pass, and every later run with the same seed, agrees.
 */
export class HashSplit {
  private readonly key: number[];

  constructor(
    readonly fraction: number,
    seed: number,
  ) {
    this.key = [0, 0, seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
  }

  isValidation(index: number): boolean {
    if (this.fraction <= 0) return false;
    this.key[0] = index >>> 0;
    this.key[1] = Math.floor(index / TWO_POW_32) >>> 0;
    return murmur3Words(this.key, SPLIT_SALT) / TWO_POW_32 < this.fraction;
  }
}

/**
 * A seeded uniform sample of at most `capacity` rows (Vitter's algorithm R).
 * Until it is full it holds every row offered, in the order offered.
 */
export class Reservoir {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly lines: Uint32Array;
  size = 0;
  /** Rows offered so far. */
  seen = 0;

  constructor(
    readonly capacity: number,
    readonly d: number,
    private readonly rng: Rng,
  ) {
    this.x = new Float64Array(capacity * d);
    this.y = new Float64Array(capacity);
    this.lines = new Uint32Array(capacity);
  }

  /** Offers row r of a chunk. */
  offer(chunk: RowChunk, r: number): void {
    const slot = this.seen < this.capacity ? this.seen : Math.floor(this.rng.next() * (this.seen + 1));
    this.seen++;
    if (slot >= this.capacity) return;
    const { d } = this;
    this.x.set(chunk.x.subarray(r * d, r * d + d), slot * d);
    this.y[slot] = chunk.y![r];
    this.lines[slot] = chunk.lines[r];
    if (slot === this.size) this.size++;
  }

  /** Every row offered is in the sample. */
  get complete(): boolean {
    return this.size === this.seen;
  }

  rows(): { x: Float64Array; y: Float64Array; n: number; lines: Uint32Array } {
    return { x: this.x.subarray(0, this.size * this.d), y: this.y.subarray(0, this.size), n: this.size, lines: this.lines.subarray(0, this.size) };
  }
}

/**
 * Count, sum, extremes and Welford's running variance of one column. The mean
 * is the plain sum over the count, as columnStats computes it; the variance
 * comes from Welford's update, which needs no second pass and stays accurate
 * when the mean is large next to the spread. The lines of the extremes locate
 * an overflow, as loadTable-based training locates it.
 */
class Moments {
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private minLine = 0;
  private maxLine = 0;
  private mean = 0;
  private m2 = 0;

  add(v: number, line: number): void {
    this.count++;
    this.sum += v;
    if (v < this.min) {
      this.min = v;
      this.minLine = line;
    }
    if (v > this.max) {
      this.max = v;
      this.maxLine = line;
    }
    const delta = v - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (v - this.mean);
  }

  /** The value of largest magnitude, as columnStats picks it for ScalingOverflow. */
  largest(): number {
    return Math.abs(this.max) > Math.abs(this.min) ? this.max : this.min;
  }

  /** The first line holding `value`, when it is one of the extremes (the value an overflow names). */
  lineOf(value: number): number {
    return value === this.min ? this.minLine : this.maxLine;
  }

  /** As columnStats defines them (population std; a constant column has std 1). */
  stats(): ColumnStats {
    if (this.count === 0) return { mean: 0, std: 1, constant: true };
    if (this.min === this.max) return { mean: this.min, std: 1, constant: true };
    const std = Math.sqrt(this.m2 / this.count);
    const mean = this.sum / this.count;
    if (!Number.isFinite(mean) || !Number.isFinite(this.max - this.min) || !Number.isFinite(std)) throw new ScalingOverflow(0, this.largest());
    return { mean, std: std > 0 ? std : 1, constant: false };
  }
}

export interface SurveyOptions {
  load: Omit<LoadOptions, 'keepRaw' | 'stdin'>;
  split: HashSplit;
  /** Check that every input is > 0 and gather the statistics of log x (the poly basis). */
  positiveInputs: boolean;
  basis: string;
  /** Largest samples kept; each is also capped at `sampleBytes` of numbers. */
  sampleRows: number;
  validationRows: number;
  sampleBytes: number;
  /** Draws the reservoirs' replacements. */
  rng: Rng;
}

export interface Survey {
  file: string;
  features: string[];
  target: string;
  d: number;
  /** Kept rows of the file (training + validation). */
  rows: number;
  droppedRows: number;
  trainRows: number;
  validationRows: number;
  /** Statistics of the training rows: per feature, the target, and (poly) per log feature. */
  stats: { x: ColumnStats[]; y: ColumnStats; logX: ColumnStats[] | null };
  /**
   * True when the training sample holds every training row: the statistics are
   * then computed from it exactly as loadTable-based training computes them.
   */
  exactStats: boolean;
  sample: Reservoir;
  validation: Reservoir;
}

export async function survey(path: string, opts: SurveyOptions): Promise<Survey> {
  let sv: Omit<Survey, 'stats' | 'exactStats'> | null = null;
  let x: Moments[] = [];
  let logX: Moments[] = [];
  const y = new Moments();
  let minRow: { value: number; line: number }[] = [];
  for await (const chunk of readChunks(path, { ...opts.load, rowsPerChunk: READ_ROWS })) {
    const { d } = chunk;
    if (sv === null) {
      const rowBytes = 8 * (d + 1);
      const cap = (rows: number) => Math.max(1, Math.min(rows, Math.floor(opts.sampleBytes / rowBytes)));
      sv = {
        file: chunk.file,
        features: chunk.features,
        target: chunk.target!,
        d,
        rows: 0,
        droppedRows: 0,
        trainRows: 0,
        validationRows: 0,
        sample: new Reservoir(cap(opts.sampleRows), d, opts.rng.fork(1)),
        validation: new Reservoir(cap(opts.validationRows), d, opts.rng.fork(2)),
      };
      x = Array.from({ length: d }, () => new Moments());
      logX = opts.positiveInputs ? Array.from({ length: d }, () => new Moments()) : [];
      minRow = Array.from({ length: d }, () => ({ value: Number.POSITIVE_INFINITY, line: 0 }));
    }
    for (let r = 0; r < chunk.n; r++) {
      const base = r * d;
      if (opts.positiveInputs) {
        // The first row holding each column's minimum, as assertPositiveFeatures reports it.
        for (let k = 0; k < d; k++) {
          if (chunk.x[base + k] < minRow[k].value) minRow[k] = { value: chunk.x[base + k], line: chunk.lines[r] };
        }
      }
      if (opts.split.isValidation(chunk.first + r)) {
        sv.validationRows++;
        sv.validation.offer(chunk, r);
        continue;
      }
      sv.trainRows++;
      sv.sample.offer(chunk, r);
      for (let k = 0; k < d; k++) x[k].add(chunk.x[base + k], chunk.lines[r]);
      for (let k = 0; k < logX.length; k++) logX[k].add(Math.log(chunk.x[base + k]), chunk.lines[r]);
      y.add(chunk.y![r], chunk.lines[r]);
    }
    sv.rows += chunk.n;
    sv.droppedRows = chunk.droppedRows;
  }
  // readChunks yields at least one row or fails, so the first chunk has set sv.
  const done = sv!;
  const bad = minRow.findIndex((m) => m.value <= 0);
  if (bad >= 0) throw nonPositiveInput(done.file, opts.basis, done.features[bad], minRow[bad].value, minRow[bad].line);
  // train()'s rule first, so a file too short to split fails the same way whichever rows the hash picks.
  if (heldOutCount(done.rows, opts.split.fraction) >= done.rows || done.trainRows === 0) {
    throw tooFewRowsToSplit(done.rows, opts.split.fraction, done.file);
  }
  const exactStats = done.sample.complete;
  // A column that overflows is named with the line of its largest value, as loadTable-based training names it.
  const located = <T>(m: Moments, column: string, compute: () => T): T => {
    try {
      return compute();
    } catch (err) {
      if (!(err instanceof ScalingOverflow)) throw err;
      throw overflowAt(err.value, { file: done.file, line: m.lineOf(err.value), column });
    }
  };
  // With every training row in the sample, columnStats of it are the numbers loadTable-based training gets.
  const sampled = exactStats ? done.sample.rows() : null;
  const stats = {
    x: x.map((m, k) => located(m, done.features[k], () => (sampled ? columnStats(sampled.x, sampled.n, done.d, k) : m.stats()))),
    y: located(y, done.target, () => (sampled ? columnStats(sampled.y, sampled.n, 1, 0) : y.stats())),
    logX: opts.positiveInputs ? (sampled ? logStats(sampled, done.d) : logX.map((m) => m.stats())) : null,
  };
  return { ...done, stats, exactStats };
}

/** columnStats of log x over the sample (the poly scaling). */
function logStats(rows: { x: Float64Array; n: number }, d: number): ColumnStats[] {
  const logs = rows.x.map(Math.log);
  return Array.from({ length: d }, (_, k) => columnStats(logs, rows.n, d, k));
}

/**
 * The model's scaling, by the rule train() uses: standardised inputs for rbf and
 * tanh; for poly, which needs positive inputs, division by each input's
 * geometric mean (log x centred).
 */
export function scalingOf(basis: string, stats: Survey['stats']): Scaling {
  const y = { mean: stats.y.mean, std: stats.y.std };
  if (basis === 'poly' && stats.logX !== null) {
    return { x: { mean: stats.logX.map(() => 0), std: stats.logX.map((s) => Math.exp(s.mean)) }, y };
  }
  return { x: { mean: stats.x.map((s) => s.mean), std: stats.x.map((s) => s.std) }, y };
}
