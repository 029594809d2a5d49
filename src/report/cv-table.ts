/** The table `basisfit cv` prints on a terminal: one row a cell, the best and the 1-SE choice marked. */
import type { ChalkInstance } from 'chalk';
import type { CvDocument } from '../cv/summary.js';

const fmt = (v: number | null) => (v === null ? '-' : v.toPrecision(4));
const pm = (s: { mean: number | null; sd: number | null }) => (s.mean === null ? 'failed' : `${fmt(s.mean)} ± ${fmt(s.sd)}`);

export function cvTable(doc: CvDocument, color: ChalkInstance): string {
  const axes = Object.keys(doc.grid);
  const head = ['cell', ...axes, 'rmse (mean ± sd)', 'mae', 'r2', ''];
  const rows = doc.cells.map((c) => [
    String(c.cell),
    ...axes.map((a) => String(c.options[a as keyof typeof c.options])),
    pm(c.rmse),
    pm(c.mae),
    pm(c.r2),
    [c.cell === doc.best?.cell ? 'best' : '', c.cell === doc.one_se?.cell ? '1-SE' : ''].filter((s) => s).join(', '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((s, i) => (i === 0 || i > axes.length ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [
    `${doc.folds}-fold cross-validation of ${doc.file} (${doc.rows} rows, ${doc.target} from ${doc.features.join(', ')}, seed ${doc.seed}); held-out metrics in the target's units`,
    '',
    color.bold(line(head)),
    ...rows.map((r, i) => (doc.cells[i].cell === doc.chosen ? color.green(line(r)) : line(r))),
    '',
  ];
  if (doc.best) out.push(`best: cell ${doc.best.cell} (${describe(doc.best.options)}), mean rmse ${fmt(doc.best.rmse)} ± se ${fmt(doc.best.se)}`);
  if (doc.one_se) out.push(`1-SE: cell ${doc.one_se.cell} (${describe(doc.one_se.options)}), the simplest with mean rmse <= ${fmt(doc.one_se.threshold)}`);
  if (!doc.best) out.push('no cell finished every fold');
  return `${out.join('\n')}\n`;
}

function describe(o: Record<string, unknown>): string {
  const s = Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
  return s === '' ? 'the only cell' : s;
}
