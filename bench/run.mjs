// basisfit's benchmark suite (`npm run bench` builds first). Each part runs in its own
// Node process, so one part's heap and JIT state cannot colour another's numbers.
//   node bench/run.mjs                 all parts: engine, engine-scalar (when the engine has
//                                      WebAssembly kernels), epoch, load, timefit, multi
//   node bench/run.mjs engine epoch    a subset
// Prints markdown tables and writes bench/out/results.json (and results.md).
// Knobs are environment variables, listed at the top of each part; BENCH_LOAD_MB
// (default 1000) is the CSV size for bench/load.mjs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber } from './problem.mjs';
import { machineLoad, markdownTable, ratio, verdict } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');
const loadMB = envNumber('BENCH_LOAD_MB', 1000);

const hasKernels = existsSync(join(here, '..', 'dist', 'kernels.wasm'));

const PARTS = {
  engine: { script: 'engine.mjs', nodeArgs: ['--expose-gc'], json: true },
  // The same without the engine's WebAssembly kernels: the scalar JS path, against the
  // hand-written JS on equal terms (the soak is the default part's).
  'engine-scalar': { script: 'engine.mjs', nodeArgs: ['--expose-gc'], json: true, env: { BASISFIT_KERNELS: 'scalar', BENCH_SOAK_STEPS: '0' }, when: () => hasKernels },
  epoch: { script: 'epoch.mjs', nodeArgs: [], json: true },
  // Cross products and the Cholesky solve (the ridge solve's linear algebra) against ml-matrix.
  gram: { script: 'gram.mjs', nodeArgs: [], json: true, when: () => hasKernels },
  // bench/load.mjs belongs to the data loader's authors: it takes the CSV size in MB
  // and prints plain "label  value" lines, which are parsed here.
  load: { script: 'load.mjs', nodeArgs: [], json: false, args: [String(loadMB)] },
  // Time to a good fit against PyTorch/Adam and scikit-learn (about 8 minutes).
  timefit: { script: 'timefit.mjs', nodeArgs: [], json: true },
  // Test RMSE with the defaults (rbf, tanh) on the 20 multi-feature sets of data/multi/
  // against tuned scikit-learn references (bench/reference/multi_results.json); seed 1.
  multi: { script: 'multi.mjs', nodeArgs: [], json: true },
};

function runPart(name) {
  const part = PARTS[name];
  const jsonPath = join(outDir, `${name}.json`);
  rmSync(jsonPath, { force: true });
  const args = [...part.nodeArgs, join(here, part.script), ...(part.args ?? []), ...(part.json ? ['--json', jsonPath] : [])];
  process.stderr.write(`\n== ${name}: node ${args.map((a) => a.replace(`${here}/`, 'bench/')).join(' ')}\n`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...part.env } });
    let stdout = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      let doc = null;
      if (part.json && existsSync(jsonPath)) doc = JSON.parse(readFileSync(jsonPath, 'utf8'));
      else if (!part.json) doc = parseLoad(stdout);
      resolve({ name, code, seconds, stdout, doc });
    });
  });
}

/** bench/load.mjs's lines ("load        2.31 s, 432.9 MB/s", ...) as numbers and a table. */
function parseLoad(text) {
  const num = (re) => {
    const m = text.match(re);
    return m ? Number(m[1]) : null;
  };
  const doc = {
    part: 'load',
    file_mb: num(/file\s+([\d.]+) MB/),
    rows: num(/MB, (\d+) rows/),
    load_s: num(/load\s+([\d.]+) s/),
    mb_per_s: num(/([\d.]+) MB\/s/),
    numeric_mb: num(/numbers\s+([\d.]+) MB/),
    peak_rss_mb: num(/peak RSS\s+([\d.]+) MB/),
    rss_before_mb: num(/\(([\d.]+) MB before loading\)/),
    raw: text.trim(),
  };
  doc.markdown = [
    '### Data loading throughput (bench/load.mjs)\n',
    markdownTable(
      ['CSV MB', 'rows', 'load s', 'MB/s', 'numbers in memory MB', 'peak RSS MB'],
      [[doc.file_mb, doc.rows, doc.load_s, doc.mb_per_s, doc.numeric_mb, `${doc.peak_rss_mb} (${doc.rss_before_mb} before)`].map((v) => v ?? '–')],
    ),
  ].join('\n');
  return doc;
}

/**
 * The performance targets as ratios from this run's parts (those that ran): the
 * default solver's epoch over plain descent's, two threads over one, basisfit
 * over the hand-written JS limit and over PyTorch on 2 threads, load speed, time to
 * a good fit. Wall time is what the targets are about; on a busy machine read the
 * epoch part's CPU table beside it.
 */
