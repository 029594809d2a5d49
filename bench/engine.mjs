// The engine's value-and-gradient of the training objective against a hand-written
// analytic gradient, its cost relative to the value alone, and its memory over many
// steps. Run with --expose-gc (bench/run.mjs does):
//   node --expose-gc bench/engine.mjs [--json PATH]
// Knobs: BENCH_ENGINE_CONFIGS (default 10000x1x100,100000x8x100), BENCH_BASES (rbf,tanh),
// BENCH_REPS (5), BENCH_WARMUP (1, after the gradient check's own call), BENCH_SOAK_STEPS (10000), BENCH_SOAK_WARMUP (1000),
// BENCH_SOAK_CONFIG (1000x1x20).
import { Tensor, valueAndGrad, vjp } from '../dist/engine/index.js';
import { trainingObjective } from '../dist/train/objective.js';
import { handwritten, warmUp } from './handwritten.mjs';
import { configName, cpuSeconds, engineKernels, envList, envNumber, makeData, median, parseConfigs, perturbedState } from './problem.mjs';
import { machineLoad, markdownTable, mb, ms, ratio, verdict, writeJsonArg } from './report.mjs';

const TOLERANCE = 1e-10;
const RATIO_TARGET = 1.5;
const CHEAP_GRADIENT_TARGET = 3;

const configs = parseConfigs(process.env.BENCH_ENGINE_CONFIGS || '10000x1x100,100000x8x100');
const bases = envList('BENCH_BASES', ['rbf', 'tanh']);
const reps = envNumber('BENCH_REPS', 5);
const warmup = envNumber('BENCH_WARMUP', 1);
const soakSteps = envNumber('BENCH_SOAK_STEPS', 10000);
const soakWarmup = envNumber('BENCH_SOAK_WARMUP', 1000);
const [soakConfig] = parseConfigs(process.env.BENCH_SOAK_CONFIG || '1000x1x20');
const log = (m) => process.stderr.write(`[engine] ${m}\n`);

/** The objective exactly as the trainer builds it (trainingObjective, ridge 0), at a perturbed starting point. */
function problem(basis, { n, d, j }) {
  const data = makeData(n, d, 1);
  const st = perturbedState(basis, data, j, 1);
  const X = st.family.prepare(new Tensor(data.x, [n, d]));
  const Y = new Tensor(data.y, [n]);
  const params = [st.w, Float64Array.of(st.b), st.raw[0], st.raw[1]];
  const args = [new Tensor(params[0], [j]), new Tensor(params[1], []), new Tensor(params[2], [j, d]), new Tensor(params[3], [j])];
  const objective = trainingObjective(st.family, X, Y, 0);
  return { data, params, args, objective, valueAndGrad: valueAndGrad(objective), hand: handwritten(basis, data, j) };
}

/** Largest |a − b| over largest |a|: relative to the tensor's scale, so tiny entries cannot inflate it. */
function relativeDifference(a, b) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

function check(basis, cfg, p) {
  const e = p.valueAndGrad(...p.args);
  const hv = p.hand.valueAndGrad(p.params);
  const names = ['w', 'b', ...(basis === 'rbf' ? ['centres', 'log widths'] : ['slopes', 'offsets'])];
  const value = relativeDifference([e.value.item()], [hv]);
  const grads = Object.fromEntries(e.grads.map((g, i) => [names[i], relativeDifference(g.data, p.hand.grads[i])]));
  const worst = Math.max(value, ...Object.values(grads));
  const result = { basis, config: cfg, value, grads, worst, ok: worst <= TOLERANCE };
  if (!result.ok) {
    const detail = Object.entries(grads)
      .map(([k, v]) => `${k} ${v.toExponential(2)}`)
      .join(', ');
    throw new Error(
      `hand-written gradient disagrees with the engine for ${basis} at ${configName(cfg)}: value ${value.toExponential(2)}, ${detail} (tolerance ${TOLERANCE}); fix bench/handwritten.mjs before timing anything`,
    );
  }
  return result;
}

