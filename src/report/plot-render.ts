/**
 * Rendering the fit plot to SVG in Node, with no browser and no canvas: Vega's
 * headless SVG renderer estimates text widths itself. Vega and Vega-Lite are
 * imported here only, and this module is loaded only when a plot is asked
 * for, so the CLI starts without them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BasisfitError } from '../errors.js';
import { fsReason } from '../model/fs-errors.js';
import { type ModelFile, writeFileAtomic } from '../model/index.js';
import type { PlotSet } from './plot-data.js';
import type { ImageFormat } from './png.js';
import { plotSpec } from './plot.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  // Clip-path and gradient ids come from module-wide counters; restart them so
  // the same plot gives the same bytes however many were drawn before it.
  vega.resetSVGDefIds();
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}

/** The model's fit on these rows, with its loss history, as SVG text. */
export async function fitPlotSvg(model: ModelFile, sets: readonly PlotSet[]): Promise<string> {
  return renderSvg(plotSpec(model, sets));
}

/**
 * Renders first (and rasterises, for PNG), then replaces `path` atomically, so a failed
 * plot never leaves a partial file.
 */
export async function writeFitPlot(path: string, model: ModelFile, sets: readonly PlotSet[], format: ImageFormat = 'svg'): Promise<void> {
  const svg = await fitPlotSvg(model, sets);
  // resvg is a native module: loaded only when a PNG is asked for.
  const bytes = format === 'png' ? await (await import('./png.js')).svgToPng(svg) : svg;
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new BasisfitError(`cannot write the plot ${path}: ${fsReason(err)}`, { exitCode: 1, hint: 'choose a path in an existing, writable folder' });
  }
}
