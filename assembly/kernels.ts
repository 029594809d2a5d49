// WebAssembly SIMD (f64x2) kernels for the engine's hot primitives, compiled by
// `npm run build` into dist/kernels.wasm and driven by src/engine/kernels.ts.
//
// Every pointer is a byte offset into this module's memory, laid out by the
// JavaScript side. The scalar TypeScript loops in src/engine/ops/ are the
// reference: the linear-algebra kernels keep their summation order (and wasm
// has no fused multiply-add), so they give the same bits; exp and tanh use
// their own polynomials and agree to within a few units in the last place.

// ---------------------------------------------------------------- exp

const LOG2E: f64 = 1.4426950408889634;
// ln 2 split in two (fdlibm): k·LN2_HI is exact for the k that occur here.
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
// fdlibm's minimax coefficients for the rational form of e^r on |r| ≤ ln2/2 (error < 1 ulp).
const P1: f64 = 1.66666666666666019037e-1;
const P2: f64 = -2.77777777770155933842e-3;
const P3: f64 = 6.61375632143793436117e-5;
const P4: f64 = -1.65339022054652515390e-6;
const P5: f64 = 4.13813679705723846039e-8;
// Same threshold as src/engine/ops/exp.ts: below it e^x is subnormal and is flushed to 0.
const SUBNORMAL_BELOW: f64 = -708.3964185322641;
// e^710 overflows; clamping there keeps k in range and still gives +Infinity.
const CLAMP_HI: f64 = 710.0;
// 1.5·2^52: adding it rounds to an integer, which then sits in the low mantissa bits.
const ROUND: f64 = 6755399441055744.0;

/**
 * e^x in both lanes: x = k·ln2 + r, e^r from fdlibm's rational approximation,
 * then scaled by 2^k as two factors 2^(k>>1)·2^(k−(k>>1)), so that overflow
 * rounds to +Infinity. NaN propagates through pmin. Callers keep x ≥ SUBNORMAL_BELOW
 * (or NaN): a subnormal result, even one masked away later, costs a hundred
 * cycles of microcode on x86.
 */
// @ts-ignore: decorator
@inline
function expv(x0: v128): v128 {
  const x = f64x2.pmin(x0, f64x2.splat(CLAMP_HI));
  const kr = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(ROUND));
  const kf = f64x2.sub(kr, f64x2.splat(ROUND));
  const hi = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(kf, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(t, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  // y = 1 − ((lo − r·c/(2 − c)) − hi)
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  const k = i64x2.sub(kr, f64x2.splat(ROUND));
  const k1 = i64x2.shr_s(k, 1);
  const k2 = i64x2.sub(k, k1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(k1, bias), 52);
  const s2 = i64x2.shl(i64x2.add(k2, bias), 52);
  return f64x2.mul(f64x2.mul(y, s1), s2);
}

// @ts-ignore: decorator
@inline
function expFlushed(x: v128): v128 {
  const flush = f64x2.lt(x, f64x2.splat(SUBNORMAL_BELOW));
  // Flushed lanes compute e^0 instead (−Infinity and far-away RBF centres land here).
  return v128.andnot(expv(v128.andnot(x, flush)), flush);
}

/**
 * out[i] = e^x[i], 0 where x < SUBNORMAL_BELOW; out may equal x. Returns
 * Σ (y − y) over the outputs: 0 exactly when every one is finite, which
 * spares the engine a second pass to check for overflow.
 */
export function expForward(xp: usize, op: usize, n: i32): f64 {
  let i = 0;
  let bad = f64x2.splat(0.0);
  // Four independent vectors per iteration: one alone is a long dependency chain.
  for (; i + 8 <= n; i += 8) {
    const o = (<usize>i) << 3;
    const a = expFlushed(v128.load(xp + o));
    const b = expFlushed(v128.load(xp + o + 16));
    const c = expFlushed(v128.load(xp + o + 32));
    const d = expFlushed(v128.load(xp + o + 48));
    v128.store(op + o, a);
    v128.store(op + o + 16, b);
    v128.store(op + o + 32, c);
    v128.store(op + o + 48, d);
    bad = f64x2.add(bad, f64x2.add(f64x2.sub(a, a), f64x2.sub(b, b)));
    bad = f64x2.add(bad, f64x2.add(f64x2.sub(c, c), f64x2.sub(d, d)));
  }
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    const a = expFlushed(v128.load(xp + o));
    v128.store(op + o, a);
    bad = f64x2.add(bad, f64x2.sub(a, a));
  }
  let tail = 0.0;
  if (i < n) {
    const o = (<usize>i) << 3;
    const y = f64x2.extract_lane(expFlushed(f64x2.splat(load<f64>(xp + o))), 0);
    store<f64>(op + o, y);
    tail = y - y;
  }
  return f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1) + tail;
}

