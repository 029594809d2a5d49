// Full-batch epoch time of basisfit's trainer (fit() from dist: Adam, ridge 0, no
// validation; basisfit-2 is the same with threads: 2, basisfit-scalar without the engine's
// WebAssembly kernels, basisfit-varpro with the in-memory default solver, which solves the
// ridge problem for w, b after every step) next to other implementations
// of the same model, objective, starting point and Adam step: the hand-written fused
// JS gradient, TensorFlow.js (CPU and WASM backends, float32), PyTorch (CPU, float64,
// 1 and 2 threads) and NumPy (float64, hand-written vectorised gradient).
//   node bench/epoch.mjs [--json PATH]
// Knobs: BENCH_EPOCH_CONFIGS (default 1000x1x20,10000x1x100,100000x8x100,1000000x1x20),
// BENCH_BASES (rbf,tanh), BENCH_FRAMEWORKS (basisfit,basisfit-2,basisfit-scalar,basisfit-varpro,basisfit-varpro-2,hand,tfjs-cpu,tfjs-wasm,torch-1,torch-2,numpy),
// BENCH_EPOCH_BUDGET (seconds of timed epochs per measurement, default 2),
// BENCH_MIN_EPOCHS (2), BENCH_MAX_EPOCHS (200), BENCH_PYTHON (/usr/bin/python3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fit as fitModel } from '../dist/train/fit.js';
import { Rng } from '../dist/util/rng.js';
import { adam, handwritten, warmUp } from './handwritten.mjs';
import { configName, cpuSeconds, engineKernels, envList, envNumber, initialState, makeData, parseConfigs, timeEpochs } from './problem.mjs';
import { machineLoad, markdownTable, ms, ratio, writeJsonArg } from './report.mjs';
import { loadTfjs, tfjsEpochs, useBackend } from './tfjs-epoch.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const configs = parseConfigs(process.env.BENCH_EPOCH_CONFIGS || '1000x1x20,10000x1x100,100000x8x100,1000000x1x20');
const bases = envList('BENCH_BASES', ['rbf', 'tanh']);
const ALL = ['basisfit', 'basisfit-2', 'basisfit-scalar', 'basisfit-varpro', 'basisfit-varpro-2', 'hand', 'tfjs-cpu', 'tfjs-wasm', 'torch-1', 'torch-2', 'numpy'];
const frameworks = envList('BENCH_FRAMEWORKS', ALL);
for (const f of frameworks) if (!ALL.includes(f)) throw new Error(`BENCH_FRAMEWORKS: unknown '${f}', choose from ${ALL.join(', ')}`);
const budgetS = envNumber('BENCH_EPOCH_BUDGET', 2);
const minEpochs = envNumber('BENCH_MIN_EPOCHS', 2);
const maxEpochs = envNumber('BENCH_MAX_EPOCHS', 200);
const python = process.env.BENCH_PYTHON || '/usr/bin/python3';
const LR = 0.01;
const PY_FRAMEWORKS = ['torch-1', 'torch-2', 'numpy'];
const FLOAT32 = new Set(['tfjs-cpu', 'tfjs-wasm']);
const log = (m) => process.stderr.write(`[epoch] ${m}\n`);

const timing = { budgetS, minEpochs, maxEpochs };

/**
 * basisfit itself: fit() with full batches, Adam at lr 0.01 for every group, no validation,
 * no early stop. Epoch 1 is the warm-up; the clock runs from its end, read in onEpoch, and
 * shouldStop ends the run once the time budget is spent.
 */
