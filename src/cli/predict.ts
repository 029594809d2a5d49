import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { fileArg, modelOption } from './options.js';

export interface PredictArgs {
  file: string;
  model: string;
  json?: boolean;
  delimiter?: string;
}

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <file>',
  describe: 'predictions for each row: the input columns and a prediction column (CSV), or {"predictions": [...]}',
  builder: (y: Argv) =>
    y
      .positional('file', fileArg)
      .option('model', modelOption)
      .option('delimiter', { type: 'string', describe: 'field delimiter of the input (default: detected)' }) as unknown as Argv<PredictArgs>,
  handler: async (argv: ArgumentsCamelCase<PredictArgs>) => {
    const { loadModelInput } = await import('./model-input.js');
    const { predictRows } = await import('../train/predict.js');
    const { printJson } = await import('./io.js');
    const { model, table } = await loadModelInput(argv.file, argv.model, { requireTarget: false, keepRaw: !argv.json, delimiter: argv.delimiter });
    const pred = predictRows(model, table.x, table.n);
    if (argv.json) {
      printJson({ predictions: Array.from(pred) });
      return;
    }
    await writeCsv(table.header, table.raw ?? [], pred);
  },
};

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