// ---------------------------------------------------------------- tanh

// Cephes tanh: x + x·z·P(z)/Q(z), z = x², for |x| < 0.625 (relative error ~2.5e-16).
const TP0: f64 = -9.64399179425052238628e-1;
const TP1: f64 = -9.92877231001918586564e1;
const TP2: f64 = -1.61468768441708447952e3;
const TQ0: f64 = 1.12811678491632931402e2;
const TQ1: f64 = 2.23548839060100448583e3;
const TQ2: f64 = 4.84406305325125486048e3;
const TANH_SMALL: f64 = 0.625;

/**
 * tanh in both lanes: the rational form near 0, 1 − 2/(e^{2|x|} + 1) with the
 * sign of x elsewhere (e^{2|x|} = +Infinity past |x| ≈ 355 gives exactly ±1).
 */
// @ts-ignore: decorator
@inline
function tanhv(x: v128): v128 {
  const a = f64x2.abs(x);
  const z = f64x2.mul(x, x);
  let p = f64x2.add(f64x2.mul(f64x2.splat(TP0), z), f64x2.splat(TP1));
  p = f64x2.add(f64x2.mul(p, z), f64x2.splat(TP2));
  let q = f64x2.add(z, f64x2.splat(TQ0));
  q = f64x2.add(f64x2.mul(q, z), f64x2.splat(TQ1));
  q = f64x2.add(f64x2.mul(q, z), f64x2.splat(TQ2));
  const s = expv(f64x2.add(a, a));
  // One division serves both forms: x·z·P/Q near 0, 2/(s + 1) elsewhere.
  const big = f64x2.ge(a, f64x2.splat(TANH_SMALL));
  const num = v128.bitselect(f64x2.splat(2.0), f64x2.mul(f64x2.mul(x, z), p), big);
  const den = v128.bitselect(f64x2.add(s, f64x2.splat(1.0)), q, big);
  const d = f64x2.div(num, den);
  const magnitude = v128.bitselect(f64x2.sub(f64x2.splat(1.0), d), f64x2.abs(f64x2.add(x, d)), big);
  // tanh is odd: the sign of x, also for −0.
  return v128.or(magnitude, v128.and(x, f64x2.splat(-0.0)));
}

/** out[i] = tanh x[i]; out may equal x. */
export function tanhForward(xp: usize, op: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = (<usize>i) << 3;
    const a = tanhv(v128.load(xp + o));
    const b = tanhv(v128.load(xp + o + 16));
    const c = tanhv(v128.load(xp + o + 32));
    const d = tanhv(v128.load(xp + o + 48));
    v128.store(op + o, a);
    v128.store(op + o + 16, b);
    v128.store(op + o + 32, c);
    v128.store(op + o + 48, d);
  }
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    v128.store(op + o, tanhv(v128.load(xp + o)));
  }
  if (i < n) {
    const o = (<usize>i) << 3;
    store<f64>(op + o, f64x2.extract_lane(tanhv(f64x2.splat(load<f64>(xp + o))), 0));
  }
}

// ---------------------------------------------------------------- elementwise adjoints

/** acc[i] += g[i]·y[i] (the vjp of exp from its output). */
export function expVjp(gp: usize, yp: usize, accp: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    v128.store(accp + o, f64x2.add(v128.load(accp + o), f64x2.mul(v128.load(gp + o), v128.load(yp + o))));
  }
  if (i < n) {
    const o = (<usize>i) << 3;
    store<f64>(accp + o, load<f64>(accp + o) + load<f64>(gp + o) * load<f64>(yp + o));
  }
}

/** acc[i] += g[i]·(1 − y[i]²) (the vjp of tanh from its output). */
export function tanhVjp(gp: usize, yp: usize, accp: usize, n: i32): void {
  const one = f64x2.splat(1.0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    const y = v128.load(yp + o);
    const d = f64x2.sub(one, f64x2.mul(y, y));
    v128.store(accp + o, f64x2.add(v128.load(accp + o), f64x2.mul(v128.load(gp + o), d)));
  }
  if (i < n) {
    const o = (<usize>i) << 3;
    const y = load<f64>(yp + o);
    store<f64>(accp + o, load<f64>(accp + o) + load<f64>(gp + o) * (1.0 - y * y));
  }
}

