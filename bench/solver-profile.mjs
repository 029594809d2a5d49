// Epoch time of one in-memory fit() at one size and solver, for a CPU profile of
// where an epoch goes:
//   node --cpu-prof --cpu-prof-dir=bench/out/prof bench/solver-profile.mjs [basis] [NxDxJ] [solver] [epochs] [threads]
// solver is varpro (the in-memory default: a ridge solve every step) or gd. Full
// batches, Adam at lr 0.01, ridge 1e-6, a 10% validation split as the defaults
// have, no early stop. Prints wall and CPU ms per epoch after the first.
import { fit as fitModel } from '../dist/train/fit.js';
import { Rng } from '../dist/util/rng.js';
import { cpuSeconds, initialState, makeData, parseConfigs } from './problem.mjs';

const basis = process.argv[2] ?? 'rbf';
const [cfg] = parseConfigs(process.argv[3] ?? '10000x1x100');
const solver = process.argv[4] ?? 'varpro';
const epochs = Number(process.argv[5] ?? 100);
const threads = Number(process.argv[6] ?? 1);
const nv = Math.round(cfg.n / 9);
const all = makeData(cfg.n + nv, cfg.d, 1);
const part = (from, to) => ({ x: all.x.subarray(from * cfg.d, to * cfg.d), y: all.y.subarray(from, to), n: to - from, d: cfg.d });
const train = part(0, cfg.n);
const validation = part(cfg.n, cfg.n + nv);
const state = initialState(basis, train, cfg.j, 1);
let t0 = 0;
let c0 = null;
const out = await fitModel(
  train,
  validation,
  {
    family: state.family,
    units: cfg.j,
    epochs,
    batchSize: 'full',
    optimizer: 'adam',
    lr: { w: 0.01, b: 0.01, theta: 0.01 },
    solver,
    ridge: 1e-6,
    patience: null,
    initialTheta: state.theta,
    threads,
    onEpoch: (r) => {
      if (r.epoch === 1) {
        t0 = performance.now();
        c0 = process.cpuUsage();
      }
    },
  },
  new Rng(1),
);
const timed = out.epochs - 1;
const wallMs = (performance.now() - t0) / timed;
const cpuMs = (cpuSeconds(process.cpuUsage(c0)) * 1000) / timed;
const last = out.history.train.at(-1);
process.stdout.write(`${basis} ${cfg.n}x${cfg.d}x${cfg.j} ${solver} threads ${threads}: ${wallMs.toFixed(3)} ms wall, ${cpuMs.toFixed(3)} ms CPU per epoch (${timed} epochs; last train MSE ${last})\n`);
