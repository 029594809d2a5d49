/**
 * Data-parallel gradients over worker_threads and shared memory. The rows are
 * cut into the fixed chunks of chunked.ts; thread t computes chunks t, t+T, …
 * into its own slots and the main thread adds the slots up in chunk order, so
 * the sum — and so the model file — is the same for any number of threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BasisFamily } from '../basis/index.js';
import { Tensor } from '../engine/index.js';
import { chunkProductSize, type ProductLayout } from '../solve/gram.js';
import { CHUNK_ROWS, chunkCount, chunkLossAndGrad, combineChunks, type GradientEvaluator, serialEvaluator } from './chunked.js';
import { ChunkFeatures, type FeatureTeam, OpenFeatures } from './open-features.js';
import { type BlockFactor, type BlockKind, type BlockLayout, type BlockRunner, type BlockSpec, blockFactor, blockLayout } from './projection.js';

export const DONE = 0;
/** Set by a worker whose chunks' features overflowed in an 'open-record'. */
export const FAILED = 1;

/** Bytes of chunk products the slots hold per round of the open solve's Gram (rounds bound the memory at large N and J). */
const PRODUCT_ROUND_BYTES = 32 * 2 ** 20;

export interface WorkerSetup {
  family: string;
  thread: number;
  threads: number;
  ctrl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  results: SharedArrayBuffer;
  shapes: number[][];
}

export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * Block factors of the projected problem (projection.ts) on `threads` threads:
 * the same workers as the gradient's, sent θ's raw tensors (of `shapes`)
 * instead of the model's parameters. Null for one thread (the problem then
 * factors its blocks itself, with the same result).
 */
export function createBlockRunner(family: BasisFamily, threads: number, shapes: readonly (readonly number[])[]): (BlockRunner & { close(): Promise<void> }) | null {
  return threads <= 1 ? null : new ParallelEvaluator(family, threads, shapes);
}

/** Entries of one block factor's slot: R (width²), Qᵀb (width) and the tail. */
export const factorSlotSize = (width: number) => width * width + width + 1;

/**
 * A serial evaluator for one thread; otherwise a pool of threads − 1 workers with
 * the calling thread as the last member.
 */
export function createEvaluator(family: BasisFamily, threads: number, paramShapes: readonly (readonly number[])[]): GradientEvaluator {
  if (threads <= 1) return serialEvaluator(family);
  return new ParallelEvaluator(family, threads, paramShapes);
}

class ParallelEvaluator implements GradientEvaluator, BlockRunner, FeatureTeam {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly params: Float64Array;
  private results: Float64Array;
  private readonly width: number;
  private x: Float64Array = new Float64Array(0);
  private y: Float64Array = new Float64Array(0);
  private readonly serial: GradientEvaluator;
  private failure: Error | null = null;
  private factorSlots: Float64Array = new Float64Array(0);
  /** The data already in the shared x, y (block factors reuse them from call to call). */
  private loaded: Float64Array | null = null;
  private loadedY: Float64Array | null = null;
  /** This thread's share of the open solve's chunks, and the slots the workers write theirs into. */
  private readonly own: ChunkFeatures;
  private readonly open: OpenFeatures;
  /** This thread's index among the threads. */
  private readonly main: number;
  private sumSlots: Float64Array = new Float64Array(0);
  private productSlots: Float64Array = new Float64Array(0);

