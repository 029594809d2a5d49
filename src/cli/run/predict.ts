import { loadModelInput, predictAll, predictTable } from '../model-input.js';
import { printable } from '../../util/printable.js';
import { printJson } from '../io.js';
import { INTERVAL_COLUMNS, intervalCells, intervalJson, parseLevel } from '../../uncertainty/cli.js';
import { type Intervals, predictIntervals, requireUncertainty } from '../../uncertainty/intervals.js';

export interface PredictArgs {
  file: string;
  model: string;
  json?: boolean;
  delimiter?: string;
  /** --interval LEVEL: add confidence and prediction intervals (src/uncertainty). */
  interval?: string | number;
}

export async function runPredict(a: PredictArgs): Promise<void> {
  const level = a.interval === undefined ? undefined : parseLevel(a.interval);
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: false, keepRaw: !a.json, delimiter: a.delimiter });
  // Checked before any output, so a model without uncertainty fails cleanly (exit 1).
  if (level !== undefined) requireUncertainty(model, a.model);
  const d = model.features.length;
  const intervals = (start: number, pred: Float64Array) =>
    level === undefined ? undefined : predictIntervals(model, table.x.subarray(start * d, (start + pred.length) * d), pred.length, level, a.model, pred);
  if (a.json) {
    const pred = predictAll(model, table);
    const iv = intervals(0, pred);
    printJson({ predictions: Array.from(pred), ...(iv ? intervalJson(iv) : {}) });
    return;
  }
  const column = predictionColumn(table.header);
  if (column !== 'prediction') {
    process.stderr.write(`basisfit: warning: the input already has a column 'prediction'; the new one is called '${printable(column)}'\n`);
  }
  // Every row is predicted, a chunk at a time, before the first byte goes out: a
  // non-finite prediction on a late row then fails the run with nothing on stdout, rather
  // than with a CSV cut short that `> out.csv` or the next tool in a pipe would take for
  // the whole output. The rows are in memory already; this keeps N predictions beside them
  // (and, with --interval, four bounds a row), not the N×J basis.
  const predicted: { start: number; pred: Float64Array; iv: Intervals | undefined }[] = [];
  for (const [start, pred] of predictTable(model, table)) predicted.push({ start, pred, iv: intervals(start, pred) });
  const out = new CsvOut();
  await out.add(`${[...table.header, column, ...(level === undefined ? [] : INTERVAL_COLUMNS)].map(quote).join(',')}\n`);
  const rows = table.raw ?? [];
  for (const { start, pred, iv } of predicted) {
    for (let i = 0; i < pred.length; i++) await out.add(`${[...rows[start + i].map(quote), String(pred[i]), ...(iv ? intervalCells(iv, i) : [])].join(',')}\n`);
  }
  await out.flush();
}

/**
 * `prediction`, or when the input has that column already (predict's own output fed back
 * in), the first free `prediction_2`, `prediction_3`, …: two columns of one name would
 * make the output ambiguous to every CSV reader.
 */
export function predictionColumn(header: readonly string[]): string {
  if (!header.includes('prediction')) return 'prediction';
  let k = 2;
  while (header.includes(`prediction_${k}`)) k++;
  return `prediction_${k}`;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Text to stdout in 64 KiB pieces, waiting for the pipe to drain rather than buffering all of it. */
class CsvOut {
  private chunk = '';

  async add(text: string): Promise<void> {
    this.chunk += text;
    if (this.chunk.length > 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    const out = process.stdout;
    const text = this.chunk;
    this.chunk = '';
    if (!out.write(text)) await new Promise((r) => out.once('drain', r));
  }
}
