/** A worker thread of parallel.ts: computes its share of the chunks for each step it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { families } from '../basis/index.js';
import type { BasisName } from '../basis/index.js';
import { Tensor } from '../engine/index.js';
import type { ProductLayout } from '../solve/gram.js';
import { ChunkFeatures } from './open-features.js';
import { DONE, FAILED, runChunks, runFactors, type WorkerSetup } from './parallel.js';
import { type BlockKind, blockLayout } from './projection.js';

const setup = workerData as WorkerSetup;
const family = families[setup.family as BasisName];
const ctrl = new Int32Array(setup.ctrl);
const flatParams = new Float64Array(setup.params);
let x: Float64Array = new Float64Array(0);
let y: Float64Array = new Float64Array(0);
let results: Float64Array = new Float64Array(0);
let factorSlots: Float64Array = new Float64Array(0);
let sumSlots: Float64Array = new Float64Array(0);
let productSlots: Float64Array = new Float64Array(0);
const own = new ChunkFeatures(family);
const width = 1 + flatParams.length;

// Parameter tensors are views on the shared parameters the main thread writes before each step.
const params: Tensor[] = [];
{
  let o = 0;
  for (const shape of setup.shapes) {
    const size = shape.reduce((p, d) => p * d, 1);
    params.push(new Tensor(flatParams.subarray(o, o + size), shape));
    o += size;
  }
}

parentPort!.on('message', (m: { type: string; [k: string]: unknown }) => {
  if (m.type === 'buffers') {
    x = new Float64Array(m.x as SharedArrayBuffer);
    y = new Float64Array(m.y as SharedArrayBuffer);
    results = new Float64Array(m.results as SharedArrayBuffer);
    return;
  }
  if (m.type === 'factor-slots') {
    factorSlots = new Float64Array(m.slots as SharedArrayBuffer);
    return;
  }
  if (m.type === 'sum-slots') {
    sumSlots = new Float64Array(m.slots as SharedArrayBuffer);
    return;
  }
  if (m.type === 'product-slots') {
    productSlots = new Float64Array(m.slots as SharedArrayBuffer);
    return;
  }
  if (m.type === 'open-release') {
    own.release();
    return;
  }
  if (m.type.startsWith('open-')) {
    // The open solve's phases (parallel.ts, FeatureTeam): this thread's chunks are c ≡ thread (mod threads).
    try {
      openPhase(m);
    } finally {
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
    return;
  }
  if (m.type === 'factor') {
    // Block factors of the projected problem (parallel.ts factors()); params hold θ's raw tensors.
    try {
      const layout = blockLayout(family, { shapes: setup.shapes, intercept: m.intercept as boolean });
      const rows = m.rows as number;
      const d = m.d as number;
      runFactors(layout, m.kind as BlockKind, setup.thread, setup.threads, x.subarray(0, rows * d), y.subarray(0, rows), d, params, m.first as number, m.count as number, factorSlots);
    } finally {
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
    return;
  }
  const rows = m.rows as number;
  const d = m.d as number;
  const argnums = m.argnums as number[];
  const used = 1 + argnums.reduce((s, i) => s + params[i].size, 0);
  try {
    runChunks(family, setup.thread, setup.threads, new Tensor(x.subarray(0, rows * d), [rows, d]), new Tensor(y.subarray(0, rows), [rows]), params, argnums, (c) =>
      results.subarray(c * width, c * width + used),
    );
  } finally {
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
});

function openPhase(m: { type: string; [k: string]: unknown }): void {
  const { thread, threads } = setup;
  if (m.type === 'open-record') {
    const rows = m.rows as number;
    const d = m.d as number;
    const j = m.j as number;
    const sums = m.sums ? (c: number) => sumSlots.subarray(c * j, (c + 1) * j) : null;
    if (!own.record(x, rows, d, params.slice(2), thread, threads, sums)) Atomics.store(ctrl, FAILED, 1);
    return;
  }
  if (m.type === 'open-products') {
    const l = m.layout as ProductLayout;
    const first = m.first as number;
    const size = l.kp * l.kp;
    own.products(first, m.count as number, l, y, (c) => productSlots.subarray((c - first) * size, (c - first + 1) * size));
    return;
  }
  if (m.type === 'open-finish') {
    const w = m.width as number;
    own.finish(y, params[0], params[1], (c) => results.subarray(c * width, c * width + w));
  }
}
