import { NumericError } from '../errors.js';
import { type Alloc, BufferPool } from './pool.js';
import type { OpContext, Primitive } from './primitive.js';
import { Tensor } from './tensor.js';

/** One line of the Wengert list: an op applied to inputs, or a leaf (prim null). */
export interface TapeEntry extends OpContext {
  readonly prim: Primitive | null;
}

/** Buffers shared by every tape: shapes repeat across training steps. */
export const sharedPool = new BufferPool();

/**
 * Reverse mode. While a tape is active, every op whose inputs depend on a leaf
 * is recorded; ops on data alone are not, so constants never get backward work.
 * `backward` walks the entries from the output down, accumulating adjoints.
 */
export class Tape {
  readonly entries: TapeEntry[] = [];
  private readonly owned: Float64Array[] = [];
  readonly alloc: Alloc;

  constructor(private readonly pool: BufferPool = sharedPool) {
    this.alloc = {
      take: (size) => this.own(this.pool.take(size)),
      takeZeroed: (size) => this.own(this.pool.takeZeroed(size)),
    };
  }

  private own(buf: Float64Array): Float64Array {
    this.owned.push(buf);
    return buf;
  }

  /** A tracked copy of `t` (same values, no copy of the data) to differentiate with respect to. */
  leaf(t: Tensor): Tensor {
    const v = new Tensor(t.data, t.shape);
    v.tangent = t.tangent;
    this.mark(v, null, [], undefined);
    return v;
  }

  isTracked(t: Tensor): boolean {
    return t.tape === this && t.node >= 0;
  }

  record(prim: Primitive, inputs: readonly Tensor[], output: Tensor, attrs: unknown): void {
    this.mark(output, prim, inputs, attrs);
  }

  private mark(output: Tensor, prim: Primitive | null, inputs: readonly Tensor[], attrs: unknown): void {
    output.node = this.entries.length;
    output.tape = this;
    this.entries.push({ prim, inputs, output, attrs });
  }

  /**
   * Adjoints of `wrt` (tracked tensors on this tape) for d(sum(seed * output)).
   * Returned arrays are fresh copies; the tape stays usable for another backward.
   */
  backward(output: Tensor, seed: Float64Array, wrt: readonly Tensor[]): Float64Array[] {
    const n = this.entries.length;
    const adj: (Float64Array | null)[] = new Array(n).fill(null);
    const scratch: Float64Array[] = [];
    if (this.isTracked(output)) {
      const g0 = this.pool.take(output.size);
      g0.set(seed);
      scratch.push(g0);
      adj[output.node] = g0;
      for (let i = output.node; i >= 0; i--) {
        const g = adj[i];
        const e = this.entries[i];
        if (g === null || e.prim === null) continue;
        const inputs = e.inputs;
        for (let k = 0; k < inputs.length; k++) {
          const inp = inputs[k];
          if (inp.tape !== this || inp.node < 0) continue;
          let acc = adj[inp.node];
          if (acc === null) {
            acc = this.pool.takeZeroed(inp.size);
            scratch.push(acc);
            adj[inp.node] = acc;
          }
          e.prim.vjp(k, g, e, acc);
        }
      }
    }
    const grads = wrt.map((t) => {
      const a = this.isTracked(t) ? adj[t.node] : null;
      return a === null ? new Float64Array(t.size) : a.slice();
    });
    for (const b of scratch) this.pool.give(b);
    for (let k = 0; k < grads.length; k++) assertFinite('backward', grads[k], `gradient of argument ${k}`);
    return grads;
  }

  /** Gives every intermediate buffer back to the pool; tensors recorded here must not be read afterwards. */
  release(): void {
    for (const b of this.owned) this.pool.give(b);
    this.owned.length = 0;
    this.entries.length = 0;
  }
}

const stack: Tape[] = [];

export function activeTape(): Tape | null {
  return stack.length === 0 ? null : stack[stack.length - 1];
}

/** Runs `body` with `tape` recording; the previous tape (if any) is restored afterwards. */
export function withTape<T>(tape: Tape, body: () => T): T {
  stack.push(tape);
  try {
    return body();
  } finally {
    stack.pop();
  }
}

let numericChecks = true;

/**
 * Turn off the check that refuses non-finite values produced from finite inputs
 * (overflow, log of a negative number, 0/0). On by default: a NaN that reaches
 * the parameters silently ruins a model, an error can be handled.
 */
export function setNumericChecks(on: boolean): void {
  numericChecks = on;
}

export function numericChecksEnabled(): boolean {
  return numericChecks;
}

export function allFinite(a: Float64Array): boolean {
  // x - x is 0 for finite x and NaN for NaN or +-Infinity, so one sum tells.
  // Four independent sums keep the adds from waiting on each other.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    s0 += a[i] - a[i];
    s1 += a[i + 1] - a[i + 1];
    s2 += a[i + 2] - a[i + 2];
    s3 += a[i + 3] - a[i + 3];
  }
  for (let i = n; i < a.length; i++) s0 += a[i] - a[i];
  return s0 + s1 + s2 + s3 === 0;
}

export function firstNonFinite(a: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

export function assertFinite(op: string, a: Float64Array, what: string): void {
  if (!numericChecks || allFinite(a)) return;
  const i = firstNonFinite(a);
  throw new NumericError(op, `${what} is ${a[i]} at index ${i}`);
}