// ---------------------------------------------------------------- sqdist
// X is (rows, D) row-major; C and accumulators for C come transposed, (D, J),
// so that two neighbouring units j, j+1 sit in one f64x2 lane pair.

/** out[n,j] = m_j·Σ_d (x_nd − c_jd)², or without m when mp is 0; returns Σ (out − out), 0 when all are finite (as expForward). */
export function sqdistForward(xp: usize, ctp: usize, mp: usize, op: usize, rows: i32, J: i32, D: i32): f64 {
  const Ju = <usize>J;
  const Du = <usize>D;
  let bad = f64x2.splat(0.0);
  let tail = 0.0;
  for (let n: usize = 0; n < <usize>rows; n++) {
    const xrow = xp + ((n * Du) << 3);
    const orow = op + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      let s = f64x2.splat(0.0);
      for (let d: usize = 0; d < Du; d++) {
        const t = f64x2.sub(f64x2.splat(load<f64>(xrow + (d << 3))), v128.load(ctp + ((d * Ju + j) << 3)));
        s = f64x2.add(s, f64x2.mul(t, t));
      }
      if (mp != 0) s = f64x2.mul(v128.load(mp + (j << 3)), s);
      v128.store(orow + (j << 3), s);
      bad = f64x2.add(bad, f64x2.sub(s, s));
    }
    if (j < Ju) {
      let s = 0.0;
      for (let d: usize = 0; d < Du; d++) {
        const t = load<f64>(xrow + (d << 3)) - load<f64>(ctp + ((d * Ju + j) << 3));
        s += t * t;
      }
      const v = mp != 0 ? load<f64>(mp + (j << 3)) * s : s;
      store<f64>(orow + (j << 3), v);
      tail += v - v;
    }
  }
  return f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1) + tail;
}

/**
 * accT[d,j] += sign·g[n,j]·m_j·(x_nd − c_jd) summed over n in order: the vjp
 * for C (sign −2). Terms with a zero factor sign·g·m are skipped as in the scalar loop.
 */
export function sqdistVjpC(xp: usize, ctp: usize, mp: usize, gp: usize, acctp: usize, rows: i32, J: i32, D: i32, sign: f64): void {
  const Ju = <usize>J;
  const Du = <usize>D;
  const sv = f64x2.splat(sign);
  const zero = f64x2.splat(0.0);
  for (let n: usize = 0; n < <usize>rows; n++) {
    const xrow = xp + ((n * Du) << 3);
    const grow = gp + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      let gs = f64x2.mul(sv, v128.load(grow + (j << 3)));
      if (mp != 0) gs = f64x2.mul(gs, v128.load(mp + (j << 3)));
      const keep = f64x2.ne(gs, zero);
      for (let d: usize = 0; d < Du; d++) {
        const at = acctp + ((d * Ju + j) << 3);
        const t = f64x2.sub(f64x2.splat(load<f64>(xrow + (d << 3))), v128.load(ctp + ((d * Ju + j) << 3)));
        v128.store(at, f64x2.add(v128.load(at), v128.and(f64x2.mul(gs, t), keep)));
      }
    }
    if (j < Ju) {
      const gs = sign * load<f64>(grow + (j << 3)) * (mp != 0 ? load<f64>(mp + (j << 3)) : 1.0);
      if (gs != 0) {
        for (let d: usize = 0; d < Du; d++) {
          const at = acctp + ((d * Ju + j) << 3);
          const t = load<f64>(xrow + (d << 3)) - load<f64>(ctp + ((d * Ju + j) << 3));
          store<f64>(at, load<f64>(at) + gs * t);
        }
      }
    }
  }
}

