// The coverage simulation shared by bench/coverage.mjs (full size) and
// test/uncertainty/coverage.test.ts (small, for CI): seeded data sets from a
// known curve with Gaussian noise, each trained with train()'s defaults
// (options given here only when the caller overrides them), then the model's
// prediction intervals checked on fresh points from the same distribution.
// The library functions come in as arguments, so the test runs the TypeScript
// sources and the benchmark the build.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussian, mulberry32 } from '../scripts/seeded-random.mjs';

/** The known curve: smooth, with a bend an 80-unit rbf fit has to resolve. */
export const TRUE_CURVE = (x) => Math.sin(1.5 * x) + 0.3 * x;
export const NOISE_SD = 0.3;
export const X_RANGE = [-3, 3];

/**
 * Other truths for the benchmark (`--curve NAME`): shapes and noise levels the defaults
 * were not chosen on. `f` takes a row of `d` features drawn uniformly on X_RANGE.
 */
export const CURVES = {
  bend: { d: 1, noise: NOISE_SD, f: (x) => TRUE_CURVE(x[0]) },
  // A steep step: most of the curve is flat, the error sits at one edge.
  step: { d: 1, noise: 0.2, f: (x) => Math.tanh(4 * x[0]) },
  // Quiet data: the band is dominated by the fit's own error, not the noise.
  quiet: { d: 1, noise: 0.05, f: (x) => Math.exp(-x[0] * x[0]) * Math.cos(3 * x[0]) },
  // Three features, one of them irrelevant.
  surface3: { d: 3, noise: 0.2, f: (x) => Math.sin(x[0]) * Math.cos(0.7 * x[1]) },
};

function draw(n, u, z, curve) {
  const { d, noise, f } = curve;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const row = new Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = x[i * d + k] = X_RANGE[0] + (X_RANGE[1] - X_RANGE[0]) * u();
    y[i] = f(row) + noise * z();
  }
  return { x, y };
}

/**
 * sets data sets of n rows each, fresh test points per set, intervals at level.
 * Returns the coverage of new observations (obs interval), of the true curve
 * (mean band), the mean widths, and the methods the fits used.
 */
export async function simulate({ train, predictIntervals, sets, n, fresh, level = 0.95, options = {}, firstSeed = 1, onSet, curve = 'bend' }) {
  const truth = CURVES[curve];
  if (truth === undefined) throw new Error(`unknown curve ${curve}; one of ${Object.keys(CURVES).join(', ')}`);
  const { d } = truth;
  const dir = await mkdtemp(join(tmpdir(), 'basisfit-coverage-'));
  let obsHits = 0;
  let meanHits = 0;
  let points = 0;
  let nulls = 0;
  let obsWidth = 0;
  let meanWidth = 0;
  const methods = {};
  const perSet = [];
  try {
    for (let s = 0; s < sets; s++) {
      const seed = firstSeed + s;
      const u = mulberry32(0x9e3779b9 ^ (seed * 2654435761));
      const z = () => gaussian(u);
      const data = draw(n, u, z, truth);
      const file = join(dir, `set${seed}.csv`);
      const header = [...Array.from({ length: d }, (_, k) => (d === 1 ? 'x' : `x${k + 1}`)), 'y'].join(',');
      const lines = Array.from(data.y, (y, i) => `${Array.from(data.x.subarray(i * d, (i + 1) * d)).join(',')},${y}`);
      await writeFile(file, `${header}\n${lines.join('\n')}\n`);
      const { model, result } = await train({ file, out: null, quiet: true, ...options });
      if (model.uncertainty === undefined) {
        nulls++;
        continue;
      }
      methods[model.uncertainty.method] = (methods[model.uncertainty.method] ?? 0) + 1;
      const test = draw(fresh, u, z, truth);
      const iv = predictIntervals(model, test.x, fresh, level);
      let hits = 0;
      let setObsWidth = 0;
      for (let i = 0; i < fresh; i++) {
        const f = truth.f(Array.from(test.x.subarray(i * d, (i + 1) * d)));
        if (test.y[i] >= iv.obsLower[i] && test.y[i] <= iv.obsUpper[i]) hits++;
        if (f >= iv.meanLower[i] && f <= iv.meanUpper[i]) meanHits++;
        obsWidth += iv.obsUpper[i] - iv.obsLower[i];
        setObsWidth += iv.obsUpper[i] - iv.obsLower[i];
        meanWidth += iv.meanUpper[i] - iv.meanLower[i];
      }
      obsHits += hits;
      points += fresh;
      perSet.push({ seed, coverage: hits / fresh, width: setObsWidth / fresh, sigma: result.uncertainty.sigma, dof: result.uncertainty.dof, ridge: result.ridge, stopped: result.stopped });
      onSet?.(s, perSet.at(-1));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    sets,
    n,
    fresh,
    level,
    nulls,
    observation_coverage: obsHits / points,
    mean_band_coverage: meanHits / points,
    mean_observation_width: obsWidth / points,
    mean_band_width: meanWidth / points,
    curve,
    noise_sd: truth.noise,
    methods,
    perSet,
  };
}
