#!/usr/bin/env node
/**
 * Start-up time of the CLI: `basisfit --help` and `basisfit predict` on a small
 * file, each run N times as a fresh process. Reports the median wall time and
 * the median CPU time (user + system, from /usr/bin/time when it exists): on a
 * busy machine the wall time waits for a core, the CPU time does not.
 *
 *   node bench/startup.mjs [runs=10] [--root DIR]...
 *
 * --root (repeatable) runs another built checkout's bin/basisfit.js as well,
 * for a before/after; the checkouts take turns run by run, so a change in the
 * machine's load hits them alike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const roots = [];
for (let at = args.indexOf('--root'); at >= 0; at = args.indexOf('--root')) roots.push(resolve(args.splice(at, 2)[1]));
roots.push(fileURLToPath(new URL('..', import.meta.url)));
const runs = Number(args[0] ?? 10);
const data = fileURLToPath(new URL('../data/sinc.csv', import.meta.url));
const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

function once(argv) {
  const t0 = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...argv], { encoding: 'utf8' })
    : spawnSync(process.execPath, argv, { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'basisfit-startup-'));
try {
  const model = join(dir, 'model.json');
  once([join(roots[roots.length - 1], 'bin', 'basisfit.js'), 'train', data, '--epochs', '5', '--quiet', '--out', model]);
  const cases = [
    ['node -e ""  (Node itself)', () => ['-e', '']],
    ['basisfit --help', (bin) => [bin, '--help']],
    ['basisfit train --help', (bin) => [bin, 'train', '--help']],
    ['basisfit predict sinc.csv', (bin) => [bin, 'predict', data, '--model', model]],
    ['basisfit predict sinc.csv --json', (bin) => [bin, 'predict', data, '--model', model, '--json']],
  ];
  console.log(`${runs} runs each, medians of wall / CPU seconds`);
  for (const [i, root] of roots.entries()) console.log(`  [${i + 1}] ${root}`);
  console.log(`${'command'.padEnd(36)}${roots.map((_, i) => `  [${i + 1}] wall    cpu`).join('')}`);
  for (const [name, argv] of cases) {
    const bins = roots.map((root) => join(root, 'bin', 'basisfit.js'));
    for (const bin of bins) once(argv(bin)); // warm the file cache
    const samples = bins.map(() => []);
    for (let r = 0; r < runs; r++) for (const [i, bin] of bins.entries()) samples[i].push(once(argv(bin)));
    const cells = samples.map((s) => {
      const wall = median(s.map((x) => x.wall));
      const cpu = median(s.map((x) => x.cpu));
      return `${wall.toFixed(3).padStart(11)} ${Number.isNaN(cpu) ? '    -' : cpu.toFixed(2).padStart(6)}`;
    });
    console.log(`${name.padEnd(36)}${cells.join('')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
