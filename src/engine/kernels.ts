/**
 * WebAssembly SIMD kernels (assembly/kernels.ts, built into dist/kernels.wasm)
 * for the primitives a training step spends its time in. They are how those
 * primitives run when the module is present, not another engine: each op keeps
 * its scalar loop as the reference, and tests hold the two to the same results.
 *
 * The module's memory is shared (a SharedArrayBuffer), so growing it leaves
 * earlier views valid: the engine's buffer pool takes its buffers from it
 * (wasmBuffer), and a kernel reads and writes such arrays where they lie.
 * Any other Float64Array is streamed through a scratch region in blocks of
 * rows, copied in and out, so those copies hit the cache.
 */
import { readFileSync } from 'node:fs';

export type KernelMode = 'wasm' | 'scalar';

// The project compiles against lib ES2023 without the DOM, which is where TypeScript declares WebAssembly.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  expForward(x: number, out: number, n: number): number;
  tanhForward(x: number, out: number, n: number): undefined;
  expVjp(g: number, y: number, acc: number, n: number): void;
  tanhVjp(g: number, y: number, acc: number, n: number): void;
  sqdistForward(x: number, ct: number, m: number, out: number, rows: number, J: number, D: number): number;
  sqdistVjpC(x: number, ct: number, m: number, g: number, acct: number, rows: number, J: number, D: number, sign: number): void;
  sqdistVjpM(x: number, ct: number, g: number, acc: number, rows: number, J: number, D: number): void;
  affineForward(x: number, at: number, c: number, out: number, rows: number, J: number, D: number): number;
  affineVjpA(x: number, g: number, acct: number, rows: number, J: number, D: number): void;
  sumRowsInto(g: number, acc: number, rows: number, J: number): void;
  matvecAcc(a: number, b: number, out: number, M: number, K: number): void;
  outerAcc(g: number, b: number, acc: number, M: number, K: number): void;
  vecmatAcc(a: number, g: number, acc: number, M: number, K: number): void;
  gramCentre(a: number, b: number, s: number, c: number, rows: number, k: number, kp: number): void;
  gramAcc(c: number, g: number, rows: number, kp: number): void;
  choleskyLower(a: number, u: number, l: number, n: number): number;
  choleskySolveInPlace(l: number, u: number, x: number, n: number): void;
  zeroFill(p: number, n: number): void;
}

/** Doubles per streamed block of one array: 128 KiB, so a block copied in is still in L2 when the kernel reads it. */
const BLOCK = 1 << 14;
/**
 * Bytes of the module's memory the pool may take: the pool's own limit for
 * what it keeps (memory handed out here is never returned to the system),
 * well inside the 4 GiB a 32-bit module addresses (npm run build sets that
 * maximum), so the scratch region always has room.
 */
const MAX_MEMORY = 2 ** 30;
/** Below this many output elements the call and copies cost more than the loop they replace. */
const MIN_SIZE = 256;

let loadError = '';
const wasm = instantiate();
let mode: KernelMode = wasm !== null && process.env.BASISFIT_KERNELS !== 'scalar' ? 'wasm' : 'scalar';

function instantiate(): KernelExports | null {
  // dist/engine/kernels.js finds ../kernels.wasm; src/engine/kernels.ts (under vitest) the built one in dist/.
  for (const rel of ['../kernels.wasm', '../../dist/kernels.wasm']) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(new URL(rel, import.meta.url));
    } catch {
      continue;
    }
    try {
      return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
    } catch (e) {
      // A runtime without WebAssembly SIMD: the scalar loops serve instead.
      loadError = `dist/kernels.wasm did not load: ${(e as Error).message}`;
      return null;
    }
  }
  loadError = 'dist/kernels.wasm is missing; run npm run build';
  return null;
}

/** Which path the kernel-backed primitives take now. */
export function kernelMode(): KernelMode {
  return mode;
}

/** Chooses the path (BASISFIT_KERNELS=scalar sets 'scalar' at start-up); 'wasm' throws when the module could not be loaded. */
export function setKernels(m: KernelMode): void {
  if (m === 'wasm' && wasm === null) throw new Error(`WebAssembly kernels unavailable: ${loadError}`);
  mode = m;
}

