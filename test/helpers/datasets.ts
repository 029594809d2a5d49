/**
 * Small seeded data generators, independent of basisfit's own Rng so the tests
 * do not share randomness (or bugs) with the code under test.
 */
import { writeFileSync } from 'node:fs';
import { gaussian, mulberry32 } from '../../scripts/seeded-random.mjs';

/** mulberry32 (scripts/seeded-random.mjs, shared with the data scripts and benchmarks); uniform in [0, 1). */
export function uniform(seed: number): () => number {
  return mulberry32(seed);
}

/** Standard normal draws (Box–Muller) from a seeded uniform stream. */
export function normal(seed: number): () => number {
  const u = uniform(seed);
  return () => gaussian(u);
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
