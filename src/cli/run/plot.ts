import { writeFitPlot } from '../../report/plot-render.js';
import { plotFormat } from '../../report/png.js';
import { channels, printJson } from '../io.js';
import { loadModelInput, onModelRows } from '../model-input.js';
import { checkOutputs } from '../outputs.js';
import { printable } from '../../util/printable.js';

export interface PlotArgs {
  file: string;
  model: string;
  out: string;
  format?: string;
  delimiter?: string;
  json?: boolean;
  color: boolean;
}

export async function runPlot(a: PlotArgs): Promise<void> {
  const format = plotFormat(a.out, a.format);
  await checkOutputs([{ flag: '--out', path: a.out, what: format.toUpperCase() }], [
    { what: 'input data file', path: a.file },
    { what: 'model file', path: a.model },
  ], { json: a.json });
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
  await onModelRows(model, table, 'the plotted fit', () => writeFitPlot(a.out, model, [{ name: table.file, rows: { x: table.x, y: table.y!, n: table.n } }], format));
  if (a.json) printJson({ plot: a.out, kind: model.features.length === 1 ? 'curve' : 'scatter', rows: table.n, loss: model.history !== undefined });
  else if (a.out !== '-') channels({ color: a.color }).out(`plot written to ${printable(a.out)}\n`);
}
