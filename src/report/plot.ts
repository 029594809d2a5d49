/**
 * The fit plot as a Vega-Lite specification: pure data in, a spec out, so it
 * can be checked without rendering. Every layer has a name; the renderer turns
 * it into the class `<name>_marks` of the SVG group holding that layer's marks.
 */
import { pictured } from '../util/printable.js';
import type { TopLevelSpec } from 'vega-lite';
import type { ModelFile } from '../model/index.js';
import { bandLayers } from '../uncertainty/report.js';
import { type CurveView, extent, fitView, type LossPoint, lossView, type PlotSet, type ScatterView } from './plot-data.js';
import { counted } from '../util/plural.js';

/** The names of the mark layers, as they appear in the SVG's class attributes. */
export const LAYERS = {
  points: 'points',
  curve: 'curve',
  basis: 'basis',
  predicted: 'predicted',
  diagonal: 'diagonal',
  residuals: 'residuals',
  zero: 'zero',
  loss: 'loss',
  bestEpoch: 'best_epoch',
} as const;

const WIDE = 560;
const SQUARE = 260;
const DATA_COLOURS = ['#7f7f7f', '#e45756', '#54a24b', '#b279a2'];
const CURVE_COLOUR = '#1f4e9c';
const BASIS_COLOUR = '#4c78a8';
const LOSS_COLOURS = { train: '#1f4e9c', validation: '#f58518' };

