/** The loss curve as a few lines of text, printed on a terminal after training. */
import { plot } from 'asciichart';
import type { ChalkInstance } from 'chalk';

export interface LossChartOptions {
  /** Columns for the curve itself (the axis labels come on top). */
  width?: number;
  /** Rows of the chart. */
  height?: number;
  color: ChalkInstance;
  /** What the numbers are, shown in the title. */
  units?: string;
}

const ANSI = { train: '\x1b[36m', validation: '\x1b[33m' } as const;

/**
 * Training (and validation) MSE by epoch, each series resampled to at most
 * `width` columns; on a log scale when the values span a decade or more.
 * Empty when there is nothing finite to draw.
 */
export function lossChart(history: { train: number[]; validation: number[] | null }, opts: LossChartOptions): string {
  const width = Math.max(2, opts.width ?? 60);
  const height = Math.max(2, opts.height ?? 8);
  const raw = [history.train, ...(history.validation ? [history.validation] : [])].map((s) => resample(s, width));
  const positive = raw.flat().filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length === 0) return '';
  const log = Math.max(...positive) >= 10 * Math.min(...positive);
  const series = raw.map((s) => drawable(s, log));
  if (series.some((s) => s === null)) return '';
  const chart = plot(series as number[][], {
    height,
    colors: opts.color.level > 0 ? [ANSI.train, ANSI.validation] : undefined,
    format: (v: number) => (log ? 10 ** v : v).toExponential(1).padStart(9),
  });
  const epochs = history.train.length;
  const key = [opts.color.cyan('── train'), ...(history.validation ? [opts.color.yellow('── validation')] : [])].join('  ');
  const title = `${opts.color.bold('loss')} ${opts.color.dim(`(${opts.units ?? 'MSE'}${log ? ', log scale' : ''}) by epoch, 1 to ${epochs}`)}  ${key}`;
  return `${title}\n${chart}\n`;
}

/** Evenly spaced epochs, first and last included, when there are more epochs than columns. */
export function resample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => values[Math.round((i * (values.length - 1)) / (width - 1))]);
}

/**
 * The values as drawn (log10 on a log scale). A value that cannot be drawn (a
 * diverging epoch; zero on a log scale) repeats its neighbour, since the chart
 * cannot show gaps; null when no value can be drawn.
 */
function drawable(values: number[], log: boolean): number[] | null {
  const ys = values.map((v) => (!Number.isFinite(v) ? Number.NaN : log ? (v > 0 ? Math.log10(v) : Number.NaN) : v));
  const first = ys.find((v) => !Number.isNaN(v));
  if (first === undefined) return null;
  let last = first;
  return ys.map((v) => (Number.isNaN(v) ? last : (last = v)));
}
