// Types for bench/coverage-sim.mjs, so the TypeScript test can import it.
export const TRUE_CURVE: (x: number) => number;
export const NOISE_SD: number;
export const X_RANGE: [number, number];
export const CURVES: Record<string, { d: number; noise: number; f: (x: number[]) => number }>;
export interface SimulationResult {
  sets: number;
  n: number;
  fresh: number;
  level: number;
  nulls: number;
  observation_coverage: number;
  mean_band_coverage: number;
  mean_observation_width: number;
  mean_band_width: number;
  curve: string;
  noise_sd: number;
  methods: Record<string, number>;
  perSet: { seed: number; coverage: number; width: number; sigma: number; dof: number; ridge: number; stopped: string }[];
}
export function simulate(args: {
  // biome-ignore lint/suspicious/noExplicitAny: the library functions are injected (src in tests, dist in bench)
  train: (options: any) => Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  predictIntervals: (...args: any[]) => any;
  sets: number;
  n: number;
  fresh: number;
  level?: number;
  options?: Record<string, unknown>;
  firstSeed?: number;
  onSet?: (index: number, set: SimulationResult['perSet'][number]) => void;
  /** A key of CURVES (default 'bend', the curve above). */
  curve?: string;
}): Promise<SimulationResult>;
