// Time to a good fit: wall time from process start until the test RMSE is within 1% of the
// best that model (data set, basis, J units) reaches, for basisfit's defaults against the same
// model in PyTorch with Adam and, for tanh, scikit-learn's MLPRegressor (lbfgs).
//
//   node bench/timefit.mjs [--json PATH]          (or: node bench/run.mjs timefit)
//
// For every (data set, basis), on the fixed split in data/splits (test rows held out, the
// rest written to a temporary training CSV):
//   basisfit  `node bin/basisfit.js train TRAIN --basis B --json --quiet --out M` with the
//             defaults (read at run time from a copy of dist/ taken at the start, so that a
//             rebuild during the run cannot mix two builds) and --epochs 1, 2, 4, ... (until
//             a run stops early: larger budgets then fit the same model); each run is timed from
//             spawn to exit and its model scored with `basisfit eval` (not timed). Its time is that
//             of the first budget whose model is within the tolerance. Also one run with no
//             --epochs at all, and a few long runs (BENCH_TIMEFIT_LONG) that only help set the best.
//   PyTorch   bench/timefit_torch.py: Adam, full batch, at each learning rate of a small grid for
//             BENCH_TIMEFIT_GRID_S seconds, the best continued to BENCH_TIMEFIT_LONG_S; test RMSE
//             checked every epoch up to 20, then about every 3%. Its time is the Python process's
//             start-up (interpreter, imports, data) plus the training time (test checks excluded)
//             up to the first check within the tolerance, at the fastest learning rate.
//   sklearn   MLPRegressor(hidden_layer_sizes=(J,), activation='tanh', solver='lbfgs'), tanh
//             only, fresh fits with max_iter 1, 2, 4, ...: start-up plus the first such fit
//             within the tolerance.
// "Best" is the lowest test RMSE any of these reached, computed in this run. The first tolerance
// (BENCH_TIMEFIT_TOLS, default 0.01,0.05) is the main table; the others are shown as well.
//
// Knobs: BENCH_TIMEFIT_DATASETS (sinc,surface2d,cars_mpg_hp_weight,kink), BENCH_BASES
// (rbf,tanh), BENCH_TIMEFIT_UNITS (DEFAULTS.units), BENCH_TIMEFIT_MAX_EPOCHS (4096),
// BENCH_TIMEFIT_LONG (basisfit's long runs, ';'-separated option strings),
// BENCH_TIMEFIT_LRS (0.001,0.003,0.01,0.03,0.1), BENCH_TIMEFIT_GRID_S (2), BENCH_TIMEFIT_LONG_S
// (15), BENCH_TIMEFIT_SKLEARN_S (20 s of fits at most), BENCH_TIMEFIT_MAX_ITER (8192),
// BENCH_FRAMEWORKS (torch,sklearn), BENCH_PYTHON (/usr/bin/python3), BENCH_TIMEFIT_SOLVERS (lm: other
// --solver values timed the same way, budget by budget, as rows of their own; '' for none).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineLoad, markdownTable, ratio, writeJsonArg } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const QUIET_MS = 5000;

const newestMtime = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }, 0);

/**
 * A private copy of the built CLI (dist/, bin/, package.json; node_modules linked), taken when
 * dist/ has been quiet for QUIET_MS: the defaults are being tuned while this runs, and a rebuild
 * half-way through would mix two builds in one table.
 */
