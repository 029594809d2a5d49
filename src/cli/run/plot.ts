import { stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { writeFitPlot } from '../../report/plot-render.js';
import { channels, printJson } from '../io.js';
import { loadModelInput } from '../model-input.js';

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
  await assertPlotPath(a.out, [
    ['input data file', a.file],
    ['model file', a.model],
  ]);
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
  const sets = [{ name: table.file, rows: { x: table.x, y: table.y!, n: table.n } }];
  if ((a.format ?? (a.out.toLowerCase().endsWith('.png') ? 'png' : 'svg')) === 'png') {
    const { writePngPlot } = await import('./plot-png.js');
    await writePngPlot(a.out, model, sets);
  } else await writeFitPlot(a.out, model, sets);
  if (a.json) printJson({ plot: a.out, kind: model.features.length === 1 ? 'curve' : 'scatter', rows: table.n, loss: model.history !== undefined });
  else channels({ color: a.color }).out(`plot written to ${a.out}\n`);
}

/**
 * Refuse a plot path that is one of the inputs (same device and inode, so links
 * count too): the SVG would silently replace the data or the model.
 */
export async function assertPlotPath(out: string, inputs: [string, string | undefined][], kind = { name: 'plot', format: 'SVG', example: 'fit.svg' }): Promise<void> {
  const target = await stat(out, { bigint: true }).catch(() => null);
  if (target === null) return;
  for (const [what, path] of inputs) {
    if (path === undefined || path === '-') continue;
    const s = await stat(path, { bigint: true }).catch(() => null);
    if (s !== null && s.dev === target.dev && s.ino === target.ino) {
      throw new UsageError(`the ${kind.name} path ${out} is the ${what} ${path}; writing the ${kind.format} there would destroy it`, `choose another path for the ${kind.name}, e.g. ${kind.example}`);
    }
  }
}
