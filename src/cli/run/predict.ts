import { loadModelInput } from '../model-input.js';
import { predictRows } from '../../model/predict.js';
import { printJson } from '../io.js';

export interface PredictArgs {
  file: string;
  model: string;
  json?: boolean;
  delimiter?: string;
}

export async function runPredict(a: PredictArgs): Promise<void> {
    const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: false, keepRaw: !a.json, delimiter: a.delimiter });
    const pred = predictRows(model, table.x, table.n);
    if (a.json) {
      printJson({ predictions: Array.from(pred) });
      return;
    }
    await writeCsv(table.header, table.raw ?? [], pred);
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Streams the rows out in chunks so large files do not build one huge string. */
async function writeCsv(header: string[], rows: string[][], pred: Float64Array): Promise<void> {
  const out = process.stdout;
  let chunk = `${[...header, 'prediction'].map(quote).join(',')}\n`;
  for (let i = 0; i < rows.length; i++) {
    chunk += `${[...rows[i].map(quote), String(pred[i])].join(',')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.write(chunk);
}