async function basisfitEpochs(basis, data, state, threads, solver = 'gd') {
  let t0 = 0;
  let c0 = null;
  let wall = 0;
  let cpu = 0;
  let timed = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  let stop = false;
  const onEpoch = (r) => {
    const now = performance.now();
    // trainLoss is the MSE at the parameters the epoch's step started from, i.e. 2 L.
    if (r.epoch === 1) {
      t0 = now;
      c0 = process.cpuUsage();
      first = r.trainLoss / 2;
      return;
    }
    timed++;
    last = r.trainLoss / 2;
    wall = (now - t0) / 1000;
    cpu = cpuSeconds(process.cpuUsage(c0));
    stop = timed >= maxEpochs || (timed >= minEpochs && wall >= budgetS);
  };
  const out = await fitModel(
    data,
    null,
    {
      family: state.family,
      units: state.w.length,
      epochs: maxEpochs + 1,
      batchSize: 'full',
      optimizer: 'adam',
      lr: { w: LR, b: LR, theta: LR },
      solver,
      ridge: 0,
      patience: null,
      initialTheta: state.theta,
      threads,
      onEpoch,
      shouldStop: () => stop,
    },
    new Rng(1),
  );
  if (out.stopped === 'diverged' || out.recoveries > 0 || timed === 0) {
    throw new Error(`basisfit ${basis} did not run cleanly (${out.stopped}, ${out.recoveries} recoveries, ${timed} timed epochs)`);
  }
  return { epoch_s: wall / timed, cpu_epoch_s: cpu / timed, epochs: timed, first_loss: first, last_loss: last };
}

/** The practical limit: fused analytic gradient plus the same Adam update, in plain JS. */
function handEpochs(basis, data, state) {
  const params = [state.w.slice(), Float64Array.of(state.b), state.raw[0].slice(), state.raw[1].slice()];
  const hw = handwritten(basis, data, state.w.length);
  const update = adam(params, LR);
  return timeEpochs(() => {
    const v = hw.valueAndGrad(params);
    update(hw.grads);
    return v;
  }, timing);
}

/** The problem as raw float64 files for bench/torch_numpy.py. */
function writeProblem(dir, data, state) {
  mkdirSync(dir, { recursive: true });
  const put = (name, arr) => writeFileSync(join(dir, name), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  put('x.f64', data.x);
  put('y.f64', data.y);
  put('w.f64', state.w);
  put('p0.f64', state.raw[0]);
  put('p1.f64', state.raw[1]);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ b: state.b }));
}