/** Whether a primitive producing or reading `size` elements should call a kernel. */
export function useKernels(size: number): boolean {
  return mode === 'wasm' && size >= MIN_SIZE;
}

function k(): KernelExports {
  if (wasm === null) throw new Error(`WebAssembly kernels unavailable: ${loadError}`);
  return wasm;
}

/** Views of the module's memory made so far: growing gives memory.buffer a new object over the same bytes. */
const arenaBuffers = new Set<ArrayBufferLike>();
let heap = new Float64Array(0);
/** The first byte no buffer has been handed out from. */
let arenaTop = -1;
/** Where layout() lays out the copies of arrays outside the arena, and its size in bytes. */
let scratchAt = 0;
let scratchBytes = 0;

function view(): Float64Array {
  const w = k();
  if (heap.buffer !== w.memory.buffer) {
    heap = new Float64Array(w.memory.buffer);
    arenaBuffers.add(heap.buffer);
  }
  return heap;
}

/** `bytes` (a multiple of 16) of the module's memory, never given back (callers recycle what they take); -1 past MAX_MEMORY. */
function reserve(bytes: number): number {
  const w = k();
  if (arenaTop < 0) arenaTop = w.heapBase();
  if (arenaTop + bytes > MAX_MEMORY) return -1;
  const at = arenaTop;
  arenaTop += bytes;
  const have = w.memory.buffer.byteLength;
  if (arenaTop > have) w.memory.grow(Math.ceil((arenaTop - have) / 65536));
  return at;
}

/**
 * A Float64Array of `size` zeros inside the module's memory, for the buffer
 * pool (which recycles it forever), or null without the kernels.
 */
export function wasmBuffer(size: number): Float64Array | null {
  if (mode !== 'wasm' || size < MIN_SIZE) return null;
  // Past the limit, pool buffers are ordinary arrays again and kernels copy them.
  const at = reserve(Math.ceil(size / 2) * 16);
  return at < 0 ? null : new Float64Array(view().buffer, at, size);
}

/** a.fill(0), for an array in the module's memory (fill on a shared buffer is slow). */
export function zeroArena(a: Float64Array): void {
  k().zeroFill(a.byteOffset, a.length);
}

/** Whether `a` lies in the module's memory, so a kernel can take it by address. */
export function inArena(a: Float64Array): boolean {
  return arenaBuffers.has(a.buffer);
}

/**
 * Byte offsets of consecutive regions of the given sizes (in doubles, each
 * 16-byte aligned) in the scratch region, which moves to a larger place when
 * it is too small (the old one is abandoned: growth is geometric, so the loss
 * is bounded), and a view of the memory.
 */
function layout(sizes: readonly number[]): { at: number[]; h: Float64Array } {
  let need = 0;
  for (const s of sizes) need += Math.ceil(s / 2) * 16;
  if (need > scratchBytes) {
    scratchBytes = Math.max(need, 2 * scratchBytes, 1 << 16);
    scratchAt = reserve(scratchBytes);
    if (scratchAt < 0) throw new Error(`WebAssembly kernels: no memory left for ${scratchBytes} bytes of scratch`);
  }
  let top = scratchAt;
  const at: number[] = [];
  for (const s of sizes) {
    at.push(top);
    top += Math.ceil(s / 2) * 16;
  }
  return { at, h: view() };
}

/** Rows per block so that one block of a rows × width array holds at most BLOCK doubles. */
function blockRows(width: number): number {
  return Math.max(1, Math.floor(BLOCK / Math.max(width, 1)));
}

/** h[at + d·J + j] = src[j·D + d]: a (J, D) matrix transposed into wasm memory. */
function putTransposed(h: Float64Array, at: number, src: Float64Array, J: number, D: number): void {
  const o = at / 8;
  for (let j = 0; j < J; j++) for (let d = 0; d < D; d++) h[o + d * J + j] = src[j * D + d];
}

function getTransposed(h: Float64Array, at: number, dst: Float64Array, J: number, D: number): void {
  const o = at / 8;
  for (let j = 0; j < J; j++) for (let d = 0; d < D; d++) dst[j * D + d] = h[o + d * J + j];
}

