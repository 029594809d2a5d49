// The benchmark problems: synthetic data and starting parameters shared by every
// implementation, so that all of them time the same model from the same state and
// their first losses can be compared as a sanity check.
import { families } from '../dist/basis/index.js';
import { Tensor } from '../dist/engine/index.js';
import { ridgeSolve } from '../dist/train/linear.js';
import { modelTheta } from '../dist/train/objective.js';
import { Rng } from '../dist/util/rng.js';

/**
 * N rows of D standardised features (uniform with unit variance, as basisfit's
 * scaling leaves them) and a smooth target with a little noise.
 */
export function makeData(n, d, seed = 1) {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const half = Math.sqrt(3);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = half * (2 * rng.next() - 1);
      x[r * d + k] = v;
      s += Math.sin(1.5 * v + k);
    }
    y[r] = s / Math.sqrt(d) + 0.1 * rng.normal();
  }
  return { x, y, n, d };
}

/**
 * The state basisfit's trainer starts from: the family's seeded initial θ, and w, b
 * from the same light-ridge least-squares solve (fit.ts: initialParams). `raw` is θ
 * in the trainer's parameterisation (log of the positive tensors), `theta` the
 * model-file rows to hand to fit() as initialTheta.
 */
export function initialState(basis, data, units, seed = 1) {
  const family = families[basis];
  const X = family.prepare(new Tensor(data.x, [data.n, data.d]));
  const theta0 = family.init(X, units, new Rng(seed));
  const theta = family.pack(theta0, data.d);
  const raw = family
    .unpack(theta, data.d)
    .map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const phi = family.features(X, modelTheta(family, raw));
  const lin = ridgeSolve(phi.data, data.n, units, data.y, 1e-6);
  return { family, theta, raw: raw.map((t) => t.data), w: lin.w, b: lin.b };
}

/**
 * A state away from the least-squares optimum in w and b, for gradient checks and
 * engine timings: at the optimum ∂L/∂w is pure rounding noise and a relative
 * comparison there would test nothing.
 */
export function perturbedState(basis, data, units, seed = 1) {
  const s = initialState(basis, data, units, seed);
  const rng = new Rng(seed + 1000);
  const w = s.w.map((v) => v + rng.normal() / Math.sqrt(units));
  return { ...s, w, b: s.b + 0.25 };
}

/**
 * The engine's WebAssembly kernels (src/engine/kernels.ts), when this build has them:
 * { mode(): 'wasm' | 'scalar', set(mode) }, or null for an engine without them.
 */
export async function engineKernels() {
  try {
    const k = await import('../dist/engine/kernels.js');
    return { mode: k.kernelMode, set: k.setKernels };
  } catch {
    return null;
  }
}

/** "1000x1x20,10000x1x100" -> [{n, d, j}, ...] */
export function parseConfigs(text) {
  return text.split(',').map((part) => {
    const [n, d, j] = part.trim().split('x').map(Number);
    if (![n, d, j].every((v) => Number.isInteger(v) && v > 0)) throw new Error(`bad config '${part}': expected NxDxJ, e.g. 10000x1x100`);
    return { n, d, j };
  });
}

export const configName = ({ n, d, j }) => `(${n}, ${d}, ${j})`;

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times an epoch function: one warm-up call, then timed calls until `budgetS` seconds have
 * passed (at least minEpochs, at most maxEpochs). Wall and process CPU time per epoch: on a
 * shared machine the CPU time of a single-threaded run moves much less than its wall time.
 */
export function timeEpochs(epoch, { budgetS, minEpochs, maxEpochs }) {
  const first = epoch();
  let last = first;
  let k = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (k < maxEpochs && (k < minEpochs || performance.now() - t0 < budgetS * 1000)) {
    last = epoch();
    k++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(c0));
  return { epoch_s: wall / k, cpu_epoch_s: cpu / k, epochs: k, first_loss: first, last_loss: last };
}

export const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;

/** Environment knobs with defaults, so a run can be made smaller or larger. */
export function envNumber(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got '${v}'`);
  return n;
}

export function envList(name, fallback) {
  const v = process.env[name];
  // Set but empty means none (e.g. BENCH_TIMEFIT_SOLVERS='' times no extra solver), not the fallback.
  return v === undefined ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean);
}