/** Wall and process CPU seconds of one call. */
function seconds(fn) {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  return { wall: (performance.now() - t) / 1000, cpu: cpuSeconds(process.cpuUsage(c)) };
}

/** Interleaved repetitions (A B C D, B C D A, ...) so a load spike from other processes hits every variant alike. */
function timeInterleaved(variants) {
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < warmup + reps; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      const s = seconds(variants[name]);
      if (r >= warmup) samples[name].push(s);
    }
  }
  const summary = (list) => ({
    median: median(list.map((s) => s.wall)),
    min: Math.min(...list.map((s) => s.wall)),
    cpu_median: median(list.map((s) => s.cpu)),
    samples: list,
  });
  return Object.fromEntries(names.map((k) => [k, summary(samples[k])]));
}

function timeConfig(basis, cfg, p) {
  const t = timeInterleaved({
    engine: () => p.valueAndGrad(...p.args),
    hand: () => p.hand.valueAndGrad(p.params),
    value: () => p.objective(...p.args),
    // The forward pass as valueAndGrad runs it: recorded, into pooled buffers, then released.
    taped: () => vjp(p.objective, p.args).dispose(),
  });
  return {
    basis,
    config: cfg,
    engine_s: t.engine.median,
    hand_s: t.hand.median,
    value_s: t.value.median,
    taped_forward_s: t.taped.median,
    engine_over_hand: t.engine.median / t.hand.median,
    grad_over_value: t.engine.median / t.value.median,
    cpu: {
      engine_s: t.engine.cpu_median,
      hand_s: t.hand.cpu_median,
      value_s: t.value.cpu_median,
      engine_over_hand: t.engine.cpu_median / t.hand.cpu_median,
      grad_over_value: t.engine.cpu_median / t.value.cpu_median,
    },
    samples: t,
  };
}

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** Many consecutive valueAndGrad + SGD steps: memory must stay flat once the pool holds every buffer shape. */
function soak(basis, cfg) {
  const p = problem(basis, cfg);
  const lr = 0.05;
  const step = () => {
    const { value, grads } = p.valueAndGrad(...p.args);
    for (let k = 0; k < grads.length; k++) {
      const v = p.params[k];
      const g = grads[k].data;
      for (let i = 0; i < v.length; i++) v[i] -= lr * g[i];
    }
    return value.item();
  };
  for (let s = 0; s < soakWarmup; s++) step();
  const start = memory();
  const trace = [{ step: 0, ...start }];
  const chunk = Math.max(1, Math.floor(soakSteps / 5));
  let elapsed = 0;
  let loss = Number.NaN;
  for (let done = 0; done < soakSteps; ) {
    const m = Math.min(chunk, soakSteps - done);
    const t = performance.now();
    for (let s = 0; s < m; s++) loss = step();
    elapsed += performance.now() - t;
    done += m;
    trace.push({ step: done, ...memory() });
  }
  const end = trace[trace.length - 1];
  return {
    basis,
    config: cfg,
    steps: soakSteps,
    ms_per_step: elapsed / soakSteps,
    final_loss: loss,
    heap_after_warmup: start.heapUsed,
    heap_end: end.heapUsed,
    heap_growth: end.heapUsed - start.heapUsed,
    rss_after_warmup: start.rss,
    rss_end: end.rss,
    rss_growth: end.rss - start.rss,
    trace,
  };
}

