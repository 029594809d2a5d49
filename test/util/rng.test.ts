import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { murmur3Words } from '../../src/util/hash.js';
import { Rng } from '../../src/util/rng.js';

// Chi-square critical values at p = 0.001 (fixed seeds make these tests deterministic;
// the level says how unlikely a correct generator is to fail them for a new seed).
const CHI2_999: Record<number, number> = { 6: 22.458, 19: 43.82, 23: 49.728 };

/**
 * Reference xoroshiro128+ in 64-bit BigInt arithmetic, transcribed from Blackman & Vigna's
 * C code, seeded the way Rng documents: four murmur3 hashes of [seed lo, seed hi, ...forks].
 * Matching it pins the stream to the published algorithm, which uses integer arithmetic
 * only; hence the same model file on every platform.
 */
class ReferenceRng {
  private s0: bigint;
  private s1: bigint;
  constructor(key: number[]) {
    const [a, b, c, d] = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x6a09e667].map((salt) => BigInt(murmur3Words(key, salt)));
    this.s0 = (a << 32n) | b;
    this.s1 = (c << 32n) | d;
  }
  next64(): bigint {
    const M = (1n << 64n) - 1n;
    const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & M;
    const s0 = this.s0;
    let s1 = this.s1;
    const result = (s0 + s1) & M;
    s1 ^= s0;
    this.s0 = rotl(s0, 24n) ^ s1 ^ ((s1 << 16n) & M);
    this.s1 = rotl(s1, 37n);
    return result;
  }
  next(): number {
    const low32 = () => Number(this.next64() & 0xffffffffn);
    const hi = low32() >>> 6;
    const lo = low32() >>> 5;
    return hi / 2 ** 26 + lo / 2 ** 53;
  }
}

function keyOf(seed: number, forks: number[] = []): number[] {
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, ...forks];
}

function draws(r: Rng, n: number): number[] {
  return Array.from({ length: n }, () => r.next());
}