/** acc[j] += g[n,j]·Σ_d (x_nd − c_jd)² summed over n in order: the vjp for the weights m. */
export function sqdistVjpM(xp: usize, ctp: usize, gp: usize, accp: usize, rows: i32, J: i32, D: i32): void {
  const Ju = <usize>J;
  const Du = <usize>D;
  const zero = f64x2.splat(0.0);
  for (let n: usize = 0; n < <usize>rows; n++) {
    const xrow = xp + ((n * Du) << 3);
    const grow = gp + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      const g = v128.load(grow + (j << 3));
      let s = f64x2.splat(0.0);
      for (let d: usize = 0; d < Du; d++) {
        const t = f64x2.sub(f64x2.splat(load<f64>(xrow + (d << 3))), v128.load(ctp + ((d * Ju + j) << 3)));
        s = f64x2.add(s, f64x2.mul(t, t));
      }
      const at = accp + (j << 3);
      v128.store(at, f64x2.add(v128.load(at), v128.and(f64x2.mul(g, s), f64x2.ne(g, zero))));
    }
    if (j < Ju) {
      const g = load<f64>(grow + (j << 3));
      if (g != 0) {
        let s = 0.0;
        for (let d: usize = 0; d < Du; d++) {
          const t = load<f64>(xrow + (d << 3)) - load<f64>(ctp + ((d * Ju + j) << 3));
          s += t * t;
        }
        const at = accp + (j << 3);
        store<f64>(at, load<f64>(at) + g * s);
      }
    }
  }
}

// ---------------------------------------------------------------- affine
// out = X·Aᵀ + c with A transposed to (D, J) as for sqdist.

/** out[n,j] = c_j + Σ_d x_nd·a_jd (c_j taken as 0 when cp is 0); returns Σ (out − out), 0 when all are finite (as expForward). */
export function affineForward(xp: usize, atp: usize, cp: usize, op: usize, rows: i32, J: i32, D: i32): f64 {
  const Ju = <usize>J;
  const Du = <usize>D;
  let bad = f64x2.splat(0.0);
  let tail = 0.0;
  for (let n: usize = 0; n < <usize>rows; n++) {
    const xrow = xp + ((n * Du) << 3);
    const orow = op + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      let s = cp != 0 ? v128.load(cp + (j << 3)) : f64x2.splat(0.0);
      for (let d: usize = 0; d < Du; d++) {
        s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(xrow + (d << 3))), v128.load(atp + ((d * Ju + j) << 3))));
      }
      v128.store(orow + (j << 3), s);
      bad = f64x2.add(bad, f64x2.sub(s, s));
    }
    if (j < Ju) {
      let s = cp != 0 ? load<f64>(cp + (j << 3)) : 0.0;
      for (let d: usize = 0; d < Du; d++) s += load<f64>(xrow + (d << 3)) * load<f64>(atp + ((d * Ju + j) << 3));
      store<f64>(orow + (j << 3), s);
      tail += s - s;
    }
  }
  return f64x2.extract_lane(bad, 0) + f64x2.extract_lane(bad, 1) + tail;
}

/** accT[d,j] += g[n,j]·x_nd summed over n in order: the vjp for A. */
export function affineVjpA(xp: usize, gp: usize, acctp: usize, rows: i32, J: i32, D: i32): void {
  const Ju = <usize>J;
  const Du = <usize>D;
  for (let n: usize = 0; n < <usize>rows; n++) {
    const xrow = xp + ((n * Du) << 3);
    const grow = gp + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      const g = v128.load(grow + (j << 3));
      for (let d: usize = 0; d < Du; d++) {
        const at = acctp + ((d * Ju + j) << 3);
        v128.store(at, f64x2.add(v128.load(at), f64x2.mul(g, f64x2.splat(load<f64>(xrow + (d << 3))))));
      }
    }
    if (j < Ju) {
      const g = load<f64>(grow + (j << 3));
      for (let d: usize = 0; d < Du; d++) {
        const at = acctp + ((d * Ju + j) << 3);
        store<f64>(at, load<f64>(at) + g * load<f64>(xrow + (d << 3)));
      }
    }
  }
}

/** acc[j] += g[n,j] summed over n in order: the vjp for c. */
export function sumRowsInto(gp: usize, accp: usize, rows: i32, J: i32): void {
  const Ju = <usize>J;
  for (let n: usize = 0; n < <usize>rows; n++) {
    const grow = gp + ((n * Ju) << 3);
    let j: usize = 0;
    for (; j + 2 <= Ju; j += 2) {
      const at = accp + (j << 3);
      v128.store(at, f64x2.add(v128.load(at), v128.load(grow + (j << 3))));
    }
    if (j < Ju) {
      const at = accp + (j << 3);
      store<f64>(at, load<f64>(at) + load<f64>(grow + (j << 3)));
    }
  }
}

