/**
 * WebAssembly SIMD kernels (assembly/kernels.ts, built into dist/kernels.wasm)
 * for the primitives a training step spends its time in. They are how those
 * primitives run when the module is present, not another engine: each op keeps
 * its scalar loop as the reference, and tests hold the two to the same results.
 *
 * Data stays in the engine's Float64Arrays and is streamed through a small
 * region of wasm memory in blocks of rows, so the copies hit the cache and the
 * module's memory grows with the parameters (J·D), not with the rows N.
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
  expForward(x: number, out: number, n: number): void;
  tanhForward(x: number, out: number, n: number): void;
  expVjp(g: number, y: number, acc: number, n: number): void;
  tanhVjp(g: number, y: number, acc: number, n: number): void;
  sqdistForward(x: number, ct: number, m: number, out: number, rows: number, J: number, D: number): void;
  sqdistVjpC(x: number, ct: number, m: number, g: number, acct: number, rows: number, J: number, D: number, sign: number): void;
  sqdistVjpM(x: number, ct: number, g: number, acc: number, rows: number, J: number, D: number): void;
  affineForward(x: number, at: number, c: number, out: number, rows: number, J: number, D: number): void;
  affineVjpA(x: number, g: number, acct: number, rows: number, J: number, D: number): void;
  sumRowsInto(g: number, acc: number, rows: number, J: number): void;
  matvecAcc(a: number, b: number, out: number, M: number, K: number): void;
  outerAcc(g: number, b: number, acc: number, M: number, K: number): void;
  vecmatAcc(a: number, g: number, acc: number, M: number, K: number): void;
  gramCentre(a: number, b: number, s: number, c: number, rows: number, k: number, kp: number): void;
  gramAcc(c: number, g: number, rows: number, kp: number): void;
}

/** Doubles per streamed block of one array: 128 KiB, so a block copied in is still in L2 when the kernel reads it. */
const BLOCK = 1 << 14;
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

let heap = new Float64Array(0);

/**
 * Byte offsets of consecutive regions of the given sizes (in doubles, each
 * 16-byte aligned), growing the memory if needed, and a view of it. Growing
 * detaches earlier views, so callers take the returned one after every layout.
 */
function layout(sizes: readonly number[]): { at: number[]; h: Float64Array } {
  const w = k();
  let top = w.heapBase();
  const at: number[] = [];
  for (const s of sizes) {
    at.push(top);
    top += Math.ceil(s / 2) * 16;
  }
  const have = w.memory.buffer.byteLength;
  if (top > have) w.memory.grow(Math.ceil((top - have) / 65536));
  if (heap.buffer !== w.memory.buffer) heap = new Float64Array(w.memory.buffer);
  return { at, h: heap };
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

type Unary = (x: number, out: number, n: number) => void;

function streamUnary(f: Unary, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  const {
    at: [b],
    h,
  } = layout([Math.min(n, BLOCK)]);
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    put(h, b, x.subarray(i, i + len));
    f(b, b, len);
    get(h, b, out, i, len);
  }
}

type Adjoint = (g: number, y: number, acc: number, n: number) => void;

function streamAdjoint(f: Adjoint, g: Float64Array, y: Float64Array, acc: Float64Array): void {
  const n = acc.length;
  const m = Math.min(n, BLOCK);
  const {
    at: [gb, yb, ab],
    h,
  } = layout([m, m, m]);
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    put(h, gb, g.subarray(i, i + len));
    put(h, yb, y.subarray(i, i + len));
    put(h, ab, acc.subarray(i, i + len));
    f(gb, yb, ab, len);
    get(h, ab, acc, i, len);
  }
}

/** out = e^x elementwise, 0 where e^x would be subnormal (as ops/exp.ts). */
export function expKernel(x: Float64Array, out: Float64Array): void {
  streamUnary(k().expForward, x, out);
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

/** out(N,J) = m_j‖x_n − c_j‖² for X(N,D), C(J,D); m may be undefined (all 1). */
export function sqdistKernel(X: Float64Array, C: Float64Array, m: Float64Array | undefined, out: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = Math.min(N, blockRows(J));
  const {
    at: [ct, mb, xb, ob],
    h,
  } = layout([J * D, m === undefined ? 0 : J, rb * D, rb * J]);
  putTransposed(h, ct, C, J, D);
  if (m !== undefined) put(h, mb, m);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, xb, X.subarray(r * D, (r + rows) * D));
    w.sqdistForward(xb, ct, m === undefined ? 0 : mb, ob, rows, J, D);
    get(h, ob, out, r * J, rows * J);
  }
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
  const rb = Math.min(N, blockRows(J));
  const {
    at: [ct, mb, acct, xb, gb],
    h,
  } = layout([J * D, m === undefined ? 0 : J, J * D, rb * D, rb * J]);
  putTransposed(h, ct, C, J, D);
  putTransposed(h, acct, acc, J, D);
  if (m !== undefined) put(h, mb, m);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, xb, X.subarray(r * D, (r + rows) * D));
    put(h, gb, g.subarray(r * J, (r + rows) * J));
    w.sqdistVjpC(xb, ct, m === undefined ? 0 : mb, gb, acct, rows, J, D, sign);
  }
  getTransposed(h, acct, acc, J, D);
}

