/**
 * The report's interactive charts as Vega-Lite specifications. Data fields have
 * fixed names (x, y, f0, residual, ...); column names only ever appear as titles,
 * which Vega renders as text, so a hostile name can neither break a field
 * reference nor become an expression (reportData has already made their control
 * characters and line separators visible).
 */
import type { TopLevelSpec } from 'vega-lite';
import { extent } from '../plot-data.js';
import { setColours } from '../plot.js';
import type { CurveData, ReportData, ScatterData } from './data.js';

/** Names of the views and datasets, which the browser test and a reader's console use to find them. */
export const VIEWS = {
  fit: 'fit',
  basis: 'basis',
  units: 'units',
  predicted: 'predicted',
  residuals: 'residuals',
  loss: 'loss',
} as const;

const WIDE = 600;
const SQUARE = 280;
const CURVE = '#1f4e9c';
const BAND = '#9ecae9';
const UNIT = '#4c78a8';
const HIGHLIGHT = '#f58518';
const LOSS_COLOURS: Record<string, string> = { train: '#1f4e9c', validation: '#f58518' };
const NUMBER = '.6~g';

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  background: 'white',
  padding: 8,
  config: { view: { stroke: '#ddd' }, axis: { gridColor: '#eee' }, title: { anchor: 'start', fontSize: 13 } },
};

/** The charts of a report: the fit (with the units' basis functions and shares) and, when the model has a history, the loss. */
export function reportSpecs(data: ReportData): { fit: TopLevelSpec; loss: TopLevelSpec | null } {
  return { fit: data.fit.kind === 'curve' ? curveSpec(data, data.fit) : scatterSpec(data, data.fit), loss: lossSpec(data) };
}

/** Each set of rows in its own colour, as in the SVG plot. */
function setColour(data: ReportData) {
  return setColours(data.rows.sets);
}

/** Hovering a unit (a bar, or its basis function) highlights it in every chart of units. */
function unitHover(views: string[]) {
  return { name: 'unit', select: { type: 'point', on: 'pointerover', clear: 'pointerout', fields: ['unit'] }, views };
}

function unitsPanel(data: ReportData) {
  return {
    name: VIEWS.units,
    title: { text: 'share of the fit by unit', subtitle: '|w_j| × spread of φ_j over the training rows; hover a unit to find its basis function' },
    width: data.fit.kind === 'curve' ? WIDE : 2 * SQUARE + 40,
    height: 120,
    data: { name: 'units' },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'unit', type: 'ordinal', title: 'unit', axis: { labelOverlap: true } },
      y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%' } },
      color: { condition: { param: 'unit', empty: false, value: HIGHLIGHT }, value: UNIT },
      tooltip: [
        { field: 'unit', type: 'ordinal', title: 'unit' },
        { field: 'share', type: 'quantitative', title: 'share', format: '.1%' },
        { field: 'w', type: 'quantitative', title: 'w', format: NUMBER },
        { field: 'flags', type: 'nominal', title: 'flags' },
      ],
    },
  };
}

/** The fit's subtitle: how to use the chart, and a second line on the bands when there are any. */
function fitSubtitle(band: CurveData['band']): string[] {
  const first = 'data and the fit; drag to pan, scroll to zoom, hover a point for its numbers';
  if (!band) return [first];
  return [first, `shaded: ${Math.round(100 * band.level)}% bands of the mean (darker) and of a new observation; ${band.method}`];
}

