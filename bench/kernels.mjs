// The WebAssembly kernels against the scalar loops they replace: time per primitive at
// the trainer's chunk shape, and a full value-and-gradient of the rbf and tanh training
// objectives, both as one batch (as bench/engine.mjs times it) and as the trainer runs it
// (chunks of 4096 rows, one thread). Needs `npm run build` first.
//   node bench/kernels.mjs [--json PATH]
// Knobs: BENCH_KERNEL_CONFIGS (default 10000x1x100,100000x8x100), BENCH_BASES (rbf,tanh),
// BENCH_REPS (5), BENCH_WARMUP (1), BENCH_PRIM_REPS (15).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { families } from '../dist/basis/index.js';
import { primitives, Tensor, valueAndGrad } from '../dist/engine/index.js';
import { kernelMode, setKernels } from '../dist/engine/kernels.js';
import { CHUNK_ROWS, serialEvaluator } from '../dist/train/chunked.js';
import { trainingObjective } from '../dist/train/objective.js';
import { Rng } from '../dist/util/rng.js';

const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const configs = (process.env.BENCH_KERNEL_CONFIGS || '10000x1x100,100000x8x100').split(',').map((s) => {
  const [n, d, j] = s.split('x').map(Number);
  return { n, d, j };
});
const bases = (process.env.BENCH_BASES || 'rbf,tanh').split(',');
const reps = num('BENCH_REPS', 5);
const warmup = num('BENCH_WARMUP', 1);
const primReps = num('BENCH_PRIM_REPS', 15);
const log = (m) => process.stderr.write(`[kernels] ${m}\n`);
const name = ({ n, d, j }) => `(${n}, ${d}, ${j})`;

setKernels('wasm'); // throws at once if dist/kernels.wasm is missing or did not load

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Scalar and wasm runs alternated (which goes first swaps each round), so load spikes hit
 * both alike. Process CPU time is the headline: other processes share the two cores, and
 * CPU time moves much less with them than wall time does (both are kept).
 */
function timeBoth(fn, rounds, warm) {
  const cpu = { scalar: [], wasm: [] };
  const wall = { scalar: [], wasm: [] };
  for (let r = 0; r < warm + rounds; r++) {
    for (const mode of r % 2 ? ['wasm', 'scalar'] : ['scalar', 'wasm']) {
      setKernels(mode);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const w = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      if (r < warm) continue;
      wall[mode].push(w);
      cpu[mode].push((c.user + c.system) / 1e6);
    }
  }
  setKernels('wasm');
  return {
    scalar_s: median(cpu.scalar),
    wasm_s: median(cpu.wasm),
    scalar_wall_s: median(wall.scalar),
    wasm_wall_s: median(wall.wasm),
    samples: { cpu, wall },
  };
}

function uniform(rng, size, lo, hi) {
  const a = new Float64Array(size);
  for (let i = 0; i < size; i++) a[i] = lo + (hi - lo) * rng.next();
  return a;
}

// ---------------------------------------------------------------- primitives

/** Buffers reused across calls, as the tape's pool does after the first step. */
function reusingAlloc() {
  const bufs = new Map();
  const take = (n) => {
    let b = bufs.get(n);
    if (b === undefined) bufs.set(n, (b = new Float64Array(n)));
    return b;
  };
  return { take, takeZeroed: (n) => take(n).fill(0) };
}

function primitiveCases(N, D, J) {
  const P = Object.fromEntries(primitives.map((p) => [p.name, p]));
  const alloc = reusingAlloc();
  const rng = new Rng(N + D + J);
  const X = new Tensor(uniform(rng, N * D, -1.7, 1.7), [N, D]);
  const C = new Tensor(uniform(rng, J * D, -1.7, 1.7), [J, D]);
  const m = new Tensor(uniform(rng, J, -2, -0.5), [J]);
  const S = new Tensor(uniform(rng, N * J, -8, 0), [N, J]);
  const Z = new Tensor(uniform(rng, N * J, -3, 3), [N, J]);
  const G = uniform(rng, N * J, -1, 1);
  const w = new Tensor(uniform(rng, J, -1, 1), [J]);
  const gN = uniform(rng, N, -1, 1);
  const E = P.exp.forward([S], undefined, reusingAlloc());
  const T = P.tanh.forward([Z], undefined, reusingAlloc());
  const accNJ = new Float64Array(N * J);
  const accJD = new Float64Array(J * D);
  const accJ = new Float64Array(J);
  const ctx = (inputs, output) => ({ inputs, output, attrs: undefined });
  return {
    'exp forward': () => P.exp.forward([S], undefined, alloc),
    'exp vjp (g·y)': () => P.exp.vjp(0, G, ctx([S], E), accNJ),
    'tanh forward': () => P.tanh.forward([Z], undefined, alloc),
    'tanh vjp (g·(1−y²))': () => P.tanh.vjp(0, G, ctx([Z], T), accNJ),
    'sqdist forward': () => P.sqdist.forward([X, C, m], undefined, alloc),
    'sqdist vjp C': () => P.sqdist.vjp(1, G, ctx([X, C, m], S), accJD),
    'sqdist vjp m': () => P.sqdist.vjp(2, G, ctx([X, C, m], S), accJ),
    'affine forward': () => P.affine.forward([X, C, m], undefined, alloc),
    'affine vjp A': () => P.affine.vjp(1, G, ctx([X, C, m], S), accJD),
    'affine vjp c': () => P.affine.vjp(2, G, ctx([X, C, m], S), accJ),
    'Φ·w forward': () => P.matmul.forward([E, w], undefined, alloc),
    'Φ·w vjp Φ': () => P.matmul.vjp(0, gN, ctx([E, w], null), accNJ),
    'Φ·w vjp w': () => P.matmul.vjp(1, gN, ctx([E, w], null), accJ),
  };
}