function runPython(jobs, scratch) {
  if (!existsSync(python)) return { note: `${python} not found: PyTorch and NumPy skipped` };
  const jobsPath = join(scratch, 'jobs.json');
  writeFileSync(jobsPath, JSON.stringify({ jobs }));
  log(`running ${python} bench/torch_numpy.py on ${jobs.length} problem(s)`);
  const r = spawnSync(python, [join(here, 'torch_numpy.py'), jobsPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const why = (r.stderr || '').trim().split('\n').at(-1);
    return { note: `bench/torch_numpy.py failed (${why}); for PyTorch and NumPy: apt-get update && apt-get install -y python3-torch python3-numpy` };
  }
  return JSON.parse(r.stdout);
}

async function main() {
  const doc = { part: 'epoch', node: process.version, load_before: machineLoad(), settings: { budgetS, minEpochs, maxEpochs, lr: LR }, results: [], notes: [], environment: {} };
  const tfjsWanted = frameworks.filter((f) => f.startsWith('tfjs-'));
  if (tfjsWanted.length > 0) {
    const { tf, reason } = await loadTfjs();
    if (tf === null) {
      doc.notes.push(`${reason}: TensorFlow.js skipped`);
      tfjsWanted.length = 0;
    }
  }
  const kernels = await engineKernels();
  doc.kernels = kernels?.mode() ?? 'none';
  if (frameworks.includes('basisfit-scalar') && kernels === null) doc.notes.push('this engine has no WebAssembly kernels: basisfit-scalar is basisfit');
  if (frameworks.includes('hand')) warmUp();
  const scratch = join(here, 'out', 'problems');
  const jobs = [];
  const pyWanted = frameworks.filter((f) => PY_FRAMEWORKS.includes(f));

  for (const cfg of configs) {
    const data = makeData(cfg.n, cfg.d, 1);
    for (const basis of bases) {
      const state = initialState(basis, data, cfg.j, 1);
      const record = (framework, r) => doc.results.push({ basis, n: cfg.n, d: cfg.d, j: cfg.j, framework, ...r });
      for (const fw of frameworks) {
        if (PY_FRAMEWORKS.includes(fw)) continue;
        if (fw.startsWith('tfjs-') && !tfjsWanted.includes(fw)) continue;
        log(`${fw} ${basis} ${configName(cfg)}`);
        try {
          if (fw === 'basisfit') record(fw, await basisfitEpochs(basis, data, state, 1));
          else if (fw === 'basisfit-2') record(fw, await basisfitEpochs(basis, data, state, 2));
          else if (fw === 'basisfit-varpro') record(fw, await basisfitEpochs(basis, data, state, 1, 'varpro'));
          else if (fw === 'basisfit-varpro-2') record(fw, await basisfitEpochs(basis, data, state, 2, 'varpro'));
          else if (fw === 'basisfit-scalar') {
            if (kernels === null) continue;
            const before = kernels.mode();
            kernels.set('scalar');
            try {
              record(fw, await basisfitEpochs(basis, data, state, 1));
            } finally {
              kernels.set(before);
            }
          }
          else if (fw === 'hand') record(fw, handEpochs(basis, data, state));
          else {
            const info = await useBackend(fw.slice(5));
            doc.environment[fw] = info;
            record(fw, tfjsEpochs(basis, data, state, { ...timing, lr: LR }));
          }
        } catch (e) {
          record(fw, { error: e.message });
        }
      }
      if (pyWanted.length > 0) {
        const dir = join(scratch, `${basis}-${cfg.n}-${cfg.d}-${cfg.j}`);
        writeProblem(dir, data, state);
        jobs.push({ basis, n: cfg.n, d: cfg.d, j: cfg.j, dir, frameworks: pyWanted, budget_s: budgetS, min_epochs: minEpochs, max_epochs: maxEpochs, lr: LR });
      }
    }
  }
  if (jobs.length > 0) {
    const py = runPython(jobs, scratch);
    if (py.note) doc.notes.push(py.note);
    else {
      doc.environment.python = py.environment;
      for (const r of py.results) doc.results.push(r);
      if (py.environment.torch === null) doc.notes.push('PyTorch not installed (apt-get install -y python3-torch): its columns are empty');
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  doc.load_after = machineLoad();
  doc.agreement = startAgreement(doc.results);
  doc.markdown = markdown(doc);
  writeJsonArg(doc);
  console.log(doc.markdown);
}

/** Every implementation starts from the same point, so their first losses must agree (float32 loosely). */
function startAgreement(results) {
  const out = [];
  for (const ref of results.filter((r) => r.framework === 'basisfit' && r.first_loss !== undefined)) {
    for (const r of results) {
      if (r.framework === 'basisfit' || r.basis !== ref.basis || r.n !== ref.n || r.d !== ref.d || r.j !== ref.j || r.first_loss === undefined) continue;
      const rel = Math.abs(r.first_loss - ref.first_loss) / Math.abs(ref.first_loss);
      const tol = FLOAT32.has(r.framework) ? 1e-3 : 1e-9;
      out.push({ basis: r.basis, n: r.n, d: r.d, j: r.j, framework: r.framework, relative_difference: rel, ok: rel <= tol });
    }
  }
  return out;
}

const LABELS = {
  basisfit: 'basisfit',
  'basisfit-2': 'basisfit 2 threads',
  'basisfit-scalar': 'basisfit scalar JS',
  'basisfit-varpro': 'basisfit default solver (varpro)',
  'basisfit-varpro-2': 'basisfit varpro 2 threads',
  hand: 'hand-written JS',
  'tfjs-cpu': 'tfjs cpu (f32)',
  'tfjs-wasm': 'tfjs wasm (f32)',
  'torch-1': 'torch 1 thread',
  'torch-2': 'torch 2 threads',
  numpy: 'numpy',
};

function markdown(doc) {
  const out = ['### Full-batch epoch time (issue 6)\n'];
  out.push(
    'Per epoch (gradient + Adam step, lr 0.01): the mean over a time-budgeted run after one warm-up epoch. Cells other than basisfit\'s ' +
      'read "ms (that / basisfit)": below 1 is faster than basisfit. All start from the same data and parameters (basisfit\'s initialisation ' +
      `and least-squares w, b); float64 except TensorFlow.js. basisfit's engine runs ${doc.kernels === 'wasm' ? 'its WebAssembly SIMD kernels; "scalar JS" is the same without them' : `its ${doc.kernels} path`}.\n`,
  );
  const fws = frameworks.filter((f) => doc.results.some((r) => r.framework === f));
  const table = (key) => {
    const rows = [];
    for (const basis of bases) {
      for (const cfg of configs) {
        const find = (fw) => doc.results.find((r) => r.framework === fw && r.basis === basis && r.n === cfg.n && r.d === cfg.d && r.j === cfg.j);
        const base = find('basisfit');
        const cells = fws.map((fw) => {
          const r = find(fw);
          if (r === undefined) return '–';
          if (r.error) return 'error';
          if (fw === 'basisfit' || !base?.[key]) return ms(r[key]);
          return `${ms(r[key])} (${ratio(r[key], base[key])})`;
        });
        rows.push([basis, configName(cfg), ...cells]);
      }
    }
    return markdownTable(['basis', '(N, D, J)', ...fws.map((f) => LABELS[f])], rows);
  };
  out.push('Wall-clock ms per epoch:\n');
  out.push(table('epoch_s'));
  out.push(
    '\nProcess CPU ms per epoch (all threads: a 2-thread run that halves wall time shows about the same CPU time; on a busy machine ' +
      'the single-thread columns compare more fairly here than in wall time):\n',
  );
  out.push(table('cpu_epoch_s'));
  const bad = doc.agreement.filter((a) => !a.ok);
  out.push(
    `\nStarting losses: ${doc.agreement.length} comparisons with basisfit's, ` +
      (bad.length === 0
        ? `all agree (largest relative difference ${Math.max(0, ...doc.agreement.filter((a) => !FLOAT32.has(a.framework)).map((a) => a.relative_difference)).toExponential(1)} in float64).`
        : `${bad.length} DISAGREE: ${bad.map((a) => `${a.framework} ${a.basis} (${a.n}, ${a.d}, ${a.j}) ${a.relative_difference.toExponential(1)}`).join('; ')}.`),
  );
  const errors = doc.results.filter((r) => r.error);
  for (const e of errors) out.push(`\n- ${e.framework} ${e.basis} (${e.n}, ${e.d}, ${e.j}): ${e.error}`);
  for (const n of doc.notes) out.push(`\n- ${n}`);
  const env = doc.environment;
  const details = [];
  if (env['tfjs-wasm']) details.push(`tfjs ${env['tfjs-wasm'].version} wasm: SIMD ${env['tfjs-wasm'].simd}, threads ${env['tfjs-wasm'].threads}`);
  if (env.python) {
    const blas = Array.isArray(env.python.blas) ? env.python.blas.map((b) => `${b.internal_api} ${b.version} (${b.architecture} kernels, ${b.num_threads} threads)`).join(', ') : env.python.blas;
    details.push(`numpy ${env.python.numpy} with ${blas}`);
    if (env.python.torch) details.push(`torch ${env.python.torch}${env.python.torch_cpu_capability ? ` (${env.python.torch_cpu_capability})` : ''}`);
  }
  if (details.length > 0) out.push(`\n${details.join('; ')}.`);
  return out.join('\n');
}

main().catch((e) => {
  process.stderr.write(`[epoch] ABORTED: ${e.stack}\n`);
  process.exit(1);
});
