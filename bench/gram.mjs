// The linear algebra of the ridge solve (and of Gauss-Newton's JᵀJ, Jᵀr): cross products
// AᵀA, Aᵀb of a tall N × k matrix (src/solve/gram.ts, WebAssembly SIMD and its scalar
// reference) and the k × k Cholesky solve (src/solve/cholesky.ts), each against ml-matrix
// on the same data. Runs alternate between implementations, so load spikes hit all alike;
// CPU time is the headline (other processes share the cores). Needs `npm run build` first.
//   node bench/gram.mjs [--json PATH]
// Knobs: BENCH_GRAM_CONFIGS (NxK, default 1000x20,10000x100,100000x100), BENCH_CHOLESKY_SIZES
// (default 20,100,300), BENCH_REPS (5).
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { setKernels } from '../dist/engine/kernels.js';
import { solveSpd } from '../dist/solve/cholesky.js';
import { symmetricEigen } from '../dist/solve/eigen.js';
import { crossProducts } from '../dist/solve/gram.js';
import { Rng } from '../dist/util/rng.js';
import { cpuSeconds, envNumber } from './problem.mjs';
import { machineLoad, markdownTable, ms, ratio, writeJsonArg } from './report.mjs';

const configs = (process.env.BENCH_GRAM_CONFIGS || '1000x20,10000x100,100000x100').split(',').map((s) => {
  const [n, k] = s.split('x').map(Number);
  return { n, k };
});
const cholSizes = (process.env.BENCH_CHOLESKY_SIZES || '20,100,300').split(',').map(Number);
const reps = envNumber('BENCH_REPS', 5);
const log = (m) => process.stderr.write(`[gram] ${m}\n`);

setKernels('wasm'); // throws at once if dist/kernels.wasm is missing or did not load

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
};

/** Median wall and CPU seconds per call of each job, the jobs interleaved (order rotating) over reps rounds after one warm-up. */
function timeAll(jobs) {
  const names = Object.keys(jobs);
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r <= reps; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      jobs[name]();
      const w = (performance.now() - t0) / 1000;
      const c = cpuSeconds(process.cpuUsage(c0));
      if (r > 0) {
        wall[name].push(w);
        cpu[name].push(c);
      }
    }
  }
  return Object.fromEntries(names.map((n) => [n, { wall_s: median(wall[n]), cpu_s: median(cpu[n]) }]));
}

function randomMatrix(rng, n, k) {
  const a = new Float64Array(n * k);
  for (let i = 0; i < a.length; i++) a[i] = rng.next();
  return a;
}

function gramRows() {
  const out = [];
  for (const { n, k } of configs) {
    log(`cross products (${n}, ${k})`);
    const rng = new Rng(n + k);
    const A = randomMatrix(rng, n, k);
    const b = randomMatrix(rng, n, 1);
    const shift = new Float64Array(k).fill(0.5);
    const M = new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * k, (i + 1) * k))));
    const B = Matrix.columnVector(Array.from(b));
    const times = timeAll({
      wasm: () => crossProducts(A, n, k, { b, shift, bShift: 0.5, mode: 'wasm' }),
      scalar: () => crossProducts(A, n, k, { b, shift, bShift: 0.5, mode: 'scalar' }),
      // ml-matrix on the same (uncentred here: its cost is the products, not the shift).
      'ml-matrix': () => {
        const T = M.transpose();
        return [T.mmul(M), T.mmul(B)];
      },
    });
    out.push({ kind: 'cross products AᵀA, Aᵀb', n, k, ...times });
  }
  return out;
}