// ---------------------------------------------------------------- matrix · vector
// A is (M, K) row-major, b a K-vector: the shape of Φ·w.

/** out[m] += Σ_k A[m,k]·b[k], summed in k order (two rows at a time). */
export function matvecAcc(ap: usize, bp: usize, op: usize, M: i32, K: i32): void {
  const Ku = <usize>K;
  const Mu = <usize>M;
  let m: usize = 0;
  for (; m + 2 <= Mu; m += 2) {
    const r0 = ap + ((m * Ku) << 3);
    const r1 = r0 + (Ku << 3);
    let s = f64x2.splat(0.0);
    for (let k: usize = 0; k < Ku; k++) {
      const a = f64x2.replace_lane(f64x2.splat(load<f64>(r0 + (k << 3))), 1, load<f64>(r1 + (k << 3)));
      s = f64x2.add(s, f64x2.mul(a, f64x2.splat(load<f64>(bp + (k << 3)))));
    }
    const at = op + (m << 3);
    v128.store(at, f64x2.add(v128.load(at), s));
  }
  if (m < Mu) {
    const r0 = ap + ((m * Ku) << 3);
    let s = 0.0;
    for (let k: usize = 0; k < Ku; k++) s += load<f64>(r0 + (k << 3)) * load<f64>(bp + (k << 3));
    const at = op + (m << 3);
    store<f64>(at, load<f64>(at) + s);
  }
}

/** acc[m,k] += g[m]·b[k]: the vjp of A·b for A. */
export function outerAcc(gp: usize, bp: usize, accp: usize, M: i32, K: i32): void {
  const Ku = <usize>K;
  for (let m: usize = 0; m < <usize>M; m++) {
    const g = f64x2.splat(load<f64>(gp + (m << 3)));
    const row = accp + ((m * Ku) << 3);
    let k: usize = 0;
    for (; k + 2 <= Ku; k += 2) {
      const at = row + (k << 3);
      v128.store(at, f64x2.add(v128.load(at), f64x2.mul(g, v128.load(bp + (k << 3)))));
    }
    if (k < Ku) {
      const at = row + (k << 3);
      store<f64>(at, load<f64>(at) + f64x2.extract_lane(g, 0) * load<f64>(bp + (k << 3)));
    }
  }
}

/** acc[k] += Σ_m A[m,k]·g[m] in m order, skipping zero A[m,k] as the scalar loop does: the vjp of A·b for b. */
export function vecmatAcc(ap: usize, gp: usize, accp: usize, M: i32, K: i32): void {
  const Ku = <usize>K;
  const zero = f64x2.splat(0.0);
  for (let m: usize = 0; m < <usize>M; m++) {
    const gs = load<f64>(gp + (m << 3));
    const g = f64x2.splat(gs);
    const row = ap + ((m * Ku) << 3);
    let k: usize = 0;
    for (; k + 2 <= Ku; k += 2) {
      const a = v128.load(row + (k << 3));
      const at = accp + (k << 3);
      v128.store(at, f64x2.add(v128.load(at), v128.and(f64x2.mul(a, g), f64x2.ne(a, zero))));
    }
    if (k < Ku) {
      const a = load<f64>(row + (k << 3));
      if (a != 0) {
        const at = accp + (k << 3);
        store<f64>(at, load<f64>(at) + a * gs);
      }
    }
  }
}

// ---------------------------------------------------------------- cross products
// The Gram matrix CᵀC of a tall matrix C (rows, kp), kp a multiple of 4, in
// blocks of rows: src/solve/gram.ts lays C out (centred, padded with zero
// columns) and adds the blocks up. Every entry of a block's CᵀC is a plain
// sum over the block's rows in row order, started from 0, which is how the
// scalar reference in gram.ts sums it too, so both give the same bits.

/**
 * c[r·kp + j] = a[r·k + j] − s[j] (j < k), c[r·kp + k] = b[r] − s[k] when
 * bp ≠ 0 (b as one more column), zeros up to kp: one block laid out for gramAcc.
 */