// ---------------------------------------------------------------- objectives

function objective(basis, { n, d, j }) {
  const family = families[basis];
  const rng = new Rng(7);
  const x = uniform(rng, n * d, -Math.sqrt(3), Math.sqrt(3));
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += Math.sin(1.5 * x[r * d + k] + k);
    y[r] = s / Math.sqrt(d) + 0.1 * rng.normal();
  }
  const X = family.prepare(new Tensor(x, [n, d]));
  const Y = new Tensor(y, [n]);
  const theta = family.init(X, j, new Rng(1));
  const raw = theta.map((t, k) => (family.positive[k] ? new Tensor(t.data.map(Math.log), t.shape) : t));
  const params = [new Tensor(uniform(rng, j, -1, 1), [j]), Tensor.scalar(0.25), ...raw];
  const whole = valueAndGrad(trainingObjective(family, X, Y, 0));
  const chunked = serialEvaluator(family);
  const argnums = params.map((_, k) => k);
  return {
    whole: () => whole(...params),
    chunked: () => chunked.evaluate(X, Y, params, argnums, 0),
    agreement: () => {
      setKernels('scalar');
      const a = whole(...params);
      setKernels('wasm');
      const b = whole(...params);
      let worst = Math.abs(a.value.item() - b.value.item()) / Math.abs(a.value.item());
      for (let k = 0; k < a.grads.length; k++) {
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < a.grads[k].size; i++) {
          diff = Math.max(diff, Math.abs(a.grads[k].data[i] - b.grads[k].data[i]));
          scale = Math.max(scale, Math.abs(a.grads[k].data[i]));
        }
        worst = Math.max(worst, diff / scale);
      }
      return worst;
    },
  };
}

// ---------------------------------------------------------------- report

const table = (headers, rows) => [headers, headers.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
const msText = (s) => (s * 1000 >= 100 ? (s * 1000).toFixed(0) : (s * 1000).toPrecision(3));
const ratioText = (t) => (t.scalar_s / t.wasm_s).toFixed(2);
const wallRatioText = (t) => (t.scalar_wall_s / t.wasm_wall_s).toFixed(2);

const doc = { part: 'kernels', node: process.version, load_before: loadavg()[0], primitives: [], objectives: [] };
for (const D of [1, 8]) {
  log(`primitives at (${CHUNK_ROWS}, ${D}, 100)`);
  for (const [op, fn] of Object.entries(primitiveCases(CHUNK_ROWS, D, 100))) doc.primitives.push({ op, D, ...timeBoth(fn, primReps, 3) });
}
for (const cfg of configs) {
  for (const basis of bases) {
    log(`${basis} ${name(cfg)}`);
    const p = objective(basis, cfg);
    const agreement = p.agreement();
    doc.objectives.push({ basis, config: cfg, path: 'one batch', agreement, ...timeBoth(p.whole, reps, warmup) });
    doc.objectives.push({ basis, config: cfg, path: `chunks of ${CHUNK_ROWS}`, agreement, ...timeBoth(p.chunked, reps, warmup) });
  }
}
doc.load_after = loadavg()[0];
doc.mode_after = kernelMode();

const byOp = new Map();
for (const t of doc.primitives) byOp.set(t.op, [...(byOp.get(t.op) ?? []), t]);
doc.markdown = [
  '### WebAssembly kernels: scalar loops vs wasm SIMD\n',
  `Process CPU time, median of ${primReps} alternated runs per primitive at the trainer's chunk shape (N=${CHUNK_ROWS}, J=100), ` +
    `and of ${reps} for the objectives after ${warmup} warm-up; load average ${doc.load_before} before, ${doc.load_after} after.\n`,
  table(
    ['primitive', 'D=1 scalar ms', 'D=1 wasm ms', 'D=1 ×', 'D=8 scalar ms', 'D=8 wasm ms', 'D=8 ×'],
    [...byOp].map(([op, [a, b]]) => [op, msText(a.scalar_s), msText(a.wasm_s), ratioText(a), msText(b.scalar_s), msText(b.wasm_s), ratioText(b)]),
  ),
  '\nValue and gradient of the training objective (all of w, b, θ); "agreement" is the largest relative difference between the modes.\n',
  table(
    ['basis', '(N, D, J)', 'path', 'scalar ms', 'wasm ms', 'scalar / wasm', 'wall-clock ratio', 'agreement'],
    doc.objectives.map((t) => [
      t.basis,
      name(t.config),
      t.path,
      msText(t.scalar_s),
      msText(t.wasm_s),
      ratioText(t),
      wallRatioText(t),
      t.agreement.toExponential(1),
    ]),
  ),
].join('\n');
const i = process.argv.indexOf('--json');
if (i >= 0 && process.argv[i + 1]) writeFileSync(process.argv[i + 1], `${JSON.stringify(doc, null, 2)}\n`);
console.log(doc.markdown);