function choleskyRows() {
  const out = [];
  for (const k of cholSizes) {
    log(`Cholesky solve ${k}`);
    const rng = new Rng(k);
    const B = randomMatrix(rng, k, k);
    const a = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
      let s = i === j ? k : 0;
      for (let t = 0; t < k; t++) s += B[i * k + t] * B[j * k + t];
      a[i * k + j] = s;
      a[j * k + i] = s;
    }
    const rhs = randomMatrix(rng, k, 1);
    const times = timeAll({
      wasm: () => solveSpd(a, k, rhs, 'wasm'),
      scalar: () => solveSpd(a, k, rhs, 'scalar'),
      'ml-matrix': () => {
        const A = new Matrix(k, k);
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) A.set(i, j, a[i * k + j]);
        return new CholeskyDecomposition(A).solve(Matrix.columnVector(Array.from(rhs)));
      },
    });
    out.push({ kind: 'Cholesky factor + solve', k, ...times });
  }
  return out;
}

/** The covariance's symmetric eigendecomposition (solve/eigen.ts, ml-matrix's algorithm on Float64Arrays) against ml-matrix's own. */
function eigenRows() {
  const out = [];
  for (const k of cholSizes) {
    log(`symmetric eigendecomposition ${k}`);
    const B = randomMatrix(new Rng(k + 1), k, k);
    const a = Float64Array.from(B, (_, i) => B[i] + B[(i % k) * k + Math.floor(i / k)]);
    const times = timeAll({
      'solve/eigen.ts': () => symmetricEigen(a, k),
      'ml-matrix': () => {
        const A = new Matrix(k, k);
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) A.set(i, j, a[i * k + j]);
        return new EigenvalueDecomposition(A, { assumeSymmetric: true });
      },
    });
    out.push({ kind: 'symmetric eigendecomposition', k, ...times });
  }
  return out;
}

function markdown(doc) {
  const lines = ['### Linear algebra kernels (bench/gram.mjs)\n'];
  lines.push('Median CPU ms per call (wall ms in brackets), and each against ml-matrix on the same data (below 1 is faster than ml-matrix).\n');
  lines.push(
    markdownTable(
      ['(N, k)', 'wasm SIMD', 'scalar reference', 'ml-matrix', 'wasm / ml-matrix', 'scalar / ml-matrix'],
      doc.gram.map((r) => [
        `(${r.n}, ${r.k})`,
        `${ms(r.wasm.cpu_s)} (${ms(r.wasm.wall_s)})`,
        `${ms(r.scalar.cpu_s)} (${ms(r.scalar.wall_s)})`,
        `${ms(r['ml-matrix'].cpu_s)} (${ms(r['ml-matrix'].wall_s)})`,
        ratio(r.wasm.cpu_s, r['ml-matrix'].cpu_s),
        ratio(r.scalar.cpu_s, r['ml-matrix'].cpu_s),
      ]),
    ),
  );
  lines.push('\nCholesky factor and solve of a k × k system (solveSpd; both paths give the same bits):\n');
  lines.push(
    markdownTable(
      ['k', 'wasm SIMD', 'scalar reference', 'ml-matrix', 'wasm / ml-matrix', 'scalar / ml-matrix'],
      doc.cholesky.map((r) => [r.k, ms(r.wasm.cpu_s), ms(r.scalar.cpu_s), ms(r['ml-matrix'].cpu_s), ratio(r.wasm.cpu_s, r['ml-matrix'].cpu_s), ratio(r.scalar.cpu_s, r['ml-matrix'].cpu_s)]),
    ),
  );
  lines.push('\nSymmetric eigendecomposition of a k × k matrix (the same bits):\n');
  lines.push(
    markdownTable(
      ['k', 'solve/eigen.ts', 'ml-matrix', 'ratio'],
      doc.eigen.map((r) => [r.k, ms(r['solve/eigen.ts'].cpu_s), ms(r['ml-matrix'].cpu_s), ratio(r['solve/eigen.ts'].cpu_s, r['ml-matrix'].cpu_s)]),
    ),
  );
  lines.push(`\nLoad average ${doc.load_before.join(' ')} before, ${doc.load_after.join(' ')} after.`);
  return lines.join('\n');
}

const doc = { part: 'gram', node: process.version, load_before: machineLoad(), reps };
doc.gram = gramRows();
doc.cholesky = choleskyRows();
doc.eigen = eigenRows();
doc.load_after = machineLoad();
doc.markdown = markdown(doc);
writeJsonArg(doc);
console.log(doc.markdown);