export function gramCentre(ap: usize, bp: usize, sp: usize, cp: usize, rows: i32, k: i32, kp: i32): void {
  const ku = <usize>k;
  const kpu = <usize>kp;
  for (let r: usize = 0; r < <usize>rows; r++) {
    const src = ap + ((r * ku) << 3);
    const dst = cp + ((r * kpu) << 3);
    let j: usize = 0;
    for (; j + 2 <= ku; j += 2) v128.store(dst + (j << 3), f64x2.sub(v128.load(src + (j << 3)), v128.load(sp + (j << 3))));
    if (j < ku) {
      store<f64>(dst + (j << 3), load<f64>(src + (j << 3)) - load<f64>(sp + (j << 3)));
      j++;
    }
    if (bp != 0) {
      store<f64>(dst + (j << 3), load<f64>(bp + (r << 3)) - load<f64>(sp + (ku << 3)));
      j++;
    }
    for (; j < kpu; j++) store<f64>(dst + (j << 3), 0.0);
  }
}

/**
 * g(kp, kp) += Σ_r c_r c_rᵀ on the 4 × 4 tiles on and above the diagonal, for
 * c (rows, kp): each tile's sums run over all rows in registers (four rows
 * of the tile splatted, its four columns as two vectors), then meet g once.
 */
export function gramAcc(cp: usize, gp: usize, rows: i32, kp: i32): void {
  const kpu = <usize>kp;
  const stride = kpu << 3;
  const n = <usize>rows;
  for (let a: usize = 0; a < kpu; a += 4) {
    for (let b: usize = a; b < kpu; b += 4) {
      let s00 = f64x2.splat(0.0);
      let s01 = f64x2.splat(0.0);
      let s10 = f64x2.splat(0.0);
      let s11 = f64x2.splat(0.0);
      let s20 = f64x2.splat(0.0);
      let s21 = f64x2.splat(0.0);
      let s30 = f64x2.splat(0.0);
      let s31 = f64x2.splat(0.0);
      let row = cp;
      for (let r: usize = 0; r < n; r++) {
        const pa = row + (a << 3);
        const pb = row + (b << 3);
        const v0 = v128.load(pb);
        const v1 = v128.load(pb + 16);
        const c0 = f64x2.splat(load<f64>(pa));
        const c1 = f64x2.splat(load<f64>(pa + 8));
        const c2 = f64x2.splat(load<f64>(pa + 16));
        const c3 = f64x2.splat(load<f64>(pa + 24));
        s00 = f64x2.add(s00, f64x2.mul(c0, v0));
        s01 = f64x2.add(s01, f64x2.mul(c0, v1));
        s10 = f64x2.add(s10, f64x2.mul(c1, v0));
        s11 = f64x2.add(s11, f64x2.mul(c1, v1));
        s20 = f64x2.add(s20, f64x2.mul(c2, v0));
        s21 = f64x2.add(s21, f64x2.mul(c2, v1));
        s30 = f64x2.add(s30, f64x2.mul(c3, v0));
        s31 = f64x2.add(s31, f64x2.mul(c3, v1));
        row += stride;
      }
      const g0 = gp + ((a * kpu + b) << 3);
      const g1 = g0 + stride;
      const g2 = g1 + stride;
      const g3 = g2 + stride;
      v128.store(g0, f64x2.add(v128.load(g0), s00));
      v128.store(g0 + 16, f64x2.add(v128.load(g0 + 16), s01));
      v128.store(g1, f64x2.add(v128.load(g1), s10));
      v128.store(g1 + 16, f64x2.add(v128.load(g1 + 16), s11));
      v128.store(g2, f64x2.add(v128.load(g2), s20));
      v128.store(g2 + 16, f64x2.add(v128.load(g2 + 16), s21));
      v128.store(g3, f64x2.add(v128.load(g3), s30));
      v128.store(g3 + 16, f64x2.add(v128.load(g3 + 16), s31));
    }
  }
}

// ---------------------------------------------------------------- Cholesky

/**
 * L (n × n, row-major, zero above the diagonal) of A = L Lᵀ into lp, from
 * A's lower triangle, with U = Lᵀ (n × n scratch, upper triangle) at up;
 * returns 1 when A is positive definite, else 0 (L is then meaningless). src/solve/cholesky.ts holds the scalar reference: each
 * L[j][k] = (A[j][k] − Σᵢ L[k][i]·L[j][i]) / L[k][k] sums i upward from 0 and
 * each pivot's Σ L[k][i]² runs in the same order, so the bits agree. Column
 * k is computed for all rows j > k at once, two rows a lane: in U those are
 * neighbours, so a sum over i loads U[i][j..j+1] and needs no shuffle.
 */
