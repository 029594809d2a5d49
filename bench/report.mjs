// Markdown tables, number formats, and the JSON hand-off between a part and bench/run.mjs.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Milliseconds with 3 significant digits (at least one decimal below 100). */
export function ms(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const v = seconds * 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  const r = a / b;
  return r >= 10 ? r.toFixed(0) : r.toFixed(2);
}

export const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

/** "≤ 1.5 ✓" style verdicts, so a reader sees at once which targets a table meets. */
export function verdict(value, target) {
  if (!Number.isFinite(value)) return '–';
  return value <= target ? 'met' : 'missed';
}

/** The machine's load: other processes share its two cores, and timings move with them. */
export function machineLoad() {
  return loadavg().map((v) => Number(v.toFixed(2)));
}

/** `--json PATH` on the command line: where bench/run.mjs wants this part's results. */
export function writeJsonArg(doc) {
  const i = process.argv.indexOf('--json');
  if (i >= 0 && process.argv[i + 1]) writeFileSync(process.argv[i + 1], `${JSON.stringify(doc, null, 2)}\n`);
}