  constructor(
    private readonly family: BasisFamily,
    private readonly threads: number,
    shapes: readonly (readonly number[])[],
  ) {
    const total = shapes.reduce((s, sh) => s + sh.reduce((p, d) => p * d, 1), 0);
    this.width = 1 + total;
    this.ctrl = new Int32Array(new SharedArrayBuffer(16));
    this.params = new Float64Array(new SharedArrayBuffer(8 * total));
    this.results = new Float64Array(0);
    this.serial = serialEvaluator(family);
    this.main = threads - 1;
    this.own = new ChunkFeatures(family);
    this.open = new OpenFeatures(this);
    const url = new URL('./gradient-worker.js', import.meta.url);
    // The workers are threads 0 … threads − 2 and this thread the last: where the chunks do not
    // divide evenly a worker takes the extra one, since this thread also combines and steps.
    for (let t = 0; t < threads - 1; t++) {
      const setup: WorkerSetup = {
        family: family.name,
        thread: t,
        threads,
        ctrl: this.ctrl.buffer as SharedArrayBuffer,
        params: this.params.buffer as SharedArrayBuffer,
        results: new SharedArrayBuffer(8),
        shapes: shapes.map((s) => s.slice()),
      };
      const w = new Worker(url, { workerData: setup });
      w.on('error', (e) => {
        this.failure = e;
      });
      w.unref();
      this.workers.push(w);
    }
  }

  private ensureCapacity(rows: number, d: number, chunks: number): void {
    if (this.x.length >= rows * d && this.results.length >= chunks * this.width) return;
    this.loaded = null;
    this.x = new Float64Array(new SharedArrayBuffer(8 * Math.max(rows * d, this.x.length)));
    this.y = new Float64Array(new SharedArrayBuffer(8 * Math.max(rows, this.y.length)));
    this.results = new Float64Array(new SharedArrayBuffer(8 * Math.max(chunks * this.width, this.results.length)));
    for (const w of this.workers) {
      w.postMessage({ type: 'buffers', x: this.x.buffer, y: this.y.buffer, results: this.results.buffer });
    }
  }

  evaluate(x: Tensor, y: Tensor, params: readonly Tensor[], argnums: readonly number[], ridge: number, fixed = false) {
    if (this.failure) throw this.failure;
    const rows = y.size;
    const d = x.shape[1];
    const chunks = chunkCount(rows);
    if (chunks < 2) return this.serial.evaluate(x, y, params, argnums, ridge);
    const held = this.open.take(x, y, params, argnums, 1 + argnums.reduce((s, i) => s + params[i].size, 0));
    if (held !== null) return combineChunks(held, params, argnums, rows, ridge);
    this.ensureCapacity(rows, d, chunks);
    this.load(x.data, y.data, rows, d, fixed);
    this.setParams(params);
    Atomics.store(this.ctrl, DONE, 0);
    for (const w of this.workers) w.postMessage({ type: 'step', rows, d, argnums });
    this.computeChunks(this.main, rows, d, params, argnums);
    this.awaitWorkers();
    const slots: Float64Array[] = [];
    for (let c = 0; c < chunks; c++) slots.push(this.slot(c, argnums, params));
    return combineChunks(slots, params, argnums, rows, ridge);
  }

  /**
   * The rows into shared memory, unless `fixed` rows (arrays whose contents never change)
   * are there already: for (1e6, 1) the copy was 16 MB a step.
   */
  private load(x: Float64Array, y: Float64Array, rows: number, d: number, fixed: boolean): void {
    if (fixed && this.loaded === x && this.loadedY === y) return;
    this.x.set(x.subarray(0, rows * d));
    this.y.set(y.subarray(0, rows));
    this.loaded = fixed ? x : null;
    this.loadedY = fixed ? y : null;
  }

  /** On the threads when the rows make two chunks or more (FeatureTeam below), else on this thread. */
  solveLinear(x: Tensor, y: Tensor, params: readonly Tensor[], ridge: number, intercept: boolean, forGradient: boolean, fixed = false): void {
    if (this.failure) throw this.failure;
    const [rows, d] = x.shape;
    if (chunkCount(rows) < 2) {
      this.open.release();
      this.serial.solveLinear(x, y, params, ridge, intercept, forGradient);
      return;
    }
    this.ensureCapacity(rows, d, chunkCount(rows));
    this.load(x.data, y.data, rows, d, fixed);
    this.open.solve(x, y.data, params, ridge, intercept, forGradient);
  }