export function choleskyLower(ap: usize, up: usize, lp: usize, n: i32): i32 {
  const nu = <usize>n;
  const stride = nu << 3;
  let pd: i32 = 1;
  for (let k: usize = 0; k < nu; k++) {
    let d: f64 = 0.0;
    for (let i: usize = 0; i < k; i++) {
      const s = load<f64>(up + i * stride + (k << 3));
      d = d + s * s;
    }
    d = load<f64>(ap + k * stride + (k << 3)) - d;
    if (!(d > 0.0)) pd = 0;
    const lkk = Math.sqrt(max<f64>(d, 0.0));
    store<f64>(up + k * stride + (k << 3), lkk);
    let j: usize = k + 1;
    for (; j + 8 <= nu; j += 8) {
      let s0 = f64x2.splat(0.0);
      let s1 = f64x2.splat(0.0);
      let s2 = f64x2.splat(0.0);
      let s3 = f64x2.splat(0.0);
      for (let i: usize = 0; i < k; i++) {
        const row = up + i * stride;
        const c = f64x2.splat(load<f64>(row + (k << 3)));
        const at = row + (j << 3);
        s0 = f64x2.add(s0, f64x2.mul(c, v128.load(at)));
        s1 = f64x2.add(s1, f64x2.mul(c, v128.load(at + 16)));
        s2 = f64x2.add(s2, f64x2.mul(c, v128.load(at + 32)));
        s3 = f64x2.add(s3, f64x2.mul(c, v128.load(at + 48)));
      }
      const out = up + k * stride + (j << 3);
      v128.store(out, s0);
      v128.store(out + 16, s1);
      v128.store(out + 32, s2);
      v128.store(out + 48, s3);
    }
    for (; j + 2 <= nu; j += 2) {
      let s = f64x2.splat(0.0);
      for (let i: usize = 0; i < k; i++) {
        const row = up + i * stride;
        s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(row + (k << 3))), v128.load(row + (j << 3))));
      }
      v128.store(up + k * stride + (j << 3), s);
    }
    for (; j < nu; j++) {
      let s: f64 = 0.0;
      for (let i: usize = 0; i < k; i++) {
        const row = up + i * stride;
        s = s + load<f64>(row + (k << 3)) * load<f64>(row + (j << 3));
      }
      store<f64>(up + k * stride + (j << 3), s);
    }
    // Row k of U now holds the sums; finish each entry as the reference does.
    store<f64>(lp + k * stride + (k << 3), lkk);
    for (let jj: usize = k + 1; jj < nu; jj++) {
      const at = up + k * stride + (jj << 3);
      const v = (load<f64>(ap + jj * stride + (k << 3)) - load<f64>(at)) / lkk;
      store<f64>(at, v);
      store<f64>(lp + jj * stride + (k << 3), v);
      store<f64>(lp + k * stride + (jj << 3), 0.0);
    }
  }
  return pd;
}

/**
 * x ← (L Lᵀ)⁻¹ x in place, for choleskyLower's L (lp) and U = Lᵀ (up): the
 * forward and back substitutions of src/solve/cholesky.ts in its order. Each
 * reads a contiguous row, of L going forward and of U coming back.
 */
export function choleskySolveInPlace(lp: usize, up: usize, xp: usize, n: i32): void {
  const nu = <usize>n;
  const stride = nu << 3;
  for (let k: usize = 0; k < nu; k++) {
    const row = lp + k * stride;
    let v = load<f64>(xp + (k << 3));
    for (let i: usize = 0; i < k; i++) v = v - load<f64>(xp + (i << 3)) * load<f64>(row + (i << 3));
    store<f64>(xp + (k << 3), v / load<f64>(row + (k << 3)));
  }
  for (let k = <isize>nu - 1; k >= 0; k--) {
    const ku = <usize>k;
    const row = up + ku * stride;
    let v = load<f64>(xp + (ku << 3));
    for (let i: usize = ku + 1; i < nu; i++) v = v - load<f64>(xp + (i << 3)) * load<f64>(row + (i << 3));
    store<f64>(xp + (ku << 3), v / load<f64>(row + (ku << 3)));
  }
}

/** n doubles of zeros from p: TypedArray.fill on the shared memory runs several times slower than this. */
export function zeroFill(p: usize, n: i32): void {
  memory.fill(p, 0, (<usize>n) << 3);
}

/** First free byte after the module's own data: the JavaScript side lays out its buffers from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