function targetTable(parts) {
  const rows = [];
  const epoch = parts.epoch?.results ?? [];
  const find = (fw, r) => epoch.find((q) => q.framework === fw && q.basis === r.basis && q.n === r.n && q.d === r.d && q.j === r.j);
  const cfg = (r) => `${r.basis} (${r.n}, ${r.d}, ${r.j})`;
  for (const r of epoch.filter((q) => q.framework === 'basisfit' && q.epoch_s)) {
    const v = find('basisfit-varpro', r);
    if (v?.epoch_s && r.n === 10000) {
      const x = v.epoch_s / r.epoch_s;
      rows.push([`default solver epoch / plain descent epoch, ${cfg(r)}`, ratio(v.epoch_s, r.epoch_s), `${ratio(v.cpu_epoch_s, r.cpu_epoch_s)} CPU`, '≤ 2', verdict(x, 2)]);
    }
    const t = find('basisfit-2', r);
    if (t?.epoch_s && r.n >= 100000) rows.push([`1 thread / 2 threads, ${cfg(r)}`, ratio(r.epoch_s, t.epoch_s), '', '≥ 1.8', verdict(1.8, r.epoch_s / t.epoch_s)]);
    const h = find('hand', r);
    if (h?.epoch_s && r.n === 1000) rows.push([`basisfit / hand-written JS, ${cfg(r)}`, ratio(r.epoch_s, h.epoch_s), `${ratio(r.cpu_epoch_s, h.cpu_epoch_s)} CPU`, '≤ 1', verdict(r.epoch_s / h.epoch_s, 1)]);
    const p = find('torch-2', r);
    if (p?.epoch_s) {
      const best = Math.min(r.epoch_s, t?.epoch_s ?? Number.POSITIVE_INFINITY);
      rows.push([`basisfit (best of 1, 2 threads) / torch 2 threads, ${cfg(r)}`, ratio(best, p.epoch_s), '', '≤ 1', verdict(best / p.epoch_s, 1)]);
    }
  }
  if (parts.load?.mb_per_s) rows.push(['CSV load, MB/s', String(parts.load.mb_per_s), '', '≥ 60', verdict(60, parts.load.mb_per_s)]);
  for (const s of parts.timefit?.summary ?? []) {
    rows.push([`time to a good fit (within ${s.tolerance}): problems where basisfit is fastest`, `${s.basisfit_fastest} of ${s.problems}`, '', 'all', s.basisfit_fastest === s.problems ? 'met' : 'missed']);
  }
  if (rows.length === 0) return null;
  return ['### Targets (ratios from this run)\n', markdownTable(['measure', 'value', 'also', 'target', ''], rows)].join('\n');
}

async function main() {
  const requested = process.argv.slice(2);
  for (const p of requested) if (!(p in PARTS)) throw new Error(`unknown part '${p}': choose from ${Object.keys(PARTS).join(', ')}`);
  const names = (requested.length > 0 ? requested : Object.keys(PARTS).filter((p) => PARTS[p].when?.() ?? true)).filter(
    (p) => p !== 'load' || existsSync(join(here, PARTS.load.script)),
  );
  mkdirSync(outDir, { recursive: true });
  const results = {
    generated: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? null, memory_gb: Number((totalmem() / 2 ** 30).toFixed(1)), load_before: machineLoad() },
    parts: {},
  };
  const sections = [];
  let failed = false;
  for (const name of names) {
    const r = await runPart(name);
    results.parts[name] = { exit_code: r.code, seconds: Number(r.seconds.toFixed(1)), ...(r.doc ?? { stdout: r.stdout }) };
    if (r.code !== 0) {
      failed = true;
      sections.push(`### ${name}: FAILED (exit ${r.code})${r.doc?.error ? `: ${r.doc.error}` : ''}`);
    } else sections.push(r.doc?.markdown ?? r.stdout.trim());
    process.stderr.write(`== ${name} done in ${r.seconds.toFixed(0)} s\n`);
  }
  results.machine.load_after = machineLoad();
  const targets = targetTable(results.parts);
  if (targets !== null) sections.unshift(targets);
  const header =
    `## basisfit benchmarks\n\nNode ${process.version}, ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memory_gb} GiB; ` +
    `load average ${results.machine.load_before[0]} before, ${results.machine.load_after[0]} after (timings are only as quiet as the machine).\n`;
  const md = [header, ...sections].join('\n\n');
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'results.md'), `${md}\n`);
  console.log(`\n${md}\n\nWrote bench/out/results.json and bench/out/results.md`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(2);
});
