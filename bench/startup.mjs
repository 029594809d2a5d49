#!/usr/bin/env node
/**
 * Start-up time of the CLI: `basisfit --help` and `basisfit predict` on a small
 * file, each run N times as a fresh process. Reports the median wall time and
 * the median CPU time (user + system, from /usr/bin/time when it exists): on a
 * busy machine the wall time waits for a core, the CPU time does not.
 *
 *   node bench/startup.mjs [runs=10] [--root DIR]
 *
 * --root runs another checkout's bin/basisfit.js (built), for a before/after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? resolve(args.splice(rootAt, 2)[1]) : fileURLToPath(new URL('..', import.meta.url));
const runs = Number(args[0] ?? 10);
const bin = join(root, 'bin', 'basisfit.js');
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
  once([bin, 'train', data, '--epochs', '5', '--quiet', '--out', model]);
  const cases = [
    ['node -e ""  (Node itself)', ['-e', '']],
    ['basisfit --help', [bin, '--help']],
    ['basisfit train --help', [bin, 'train', '--help']],
    ['basisfit predict sinc.csv', [bin, 'predict', data, '--model', model]],
    ['basisfit predict sinc.csv --json', [bin, 'predict', data, '--model', model, '--json']],
  ];
  const rows = [];
  for (const [name, argv] of cases) {
    once(argv); // warm the file cache
    const samples = Array.from({ length: runs }, () => once(argv));
    rows.push({ name, wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)) });
  }
  console.log(`${runs} runs each, medians (${root})`);
  console.log('command                              wall s   cpu s');
  for (const r of rows) console.log(`${r.name.padEnd(36)} ${r.wall.toFixed(3).padStart(6)}  ${Number.isNaN(r.cpu) ? '   -' : r.cpu.toFixed(2).padStart(6)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