function put(h: Float64Array, at: number, src: Float64Array): void {
  h.set(src, at / 8);
}

function get(h: Float64Array, at: number, dst: Float64Array, dstOffset: number, n: number): void {
  dst.set(h.subarray(at / 8, at / 8 + n), dstOffset);
}

/** The address of a[from, from + n): where it lies in the arena, else a copy at the scratch offset `at`. */
function input(h: Float64Array, a: Float64Array, from: number, n: number, at: number): number {
  if (inArena(a)) return a.byteOffset + from * 8;
  put(h, at, a.subarray(from, from + n));
  return at;
}

/** Where a kernel writes a[from, …): in place in the arena, else at the scratch offset `at` (then `output` copies it back). */
function target(a: Float64Array, from: number, at: number): number {
  return inArena(a) ? a.byteOffset + from * 8 : at;
}

function output(h: Float64Array, a: Float64Array, from: number, n: number, at: number): void {
  if (!inArena(a)) get(h, at, a, from, n);
}

/** A unary kernel; exp's returns Σ (y − y), 0 when every output is finite. */
type Unary = (x: number, out: number, n: number) => number | undefined;

/** Runs f over x into out; the sum of what f returned (0 for a kernel that returns nothing). */
function streamUnary(f: Unary, x: Float64Array, out: Float64Array): number {
  const n = x.length;
  if (inArena(x) && inArena(out)) return f(x.byteOffset, out.byteOffset, n) ?? 0;
  let bad = 0;
  const {
    at: [b],
    h,
  } = layout([Math.min(n, BLOCK)]);
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    const xp = input(h, x, i, len, b);
    bad += f(xp, target(out, i, b), len) ?? 0;
    output(h, out, i, len, b);
  }
  return bad;
}

type Adjoint = (g: number, y: number, acc: number, n: number) => void;

function streamAdjoint(f: Adjoint, g: Float64Array, y: Float64Array, acc: Float64Array): void {
  const n = acc.length;
  if (inArena(g) && inArena(y) && inArena(acc)) {
    f(g.byteOffset, y.byteOffset, acc.byteOffset, n);
    return;
  }
  const m = Math.min(n, BLOCK);
  const {
    at: [gb, yb, ab],
    h,
  } = layout([m, m, m]);
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    f(input(h, g, i, len, gb), input(h, y, i, len, yb), input(h, acc, i, len, ab), len);
    output(h, acc, i, len, ab);
  }
}

/** out = e^x elementwise, 0 where e^x would be subnormal (as ops/exp.ts); true when every output is finite. */
export function expKernel(x: Float64Array, out: Float64Array): boolean {
  return streamUnary(k().expForward, x, out) === 0;
}

export function tanhKernel(x: Float64Array, out: Float64Array): void {
  streamUnary(k().tanhForward, x, out);
}

/** acc += g·y */
export function expVjpKernel(g: Float64Array, y: Float64Array, acc: Float64Array): void {
  streamAdjoint(k().expVjp, g, y, acc);
}

/** acc += g·(1 − y²) */
export function tanhVjpKernel(g: Float64Array, y: Float64Array, acc: Float64Array): void {
  streamAdjoint(k().tanhVjp, g, y, acc);
}

/** Rows per block of the row-streamed kernels: all N at once when every row-sized array is in the arena. */
function rowBlock(N: number, J: number, arrays: readonly Float64Array[]): number {
  return arrays.every(inArena) ? N : Math.min(N, blockRows(J));
}

/** out(N,J) = m_j‖x_n − c_j‖² for X(N,D), C(J,D); m may be undefined (all 1). True when every output is finite. */
export function sqdistKernel(X: Float64Array, C: Float64Array, m: Float64Array | undefined, out: Float64Array, N: number, J: number, D: number): boolean {
  const w = k();
  const rb = rowBlock(N, J, [X, out]);
  const {
    at: [ct, mb, xb, ob],
    h,
  } = layout([J * D, m === undefined ? 0 : J, inArena(X) ? 0 : rb * D, inArena(out) ? 0 : rb * J]);
  putTransposed(h, ct, C, J, D);
  if (m !== undefined) put(h, mb, m);
  let bad = 0;
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    bad += w.sqdistForward(input(h, X, r * D, rows * D, xb), ct, m === undefined ? 0 : mb, target(out, r * J, ob), rows, J, D);
    output(h, out, r * J, rows * J, ob);
  }
  return bad === 0;
}

