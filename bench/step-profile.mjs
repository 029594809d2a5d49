// Many consecutive value+gradient evaluations of the training objective at one
// small size, for a CPU profile of the engine's per-step cost:
//   node --cpu-prof --cpu-prof-dir=bench/out/prof bench/step-profile.mjs [basis] [NxDxJ] [steps]
// Prints wall and CPU ms per step (CPU time moves less on a shared machine); the
// profile shows where it goes.
import { Tensor, valueAndGrad } from '../dist/engine/index.js';
import { trainingObjective } from '../dist/train/objective.js';
import { makeData, parseConfigs, perturbedState } from './problem.mjs';

const basis = process.argv[2] ?? 'rbf';
const [cfg] = parseConfigs(process.argv[3] ?? '1000x1x20');
const steps = Number(process.argv[4] ?? 20000);
const { n, d, j } = cfg;
const data = makeData(n, d, 1);
const st = perturbedState(basis, data, j, 1);
const X = st.family.prepare(new Tensor(data.x, [n, d]));
const Y = new Tensor(data.y, [n]);
const args = [new Tensor(st.w, [j]), new Tensor(Float64Array.of(st.b), []), new Tensor(st.raw[0], [j, d]), new Tensor(st.raw[1], [j])];
const vg = valueAndGrad(trainingObjective(st.family, X, Y, 0));
let sink = 0;
for (let s = 0; s < Math.min(1000, steps); s++) sink += vg(...args).value.item();
const t = performance.now();
const c = process.cpuUsage();
for (let s = 0; s < steps; s++) sink += vg(...args).value.item();
const cpu = process.cpuUsage(c);
const wallMs = (performance.now() - t) / steps;
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
process.stdout.write(`${basis} ${n}x${d}x${j}: ${wallMs.toFixed(4)} ms wall, ${cpuMs.toFixed(4)} ms CPU per value+gradient (${steps} steps; checksum ${sink})\n`);
