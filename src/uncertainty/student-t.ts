/**
 * Student's t distribution for real (not only whole) degrees of freedom: the
 * effective dof of a ridge smoother is a real number. The CDF goes through the
 * regularised incomplete beta function, I_x(a, b), evaluated by its continued
 * fraction (modified Lentz), and the quantile inverts I_x by safeguarded
 * Newton steps inside a bisection bracket, so it always converges. Checked
 * against scipy.stats.t in test/uncertainty/student-t.test.ts.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  // Reflection keeps the series on x >= 1/2, where it is accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], Stirling's series; the first omitted term is below 2e-14 at x >= 10. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (1 / 12 - r * (1 / 360 - r * (1 / 1260 - r * (1 / 1680 - r / 1188)))) / x;
}

/**
 * ln B(a, b). Written as ln Γ(a) + ln Γ(b) − ln Γ(a + b) it loses digits when a
 * is large (at a = 5000 the two big terms are near 4e4 and cancel to a few
 * units: 1e-12 relative error in the density, seen in the quantiles at large dof),
 * so for the larger argument >= 10 the difference ln Γ(a) − ln Γ(a + b) is
 * formed in closed form from Stirling's series, without the cancellation.
 */
function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 10) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const diff = -(big - 0.5) * Math.log1p(small / big) - small * Math.log(big + small) + small + stirlingCorrection(big) - stirlingCorrection(big + small);
  return logGamma(small) + diff;
}

const TINY = 1e-300;
const EPS = 1e-16;

/** Continued fraction of I_x(a, b) (Numerical Recipes' betacf), converging fast for x < (a + 1)/(a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // The number of terms grows like sqrt(max(a, b)); the cap is far above what any dof here needs.
  const maxIter = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new RangeError(`incomplete beta: the continued fraction did not converge for a=${a}, b=${b}, x=${x}`);
}

/** The regularised incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta needs 0 <= x <= 1, got ${x}`);
  return incompleteBetaPair(x, 1 - x, Math.log(x), Math.log1p(-x), a, b);
}

/**
 * I_x(a, b) from x and y = 1 − x both given, so a caller who can form the
 * small one of them directly (t²/(ν+t²) next to ν/(ν+t²)) does not lose its
 * digits to the rounding of 1 − x: at x = 1 − 1e-7 that rounding alone is a
 * 1e-9 relative error in y. Their logarithms come too: at a = 1e5 the
 * exponent a·ln x needs ln x to better than 1 ulp of x can give.
 */
function incompleteBetaPair(x: number, y: number, logX: number, logY: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incompleteBeta needs a, b > 0, got a=${a}, b=${b}`);
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  // Use the fraction where it converges and the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) elsewhere.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/** P(T > t) for t >= 0: ½ I_{ν/(ν+t²)}(ν/2, ½), both arguments of the pair formed without cancellation. */
function upperTail(t: number, nu: number): number {
  const t2 = t * t;
  const ratio = t2 / nu;
  const log1pRatio = Math.log1p(ratio);
  return 0.5 * incompleteBetaPair(1 / (1 + ratio), ratio / (1 + ratio), -log1pRatio, Math.log(ratio) - log1pRatio, nu / 2, 0.5);
}

/** The density of Student's t at t. */
function studentTDensity(t: number, nu: number): number {
  return Math.exp(-logBeta(nu / 2, 0.5) - 0.5 * Math.log(nu) - ((nu + 1) / 2) * Math.log1p((t * t) / nu));
}

/** P(T <= t) for T ~ Student's t with ν > 0 degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  if (!(nu > 0)) throw new RangeError(`studentTCdf needs nu > 0, got ${nu}`);
  if (Number.isNaN(t)) throw new RangeError('studentTCdf needs a number, got NaN');
  if (t === 0) return 0.5;
  const tail = upperTail(Math.abs(t), nu);
  return t > 0 ? 1 - tail : tail;
}

/**
 * Above this many degrees of freedom the quantile comes from the normal one by the
 * Cornish–Fisher expansion in 1/ν: its first omitted term is below 1e-17 relative
 * there, while the continued fraction's terms grow like √ν (at ν = 1e12 its rounding
 * was 3e-6 relative, at 1e16 7%, and at 1e308 it never returned).
 */
const LARGE_NU = 1e6;

/** Q(½, x) = erfc(√x), the regularised upper incomplete gamma at a = ½: series below x = 1.5, continued fraction above (Numerical Recipes' gser, gcf). */
function upperGammaHalf(x: number): number {
  const a = 0.5;
  const front = Math.exp(-x + a * Math.log(x) - 0.5 * Math.log(Math.PI));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 200 && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * front;
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 200; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return front * h;
}

/** P(Z > z) for a standard normal Z and z >= 0. */
function normalUpperTail(z: number): number {
  return 0.5 * upperGammaHalf(0.5 * z * z);
}

function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * The t > 0 with tail(t) = r, r < ½, by Newton steps on log tail(t) against u = log t,
 * where the tail is close to a straight line (a power law, t^−ν, far out), inside a
 * bisection bracket.
 */
function tailInverse(r: number, tail: (t: number) => number, density: (t: number) => number): number {
  const logR = Math.log(r);
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let u = 0;
  for (let i = 0; i < 500; i++) {
    const t = Math.exp(u);
    const q = tail(t);
    const h = Math.log(q) - logR;
    if (h === 0) break;
    // The tail decreases in t: h > 0 means t is still too small.
    if (h > 0) lo = u;
    else hi = u;
    const slope = (-t * density(t)) / q;
    let next = u - h / slope;
    // Before a bracket exists, move at most a factor e^8 in t per step.
    if (!Number.isFinite(next)) next = h > 0 ? u + 8 : u - 8;
    next = Math.min(Math.max(next, u - 8), u + 8);
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : h > 0 ? u + 8 : u - 8;
    const done = Math.abs(next - u) <= 1e-15 * Math.max(1, Math.abs(u));
    u = next;
    if (done) break;
  }
  return Math.exp(u);
}

/**
 * The p-quantile of Student's t with ν > 0 degrees of freedom, 0 < p < 1.
 * Solves P(T > t) = r, r = min(p, 1 − p), for t > 0 (tailInverse). Working with the
 * tail probability and t itself keeps full relative precision at any level and
 * any dof, where inverting I_x for x = ν/(ν+t²) would not (x is near 1 at large ν).
 * Above LARGE_NU: the normal quantile z plus the Cornish–Fisher terms to 1/ν⁴
 * (Abramowitz and Stegun 26.7.5).
 */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs 0 < p < 1, got ${p}`);
  if (!(nu > 0)) throw new RangeError(`studentTQuantile needs nu > 0, got ${nu}`);
  if (p === 0.5) return 0;
  const r = Math.min(p, 1 - p);
  let t: number;
  if (nu > LARGE_NU) {
    const z = tailInverse(r, normalUpperTail, normalDensity);
    const z2 = z * z;
    const g1 = (z * (z2 + 1)) / 4;
    const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
    const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
    const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
    t = z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu;
  } else {
    t = tailInverse(
      r,
      (x) => upperTail(x, nu),
      (x) => studentTDensity(x, nu),
    );
  }
  return p > 0.5 ? t : -t;
}