/** acc(J,D) += Σ_n sign·g[n,j]·m_j·(x_n − c_j): the sqdist vjp for C (sign −2). */
export function sqdistVjpCKernel(
  X: Float64Array,
  C: Float64Array,
  m: Float64Array | undefined,
  g: Float64Array,
  acc: Float64Array,
  N: number,
  J: number,
  D: number,
  sign: number,
): void {
  const w = k();
  const rb = rowBlock(N, J, [X, g]);
  const {
    at: [ct, mb, acct, xb, gb],
    h,
  } = layout([J * D, m === undefined ? 0 : J, J * D, inArena(X) ? 0 : rb * D, inArena(g) ? 0 : rb * J]);
  putTransposed(h, ct, C, J, D);
  putTransposed(h, acct, acc, J, D);
  if (m !== undefined) put(h, mb, m);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    w.sqdistVjpC(input(h, X, r * D, rows * D, xb), ct, m === undefined ? 0 : mb, input(h, g, r * J, rows * J, gb), acct, rows, J, D, sign);
  }
  getTransposed(h, acct, acc, J, D);
}

/** acc(J) += Σ_n g[n,j]·‖x_n − c_j‖²: the sqdist vjp for the weights m. */
export function sqdistVjpMKernel(X: Float64Array, C: Float64Array, g: Float64Array, acc: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = rowBlock(N, J, [X, g]);
  const {
    at: [ct, ab, xb, gb],
    h,
  } = layout([J * D, J, inArena(X) ? 0 : rb * D, inArena(g) ? 0 : rb * J]);
  putTransposed(h, ct, C, J, D);
  const accp = input(h, acc, 0, J, ab);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    w.sqdistVjpM(input(h, X, r * D, rows * D, xb), ct, input(h, g, r * J, rows * J, gb), accp, rows, J, D);
  }
  output(h, acc, 0, J, ab);
}

/** out(N,J) = X·Aᵀ + c for X(N,D), A(J,D); c may be undefined. True when every output is finite. */
export function affineKernel(X: Float64Array, A: Float64Array, c: Float64Array | undefined, out: Float64Array, N: number, J: number, D: number): boolean {
  const w = k();
  const rb = rowBlock(N, J, [X, out]);
  const {
    at: [at, cb, xb, ob],
    h,
  } = layout([J * D, c === undefined ? 0 : J, inArena(X) ? 0 : rb * D, inArena(out) ? 0 : rb * J]);
  putTransposed(h, at, A, J, D);
  if (c !== undefined) put(h, cb, c);
  let bad = 0;
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    bad += w.affineForward(input(h, X, r * D, rows * D, xb), at, c === undefined ? 0 : cb, target(out, r * J, ob), rows, J, D);
    output(h, out, r * J, rows * J, ob);
  }
  return bad === 0;
}

/** acc(J,D) += Σ_n g[n,j]·x_n: the affine vjp for A. */
export function affineVjpAKernel(X: Float64Array, g: Float64Array, acc: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = rowBlock(N, J, [X, g]);
  const {
    at: [acct, xb, gb],
    h,
  } = layout([J * D, inArena(X) ? 0 : rb * D, inArena(g) ? 0 : rb * J]);
  putTransposed(h, acct, acc, J, D);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    w.affineVjpA(input(h, X, r * D, rows * D, xb), input(h, g, r * J, rows * J, gb), acct, rows, J, D);
  }
  getTransposed(h, acct, acc, J, D);
}

/** acc(J) += Σ_n g[n,j]: the affine vjp for c. */
export function sumRowsKernel(g: Float64Array, acc: Float64Array, N: number, J: number): void {
  const w = k();
  const rb = rowBlock(N, J, [g]);
  const {
    at: [ab, gb],
    h,
  } = layout([J, inArena(g) ? 0 : rb * J]);
  const accp = input(h, acc, 0, J, ab);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    w.sumRowsInto(input(h, g, r * J, rows * J, gb), accp, rows, J);
  }
  output(h, acc, 0, J, ab);
}