function curveSpec(data: ReportData, c: CurveData): TopLevelSpec {
  const x = { field: 'x', type: 'quantitative', title: c.feature, scale: { zero: false, nice: false } };
  const y = { field: 'y', type: 'quantitative', title: c.target, scale: { domain: c.yDomain, nice: true, zero: false } };
  const layers: object[] = [];
  if (c.band) {
    // The observation band, wider and fainter, under the mean's; the SVG plot draws them alike.
    const area = (name: string, lo: string, hi: string, opacity: number) => ({
      name,
      data: { name: 'curve' },
      mark: { type: 'area', clip: true, color: BAND, opacity },
      encoding: { x, y: { ...y, field: lo }, y2: { field: hi } },
    });
    layers.push(area('band_obs', 'obs_lo', 'obs_hi', 0.3), area('band_mean', 'mean_lo', 'mean_hi', 0.6));
  }
  layers.push(
    {
      name: 'curve',
      data: { name: 'curve' },
      mark: { type: 'line', clip: true, strokeWidth: 2.5, color: CURVE },
      encoding: { x, y },
    },
    {
      // Last, so the points lie on top and a hover finds them rather than the curve.
      name: 'points',
      data: { name: 'points' },
      params: [{ name: 'zoom', select: 'interval', bind: 'scales' }],
      mark: { type: 'circle', size: 22, opacity: 0.7, clip: true },
      encoding: {
        x,
        y,
        color: setColour(data),
        tooltip: [
          { field: 'line', type: 'quantitative', title: 'line', format: 'd' },
          { field: 'set', type: 'nominal', title: 'set' },
          { field: 'x', type: 'quantitative', title: c.feature, format: NUMBER },
          { field: 'y', type: 'quantitative', title: c.target, format: NUMBER },
          { field: 'fitted', type: 'quantitative', title: 'fitted', format: NUMBER },
          { field: 'residual', type: 'quantitative', title: 'residual', format: NUMBER },
        ],
      },
    },
  );
  const fitPanel = {
    name: VIEWS.fit,
    title: { text: `${c.target} against ${c.feature}`, subtitle: fitSubtitle(c.band) },
    width: WIDE,
    height: 340,
    layer: layers,
  };
  const basisPanel = {
    name: VIEWS.basis,
    title: { text: 'weighted basis functions', subtitle: `each unit's term σ_y·w_j·φ_j(x); the fit is their sum plus ${fmt(c.intercept)}` },
    width: WIDE,
    height: 220,
    data: { name: 'components' },
    mark: { type: 'line', clip: true, strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', title: 'term', scale: { zero: false } },
      detail: { field: 'unit', type: 'nominal' },
      color: { condition: { param: 'unit', empty: false, value: HIGHLIGHT }, value: UNIT },
      opacity: { condition: { param: 'unit', empty: false, value: 1 }, value: 0.35 },
      strokeWidth: { condition: { param: 'unit', empty: false, value: 3 }, value: 1.2 },
      tooltip: [{ field: 'unit', type: 'nominal', title: 'unit' }],
    },
  };
  return {
    ...BASE,
    description: `basisfit ${data.basis} model: ${c.target} from ${c.feature}`,
    params: [unitHover([VIEWS.basis, VIEWS.units])],
    datasets: { points: c.points, curve: c.curve, components: c.components, units: unitRows(data) },
    vconcat: [fitPanel, basisPanel, unitsPanel(data)],
    spacing: 24,
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** Hovering a row in any scatter highlights it in all of them. */
function rowHover(views: string[]) {
  return { name: 'row', select: { type: 'point', on: 'pointerover', clear: 'pointerout', fields: ['row'], nearest: true }, views };
}

function scatterSpec(data: ReportData, s: ScatterData): TopLevelSpec {
  const tooltip = [
    { field: 'line', type: 'quantitative', title: 'line', format: 'd' },
    { field: 'set', type: 'nominal', title: 'set' },
    { field: 'actual', type: 'quantitative', title: `actual ${s.target}`, format: NUMBER },
    { field: 'predicted', type: 'quantitative', title: 'predicted', format: NUMBER },
    { field: 'residual', type: 'quantitative', title: 'residual', format: NUMBER },
    ...s.features.map((name, k) => ({ field: `f${k}`, type: 'quantitative', title: name, format: NUMBER })),
  ];
  const highlight = {
    size: { condition: { param: 'row', empty: false, value: 120 }, value: 22 },
    stroke: { condition: { param: 'row', empty: false, value: 'black' }, value: null },
  };
  const predicted = { field: 'predicted', type: 'quantitative', title: `predicted ${s.target}`, scale: { zero: false } };
  const actual = { field: 'actual', type: 'quantitative', title: `actual ${s.target}`, scale: { zero: false } };
  const residual = { field: 'residual', type: 'quantitative', title: 'residual' };
  const circle = { type: 'circle', opacity: 0.7, clip: true };
  const zero = { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#999', strokeDash: [4, 4] }, encoding: { y: { field: 'zero', type: 'quantitative' } } };
  // The hover is defined on the point layers themselves: on a layered view it would be repeated in every layer.
  const scatterViews = ['points', 'residual_points', ...s.features.map((_, k) => `feature_points_f${k}`)];

  const panels: object[] = [
    {
      name: VIEWS.predicted,
      title: { text: 'predicted against actual', subtitle: 'the dashed diagonal is a perfect fit; drag to pan, scroll to zoom' },
      width: SQUARE,
      height: SQUARE,
      layer: [
        { data: { name: 'diagonal' }, mark: { type: 'line', color: '#999', strokeDash: [4, 4] }, encoding: { x: actual, y: predicted } },
        {
          name: 'points',
          data: { name: 'points' },
          params: [{ name: 'zoom', select: 'interval', bind: 'scales' }],
          mark: circle,
          encoding: { x: actual, y: predicted, color: setColour(data), tooltip, ...highlight },
        },
      ],
    },
    {
      name: VIEWS.residuals,
      title: { text: 'residuals against fitted', subtitle: 'actual − predicted' },
      width: SQUARE,
      height: SQUARE,
      layer: [zero, { name: 'residual_points', data: { name: 'points' }, mark: circle, encoding: { x: predicted, y: residual, color: setColour(data), tooltip, ...highlight } }],
    },
    ...s.features.map((name, k) => ({
      name: `residuals_f${k}`,
      title: { text: 'residuals against a feature', subtitle: name },
      width: SQUARE,
      height: SQUARE,
      layer: [
        zero,
        {
          name: `feature_points_f${k}`,
          data: { name: 'points' },
          mark: circle,
          encoding: { x: { field: `f${k}`, type: 'quantitative', title: name, scale: { zero: false } }, y: residual, color: setColour(data), tooltip, ...highlight },
        },
      ],
    })),
    ...s.features.map((name, k) => ({
      name: `partial_f${k}`,
      title: { text: 'partial dependence', subtitle: `the mean prediction with ${name} moved across its range` },
      width: SQUARE,
      height: SQUARE,
      data: { name: 'partial' },
      transform: [{ filter: { field: 'feature', equal: k } }],
      mark: { type: 'line', color: CURVE, strokeWidth: 2, point: { size: 14 } },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: name, scale: { zero: false } },
        y: { field: 'mean', type: 'quantitative', title: `mean predicted ${s.target}`, scale: { zero: false } },
        tooltip: [
          { field: 'value', type: 'quantitative', title: name, format: NUMBER },
          { field: 'mean', type: 'quantitative', title: 'mean prediction', format: NUMBER },
        ],
      },
    })),
  ];
  const [lo, hi] = extent(s.points.flatMap((p) => [p.actual, p.predicted])) ?? [0, 1];
  return {
    ...BASE,
    description: `basisfit ${data.basis} model: ${s.target} from ${s.features.join(', ')}`,
    params: [rowHover(scatterViews), unitHover([VIEWS.units])],
    datasets: {
      points: s.points,
      diagonal: [
        { actual: lo, predicted: lo },
        { actual: hi, predicted: hi },
      ],
      partial: s.partial,
      units: unitRows(data),
    },
    vconcat: [{ concat: panels, columns: 2, spacing: 24 }, unitsPanel(data)],
    spacing: 24,
    resolve: { scale: { color: 'independent' } },
  } as unknown as TopLevelSpec;
}

function lossSpec(data: ReportData): TopLevelSpec | null {
  if (data.loss.length === 0) return null;
  const sets = [...new Set(data.loss.map((p) => p.set))];
  const [lo, hi] = extent(data.loss.map((p) => p.mse)) ?? [1, 1];
  const log = hi >= 10 * lo;
  const scaled = data.scaling !== null;
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false } };
  const layers: object[] = [
    {
      // Not 'loss', the view's own name: with the two named alike, Vega-Lite 6.4's compile never returned.
      name: 'loss_line',
      data: { name: 'loss' },
      params: [{ name: 'loss_zoom', select: 'interval', bind: 'scales' }],
      mark: { type: 'line', strokeWidth: 1.5, point: { size: 10, opacity: 0.6 }, tooltip: true },
      encoding: {
        x,
        y: { field: 'mse', type: 'quantitative', title: `MSE${scaled ? ' (scaled units)' : ''}${log ? ', log scale' : ''}`, scale: log ? { type: 'log' } : { zero: false } },
        color: { field: 'set', type: 'nominal', title: null, scale: { domain: sets, range: sets.map((s) => LOSS_COLOURS[s] ?? '#555') }, legend: { orient: 'top', direction: 'horizontal' } },
        tooltip: [
          { field: 'set', type: 'nominal', title: 'set' },
          { field: 'epoch', type: 'quantitative', title: 'epoch' },
          { field: 'mse', type: 'quantitative', title: 'MSE', format: NUMBER },
        ],
      },
    },
  ];
  if (data.bestEpoch !== null && data.bestEpoch >= 1) {
    layers.push({ data: { values: [{ epoch: data.bestEpoch }] }, mark: { type: 'rule', color: '#999', strokeDash: [2, 3] }, encoding: { x: { field: 'epoch', type: 'quantitative' } } });
  }
  return {
    ...BASE,
    description: 'training and validation loss by epoch',
    datasets: { loss: data.loss },
    name: VIEWS.loss,
    title: { text: 'loss by epoch', subtitle: data.bestEpoch === null ? '' : data.bestEpoch >= 1 ? `dotted: the kept epoch (${data.bestEpoch})` : 'the start (epoch 0) was kept' },
    width: WIDE,
    height: 220,
    layer: layers,
  } as unknown as TopLevelSpec;
}

function unitRows(data: ReportData) {
  return data.parameters.units.map((u) => ({ unit: u.unit, share: u.share, w: u.w, flags: u.flags.join(', ') || 'none' }));
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);
}
