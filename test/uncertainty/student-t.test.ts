import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../src/uncertainty/student-t.js';

/** Reference values from mpmath at 40 digits (test/uncertainty/fixtures/make_student_t.py). */
const ref = JSON.parse(readFileSync(new URL('./fixtures/student-t.json', import.meta.url), 'utf8')) as {
  quantiles: { p: number; nu: number; t: number }[];
  cdf: { t: number; nu: number; p: number; upper: number }[];
};

/**
 * 1e-12, except at ν = 250000, where the continued fraction needs several hundred
 * terms (about √(ν/2)) and their rounding adds up to a few 1e-12.
 */
function tolerance(nu: number): number {
  return nu > 1e5 ? 5e-12 : 1e-12;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe('Student t', () => {
  it('quantiles match mpmath to 1e-12 relative (5e-12 at nu = 250000) (absolute near the median, where t crosses 0)', () => {
    let worst = 0;
    for (const { p, nu, t } of ref.quantiles) {
      const got = studentTQuantile(p, nu);
      const err = Math.abs(t) < 1e-3 ? Math.abs(got - t) : relErr(got, t);
      worst = Math.max(worst, err);
      expect(err, `p=${p} nu=${nu}: ${got} vs mpmath ${t}`).toBeLessThan(tolerance(nu));
    }
    // Not vacuous: a real comparison was made on the far tails too.
    expect(worst).toBeGreaterThan(0);
  });

  it('the CDF matches mpmath to 1e-12 relative in the lower tail, and to rounding of 1 - tail in the upper', () => {
    for (const { t, nu, p, upper } of ref.cdf) {
      const got = studentTCdf(t, nu);
      // The lower tail is a small number held to full relative precision; in the upper
      // tail a CDF near 1 is itself only good to one ulp of 1 (2.2e-16) plus the tail's error.
      const err = t <= 0 ? Math.abs(got - p) / Math.max(p, 1e-300) : Math.abs(1 - got - upper) / (upper + 2.3e-16 / 1e-12);
      expect(err, `t=${t} nu=${nu}: ${got} vs mpmath ${p}`).toBeLessThan(tolerance(nu));
    }
  });

  it('closed forms: nu = 1 is Cauchy, nu = 2 has t = (2p-1)/sqrt(2p(1-p))', () => {
    for (const p of [0.01, 0.3, 0.8, 0.975]) {
      expect(relErr(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)))).toBeLessThan(1e-13);
      expect(relErr(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeLessThan(1e-13);
    }
  });

  it('quantile and CDF invert each other', () => {
    for (const nu of [0.7, 3, 41.5, 5000]) for (const p of [0.002, 0.2, 0.7, 0.9999]) expect(relErr(studentTCdf(studentTQuantile(p, nu), nu), p)).toBeLessThan(1e-12);
  });

  it('log-gamma and the incomplete beta at known points', () => {
    expect(relErr(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(relErr(logGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    expect(relErr(incompleteBeta(0.3, 1, 2.5), 1 - 0.7 ** 2.5)).toBeLessThan(1e-14);
    expect(relErr(incompleteBeta(0.3, 4, 1), 0.3 ** 4)).toBeLessThan(1e-13);
  });

  it('beyond a million dof (the Cornish-Fisher expansion) matches mpmath to 1e-14, and at 1e308 returns the normal quantile at once', () => {
    // mpmath at 40 digits, rounded to doubles: the t quantile at nu = 1e7 and 1e12, and sqrt(2)·erfinv(2p − 1).
    const cases: [number, number, number][] = [
      [0.975, 1e7, 1.9599642217672055],
      [0.975, 1e12, 1.9599639845424266],
      [0.975, 1e308, 1.9599639845400543],
      [1e-10, 1e7, -6.361347496998616],
      [1e-10, 1e12, -6.361340902470002],
      [1e-10, 1e308, -6.361340902404057],
      [0.6, 1e12, 0.2533471031358672],
    ];
    for (const [p, nu, t] of cases) expect(relErr(studentTQuantile(p, nu), t), `p=${p} nu=${nu}`).toBeLessThan(1e-14);
  });

  it('rejects levels and dof outside their domain', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5 + Number.NaN, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});
