#!/usr/bin/env node
/**
 * Memory bound of `train --stream`: generates a CSV of the given size in the OS
 * temp folder, trains on it with
 *
 *   basisfit train big.csv --stream --epochs 1 --batch-size 10000 --json --quiet
 *
 * under /usr/bin/time -v, and reports the peak resident set size and the
 * throughput, then deletes the file. Not part of the test suite: at the
 * parser's 5–12 MB/s a 2 GB file takes minutes per pass.
 *
 *   node bench/stream.mjs [size in MB = 2048] [extra train options...]
 *
 * The rows are x1,x2,y with y = sin(x1)·cos(x2) + noise, written with 6
 * decimals (about 30 bytes a row), from a seeded generator.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../scripts/seeded-random.mjs';

const [sizeArg, ...extra] = process.argv.slice(2);
const megabytes = Number(sizeArg ?? 2048);
const bin = fileURLToPath(new URL('../bin/basisfit.js', import.meta.url));
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error(`${TIME} is needed for the peak RSS (Debian package 'time')`);


async function generate(path, bytes) {
  const u = mulberry32(1);
  const out = createWriteStream(path);
  out.write('x1,x2,y\n');
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    let block = '';
    for (let i = 0; i < 20_000; i++) {
      const x1 = 6 * u() - 3;
      const x2 = 6 * u() - 3;
      const y = Math.sin(x1) * Math.cos(x2) + 0.1 * (u() + u() + u() - 1.5);
      block += `${x1.toFixed(6)},${x2.toFixed(6)},${y.toFixed(6)}\n`;
    }
    rows += 20_000;
    written += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'basisfit-stream-bench-'));
try {
  const csv = join(dir, 'big.csv');
  const g0 = Date.now();
  const rows = await generate(csv, megabytes * 1024 * 1024);
  const size = statSync(csv).size;
  const mb = size / (1024 * 1024);
  console.log(`generated ${csv}: ${mb.toFixed(0)} MB, ${rows} rows in ${((Date.now() - g0) / 1000).toFixed(0)} s`);
  const args = [bin, 'train', csv, '--stream', '--epochs', '1', '--batch-size', '10000', '--json', '--quiet', '--out', join(dir, 'model.json'), ...extra];
  console.log(`node ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(TIME, ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`train exited ${r.status}:\n${r.stderr}`);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const cpu = ['User', 'System'].map((k) => Number(new RegExp(`${k} time \\(seconds\\): ([\\d.]+)`).exec(r.stderr)?.[1])).reduce((a, b) => a + b, 0);
  const doc = JSON.parse(r.stdout);
  const passes = doc.stream.passes;
  const report = {
    file_mb: Number(mb.toFixed(1)),
    rows,
    peak_rss_mb: Number((peakKb / 1024).toFixed(1)),
    wall_s: Number(wall.toFixed(1)),
    cpu_s: Number(cpu.toFixed(1)),
    passes,
    mb_per_s: Number(((mb * passes) / wall).toFixed(2)),
    first_pass_mb_per_s: Number((mb / doc.timing.load_s).toFixed(2)),
    epoch_mb_per_s: Number((mb / doc.timing.epoch_s).toFixed(2)),
    train: doc.train,
    validation: doc.validation,
    stream: doc.stream,
    timing: doc.timing,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
