// What the 2-thread gradient costs beyond its arithmetic: the hand-off to the worker
// (copying the batch's rows into shared memory, posting the step, waiting for the
// worker's Atomics.notify) measured with almost no arithmetic (J = 1, two chunks), and
// the row copy alone at the sizes where threads should pay; the same for the default solver's
// step (its solve in three hand-offs: features and column sums, Gram products, then the
// gradient on the open tapes). Needs `npm run build` first.
//   node bench/handoff.mjs
// Knobs: BENCH_HANDOFF_STEPS (2000), BENCH_HANDOFF_COPY (NxD, default 100000x8).
import { families } from '../dist/basis/index.js';
import { Tensor } from '../dist/engine/index.js';
import { serialEvaluator } from '../dist/train/chunked.js';
import { createEvaluator } from '../dist/train/parallel.js';
import { envNumber, initialState, makeData } from './problem.mjs';

const steps = envNumber('BENCH_HANDOFF_STEPS', 2000);
const [cn, cd] = (process.env.BENCH_HANDOFF_COPY || '100000x8').split('x').map(Number);
const n = 4097; // two chunks: the smallest batch the parallel evaluator shares
const data = makeData(n, 1, 1);
const st = initialState('rbf', data, 1, 1);
const X = new Tensor(data.x, [n, 1]);
const Y = new Tensor(data.y, [n]);
const params = [new Tensor(st.w, [1]), new Tensor(Float64Array.of(st.b), []), new Tensor(st.raw[0], [1, 1]), new Tensor(st.raw[1], [1])];
const argnums = [0, 1, 2, 3];
const perStep = (ev) => {
  for (let s = 0; s < 200; s++) ev.evaluate(X, Y, params, argnums, 0);
  const t = performance.now();
  for (let s = 0; s < steps; s++) ev.evaluate(X, Y, params, argnums, 0);
  return (performance.now() - t) / steps;
};
const varproStep = (ev) => {
  ev.solveLinear(X, Y, params, 0, true, true, true);
  ev.evaluate(X, Y, params, [2, 3], 0, true);
};
const perVarproStep = (ev) => {
  for (let s = 0; s < 200; s++) varproStep(ev);
  const t = performance.now();
  for (let s = 0; s < steps; s++) varproStep(ev);
  return (performance.now() - t) / steps;
};
const serial = serialEvaluator(families.rbf);
const parallel = createEvaluator(families.rbf, 2, params.map((p) => p.shape));
const rounds = [];
for (let r = 0; r < 3; r++) rounds.push({ serial: perStep(serial), parallel: perStep(parallel), varproSerial: perVarproStep(serial), varproParallel: perVarproStep(parallel) });
await parallel.close();
const big = new Float64Array(cn * cd).fill(1);
const shared = new Float64Array(new SharedArrayBuffer(8 * cn * cd));
const t = performance.now();
for (let s = 0; s < 50; s++) shared.set(big);
const copyMs = (performance.now() - t) / 50;
for (const [i, r] of rounds.entries()) {
  process.stdout.write(`round ${i + 1}: (${n}, 1, 1) evaluate ${r.serial.toFixed(4)} ms on 1 thread, ${r.parallel.toFixed(4)} ms on 2: hand-off about ${(r.parallel - r.serial / 2).toFixed(4)} ms per step\n`);
  process.stdout.write(
    `         varpro step (solve + gradient) ${r.varproSerial.toFixed(4)} ms on 1 thread, ${r.varproParallel.toFixed(4)} ms on 2: hand-off about ${(r.varproParallel - r.varproSerial / 2).toFixed(4)} ms per step\n`,
  );
}
process.stdout.write(`copying the rows of (${cn}, ${cd}) into shared memory: ${copyMs.toFixed(3)} ms per step\n`);