function chiSquare(counts: number[], expected: number): number {
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('Rng stream', () => {
  it.each([0, 1, 42, -7, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER])('seed %d follows reference xoroshiro128+', (seed) => {
    const ref = new ReferenceRng(keyOf(seed));
    const r = new Rng(seed);
    for (let i = 0; i < 500; i++) expect(r.next()).toBe(ref.next());
  });

  it('fork(k) follows the reference seeded with the fork path', () => {
    const root = new Rng(9);
    const ref = new ReferenceRng(keyOf(9, [3, 1]));
    const child = root.fork(3).fork(1);
    for (let i = 0; i < 200; i++) expect(child.next()).toBe(ref.next());
  });

  it('is reproducible: same seed, same values from every method', () => {
    const run = (seed: number) => {
      const r = new Rng(seed);
      const perm = Array.from({ length: 50 }, (_, i) => i);
      r.shuffle(perm);
      return { u: draws(r, 20), z: Array.from({ length: 21 }, () => r.normal()), k: Array.from({ length: 20 }, () => r.int(1000)), perm };
    };
    expect(run(123)).toEqual(run(123));
    expect(run(123)).not.toEqual(run(124));
  });

  it('uses all 53 bits of the seed', () => {
    expect(draws(new Rng(1), 4)).not.toEqual(draws(new Rng(1 + 2 ** 32), 4));
    expect(draws(new Rng(-1), 4)).not.toEqual(draws(new Rng(2 ** 32 - 1), 4));
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('rejects seed %d with a UsageError', (seed) => {
    expect(() => new Rng(seed)).toThrow(UsageError);
  });
});

describe('Rng.next', () => {
  const n = 200_000;
  const u = draws(new Rng(2024), n);

  it('gives multiples of 2^-53 in [0, 1)', () => {
    const bad = u.filter((x) => !(x >= 0 && x < 1 && Number.isInteger(x * 2 ** 53)));
    expect(bad).toEqual([]);
  });

  it('is uniform over 20 bins (chi-square, p = 0.001)', () => {
    const counts = new Array(20).fill(0);
    for (const x of u) counts[Math.floor(x * 20)]++;
    expect(chiSquare(counts, n / 20)).toBeLessThan(CHI2_999[19]);
  });

  it('has mean 1/2 and no lag-1 correlation (within 4 standard errors)', () => {
    const mean = u.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    let cov = 0;
    for (let i = 1; i < n; i++) cov += (u[i] - 0.5) * (u[i - 1] - 0.5);
    const corr = cov / (n - 1) / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(n));
  });
});

describe('Rng.normal', () => {
  const n = 200_000;
  const r = new Rng(77);
  const z = Array.from({ length: n }, () => r.normal());
  const mean = z.reduce((s, x) => s + x, 0) / n;
  const moment = (k: number) => z.reduce((s, x) => s + (x - mean) ** k, 0) / n;

  it('has mean 0 and variance 1 (within 4 standard errors)', () => {
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(moment(2) - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('has zero skewness and zero excess kurtosis (within 4 standard errors)', () => {
    const v = moment(2);
    expect(Math.abs(moment(3) / v ** 1.5)).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(moment(4) / v ** 2 - 3)).toBeLessThan(4 * Math.sqrt(24 / n));
  });

  it.each([
    [1, 0.6826894921370859],
    [2, 0.9544997361036416],
    [3, 0.9973002039367398],
  ])('puts the normal share of draws within %d sigma', (k, p) => {
    const share = z.filter((x) => Math.abs(x) < k).length / n;
    expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  it('is finite', () => {
    expect(z.every(Number.isFinite)).toBe(true);
  });
});

describe('Rng.int', () => {
  it('is uniform on [0, 7) (chi-square, p = 0.001)', () => {
    const r = new Rng(5);
    const n = 70_000;
    const ks = Array.from({ length: n }, () => r.int(7));
    expect(ks.filter((k) => !(Number.isInteger(k) && k >= 0 && k < 7))).toEqual([]);
    const counts = new Array(7).fill(0);
    for (const k of ks) counts[k]++;
    expect(chiSquare(counts, n / 7)).toBeLessThan(CHI2_999[6]);
  });

  it('covers the whole range up to 2^32 and gives 0 for n = 1', () => {
    const r = new Rng(6);
    const big = Array.from({ length: 1000 }, () => r.int(2 ** 32));
    expect(big.every((k) => Number.isInteger(k) && k >= 0 && k < 2 ** 32)).toBe(true);
    expect(Math.max(...big)).toBeGreaterThan(2 ** 31);
    expect(Array.from({ length: 20 }, () => r.int(1))).toEqual(new Array(20).fill(0));
  });

  it.each([0, -1, 2.5, Number.NaN, 2 ** 32 + 1])('rejects n = %d', (bad) => {
    expect(() => new Rng(1).int(bad)).toThrow(RangeError);
  });
});

describe('Rng.shuffle', () => {
  it('permutes in place, for plain arrays and Uint32Array alike', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const t = Uint32Array.from(a);
    new Rng(8).shuffle(a);
    new Rng(8).shuffle(t);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(t)).toEqual(a);
  });

  it('leaves empty and one-element arrays alone', () => {
    const empty: number[] = [];
    const one = [5];
    new Rng(1).shuffle(empty);
    new Rng(1).shuffle(one);
    expect(empty).toEqual([]);
    expect(one).toEqual([5]);
  });

  it('makes all 24 orders of 4 items equally likely (chi-square, p = 0.001)', () => {
    const r = new Rng(10);
    const n = 120_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const a = [0, 1, 2, 3];
      r.shuffle(a);
      const key = a.join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], n / 24)).toBeLessThan(CHI2_999[23]);
  });
});

describe('Rng.fork', () => {
  it('depends only on the seed and k, not on what the parent drew', () => {
    const a = new Rng(3);
    const b = new Rng(3);
    draws(b, 17);
    b.normal();
    expect(draws(a.fork(2), 10)).toEqual(draws(b.fork(2), 10));
  });

  it('gives streams that differ from the parent, from each other and across nesting', () => {
    const root = new Rng(3);
    const streams = [root, root.fork(0), root.fork(1), root.fork(2), root.fork(3), root.fork(1).fork(2), root.fork(2).fork(1)];
    const heads = streams.map((s) => draws(s, 3).join(','));
    expect(new Set(heads).size).toBe(streams.length);
  });

  it('gives uncorrelated streams (within 4 standard errors)', () => {
    const n = 50_000;
    const x = draws(new Rng(4).fork(0), n);
    const y = draws(new Rng(4).fork(1), n);
    let cov = 0;
    for (let i = 0; i < n; i++) cov += (x[i] - 0.5) * (y[i] - 0.5);
    expect(Math.abs(cov / n / (1 / 12))).toBeLessThan(4 / Math.sqrt(n));
  });

  it.each([-1, 0.5, 2 ** 32])('rejects k = %d', (k) => {
    expect(() => new Rng(1).fork(k)).toThrow(RangeError);
  });

  it('is rebuilt from its seed and fork path (how a pool worker gets a job\'s stream), whatever was drawn before', () => {
    const parent = new Rng(2 ** 40 + 3);
    parent.next();
    const child = parent.fork(7).fork(0xb007);
    expect(child.forks).toEqual([7, 0xb007]);
    const again = Rng.at(2 ** 40 + 3, child.forks);
    expect(draws(again, 20)).toEqual(draws(child, 20));
    expect(draws(Rng.at(2 ** 40 + 3, [7]), 20)).not.toEqual(draws(Rng.at(2 ** 40 + 3, [7, 0xb007]), 20));
    expect(new Rng(5).forks).toEqual([]);
  });
});