export function plotSpec(raw: ModelFile, sets: readonly PlotSet[]): TopLevelSpec {
  // Names label the axes and titles: XML allows no control characters (an ESC in a header
  // would make the SVG unreadable), so they are shown as control pictures; Vega escapes < & " itself.
  const model = { ...raw, features: raw.features.map(pictured), target: pictured(raw.target) };
  const view = fitView(model, sets);
  const fitPanel = view.kind === 'curve' ? curvePanel(model, view, sets) : scatterPanels(model, view, sets);
  const loss = lossPanel(model, lossView(model));
  const panels = loss ? [fitPanel, loss] : [fitPanel];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `basisfit ${model.basis} model: ${model.target} from ${model.features.join(', ')}`,
    background: 'white',
    padding: 12,
    config: { view: { stroke: '#ddd' }, axis: { gridColor: '#eee' }, title: { anchor: 'start', fontSize: 13 } },
    vconcat: panels,
    spacing: 28,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

function heading(model: ModelFile, shown: { points: number; rows: number; units?: number }): string {
  const units = model.w.length;
  const thinned = [
    ...(shown.points < shown.rows ? [`${shown.points} of ${shown.rows} rows drawn`] : []),
    ...(shown.units !== undefined && shown.units < units ? [`the ${shown.units} of ${units} units that vary most drawn`] : []),
  ];
  return `${model.basis} basis, ${counted(units, 'unit')}: ${model.target} from ${model.features.join(', ')}${thinned.length > 0 ? ` (${thinned.join('; ')})` : ''}`;
}

export function setColours(sets: readonly { name: string }[]) {
  const names = sets.map((s) => s.name);
  return {
    field: 'set',
    type: 'nominal',
    title: null,
    scale: { domain: names, range: DATA_COLOURS.slice(0, Math.max(names.length, 1)) },
    legend: names.length > 1 ? { orient: 'top', direction: 'horizontal' } : null,
  };
}

function curvePanel(model: ModelFile, v: CurveView, sets: readonly PlotSet[]) {
  const x = { field: 'x', type: 'quantitative', title: v.feature, scale: { zero: false, nice: false } };
  const y = { field: 'y', type: 'quantitative', title: v.target, scale: { domain: v.yDomain, nice: true, zero: false } };
  return {
    title: {
      text: heading(model, v.shown),
      subtitle: `data, the fitted curve, and (faint) each unit's weighted basis function w·φ(x)${model.uncertainty ? '; shaded: 95% bands for the mean (darker) and new observations' : ''}`,
    },
    width: WIDE,
    height: 320,
    layer: [
      {
        name: LAYERS.basis,
        data: { values: v.components },
        mark: { type: 'line', clip: true, strokeWidth: 1, opacity: 0.35, color: BASIS_COLOUR },
        encoding: { x, y, detail: { field: 'unit', type: 'nominal' } },
      },
      ...bandLayers(model, v.curve.map((c) => c.x), x, y),
      {
        name: LAYERS.points,
        data: { values: v.points },
        mark: { type: 'circle', size: 14, opacity: 0.6 },
        encoding: { x, y, color: setColours(sets) },
      },
      {
        name: LAYERS.curve,
        data: { values: v.curve },
        mark: { type: 'line', clip: true, strokeWidth: 2.5, color: CURVE_COLOUR },
        encoding: { x, y },
      },
    ],
  };
}

function scatterPanels(model: ModelFile, v: ScatterView, sets: readonly PlotSet[]) {
  const predicted = { field: 'predicted', type: 'quantitative', title: `predicted ${v.target}`, scale: { zero: false } };
  const actual = { field: 'actual', type: 'quantitative', title: `actual ${v.target}`, scale: { zero: false } };
  const [lo, hi] = extent(v.points.flatMap((p) => [p.actual, p.predicted])) ?? [0, 1];
  const diagonal = [
    { actual: lo, predicted: lo },
    { actual: hi, predicted: hi },
  ];
  return {
    title: { text: heading(model, v.shown), subtitle: 'predicted against actual (the diagonal is a perfect fit), and residuals (actual − predicted)' },
    hconcat: [
      {
        width: SQUARE,
        height: SQUARE,
        layer: [
          {
            name: LAYERS.diagonal,
            data: { values: diagonal },
            mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
            encoding: { x: actual, y: predicted },
          },
          {
            name: LAYERS.predicted,
            data: { values: v.points },
            mark: { type: 'circle', size: 14, opacity: 0.6 },
            encoding: { x: actual, y: predicted, color: setColours(sets) },
          },
        ],
      },
      {
        width: SQUARE,
        height: SQUARE,
        layer: [
          {
            name: LAYERS.zero,
            data: { values: [{ residual: 0 }] },
            mark: { type: 'rule', color: '#999', strokeDash: [4, 4] },
            encoding: { y: { field: 'residual', type: 'quantitative' } },
          },
          {
            name: LAYERS.residuals,
            data: { values: v.points },
            mark: { type: 'circle', size: 14, opacity: 0.6 },
            encoding: { x: { ...predicted, axis: { tickCount: 5 } }, y: { field: 'residual', type: 'quantitative', title: 'residual' }, color: setColours(sets) },
          },
        ],
      },
    ],
  };
}

function lossPanel(model: ModelFile, points: LossPoint[]) {
  if (points.length === 0) return null;
  const scaled = model.scaling !== null;
  const sets = [...new Set(points.map((p) => p.set))];
  const best = model.training.best_epoch;
  // A log scale pays off over a decade or more; over less, its ticks are too sparse to label.
  const [lo, hi] = extent(points.map((p) => p.mse)) ?? [1, 1];
  const log = hi >= 10 * lo;
  const layers: object[] = [
    {
      name: LAYERS.loss,
      data: { values: points },
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false } },
        y: { field: 'mse', type: 'quantitative', title: `MSE${scaled ? ' (scaled units)' : ''}${log ? ', log scale' : ''}`, scale: log ? { type: 'log' } : { zero: false } },
        color: {
          field: 'set',
          type: 'nominal',
          title: null,
          scale: { domain: sets, range: sets.map((s) => LOSS_COLOURS[s]) },
          legend: { orient: 'top', direction: 'horizontal' },
        },
      },
    },
  ];
  if (typeof best === 'number' && Number.isInteger(best) && best >= 1) {
    layers.push({
      name: LAYERS.bestEpoch,
      data: { values: [{ epoch: best }] },
      mark: { type: 'rule', color: '#999', strokeDash: [2, 3] },
      encoding: { x: { field: 'epoch', type: 'quantitative' } },
    });
  }
  return {
    title: { text: 'loss by epoch', subtitle: typeof best === 'number' ? `dotted: the kept epoch (${best})` : undefined },
    width: WIDE,
    height: 180,
    layer: layers,
  };
}