async function freezeBuild() {
  const dist = join(root, 'dist');
  for (let tries = 0; tries < 30; tries++) {
    const newest = newestMtime(dist);
    if (Date.now() - newest < QUIET_MS) {
      await new Promise((r) => setTimeout(r, QUIET_MS));
      continue;
    }
    const dir = mkdtempSync(join(tmpdir(), 'basisfit-timefit-build-'));
    cpSync(dist, join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    if (newestMtime(dist) === newest) return { dir, builtAt: new Date(newest).toISOString() };
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('dist/ kept changing for minutes: wait for the build to finish, then run again');
}

// As in problem.mjs, which is not imported: it loads dist/ itself, and this part runs a frozen copy.
function envNumber(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got '${v}'`);
  return n;
}
const envList = (name, fallback) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean);
};
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

const build = await freezeBuild();
const BIN = join(build.dir, 'bin', 'basisfit.js');
const { DEFAULTS, IN_MEMORY_DEFAULTS } = await import(pathToFileURL(join(build.dir, 'dist', 'train', 'defaults.js')).href);

const datasets = envList('BENCH_TIMEFIT_DATASETS', ['sinc', 'surface2d', 'cars_mpg_hp_weight', 'kink']);
const bases = envList('BENCH_BASES', ['rbf', 'tanh']);
const units = envNumber('BENCH_TIMEFIT_UNITS', DEFAULTS.units);
const tols = envList('BENCH_TIMEFIT_TOLS', ['0.01', '0.05']).map(Number);
const maxEpochs = envNumber('BENCH_TIMEFIT_MAX_EPOCHS', 4096);
const longRuns = (process.env.BENCH_TIMEFIT_LONG ?? '--solver varpro --epochs 2000;--solver varpro --lr 0.01 --epochs 2000;--lr 0.01 --epochs 3000')
  .split(';')
  .map((s) => s.trim().split(/\s+/).filter(Boolean))
  .filter((a) => a.length > 0);
const frameworks = envList('BENCH_FRAMEWORKS', ['torch', 'sklearn']);
const solvers = envList('BENCH_TIMEFIT_SOLVERS', ['lm']);
const torchJob = {
  lrs: envList('BENCH_TIMEFIT_LRS', ['0.001', '0.003', '0.01', '0.03', '0.1']).map(Number),
  grid_seconds: envNumber('BENCH_TIMEFIT_GRID_S', 2),
  long_seconds: envNumber('BENCH_TIMEFIT_LONG_S', 15),
  max_epochs: 1_000_000,
};
const sklearnJob = { max_iters: envNumber('BENCH_TIMEFIT_MAX_ITER', 8192), max_seconds: envNumber('BENCH_TIMEFIT_SKLEARN_S', 20) };
const SEED = 0;

const log = (m) => process.stderr.write(`${m}\n`);

/** A command timed from spawn to exit: wall seconds, and CPU seconds (user + system) when /usr/bin/time exists. */
function timed(cmd, args) {
  const argv = haveTime ? [TIME, ['-f', 'timefit-cpu %U %S', cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const m = /timefit-cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { status: r.status, stdout: r.stdout, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, wall, cpu: m ? Number(m[1]) + Number(m[2]) : null };
}

/** Training and test CSVs of a data set's fixed split, in `dir`. */
function writeSplit(entry, dir) {
  const lines = readFileSync(join(root, 'data', entry.file), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const split = JSON.parse(readFileSync(join(root, 'data', entry.split), 'utf8'));
  const rows = lines.slice(1);
  if (rows.length !== split.rows) throw new Error(`${entry.split}: split is for ${split.rows} rows, ${entry.file} has ${rows.length}`);
  const isTest = new Uint8Array(rows.length);
  for (const r of split.test) isTest[r] = 1;
  const write = (name, keep) => {
    const path = join(dir, `${entry.name}.${name}.csv`);
    writeFileSync(path, `${lines[0]}\n${rows.filter((_, i) => keep(isTest[i])).join('\n')}\n`);
    return path;
  };
  return { train: write('train', (t) => !t), test: write('test', (t) => t) };
}

/** One `basisfit train` process (timed) and the test RMSE of its model (`basisfit eval`, not timed). */
function basisfitRun(files, basis, extra, dir) {
  const model = join(dir, 'model.json');
  rmSync(model, { force: true });
  const unitArgs = units === DEFAULTS.units ? [] : ['--units', String(units)];
  const args = [BIN, 'train', files.train, '--basis', basis, ...unitArgs, '--json', '--quiet', '--out', model, ...extra];
  const t = timed(process.execPath, args);
  const run = { args: [basis, ...unitArgs, ...extra].join(' '), wall_s: t.wall, cpu_s: t.cpu, status: t.status, test_rmse: Number.NaN };
  if (t.status !== 0) {
    run.error = t.stderr.trim().split('\n').at(-1);
    return run;
  }
  const result = JSON.parse(t.stdout);
  Object.assign(run, { epochs: result.epochs, best_epoch: result.best_epoch, stopped: result.stopped, train_s: result.timing.train_s, ridge: result.ridge, init_scale: result.init_scale });
  const e = spawnSync(process.execPath, [BIN, 'eval', files.test, '--model', model, '--json'], { encoding: 'utf8' });
  if (e.status !== 0) run.error = `eval exited ${e.status}: ${e.stderr.trim().split('\n').at(-1)}`;
  else run.test_rmse = JSON.parse(e.stdout).rmse;
  return run;
}

/** --epochs 1, 2, 4, … (with `extra` options) until a run stops before its budget. */
function budgetLadder(files, basis, dir, extra = []) {
  const budgets = [];
  for (let e = 1; e <= maxEpochs; e *= 2) {
    const r = basisfitRun(files, basis, [...extra, '--epochs', String(e)], dir);
    budgets.push({ budget: e, ...r });
    log(`  basisfit ${extra.join(' ')} --epochs ${e}: ${r.wall_s.toFixed(2)} s, test RMSE ${r.test_rmse.toPrecision(5)}${r.stopped ? ` (${r.epochs} epochs, ${r.stopped})` : ` (${r.error})`}`);
    // Nothing in a run depends on the budget until it is reached: a run that stopped early
    // (or failed) is also what every larger budget gives.
    if (r.stopped !== 'max-epochs') break;
  }
  return budgets;
}

function basisfitAll(files, basis, dir) {
  const budgets = budgetLadder(files, basis, dir);
  const others = Object.fromEntries(solvers.map((solver) => [solver, { budgets: budgetLadder(files, basis, dir, ['--solver', solver]) }]));
  const defaultRun = basisfitRun(files, basis, [], dir);
  log(`  basisfit (defaults): ${defaultRun.wall_s.toFixed(2)} s, test RMSE ${defaultRun.test_rmse.toPrecision(5)}`);
  const long = longRuns.map((extra) => {
    const r = basisfitRun(files, basis, extra, dir);
    log(`  basisfit ${extra.join(' ')}: ${r.wall_s.toFixed(2)} s, test RMSE ${r.test_rmse.toPrecision(5)}`);
    return r;
  });
  return { budgets, default: defaultRun, long, solvers: others };
}

function python(mode, job, dir) {
  const path = join(dir, `${mode}-job.json`);
  writeFileSync(path, JSON.stringify(job));
  const spawnedMs = Date.now();
  const t0 = performance.now();
  const r = spawnSync(PYTHON, [join(here, 'timefit_torch.py'), mode, path, String(spawnedMs)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0 || r.error) return { error: `${mode} exited ${r.status}${r.error ? `: ${r.error.message}` : ''}` };
  return { ...JSON.parse(r.stdout), process_s: wall };
}

// Time to within `target` (a test RMSE) for each implementation, or null.

function basisfitReach(b, target) {
  const r = b.budgets.find((x) => x.test_rmse <= target);
  return r ? { seconds: r.wall_s, cpu: r.cpu_s, label: `${r.budget}`, budget: r.budget } : null;
}

function torchReach(t, target) {
  let best = null;
  for (const run of t?.runs ?? []) {
    const p = run.points.find((q) => q[3] <= target);
    if (!p) continue;
    const seconds = t.startup_s + p[1];
    if (best === null || seconds < best.seconds) best = { seconds, cpu: t.startup_cpu_s + p[2], label: `lr ${run.lr}, ${p[0]} ep`, lr: run.lr, epoch: p[0] };
  }
  return best;
}

function sklearnReach(s, target) {
  const r = s?.runs?.find((x) => x.test_rmse <= target);
  return r ? { seconds: s.startup_s + r.fit_s, cpu: s.startup_cpu_s + r.cpu_s, label: `${r.n_iter} it`, max_iter: r.max_iter } : null;
}

function ownBest(p) {
  const min = (values) => values.filter(Number.isFinite).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  return {
    basisfit: min([...p.basisfit.budgets, p.basisfit.default, ...p.basisfit.long, ...Object.values(p.basisfit.solvers).flatMap((o) => o.budgets)].map((r) => r.test_rmse)),
    basisfit_budgets: min(p.basisfit.budgets.map((r) => r.test_rmse)),
    torch: p.torch?.runs ? min(p.torch.runs.flatMap((r) => r.points.map((q) => q[3]))) : Number.POSITIVE_INFINITY,
    sklearn: p.sklearn?.runs ? min(p.sklearn.runs.map((r) => r.test_rmse)) : Number.POSITIVE_INFINITY,
  };
}

const fmtS = (r) => (r ? `${r.seconds.toFixed(2)} (${r.label})` : null);
const pct = (v, ref) => `+${((v / ref - 1) * 100).toFixed(1)}%`;
const sig = (v) => (Number.isFinite(v) ? v.toPrecision(4) : '–');

function tableFor(problems, tol) {
  let met = 0;
  const otherMet = {};
  const otherBeatsDefault = {};
  const rows = problems.map((p) => {
    const target = p.best * (1 + tol);
    const b = basisfitReach(p.basisfit, target);
    const t = p.torch ? torchReach(p.torch, target) : undefined;
    const s = p.sklearn ? sklearnReach(p.sklearn, target) : undefined;
    const missing = (own) => `not reached (best ${pct(own, p.best)})`;
    const cell = (reach, own, ran) => (ran === undefined ? 'n/a' : reach ? fmtS(reach) : Number.isFinite(own) ? missing(own) : 'failed');
    const rival = [t, s].filter((x) => x !== undefined);
    const beats = (own) => own !== null && rival.every((x) => x === null || own.seconds < x.seconds);
    const fastest = beats(b);
    if (fastest) met++;
    const other = solvers.map((solver) => {
      const reach = basisfitReach(p.basisfit.solvers[solver], target);
      const own = Math.min(...p.basisfit.solvers[solver].budgets.map((r) => r.test_rmse).filter(Number.isFinite));
      if (beats(reach)) otherMet[solver] = (otherMet[solver] ?? 0) + 1;
      if (reach !== null && (b === null || reach.seconds < b.seconds)) otherBeatsDefault[solver] = (otherBeatsDefault[solver] ?? 0) + 1;
      return { solver, reach, own };
    });
    p.reach[tol] = { target, basisfit: b, torch: t ?? null, sklearn: s ?? null, basisfit_fastest: fastest, solvers: Object.fromEntries(other.map((o) => [o.solver, o.reach])) };
    return [
      p.dataset,
      p.basis,
      p.units,
      `${sig(p.best)} (${p.bestBy})`,
      cell(b, p.own.basisfit_budgets, true),
      cell(t, p.own.torch, p.torch === undefined ? undefined : true),
      cell(s, p.own.sklearn, p.sklearn === undefined ? undefined : true),
      t === undefined ? 'n/a' : b && t ? ratio(t.seconds, b.seconds) : '–',
      s === undefined ? 'n/a' : b && s ? ratio(s.seconds, b.seconds) : '–',
      fastest ? 'yes' : 'no',
      ...other.flatMap((o) => [cell(o.reach, o.own, true), t === undefined ? 'n/a' : o.reach && t ? ratio(t.seconds, o.reach.seconds) : '–', beats(o.reach) ? 'yes' : 'no']),
    ];
  });
  const table = markdownTable(
    [
      'data set',
      'basis',
      'J',
      'best test RMSE (by)',
      'basisfit s (epochs)',
      'torch/Adam s (lr, epochs)',
      'sklearn s (iters)',
      'torch ÷ basisfit',
      'sklearn ÷ basisfit',
      'basisfit fastest',
      ...solvers.flatMap((solver) => [`--solver ${solver} s (epochs)`, `torch ÷ ${solver}`, `${solver} fastest`]),
    ],
    rows,
  );
  return { table, met, of: problems.length, solvers: Object.fromEntries(solvers.map((x) => [x, { fastest: otherMet[x] ?? 0, faster_than_default: otherBeatsDefault[x] ?? 0 }])) };
}

/** CPU seconds (user + system, every thread) to the points the wall-time table reports: steadier than wall time on a shared machine. */
function cpuTable(problems, tol) {
  const cpu = (r) => (r === undefined ? 'n/a' : r?.cpu == null ? '–' : r.cpu.toFixed(2));
  return markdownTable(
    ['data set', 'basis', 'basisfit CPU s', 'torch/Adam CPU s', 'sklearn CPU s'],
    problems.map((p) => {
      const r = p.reach[tol];
      return [p.dataset, p.basis, cpu(r.basisfit), p.torch === undefined ? 'n/a' : cpu(r.torch), p.sklearn === undefined ? 'n/a' : cpu(r.sklearn)];
    }),
  );
}

function contextTable(problems) {
  return markdownTable(
    [
      'data set',
      'basis',
      'noise floor',
      'basisfit budgets / all runs',
      'torch best (lr) / at the end of the long run',
      'sklearn best / largest max_iter',
      'basisfit defaults: s, test RMSE (epochs)',
      'torch start-up s',
      'sklearn start-up s',
    ],
    problems.map((p) => {
      const long = p.torch?.runs?.find((r) => r.long);
      const lastSk = p.sklearn?.runs?.at(-1);
      return [
        p.dataset,
        p.basis,
        sig(p.oracle),
        `${sig(p.own.basisfit_budgets)} / ${sig(p.own.basisfit)}`,
        p.torch?.runs ? `${sig(p.own.torch)} (${long?.lr ?? '–'}) / ${sig(long?.points.at(-1)?.[3])}` : p.torch?.error ?? 'n/a',
        p.sklearn?.runs ? `${sig(p.own.sklearn)} / ${sig(lastSk?.test_rmse)} (${lastSk?.n_iter} it)` : p.sklearn?.error ?? 'n/a',
        `${p.basisfit.default.wall_s.toFixed(2)}, ${sig(p.basisfit.default.test_rmse)} (${p.basisfit.default.epochs ?? '–'})`,
        p.torch?.startup_s?.toFixed(2) ?? '–',
        p.sklearn?.startup_s?.toFixed(2) ?? '–',
      ];
    }),
  );
}

async function main() {
  const manifest = JSON.parse(readFileSync(join(root, 'data', 'datasets.json'), 'utf8'));
  const entries = datasets.map((name) => {
    const e = manifest.find((m) => m.name === name);
    if (!e) throw new Error(`BENCH_TIMEFIT_DATASETS: no data set '${name}' in data/datasets.json`);
    return e;
  });
  const loadBefore = machineLoad();
  const dir = mkdtempSync(join(tmpdir(), 'basisfit-timefit-'));
  const started = performance.now();
  // Untimed: the first Python process would otherwise read torch from a cold disk cache and
  // the later ones from a warm one.
  if (frameworks.length > 0) spawnSync(PYTHON, ['-c', 'import numpy, torch, sklearn.neural_network'], { stdio: 'ignore' });
  // The floor under every basisfit time: a Node process that loads the CLI and exits.
  const helpRuns = [0, 1, 2].map(() => timed(process.execPath, [BIN, '--help']).wall);
  const problems = [];
  try {
    for (const entry of entries) {
      const files = writeSplit(entry, dir);
      for (const basis of bases) {
        log(`\n== ${entry.name} ${basis} J=${units}`);
        const p = { dataset: entry.name, basis, units, oracle: entry.oracle_rmse?.test ?? Number.NaN, reach: {} };
        p.basisfit = basisfitAll(files, basis, dir);
        const job = { train: files.train, test: files.test, features: entry.features, target: entry.target, basis, units, seed: SEED };
        if (frameworks.includes('torch')) p.torch = python('torch', { ...job, ...torchJob }, dir);
        if (frameworks.includes('sklearn') && basis === 'tanh') p.sklearn = python('sklearn', { ...job, ...sklearnJob }, dir);
        p.own = ownBest(p);
        const by = Object.entries({ basisfit: p.own.basisfit, torch: p.own.torch, sklearn: p.own.sklearn }).sort((a, b) => a[1] - b[1])[0];
        [p.bestBy, p.best] = by;
        log(`  best test RMSE ${p.best.toPrecision(5)} (${p.bestBy}); basisfit ${p.own.basisfit_budgets.toPrecision(5)} by budgets, torch ${p.own.torch.toPrecision(5)}, sklearn ${p.own.sklearn.toPrecision(5)}`);
        problems.push(p);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(build.dir, { recursive: true, force: true });
  }
  const tables = tols.map((tol) => ({ tol, ...tableFor(problems, tol) }));
  const torchInfo = problems.find((p) => p.torch?.versions)?.torch;
  const sklearnInfo = problems.find((p) => p.sklearn?.versions)?.sklearn;
  const d = DEFAULTS;
  const md = [
    '### Time to a good fit (bench/timefit.mjs)\n',
    `Wall seconds from process start until the test RMSE (fixed split in data/splits) is within the tolerance of the best test RMSE any run below reached for that (data set, basis, J). ` +
      `basisfit: \`basisfit train --basis B\` with the built defaults (units ${d.unitsAuto ? 'auto' : d.units}, solver ${IN_MEMORY_DEFAULTS.solver}, optimizer ${d.optimizer}, lr ${d.lr}, epochs ${d.epochs}, val-split ${d.valSplit}, patience ${d.patience}, ridge ${d.ridgeAuto ? 'auto' : d.ridge}) ` +
      `and --epochs 1, 2, 4, …: the first budget whose model is within the tolerance, timed spawn to exit (Node start-up included; \`basisfit --help\` alone takes ${median(helpRuns).toFixed(2)} s). ` +
      `PyTorch ${torchInfo?.versions?.torch ?? '–'} (${torchInfo?.threads ?? '?'} thread(s)): the same model in float64, Adam full batch, learning rates ${torchJob.lrs.join(', ')} for ${torchJob.grid_seconds} s each and the best continued to ${torchJob.long_seconds} s; ` +
      `its time is Python start-up (interpreter, import, data) + training up to the first test check within the tolerance (checks every epoch to 20, then every ~3%; check time excluded), at the fastest learning rate. ` +
      `scikit-learn ${sklearnInfo?.versions?.sklearn ?? '–'}: MLPRegressor((J,), tanh, lbfgs), start-up + the first fresh fit with max_iter 1, 2, 4, … within the tolerance. ` +
      `"not reached" gives that implementation's own best above the best. Ratios above 1 mean basisfit was faster. ` +
      `Long basisfit runs that only help set the best: ${longRuns.map((a) => `\`${a.join(' ')}\``).join(', ')}.`,
    ...tables.map(
      (t) =>
        `\n**Within ${(t.tol * 100).toFixed(0)}% of the best** (basisfit fastest on ${t.met} of ${t.of}${Object.entries(t.solvers)
          .map(([x, c]) => `; --solver ${x} fastest on ${c.fastest}, faster than the default solver on ${c.faster_than_default}`)
          .join('')})\n\n${t.table}`,
    ),
    `\n**CPU seconds to the same points, within ${(tols[0] * 100).toFixed(0)}%** (– not reached)\n\n${cpuTable(problems, tols[0])}`,
    `\n**Best test RMSE each reached, and basisfit's default run** (noise floor: the clean function's test RMSE, generated data only; "best" is the lowest test RMSE at any check or budget, so it is chosen on the test rows)\n\n${contextTable(problems)}`,
    `\nLoad average ${loadBefore[0]} before, ${machineLoad()[0]} after; ${((performance.now() - started) / 1000).toFixed(0)} s in all.` +
      ` basisfit ran from a copy of dist/ as built at ${build.builtAt}.`,
  ].join('\n');
  console.log(md);
  writeJsonArg({
    part: 'timefit',
    defaults: DEFAULTS,
    units,
    tolerances: tols,
    torch_job: torchJob,
    sklearn_job: sklearnJob,
    long_runs: longRuns.map((a) => a.join(' ')),
    help_s: helpRuns,
    build_time: build.builtAt,
    load_before: loadBefore,
    load_after: machineLoad(),
    summary: tables.map((t) => ({ tolerance: t.tol, basisfit_fastest: t.met, problems: t.of, solvers: t.solvers })),
    problems: problems.map(({ own, ...p }) => ({ ...p, own_best: own })),
    markdown: md,
  });
}

main().catch((e) => {
  console.error(`bench/timefit: ${e.stack ?? e.message}`);
  writeJsonArg({ part: 'timefit', error: e.message });
  process.exit(1);
});
