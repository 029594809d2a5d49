import { loadModelInput } from '../model-input.js';
import { predictRows } from '../../model/predict.js';
import { printJson } from '../io.js';
import { intervalCells, INTERVAL_COLUMNS, intervalJson, parseLevel } from '../../uncertainty/cli.js';
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
    const iv = level === undefined ? undefined : predictIntervals(model, table.x, table.n, level, a.model);
    const pred = iv?.prediction ?? predictRows(model, table.x, table.n);
    if (a.json) {
      printJson({ predictions: Array.from(pred), ...(iv ? intervalJson(iv) : {}) });
      return;
    }
    await writeCsv(table.header, table.raw ?? [], pred, iv);
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Streams the rows out in chunks so large files do not build one huge string. */
async function writeCsv(header: string[], rows: string[][], pred: Float64Array, iv?: Intervals): Promise<void> {
  const out = process.stdout;
  let chunk = `${[...header, 'prediction', ...(iv ? INTERVAL_COLUMNS : [])].map(quote).join(',')}\n`;
  for (let i = 0; i < rows.length; i++) {
    chunk += `${[...rows[i].map(quote), String(pred[i]), ...(iv ? intervalCells(iv, i) : [])].join(',')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.write(chunk);
}