function markdown(doc) {
  const out = [];
  const path = { wasm: ' — WebAssembly SIMD kernels', scalar: ' — scalar JS path (BASISFIT_KERNELS=scalar)', none: '' }[doc.kernels];
  out.push(`### Engine${path}: value and gradient of the training objective (issue 2)\n`);
  out.push(
    `Median of ${reps} interleaved repetitions after ${warmup} warm-up run(s). Hand-written = fused analytic gradient (bench/handwritten.mjs), ` +
      `checked against the engine first: largest relative difference ${Math.max(...doc.check.map((c) => c.worst)).toExponential(1)} ` +
      `(tolerance ${TOLERANCE}). "value" is a plain call of the objective (no tape); "forward on tape" is the recording half of valueAndGrad. ` +
      `Ratios are of wall-clock medians; the last column gives them in process CPU time, which moves less when other processes share the machine.\n`,
  );
  out.push(
    markdownTable(
      [
        'basis',
        '(N, D, J)',
        'engine value+grad ms',
        'hand-written ms',
        `engine / hand (≤ ${RATIO_TARGET})`,
        'engine value ms',
        `value+grad / value (≤ ${CHEAP_GRADIENT_TARGET})`,
        'forward on tape ms',
        'same two ratios in CPU time',
      ],
      doc.timings.map((t) => [
        t.basis,
        configName(t.config),
        ms(t.engine_s),
        ms(t.hand_s),
        `${ratio(t.engine_s, t.hand_s)} ${verdict(t.engine_over_hand, RATIO_TARGET)}`,
        ms(t.value_s),
        `${ratio(t.engine_s, t.value_s)} ${verdict(t.grad_over_value, CHEAP_GRADIENT_TARGET)}`,
        ms(t.taped_forward_s),
        `${ratio(t.cpu.engine_s, t.cpu.hand_s)}, ${ratio(t.cpu.engine_s, t.cpu.value_s)}`,
      ]),
    ),
  );
  if (doc.soak.length > 0) {
    out.push(`\n### Engine${path}: ${soakSteps} consecutive steps (valueAndGrad + SGD) at ${configName(soakConfig)}\n`);
    out.push(
      `Heap is heapUsed after a forced gc${doc.gcExposed ? '' : ' (NOT forced: run node with --expose-gc)'}; sampled after ${soakWarmup} warm-up steps and at the end.\n`,
    );
    out.push(
      markdownTable(
        ['basis', 'ms / step', 'heap after warm-up MB', 'heap at end MB', 'heap growth MB', 'RSS after warm-up MB', 'RSS at end MB', 'RSS growth MB', 'final loss'],
        doc.soak.map((s) => [
          s.basis,
          s.ms_per_step.toFixed(3),
          mb(s.heap_after_warmup),
          mb(s.heap_end),
          mb(s.heap_growth),
          mb(s.rss_after_warmup),
          mb(s.rss_end),
          mb(s.rss_growth),
          s.final_loss.toPrecision(4),
        ]),
      ),
    );
  }
  return out.join('\n');
}

const kernels = await engineKernels();
const doc = { part: 'engine', kernels: kernels?.mode() ?? 'none', node: process.version, gcExposed: typeof globalThis.gc === 'function', load_before: machineLoad(), check: [], timings: [], soak: [] };
try {
  warmUp();
  // The hand-written gradient is only a yardstick if it is right: check it against the
  // engine on a small problem first, and on every timed problem before timing it.
  const small = { n: 257, d: 3, j: 7 };
  for (const basis of bases) {
    log(`checking ${basis} ${configName(small)}`);
    doc.check.push(check(basis, small, problem(basis, small)));
  }
  // The soak runs next, while the buffer pool holds only its own shapes: after the
  // large configurations the pool keeps up to 1 GiB, which would swamp its RSS numbers.
  for (const basis of bases) {
    if (soakSteps <= 0) break;
    log(`soak ${basis} ${configName(soakConfig)}, ${soakSteps} steps`);
    doc.soak.push(soak(basis, soakConfig));
  }
  for (const basis of bases) {
    for (const cfg of configs) {
      log(`checking ${basis} ${configName(cfg)}`);
      const p = problem(basis, cfg);
      doc.check.push(check(basis, cfg, p));
      log(`timing ${basis} ${configName(cfg)}`);
      doc.timings.push(timeConfig(basis, cfg, p));
    }
  }
} catch (e) {
  process.stderr.write(`[engine] ABORTED: ${e.message}\n`);
  doc.error = e.message;
  writeJsonArg(doc);
  process.exit(1);
}
doc.load_after = machineLoad();
doc.markdown = markdown(doc);
writeJsonArg(doc);
console.log(doc.markdown);
