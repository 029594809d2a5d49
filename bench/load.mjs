// CSV loading throughput and memory: writes a CSV of the given size (MB, default
// 1000) to the temp folder, loads it with loadTable, prints MB/s and peak RSS,
// and deletes the file. Run after `npm run build`:  node bench/load.mjs 200
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTable } from '../dist/data/index.js';

const megabytes = Number(process.argv[2] ?? 1000);
if (!(megabytes > 0)) {
  console.error('usage: node bench/load.mjs [size in MB, default 1000]');
  process.exit(2);
}
const path = join(tmpdir(), `basisfit-load-bench-${process.pid}.csv`);

/** Deterministic rows (a small LCG) so runs are comparable. */
async function writeCsv(bytes) {
  const out = createWriteStream(path);
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  out.write('id,x1,x2,x3,x4,y\n');
  let written = 0;
  let row = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 1 << 20) {
      const x1 = random() * 10;
      const x2 = random() - 0.5;
      chunk += `r${row++},${x1.toFixed(6)},${x2.toExponential(4)},${(random() * 1000) | 0},${random().toFixed(3)},${Math.sin(x1) + x2}\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return row;
}

try {
  const rows = await writeCsv(megabytes * 1e6);
  const size = (await stat(path)).size;
  const rssBefore = process.resourceUsage().maxRSS;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const table = await loadTable(path, { features: ['x1', 'x2', 'x3', 'x4'], target: 'y' });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds (user + system, this process's threads) are steadier than wall time on a shared machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (table.n !== rows) throw new Error(`loaded ${table.n} rows, wrote ${rows}`);
  const numericMB = (table.x.byteLength + table.y.byteLength + table.lines.byteLength) / 1e6;
  console.log(`file        ${(size / 1e6).toFixed(1)} MB, ${rows} rows x 6 columns (4 features + target used)`);
  console.log(`load        ${seconds.toFixed(2)} s, ${(size / 1e6 / seconds).toFixed(1)} MB/s (${cpuSeconds.toFixed(2)} CPU s, ${(size / 1e6 / cpuSeconds).toFixed(1)} MB per CPU s)`);
  console.log(`numbers     ${numericMB.toFixed(1)} MB (x, y and line numbers)`);
  const peak = process.resourceUsage().maxRSS;
  console.log(
    `peak RSS    ${(peak / 1024).toFixed(0)} MB (${(rssBefore / 1024).toFixed(0)} MB before loading: ${((peak - rssBefore) / 1024 / (numericMB / 1.048576)).toFixed(2)}× the numbers)`,
  );
} finally {
  await rm(path, { force: true });
}
