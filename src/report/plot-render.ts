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
  // Vega reports a failure inside its dataflow (d3 cannot tick an axis whose values lie
  // closer than about 1e-300, e.g. denormal data or losses) by printing it with its stack
  // to the console and drawing on without that part. Its messages are kept from the user:
  // a failure ends the plot with one line, its warnings are dropped.
  const failures: unknown[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, level, input) => {
    if (level === 'ERROR') failures.push(input[0]);
  });
  const compiled = vl.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  // Clip-path and gradient ids come from module-wide counters; restart them so
  // the same plot gives the same bytes however many were drawn before it.
  vega.resetSVGDefIds();
  try {
    const svg = `${await view.toSVG()}\n`;
    if (failures.length > 0) throw drawingFailed(failures[0]);
    return svg;
  } finally {
    view.finalize();
  }
}

function drawingFailed(cause: unknown): BasisfitError {
  const error = new BasisfitError('cannot draw the plot: its axes could not be laid out over these values', {
    hint: 'values that differ by less than about 1e-300 (denormal numbers in the data or in the loss history) cannot be drawn; rescale them',
  });
  if (cause instanceof Error && cause.stack) error.stack = `${error.stack}\ncaused by ${cause.stack}`;
  return error;
}

/** The model's fit on these rows, with its loss history, as SVG text. */
export async function fitPlotSvg(model: ModelFile, sets: readonly PlotSet[]): Promise<string> {
  return renderSvg(plotSpec(model, sets));
}

/** The plot's file contents: SVG text, or the PNG it rasterises to. */
export async function renderFitPlot(model: ModelFile, sets: readonly PlotSet[], format: ImageFormat = 'svg'): Promise<string | Uint8Array> {
  const svg = await fitPlotSvg(model, sets);
  // resvg is a native module: loaded only when a PNG is asked for.
  return format === 'png' ? (await import('./png.js')).svgToPng(svg) : svg;
}

/** Replaces `path` atomically with rendered plot contents. */
export async function writePlotFile(path: string, bytes: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new BasisfitError(`cannot write the plot ${path}: ${fsReason(err)}`, { exitCode: 1, hint: 'choose a path in an existing, writable folder' });
  }
}

/** Renders first (and rasterises, for PNG), then writes, so a failed plot never leaves a partial file. */
export async function writeFitPlot(path: string, model: ModelFile, sets: readonly PlotSet[], format: ImageFormat = 'svg'): Promise<void> {
  await writePlotFile(path, await renderFitPlot(model, sets, format));
}
