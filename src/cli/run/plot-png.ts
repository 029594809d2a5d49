import { BasisfitError } from '../../errors.js';
import { fsReason } from '../../model/fs-errors.js';
import { type ModelFile, writeFileAtomic } from '../../model/index.js';
import type { PlotSet } from '../../report/plot-data.js';
import { fitPlotSvg } from '../../report/plot-render.js';
import { svgToPng } from '../../report/png.js';

/** `plot --format png`: the SVG plot rasterised, written atomically. */
export async function writePngPlot(path: string, model: ModelFile, sets: readonly PlotSet[]): Promise<void> {
  const png = await svgToPng(await fitPlotSvg(model, sets));
  try {
    await writeFileAtomic(path, png);
  } catch (err) {
    throw new BasisfitError(`cannot write the plot ${path}: ${fsReason(err)}`, { exitCode: 1, hint: 'choose a path in an existing, writable folder' });
  }
}