/** out(M) += A(M,K)·b(K). */
export function matvecKernel(A: Float64Array, b: Float64Array, out: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = rowBlock(M, K, [A, out]);
  const {
    at: [bb, ab, ob],
    h,
  } = layout([K, inArena(A) ? 0 : rb * K, inArena(out) ? 0 : rb]);
  const bp = input(h, b, 0, K, bb);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    w.matvecAcc(input(h, A, r * K, rows * K, ab), bp, input(h, out, r, rows, ob), rows, K);
    output(h, out, r, rows, ob);
  }
}

/** acc(M,K) += g(M)·b(K)ᵀ: the vjp of A·b for A. */
export function outerKernel(g: Float64Array, b: Float64Array, acc: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = rowBlock(M, K, [g, acc]);
  const {
    at: [bb, gb, ab],
    h,
  } = layout([K, inArena(g) ? 0 : rb, inArena(acc) ? 0 : rb * K]);
  const bp = input(h, b, 0, K, bb);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    w.outerAcc(input(h, g, r, rows, gb), bp, input(h, acc, r * K, rows * K, ab), rows, K);
    output(h, acc, r * K, rows * K, ab);
  }
}

/** acc(K) += A(M,K)ᵀ·g(M): the vjp of A·b for b. */
export function vecmatKernel(A: Float64Array, g: Float64Array, acc: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = rowBlock(M, K, [A, g]);
  const {
    at: [accb, ab, gb],
    h,
  } = layout([K, inArena(A) ? 0 : rb * K, inArena(g) ? 0 : rb]);
  const accp = input(h, acc, 0, K, accb);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    w.vecmatAcc(input(h, A, r * K, rows * K, ab), input(h, g, r, rows, gb), accp, rows, K);
  }
  output(h, acc, 0, K, accb);
}

/**
 * out(kp, kp) = Σ over blocks of `blockRows` rows (in order, each block's sums
 * started from 0) of C_blockᵀ C_block, on the 4 × 4 tiles on and above the
 * diagonal, where C (rows, kp) is [A − s, b − s_k, 0…] for A (rows, k)
 * row-major and b (or no b column when b is null); kp is a multiple of 4 and
 * at least k + 1 with b. src/solve/gram.ts holds the scalar reference.
 */
export function gramKernel(A: Float64Array, b: Float64Array | null, shift: Float64Array, out: Float64Array, rows: number, kc: number, kp: number, blockRows: number): void {
  const w = k();
  const aIn = inArena(A);
  const bIn = b === null || inArena(b);
  const {
    at: [sb, gb, ab, bb, cb],
    h,
  } = layout([kp, kp * kp, aIn ? 0 : blockRows * kc, bIn ? 0 : blockRows, blockRows * kp]);
  put(h, sb, shift);
  h.fill(0, gb / 8, gb / 8 + kp * kp);
  for (let r = 0; r < rows; r += blockRows) {
    const m = Math.min(blockRows, rows - r);
    const bp = b === null ? 0 : input(h, b, r, m, bb);
    w.gramCentre(input(h, A, r * kc, m * kc, ab), bp, sb, cb, m, kc, kp);
    w.gramAcc(cb, gb, m, kp);
  }
  get(h, gb, out, 0, kp * kp);
}

/**
 * x with A x = b, or null when A is not positive definite: src/solve/cholesky.ts's
 * cholesky and choleskySolve in the kernel (their summation order, so their bits), from
 * A's lower triangle; the factor never leaves the module's memory.
 */
export function solveSpdKernel(A: Float64Array, n: number, b: Float64Array): Float64Array | null {
  const w = k();
  const {
    at: [ab, ub, lb, xb],
    h,
  } = layout([n * n, n * n, n * n, n]);
  if (w.choleskyLower(input(h, A, 0, n * n, ab), ub, lb, n) === 0) return null;
  put(h, xb, b);
  w.choleskySolveInPlace(lb, ub, xb, n);
  return h.slice(xb / 8, xb / 8 + n);
}
