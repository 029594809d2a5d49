/**
 * Cross products of a tall matrix: AᵀA, Aᵀb and bᵀb for A (N × k) row-major
 * and b (N), optionally about a shift (A − 1sᵀ, b − s_b: centred normal
 * equations). What the ridge solve (ΦᵀΦ, Φᵀy) and Gauss-Newton (JᵀJ, Jᵀr)
 * need, in WebAssembly SIMD when the engine's kernels are loaded.
 *
 * The summation order is fixed by N and k alone: rows in chunks of
 * GRAM_CHUNK_ROWS, each chunk in blocks of blockRows(k) rows; every entry is
 * a plain sum over a block's rows in order, the blocks of a chunk are added
 * in order, then the chunks in order. The scalar loop below follows it
 * exactly, so both paths give the same bits, and so would chunks computed on
 * other threads and added up in chunk order.
 */
import { gramKernel, kernelMode, sumRowsKernel } from '../engine/kernels.js';

/** Rows per chunk: the unit a thread could take, and the outer level of the summation order. */
export const GRAM_CHUNK_ROWS = 4096;

export interface CrossProducts {
  /** k × k, full (symmetric). */
  gram: Float64Array;
  /** Aᵀb (k), or null without b. */
  atb: Float64Array | null;
  /** bᵀb, 0 without b. */
  btb: number;
}

export interface CrossOptions {
  b?: Float64Array | null;
  /** Subtracted from each row of A (k entries) before the products. */
  shift?: Float64Array;
  /** Subtracted from b. */
  bShift?: number;
  /** Force a path (tests and benchmarks); default: the kernels when loaded. */
  mode?: 'wasm' | 'scalar';
}

/**
 * A tall matrix (N × k, row-major) as one array, or as consecutive blocks of
 * GRAM_CHUNK_ROWS rows each (the last may have fewer): the products of the
 * blocks are those of the matrix they make up, to the bit, so rows computed
 * chunk by chunk (the trainer's features) need not be copied into one array.
 */
export type Rows = Float64Array | readonly Float64Array[];

/** Rows start .. start + rows − 1 of A, where start is a multiple of GRAM_CHUNK_ROWS and rows at most that. */
function chunkOf(A: Rows, start: number, rows: number, k: number): Float64Array {
  if (!Array.isArray(A)) return (A as Float64Array).subarray(start * k, (start + rows) * k);
  const block = (A as readonly Float64Array[])[start / GRAM_CHUNK_ROWS];
  if (block === undefined || block.length < rows * k) throw new RangeError(`crossProducts: block ${start / GRAM_CHUNK_ROWS} needs ${rows} rows of ${k}`);
  return block.subarray(0, rows * k);
}

/**
 * Σ_r A[r, j] for each column j (k): each chunk's sums in row order, then the
 * chunks added in order (the products' order), so chunks summed on other
 * threads (chunkColumnSums) add up to the same bits.
 */
export function columnSums(A: Rows, n: number, k: number, mode: 'wasm' | 'scalar' = kernelMode()): Float64Array {
  const part = new Float64Array(k);
  return sumChunkPartials(Math.ceil(n / GRAM_CHUNK_ROWS), k, (c) => {
    const start = c * GRAM_CHUNK_ROWS;
    const rows = Math.min(GRAM_CHUNK_ROWS, n - start);
    chunkColumnSums(chunkOf(A, start, rows, k), rows, k, part, mode);
    return part;
  });
}

/** One chunk's column sums (rows × k) into out (k), in row order on both paths (the same bits). */
export function chunkColumnSums(a: Float64Array, rows: number, k: number, out: Float64Array, mode: 'wasm' | 'scalar' = kernelMode()): void {
  out.fill(0, 0, k);
  if (mode === 'wasm') sumRowsKernel(a, out, rows, k);
  else for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[j] += a[r * k + j];
}

/** The chunks' k-vectors added in chunk order; part(c) is asked for c = 0, 1, … in turn. */
export function sumChunkPartials(chunks: number, k: number, part: (c: number) => Float64Array): Float64Array {
  const out = new Float64Array(k);
  for (let c = 0; c < chunks; c++) {
    const p = part(c);
    for (let j = 0; j < k; j++) out[j] += p[j];
  }
  return out;
}

/** Columns with b among them, padded to the kernel's tile of 4. */
function paddedWidth(width: number): number {
  return Math.ceil(width / 4) * 4;
}

/** Rows per block: C's block (rows × kp doubles) within 256 KiB, so every tile's pass over it stays in L2. */
export function blockRows(kp: number): number {
  return Math.max(8, Math.floor(32768 / kp));
}

