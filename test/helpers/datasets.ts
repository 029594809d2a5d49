/**
 * Small seeded data generators, independent of basisfit's own Rng so the tests
 * do not share randomness (or bugs) with the code under test.
 */
import { writeFileSync } from 'node:fs';

/** mulberry32: a tiny, well-known 32-bit generator; uniform in [0, 1). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded uniform stream. */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => {
    const u1 = 1 - u(); // in (0, 1]: log stays finite
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
  };
}

export interface CurveSpec {
  n: number;
  /** x ~ U[lo, hi] */
  lo: number;
  hi: number;
  f: (x: number) => number;
  noise: number;
  seed: number;
}

/** Rows [x, f(x) + noise] with x uniform on [lo, hi]. */
export function curveRows(spec: CurveSpec): number[][] {
  const u = uniform(spec.seed);
  const z = normal(spec.seed + 1);
  return Array.from({ length: spec.n }, () => {
    const x = spec.lo + (spec.hi - spec.lo) * u();
    return [x, spec.f(x) + spec.noise * z()];
  });
}

export function csvText(header: readonly string[], rows: readonly (readonly (number | string)[])[]): string {
  return `${[header.join(','), ...rows.map((r) => r.map(String).join(','))].join('\n')}\n`;
}

export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly (number | string)[])[]): string {
  writeFileSync(path, csvText(header, rows));
  return path;
}

/** A plain comma-separated file without quoting, as the predict command writes for numeric input. */
export function parseSimpleCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l !== '');
  const [head, ...body] = lines;
  return { header: head.split(','), rows: body.map((l) => l.split(',')) };
}

/** Regression metrics computed here, not by basisfit, to cross-check its numbers. */
export function rmse(pred: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}
