import { inArena, wasmBuffer, zeroArena } from './kernels.js';

/**
 * Reuses Float64Array buffers across training steps. Shapes repeat from one
 * step to the next, so after the first step every intermediate and adjoint
 * comes from here instead of a fresh allocation (allocating tens of megabytes
 * per step costs more than the arithmetic at large N). With the WebAssembly
 * kernels, new buffers come from the module's memory (kernels.ts), where
 * kernels use them without copies; such a buffer is never collected, so the
 * pool keeps every one it is given back, whatever its limit.
 */
export class BufferPool {
  private readonly free = new Map<number, Float64Array[]>();
  private retained = 0;
  /** Upper bound on bytes kept for reuse; beyond it released buffers go to the GC. */
  constructor(private readonly limitBytes = 1 << 30) {}

  /** A buffer whose contents are unspecified: the caller overwrites every element. */
  take(size: number): Float64Array {
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf !== undefined) {
      this.retained -= buf.byteLength;
      return buf;
    }
    return wasmBuffer(size) ?? new Float64Array(size);
  }

  takeZeroed(size: number): Float64Array {
    const list = this.free.get(size);
    const buf = list?.pop();
    if (buf !== undefined) {
      this.retained -= buf.byteLength;
      if (inArena(buf)) zeroArena(buf);
      else buf.fill(0);
      return buf;
    }
    // Fresh module memory is zeros.
    return wasmBuffer(size) ?? new Float64Array(size);
  }

  give(buf: Float64Array): void {
    if (this.retained + buf.byteLength > this.limitBytes && !inArena(buf)) return;
    let list = this.free.get(buf.length);
    if (list === undefined) {
      list = [];
      this.free.set(buf.length, list);
    }
    list.push(buf);
    this.retained += buf.byteLength;
  }

  get retainedBytes(): number {
    return this.retained;
  }

  clear(): void {
    this.free.clear();
    this.retained = 0;
  }
}

/** Where an op's output buffers come from: the tape's pool while recording, fresh memory otherwise. */
export interface Alloc {
  take(size: number): Float64Array;
  takeZeroed(size: number): Float64Array;
}

export const freshAlloc: Alloc = {
  take: (size) => new Float64Array(size),
  takeZeroed: (size) => new Float64Array(size),
};