  /** FeatureTeam: each thread records its own chunks (c ≡ thread mod threads) and keeps their tapes. */
  record(x: Tensor, params: readonly Tensor[], sums: boolean): ((c: number) => Float64Array) | null {
    const [rows, d] = x.shape;
    const j = params[0].size;
    const chunks = chunkCount(rows);
    if (this.sumSlots.length < chunks * j) {
      this.sumSlots = new Float64Array(new SharedArrayBuffer(8 * chunks * j));
      for (const w of this.workers) w.postMessage({ type: 'sum-slots', slots: this.sumSlots.buffer });
    }
    const slot = (c: number) => this.sumSlots.subarray(c * j, (c + 1) * j);
    this.setParams(params);
    Atomics.store(this.ctrl, FAILED, 0);
    const ok = this.run({ type: 'open-record', rows, d, j, sums }, () => this.own.record(x.data, rows, d, params.slice(2), this.main, this.threads, sums ? slot : null));
    if (ok && Atomics.load(this.ctrl, FAILED) === 0) return slot;
    this.release();
    return null;
  }

  /** FeatureTeam: the chunks' products in rounds that fit PRODUCT_ROUND_BYTES, each run on every thread. */
  products(l: ProductLayout, y: Float64Array): (c: number) => Float64Array {
    const size = chunkProductSize(l);
    const chunks = chunkCount(y.length);
    const round = Math.min(chunks, Math.max(this.threads, Math.floor(PRODUCT_ROUND_BYTES / (8 * size))));
    if (this.productSlots.length < round * size) {
      this.productSlots = new Float64Array(new SharedArrayBuffer(8 * round * size));
      for (const w of this.workers) w.postMessage({ type: 'product-slots', slots: this.productSlots.buffer });
    }
    const slot = (k: number) => this.productSlots.subarray(k * size, (k + 1) * size);
    let first = 0;
    let count = 0;
    return (c) => {
      if (c >= first + count) {
        first = c;
        count = Math.min(round, chunks - c);
        this.run({ type: 'open-products', first, count, layout: l }, () => {
          this.own.products(first, count, l, y, (k) => slot(k - first));
        });
      }
      return slot(c - first);
    };
  }

  /** FeatureTeam: each thread finishes its chunks' gradients into the results slots. */
  finish(y: Float64Array, params: readonly Tensor[], width: number): (c: number) => Float64Array {
    const slot = (c: number) => this.results.subarray(c * this.width, c * this.width + width);
    this.setParams(params);
    this.run({ type: 'open-finish', width }, () => this.own.finish(y, params[0], params[1], slot));
    return slot;
  }

  release(): void {
    this.own.release();
    for (const w of this.workers) w.postMessage({ type: 'open-release' });
  }

  /** Posts m to every worker, runs this thread's share, waits for the workers. */
  private run<T>(m: Record<string, unknown>, local: () => T): T {
    Atomics.store(this.ctrl, DONE, 0);
    for (const w of this.workers) w.postMessage(m);
    const out = local();
    this.awaitWorkers();
    return out;
  }

  private setParams(params: readonly Tensor[]): void {
    let o = 0;
    for (const p of params) {
      this.params.set(p.data, o);
      o += p.size;
    }
  }