/** One chunk's products: k columns of A, b's column where there is one, each less its shift, padded to kp. */
export interface ProductLayout {
  k: number;
  width: number;
  kp: number;
  rb: number;
  shift: Float64Array;
}

export function productLayout(k: number, withB: boolean, shift?: Float64Array, bShift = 0): ProductLayout {
  const width = k + (withB ? 1 : 0);
  const kp = paddedWidth(width);
  const s = new Float64Array(width);
  if (shift) s.set(shift.subarray(0, k));
  if (withB) s[k] = bShift;
  return { k, width, kp, rb: blockRows(kp), shift: s };
}

/** Entries of one chunk's products (kp × kp, upper triangle used). */
export const chunkProductSize = (l: ProductLayout) => l.kp * l.kp;

/** The products of one chunk (rows ≤ GRAM_CHUNK_ROWS of A and b) into out (chunkProductSize). */
export function chunkProducts(l: ProductLayout, a: Float64Array, b: Float64Array | null, rows: number, out: Float64Array, mode: 'wasm' | 'scalar' = kernelMode()): void {
  if (mode === 'wasm') gramKernel(a, b, l.shift, out, rows, l.k, l.kp, l.rb);
  else gramScalar(a, b, l.shift, out, rows, l.k, l.kp, l.rb);
}

/** The chunks' products added in chunk order and unpacked; part(c) is asked for c = 0, 1, … in turn. */
export function sumChunkProducts(l: ProductLayout, chunks: number, part: (c: number) => Float64Array): CrossProducts {
  const { k, width, kp } = l;
  const total = new Float64Array(width * width);
  for (let c = 0; c < chunks; c++) {
    const chunk = part(c);
    for (let i = 0; i < width; i++) for (let j = i; j < width; j++) total[i * width + j] += chunk[i * kp + j];
  }
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      gram[i * k + j] = total[i * width + j];
      gram[j * k + i] = total[i * width + j];
    }
  }
  if (width === k) return { gram, atb: null, btb: 0 };
  const atb = new Float64Array(k);
  for (let i = 0; i < k; i++) atb[i] = total[i * width + k];
  return { gram, atb, btb: total[k * width + k] };
}

export function crossProducts(A: Rows, n: number, k: number, opts: CrossOptions = {}): CrossProducts {
  const b = opts.b ?? null;
  const l = productLayout(k, b !== null, opts.shift, opts.bShift ?? 0);
  const chunk = new Float64Array(chunkProductSize(l));
  return sumChunkProducts(l, Math.ceil(n / GRAM_CHUNK_ROWS), (c) => {
    const start = c * GRAM_CHUNK_ROWS;
    const rows = Math.min(GRAM_CHUNK_ROWS, n - start);
    chunkProducts(l, chunkOf(A, start, rows, k), b === null ? null : b.subarray(start, start + rows), rows, chunk, opts.mode);
    return chunk;
  });
}

/**
 * The reference for gramKernel (engine/kernels.ts), in its order: each
 * block's products summed row by row from 0, then added to the chunk's
 * (upper triangle, padded layout). The block is copied column-major so that
 * each entry's sum runs down two contiguous columns in a register, four
 * entries at a time (independent sums, each still in row order).
 */
function gramScalar(A: Float64Array, b: Float64Array | null, shift: Float64Array, out: Float64Array, rows: number, k: number, kp: number, rb: number): void {
  const width = shift.length;
  out.fill(0);
  const cols = new Float64Array(width * rb);
  for (let r0 = 0; r0 < rows; r0 += rb) {
    const m = Math.min(rows, r0 + rb) - r0;
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < k; j++) cols[j * m + r] = A[(r0 + r) * k + j] - shift[j];
      if (b !== null) cols[k * m + r] = b[r0 + r] - shift[k];
    }
    for (let i = 0; i < width; i++) {
      const ci = i * m;
      let j = i;
      for (; j + 3 < width; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const c0 = j * m;
        for (let r = 0; r < m; r++) {
          const v = cols[ci + r];
          s0 += v * cols[c0 + r];
          s1 += v * cols[c0 + m + r];
          s2 += v * cols[c0 + 2 * m + r];
          s3 += v * cols[c0 + 3 * m + r];
        }
        const o = i * kp + j;
        out[o] += s0;
        out[o + 1] += s1;
        out[o + 2] += s2;
        out[o + 3] += s3;
      }
      for (; j < width; j++) {
        let s = 0;
        for (let r = 0; r < m; r++) s += cols[ci + r] * cols[j * m + r];
        out[i * kp + j] += s;
      }
    }
  }
}