/** acc(J) += Σ_n g[n,j]·‖x_n − c_j‖²: the sqdist vjp for the weights m. */
export function sqdistVjpMKernel(X: Float64Array, C: Float64Array, g: Float64Array, acc: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = Math.min(N, blockRows(J));
  const {
    at: [ct, ab, xb, gb],
    h,
  } = layout([J * D, J, rb * D, rb * J]);
  putTransposed(h, ct, C, J, D);
  put(h, ab, acc);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, xb, X.subarray(r * D, (r + rows) * D));
    put(h, gb, g.subarray(r * J, (r + rows) * J));
    w.sqdistVjpM(xb, ct, gb, ab, rows, J, D);
  }
  get(h, ab, acc, 0, J);
}

/** out(N,J) = X·Aᵀ + c for X(N,D), A(J,D); c may be undefined. */
export function affineKernel(X: Float64Array, A: Float64Array, c: Float64Array | undefined, out: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = Math.min(N, blockRows(J));
  const {
    at: [at, cb, xb, ob],
    h,
  } = layout([J * D, c === undefined ? 0 : J, rb * D, rb * J]);
  putTransposed(h, at, A, J, D);
  if (c !== undefined) put(h, cb, c);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, xb, X.subarray(r * D, (r + rows) * D));
    w.affineForward(xb, at, c === undefined ? 0 : cb, ob, rows, J, D);
    get(h, ob, out, r * J, rows * J);
  }
}

/** acc(J,D) += Σ_n g[n,j]·x_n: the affine vjp for A. */
export function affineVjpAKernel(X: Float64Array, g: Float64Array, acc: Float64Array, N: number, J: number, D: number): void {
  const w = k();
  const rb = Math.min(N, blockRows(J));
  const {
    at: [acct, xb, gb],
    h,
  } = layout([J * D, rb * D, rb * J]);
  putTransposed(h, acct, acc, J, D);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, xb, X.subarray(r * D, (r + rows) * D));
    put(h, gb, g.subarray(r * J, (r + rows) * J));
    w.affineVjpA(xb, gb, acct, rows, J, D);
  }
  getTransposed(h, acct, acc, J, D);
}

/** acc(J) += Σ_n g[n,j]: the affine vjp for c. */
export function sumRowsKernel(g: Float64Array, acc: Float64Array, N: number, J: number): void {
  const w = k();
  const rb = Math.min(N, blockRows(J));
  const {
    at: [ab, gb],
    h,
  } = layout([J, rb * J]);
  put(h, ab, acc);
  for (let r = 0; r < N; r += rb) {
    const rows = Math.min(rb, N - r);
    put(h, gb, g.subarray(r * J, (r + rows) * J));
    w.sumRowsInto(gb, ab, rows, J);
  }
  get(h, ab, acc, 0, J);
}

/** out(M) += A(M,K)·b(K). */
export function matvecKernel(A: Float64Array, b: Float64Array, out: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = Math.min(M, blockRows(K));
  const {
    at: [bb, ab, ob],
    h,
  } = layout([K, rb * K, rb]);
  put(h, bb, b);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    put(h, ab, A.subarray(r * K, (r + rows) * K));
    put(h, ob, out.subarray(r, r + rows));
    w.matvecAcc(ab, bb, ob, rows, K);
    get(h, ob, out, r, rows);
  }
}

/** acc(M,K) += g(M)·b(K)ᵀ: the vjp of A·b for A. */
export function outerKernel(g: Float64Array, b: Float64Array, acc: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = Math.min(M, blockRows(K));
  const {
    at: [bb, gb, ab],
    h,
  } = layout([K, rb, rb * K]);
  put(h, bb, b);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    put(h, gb, g.subarray(r, r + rows));
    put(h, ab, acc.subarray(r * K, (r + rows) * K));
    w.outerAcc(gb, bb, ab, rows, K);
    get(h, ab, acc, r * K, rows * K);
  }
}

/** acc(K) += A(M,K)ᵀ·g(M): the vjp of A·b for b. */
export function vecmatKernel(A: Float64Array, g: Float64Array, acc: Float64Array, M: number, K: number): void {
  const w = k();
  const rb = Math.min(M, blockRows(K));
  const {
    at: [accb, ab, gb],
    h,
  } = layout([K, rb * K, rb]);
  put(h, accb, acc);
  for (let r = 0; r < M; r += rb) {
    const rows = Math.min(rb, M - r);
    put(h, ab, A.subarray(r * K, (r + rows) * K));
    put(h, gb, g.subarray(r, r + rows));
    w.vecmatAcc(ab, gb, accb, rows, K);
  }
  get(h, accb, acc, 0, K);
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
  const {
    at: [sb, gb, ab, bb, cb],
    h,
  } = layout([kp, kp * kp, blockRows * kc, b === null ? 0 : blockRows, blockRows * kp]);
  put(h, sb, shift);
  h.fill(0, gb / 8, gb / 8 + kp * kp);
  for (let r = 0; r < rows; r += blockRows) {
    const m = Math.min(blockRows, rows - r);
    put(h, ab, A.subarray(r * kc, (r + m) * kc));
    if (b !== null) put(h, bb, b.subarray(r, r + m));
    w.gramCentre(ab, b === null ? 0 : bb, sb, cb, m, kc, kp);
    w.gramAcc(cb, gb, m, kp);
  }
  get(h, gb, out, 0, kp * kp);
}
