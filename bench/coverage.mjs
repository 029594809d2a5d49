// Coverage of basisfit's prediction intervals on the default fit:
// 200 seeded data sets (n rows each) from a known curve with Gaussian noise
// (bench/coverage-sim.mjs; `--curve` picks another of its truths), each trained
// by train() with its defaults (rbf, --units auto, the start and ridge by 10-fold
// CV, varpro Adam with early stopping on a 10% split), then 95% intervals on
// fresh points. Target: observation intervals cover
// 93%–97% of new observations. Also reports how often the mean band covers
// the true curve.
//
//   npm run build && node bench/coverage.mjs [--sets 200] [--n 100] [--fresh 200] [--level 0.95] [--curve bend|step|quiet|surface3] [--set key=value ...] [--json]
import { train } from '../dist/train/train.js';
import { predictIntervals } from '../dist/uncertainty/intervals.js';
import { simulate } from './coverage-sim.mjs';

function parseArgs(argv) {
  const a = { sets: 200, n: 100, fresh: 200, level: 0.95, set: {}, json: false, curve: 'bend' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--json') a.json = true;
    else if (k === '--curve') a.curve = argv[++i];
    else if (k === '--set') {
      const [key, value] = argv[++i].split('=');
      const num = Number(value);
      a.set[key] = value === 'null' ? null : Number.isFinite(num) ? num : value;
    } else if (['--sets', '--n', '--fresh', '--level'].includes(k)) a[k.slice(2)] = Number(argv[++i]);
    else {
      console.error(`bench/coverage.mjs: unknown argument ${k}`);
      console.error('usage: node bench/coverage.mjs [--sets 200] [--n 100] [--fresh 200] [--level 0.95] [--curve bend|step|quiet|surface3] [--set key=value ...] [--json]');
      process.exit(2);
    }
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const t0 = performance.now();
const r = await simulate({
  train,
  predictIntervals,
  sets: args.sets,
  n: args.n,
  fresh: args.fresh,
  level: args.level,
  options: args.set,
  curve: args.curve,
  onSet: (s) => {
    if (!args.json && (s + 1) % 20 === 0) process.stderr.write(`  ${s + 1}/${args.sets} sets\n`);
  },
});
const seconds = (performance.now() - t0) / 1000;
const { perSet, ...summary } = r;
const covers = perSet.map((p) => p.coverage).sort((a, b) => a - b);
const out = {
  ...summary,
  options: args.set,
  per_set_coverage: { min: covers[0], median: covers[Math.floor(covers.length / 2)], max: covers.at(-1) },
  seconds: Number(seconds.toFixed(1)),
  target: [0.93, 0.97],
  pass: summary.observation_coverage >= 0.93 && summary.observation_coverage <= 0.97,
};
if (args.json) console.log(JSON.stringify(out));
else {
  console.log(`${args.sets} data sets of ${args.n} rows, ${args.fresh} fresh points each, level ${args.level}; options ${JSON.stringify(args.set)}`);
  console.log(`observation interval coverage ${(100 * out.observation_coverage).toFixed(2)}% (target 93-97%: ${out.pass ? 'pass' : 'FAIL'})`);
  console.log(`mean band coverage of the true curve ${(100 * out.mean_band_coverage).toFixed(2)}%`);
  console.log(`mean widths: observation ${out.mean_observation_width.toFixed(3)}, band ${out.mean_band_width.toFixed(3)} (noise sd ${out.noise_sd}, so 2·1.96·sd = ${(2 * 1.96 * out.noise_sd).toFixed(3)})`);
  console.log(`per-set coverage min ${out.per_set_coverage.min}, median ${out.per_set_coverage.median}, max ${out.per_set_coverage.max}; no uncertainty: ${out.nulls}; ${out.seconds} s`);
  console.log(`methods: ${JSON.stringify(out.methods)}`);
}
