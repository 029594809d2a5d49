/**
 * Gradient checking in the manner of autograd's check_grads: along random
 * directions, compare forward mode and reverse mode with central finite
 * differences, and the two modes with each other through the identity
 * <u, J v> = <Jᵀ u, v>, which needs no finite differences at all.
 */
import { type Fn, vjp } from './api.js';
import { jvp } from './dual.js';
import { Tensor } from './tensor.js';

export interface CheckOptions {
  /** Finite-difference step (relative to each argument's scale). */
  eps?: number;
  /** Largest relative error accepted. */
  rtol?: number;
  /** Number of random directions. */
  directions?: number;
  /** Uniform [0,1) source; seeded by default so checks are repeatable. */
  random?: () => number;
  /** Indices of arguments to perturb (all by default). */
  argnums?: readonly number[];
}

export interface CheckReport {
  /** max over directions of relerr(forward-mode Jv, finite-difference Jv) */
  forwardVsFd: number;
  /** max over directions of relerr(<Jᵀu, v>, <u, finite-difference Jv>), relative to the dot product's terms */
  reverseVsFd: number;
  /** max over directions of relerr(<u, Jv>, <Jᵀu, v>), relative to the dot product's terms — exact up to rounding */
  forwardVsReverse: number;
}

/** |a - b| relative to the larger magnitude, with a floor so that two near-zeros agree. */
export function relativeError(a: number, b: number, floor = 1e-10): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor);
}

function vectorRelError(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-10);
}

export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomLike(t: Tensor, random: () => number): Tensor {
  const d = new Float64Array(t.size);
  for (let i = 0; i < d.length; i++) d[i] = 2 * random() - 1;
  return new Tensor(d, t.shape);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Error of two estimates of <u, w>, relative to sum |u_i w_i|: the errors in w
 * (finite-difference noise, rounding) reach the dot product at that scale, so a
 * random u that happens to make the sum cancel does not pass for a wrong derivative.
 */
function dotError(a: number, b: number, u: Float64Array, w: Float64Array): number {
  let terms = 0;
  for (let i = 0; i < u.length; i++) terms += Math.abs(u[i] * w[i]);
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), terms, 1e-10);
}

function shifted(args: readonly Tensor[], dirs: readonly (Tensor | null)[], h: number): Tensor[] {
  return args.map((a, i) => {
    const v = dirs[i];
    if (v === null) return a;
    const d = a.data.slice();
    for (let k = 0; k < d.length; k++) d[k] += h * v.data[k];
    return new Tensor(d, a.shape);
  });
}

/** Central difference (f(x + h v) - f(x - h v)) / 2h: an estimate of J v. */
export function finiteDifferenceJv(f: Fn, args: readonly Tensor[], dirs: readonly (Tensor | null)[], h: number): Float64Array {
  const plus = f(...shifted(args, dirs, h)).data;
  const minus = f(...shifted(args, dirs, -h)).data;
  const out = new Float64Array(plus.length);
  for (let i = 0; i < out.length; i++) out[i] = (plus[i] - minus[i]) / (2 * h);
  return out;
}

/** Measures all three agreements without judging them. */
export function gradCheckReport(f: Fn, args: readonly Tensor[], opts: CheckOptions = {}): CheckReport {
  const random = opts.random ?? mulberry32(12345);
  const directions = opts.directions ?? 3;
  const wrt = opts.argnums ?? args.map((_, i) => i);
  // a loop, not Math.max(...values): spreading more than ~100k arguments overflows the stack
  let scale = 1;
  for (const a of args) for (let i = 0; i < a.size; i++) scale = Math.max(scale, Math.abs(a.data[i]));
  const h = (opts.eps ?? 1e-6) * scale;
  const report: CheckReport = { forwardVsFd: 0, reverseVsFd: 0, forwardVsReverse: 0 };
  const pb = vjp(f, args, wrt);
  try {
    for (let r = 0; r < directions; r++) {
      const dirs = args.map((a, i) => (wrt.includes(i) ? randomLike(a, random) : null));
      const tangents = args.map((a, i) => dirs[i] ?? Tensor.zeros(a.shape));
      const fd = finiteDifferenceJv(f, args, dirs, h);
      const fwd = jvp(f, args, tangents).tangent.data;
      const u = randomLike(pb.value, random);
      const vjps = pb.pullback(u);
      const uJtv = vjps.reduce((s, g, k) => s + dot(g.data, tangents[wrt[k]].data), 0);
      report.forwardVsFd = Math.max(report.forwardVsFd, vectorRelError(fwd, fd));
      report.reverseVsFd = Math.max(report.reverseVsFd, dotError(uJtv, dot(u.data, fd), u.data, fd));
      report.forwardVsReverse = Math.max(report.forwardVsReverse, dotError(dot(u.data, fwd), uJtv, u.data, fwd));
    }
  } finally {
    pb.dispose();
  }
  return report;
}

/** Throws a descriptive error when either mode disagrees with finite differences or with the other. */
export function checkGrads(f: Fn, args: readonly Tensor[], opts: CheckOptions = {}): CheckReport {
  const rtol = opts.rtol ?? 1e-6;
  const report = gradCheckReport(f, args, opts);
  const bad = (Object.entries(report) as [string, number][]).filter(([k, v]) => !(v <= (k === 'forwardVsReverse' ? 1e-10 : rtol)));
  if (bad.length > 0) {
    throw new Error(`gradient check failed: ${bad.map(([k, v]) => `${k} = ${v.toExponential(3)}`).join(', ')} (rtol ${rtol})`);
  }
  return report;
}
