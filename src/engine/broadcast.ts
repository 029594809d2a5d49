import { shapeString } from './tensor.js';

/**
 * How two shapes broadcast against each other (NumPy rules), reduced to the
 * fewest loops: `rows` outer iterations, each over `inner` contiguous output
 * values, reading A at aOff[r] + k * aStep and B at bOff[r] + k * bStep.
 * The per-row offsets are computed once per shape pair and cached, so the hot
 * loops do no index arithmetic beyond one multiply-add.
 */
export interface BroadcastPlan {
  readonly shape: number[];
  readonly size: number;
  readonly rows: number;
  readonly inner: number;
  readonly aStep: number;
  readonly bStep: number;
  readonly aOff: Int32Array;
  readonly bOff: Int32Array;
}

const cache = new Map<string, BroadcastPlan>();
const CACHE_LIMIT = 256;

export function broadcastPlan(a: readonly number[], b: readonly number[]): BroadcastPlan {
  const key = `${a.join(',')}|${b.join(',')}`;
  let plan = cache.get(key);
  if (plan === undefined) {
    plan = makePlan(a, b);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, plan);
  }
  return plan;
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`shapes ${shapeString(a)} and ${shapeString(b)} do not broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function stridesFor(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    strides[i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

function makePlan(a: readonly number[], b: readonly number[]): BroadcastPlan {
  const shape = broadcastShapes(a, b);
  const sa = stridesFor(a, shape);
  const sb = stridesFor(b, shape);
  // Merge neighbouring dimensions that both operands walk contiguously, and drop
  // unit dimensions, so that e.g. same-shape operands become a single loop.
  const dims: { n: number; sa: number; sb: number }[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const cur = { n: shape[i], sa: sa[i], sb: sb[i] };
    const last = dims[dims.length - 1];
    if (last && last.sa === cur.sa * cur.n && last.sb === cur.sb * cur.n) {
      last.n *= cur.n;
      last.sa = cur.sa;
      last.sb = cur.sb;
    } else {
      dims.push(cur);
    }
  }
  const size = shape.reduce((p, d) => p * d, 1);
  const innerDim = dims.pop() ?? { n: 1, sa: 0, sb: 0 };
  let rows = 1;
  for (const d of dims) rows *= d.n;
  const aOff = new Int32Array(rows);
  const bOff = new Int32Array(rows);
  const idx = new Array<number>(dims.length).fill(0);
  for (let r = 0; r < rows; r++) {
    let oa = 0;
    let ob = 0;
    for (let k = 0; k < dims.length; k++) {
      oa += idx[k] * dims[k].sa;
      ob += idx[k] * dims[k].sb;
    }
    aOff[r] = oa;
    bOff[r] = ob;
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k] < dims[k].n) break;
      idx[k] = 0;
    }
  }
  return { shape, size, rows, inner: innerDim.n, aStep: innerDim.sa, bStep: innerDim.sb, aOff, bOff };
}
