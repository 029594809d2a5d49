/**
 * The report as one self-contained HTML document: tables rendered here (every
 * value escaped by `html`), charts drawn in the browser by the inlined Vega
 * runtimes from specs carried as JSON data. Nothing is fetched: no CDN, no
 * fonts, no images.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './data.js';
import { html, inlineScript, jsonScript, type Markup } from './escape.js';
import type { Runtime } from './runtime.js';

/** The id of the data element, and the marker the page sets on <body> once every chart has rendered (or failed). */
export const DATA_ID = 'basisfit-data';
export const RENDERED_ATTRIBUTE = 'data-rendered';

/**
 * Reads the specs from the JSON element, embeds each chart with the SVG
 * renderer, and exposes the Vega views as window.basisfitViews so a reader
 * (or a test) can inspect the data and scales. Contains no user data.
 */
const BOOT = `(function () {
  var data = JSON.parse(document.getElementById('${DATA_ID}').textContent);
  var views = {};
  window.basisfitViews = views;
  var charts = Object.keys(data.charts).filter(function (id) { return data.charts[id] !== null; });
  window.basisfitReady = Promise.all(charts.map(function (id) {
    return vegaEmbed(document.getElementById('chart-' + id), data.charts[id], { mode: 'vega-lite', renderer: 'svg', actions: false })
      .then(function (result) { views[id] = result.view; });
  })).then(function () {
    document.body.setAttribute('${RENDERED_ATTRIBUTE}', 'true');
  }, function (err) {
    document.body.setAttribute('${RENDERED_ATTRIBUTE}', 'error');
    console.error('basisfit report: a chart could not be drawn: ' + (err && err.message ? err.message : err));
  });
})();`;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto; max-width: 1180px; padding: 16px 24px 40px; }
h1 { font-size: 22px; margin: 8px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #555; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
th { background: #f6f6f6; font-weight: 600; }
.scroll { overflow-x: auto; max-height: 420px; overflow-y: auto; }
pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.warn { color: #a34a00; }
.muted { color: #777; }
footer { margin-top: 32px; color: #777; font-size: 12px; }
`;

export interface PageInput {
  data: ReportData;
  charts: { fit: TopLevelSpec; loss: TopLevelSpec | null };
  runtimes: Runtime[];
}

export function reportPage({ data, charts, runtimes }: PageInput): string {
  const title = `basisfit report: ${data.target} from ${data.features.join(', ')}`;
  const lines = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `${html`<title>${title}</title>`}`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `${header(data)}`,
    '<h2>Fit</h2>',
    '<div id="chart-fit"></div>',
    ...(charts.loss ? ['<h2>Loss by epoch</h2>', '<div id="chart-loss"></div>'] : []),
    `${diagnosticsSection(data)}`,
    `${parametersSection(data)}`,
    `${dataSection(data)}`,
    `${runSection(data)}`,
    '<footer>',
    `${html`<p>Written by basisfit ${data.version}. Every chart is drawn by the copies of Vega, Vega-Lite and vega-embed inlined below; the file needs no network.</p>`}`,
    // The one line that differs between two runs on the same inputs; --no-timestamp leaves it out.
    ...(data.timestamp !== null ? [`${html`<p class="timestamp">Generated ${data.timestamp}</p>`}`] : []),
    '</footer>',
    `<script type="application/json" id="${DATA_ID}">${jsonScript({ charts })}</script>`,
    ...runtimes.map((r) => `<script data-runtime="${r.name}">\n${inlineScript(r.source)}\n</script>`),
    `<script>\n${BOOT}\n</script>`,
    '</body>',
    '</html>',
    '',
  ];
  return lines.join('\n');
}

/** Numbers as a person reads them in a table: 6 significant digits, exponents for the very large and small. */
export function num(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return v === null || v === undefined ? '' : String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

function header(d: ReportData): Markup {
  const sets = d.rows.sets.map((s) => `${s.n} ${s.name}`).join(', ');
  return html`<h1>basisfit report</h1>
<p class="sub">${d.basis} basis, ${d.units} unit${d.units === 1 ? '' : 's'}: <b>${d.target}</b> from <b>${d.features.join(', ')}</b>; ${d.rows.total} rows (${sets})${
    d.rows.shown < d.rows.total ? `, ${d.rows.shown} drawn` : ''
  }</p>
<table id="metrics"><thead><tr><th>rows</th><th>n</th><th>rmse</th><th>mae</th><th>r2</th></tr></thead><tbody>
${d.metrics.map((m) => html`<tr><td>${m.set}</td><td>${m.metrics.n}</td><td>${num(m.metrics.rmse)}</td><td>${num(m.metrics.mae)}</td><td>${num(m.metrics.r2)}</td></tr>\n`)}</tbody></table>`;
}

function diagnosticsSection(d: ReportData): Markup {
  const dx = d.diagnostics;
  const ranked = [...dx.units].sort((a, b) => b.share - a.share || a.unit - b.unit);
  const list = (units: number[]) => units.join(', ');
  const items: Markup[] = [
    html`<li>The units carrying most of the fit: ${ranked
      .slice(0, 5)
      .map((u) => `${u.unit} (${(100 * u.share).toFixed(1)}%)`)
      .join(', ')}${ranked.length > 5 ? ', …' : ''}; ${ranked.filter((u) => u.share < 0.01).length} of ${ranked.length} carry under 1%.</li>`,
  ];
  if (dx.saturated.length > 0) items.push(html`<li class="warn">Saturated tanh units (|a·x + c| ≥ 3 on every row): ${list(dx.saturated)}.</li>`);
  if (dx.collapsed.length > 0) items.push(html`<li class="warn">Collapsed rbf units (narrower than the gap between neighbouring rows): ${list(dx.collapsed)}.</li>`);
  if (dx.exploded.length > 0) items.push(html`<li class="warn">Exploded rbf units (wider than the data, acting as constants): ${list(dx.exploded)}.</li>`);
  items.push(
    dx.duplicates.length > 0
      ? html`<li>Near-duplicate unit pairs (|correlation| ≥ 0.999): ${dx.duplicates
          .slice(0, 20)
          .map(([a, b]) => `${a}~${b}`)
          .join(', ')}${dx.duplicates.length > 20 ? ` and ${dx.duplicates.length - 20} more` : ''}.</li>`
      : html`<li>No near-duplicate units.</li>`,
  );
  if (dx.saturated.length + dx.collapsed.length + dx.exploded.length === 0) items.push(html`<li>No saturated, collapsed or exploded units.</li>`);
  return html`<h2>Diagnostics</h2>
<p class="sub">Measured on ${dx.rows} training rows, on the inputs as the model acts on them.</p>
<ul id="diagnostics">${items}</ul>`;
}

function parametersSection(d: ReportData): Markup {
  const p = d.parameters;
  const hasSe = p.bStderr !== null || p.units.some((u) => u.wStderr !== null || u.thetaStderr !== null);
  const withSe = (v: number, se: number | null | undefined) => (se === null || se === undefined ? num(v) : `${num(v)} ± ${num(se)}`);
  const rows = p.units.map(
    (u) =>
      html`<tr><td>${u.unit}</td>${u.theta.map((t, i) => html`<td>${withSe(t, u.thetaStderr?.[i])}</td>`)}<td>${num(u.w)}</td>${
        hasSe ? html`<td>${num(u.wStderr)}</td>` : ''
      }<td>${(100 * u.share).toFixed(1)}%</td><td class="text">${u.flags.join(', ')}</td></tr>\n`,
  );
  return html`<h2>Parameters</h2>
<p class="sub">f(x) = w·Φθ(x) + b${d.scaling ? ' on the standardised columns (scaling below)' : ' on the raw columns'}; row j of θ is unit j's parameters${
    hasSe ? '; ± gives the standard error' : ''
  }.</p>
<div class="scroll"><table id="parameters"><thead><tr><th>unit</th>${p.thetaNames.map((n) => html`<th>θ ${n}</th>`)}<th>w</th>${hasSe ? html`<th>se(w)</th>` : ''}<th>share</th><th class="text">flags</th></tr></thead><tbody>
${rows}<tr><td>b</td>${p.thetaNames.map(() => html`<td></td>`)}<td>${withSe(p.b, p.bStderr)}</td>${hasSe ? html`<td>${num(p.bStderr)}</td>` : ''}<td></td><td></td></tr>
</tbody></table></div>`;
}

function dataSection(d: ReportData): Markup {
  const s = d.scaling;
  const scaleOf = (role: string, i: number) => (s === null ? null : role === 'target' ? s.y : { mean: s.x.mean[i], std: s.x.std[i] });
  return html`<h2>Data</h2>
<p class="sub">${d.rows.total} rows: ${d.rows.sets.map((x) => `${x.n} ${x.name}`).join(', ')}.</p>
<table id="columns"><thead><tr><th>column</th><th class="text">role</th><th>min</th><th>mean</th><th>max</th>${
    s ? html`<th>scaling mean</th><th>scaling std</th>` : ''
  }</tr></thead><tbody>
${d.columns.map((c, i) => {
  const sc = scaleOf(c.role, i);
  return html`<tr><td>${c.name}</td><td class="text">${c.role}</td><td>${num(c.min)}</td><td>${num(c.mean)}</td><td>${num(c.max)}</td>${
    sc ? html`<td>${num(sc.mean)}</td><td>${num(sc.std)}</td>` : ''
  }</tr>\n`;
})}</tbody></table>`;
}

function runSection(d: ReportData): Markup {
  return html`<h2>Run</h2>
<table id="run"><tbody>
<tr><td>command</td><td class="text"><code>${d.command}</code></td></tr>
<tr><td>basisfit version</td><td class="text">${d.version}</td></tr>
<tr><td>seed</td><td class="text">${d.seed}</td></tr>
</tbody></table>`;
}