  /** Waits for every worker's share; a short timeout lets a crashed worker surface as an error. */
  private awaitWorkers(): void {
    for (;;) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= this.workers.length) break;
      if (this.failure) throw this.failure;
      Atomics.wait(this.ctrl, DONE, done, 100);
    }
  }

  /**
   * Block factors in rounds of 2 blocks per thread, so the slots hold a few
   * factors (O(P²) memory whatever N); each round is added in block order.
   */
  factors(kind: BlockKind, spec: BlockSpec, X: Tensor, y: Float64Array, raw: readonly Tensor[], add: (f: BlockFactor, rows: number) => void): void {
    if (this.failure) throw this.failure;
    const [rows, d] = X.shape;
    const chunks = chunkCount(rows);
    const layout = blockLayout(this.family, spec);
    const width = kind === 'solve' ? layout.nA : layout.nA + layout.P;
    const slotSize = factorSlotSize(width);
    const round = 2 * this.threads;
    this.ensureCapacity(rows, d, 1);
    this.load(X.data, y, rows, d, true);
    if (this.factorSlots.length < round * slotSize) {
      this.factorSlots = new Float64Array(new SharedArrayBuffer(8 * round * slotSize));
      for (const w of this.workers) w.postMessage({ type: 'factor-slots', slots: this.factorSlots.buffer });
    }
    this.setParams(raw);
    for (let first = 0; first < chunks; first += round) {
      const count = Math.min(round, chunks - first);
      Atomics.store(this.ctrl, DONE, 0);
      for (const w of this.workers) w.postMessage({ type: 'factor', kind, rows, d, first, count, intercept: spec.intercept });
      runFactors(layout, kind, this.main, this.threads, this.x.subarray(0, rows * d), this.y.subarray(0, rows), d, raw, first, count, this.factorSlots);
      this.awaitWorkers();
      for (let k = 0; k < count; k++) {
        const s = this.factorSlots.subarray(k * slotSize, (k + 1) * slotSize);
        const m = Math.min(rows, (first + k + 1) * CHUNK_ROWS) - (first + k) * CHUNK_ROWS;
        add({ r: s.subarray(0, width * width), qtb: s.subarray(width * width, width * width + width), tail: s[width * width + width] }, m);
      }
    }
  }

  /** The results of chunk c, packed as chunkLossAndGrad writes them. */
  private slot(c: number, argnums: readonly number[], params: readonly Tensor[]): Float64Array {
    const used = 1 + argnums.reduce((s, i) => s + params[i].size, 0);
    return this.results.subarray(c * this.width, c * this.width + used);
  }

  private computeChunks(thread: number, rows: number, d: number, params: readonly Tensor[], argnums: readonly number[]): void {
    runChunks(this.family, thread, this.threads, new Tensor(this.x.subarray(0, rows * d), [rows, d]), new Tensor(this.y.subarray(0, rows), [rows]), params, argnums, (c) =>
      this.slot(c, argnums, params),
    );
  }

  async close(): Promise<void> {
    this.own.release();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Chunks thread, thread + threads, … of (x, y). A numeric failure becomes a NaN
 * loss in the chunk's slot, so every thread finishes its share and the trainer
 * sees one divergence, the same as on one thread.
 */
export function runChunks(
  family: BasisFamily,
  thread: number,
  threads: number,
  x: Tensor,
  y: Tensor,
  params: readonly Tensor[],
  argnums: readonly number[],
  slot: (chunk: number) => Float64Array,
): void {
  for (let c = thread; c < chunkCount(y.size); c += threads) {
    chunkLossAndGrad(family, x, y, c, params, argnums, slot(c));
  }
}

/** Blocks first + thread, first + thread + threads, … below first + count, each into its slot (k = block − first). */
export function runFactors(
  layout: BlockLayout,
  kind: BlockKind,
  thread: number,
  threads: number,
  x: Float64Array,
  y: Float64Array,
  d: number,
  raw: readonly Tensor[],
  first: number,
  count: number,
  slots: Float64Array,
): void {
  const rows = y.length;
  const width = kind === 'solve' ? layout.nA : layout.nA + layout.P;
  const slotSize = factorSlotSize(width);
  for (let k = thread; k < count; k += threads) {
    const start = (first + k) * CHUNK_ROWS;
    const end = Math.min(rows, start + CHUNK_ROWS);
    const f = blockFactor(layout, kind, new Tensor(x.subarray(start * d, end * d), [end - start, d]), y.subarray(start, end), raw);
    const o = k * slotSize;
    slots.set(f.r, o);
    slots.set(f.qtb, o + width * width);
    slots[o + width * width + width] = f.tail;
  }
}
