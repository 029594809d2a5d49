/** The short, human summary printed after training. */
import type { ChalkInstance } from 'chalk';
import type { Metrics } from '../model/metrics.js';
import type { ModelFile } from '../model/types.js';
import type { TrainResult } from '../train/train.js';
import { uncertaintySummary } from '../uncertainty/report.js';
import { printable } from '../util/printable.js';
import { counted } from '../util/plural.js';

function num(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(digits - 1) : v.toPrecision(digits);
}

export function metricsTable(rows: [string, Metrics | null][], c: ChalkInstance): string[] {
  const head = ['', 'n', 'rmse', 'mae', 'r2'];
  const body = rows.filter(([, m]) => m !== null).map(([name, m]) => [printable(name), String(m!.n), num(m!.rmse), num(m!.mae), num(m!.r2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [c.dim(fmt(head)), ...body.map(fmt)];
}

/** What the start search chose on its own (--units auto, --ridge auto) and by what score. */
function selectionLine(r: TrainResult, sel: NonNullable<TrainResult['selection']>): string {
  if (sel.folds === 0) return 'start: too few rows to cross-validate, so the start was not chosen';
  const counts = sel.candidates?.map((c) => (c.near_linear ? `${c.units} near-linear` : String(c.units))).join(', ');
  // A committee's members each have the chosen count; the model has all of theirs.
  const chosen = r.committee?.units_per_member ?? r.units;
  const units = sel.units_auto && counts ? `${counted(chosen, 'unit')} (of ${counts})${r.committee?.units_per_member ? ' per member' : ''}, ` : '';
  const ridge = r.ridge !== undefined ? `, ridge ${num(r.ridge, 2)}` : '';
  const how = sel.near_linear ? 'near-linear start (one unit per feature)' : `init scale ${num(r.init_scale ?? 1, 3)}`;
  return `start chosen by ${sel.folds}-fold cross-validation: ${units}${how}${ridge}; CV rmse ${num(sel.cv_rmse)}`;
}

/** The relevance search's outcome and why it ran or not; nothing for one feature, where there is nothing to weigh. */
function relevanceLines(r: TrainResult): string[] {
  const search = r.relevance_search;
  if (!search || r.features.length < 2) return [];
  if (!search.searched) return [`input scales: not searched (${search.reason})`];
  const moved = Object.entries(r.relevance ?? {}).filter(([, v]) => v !== 1);
  const chosen = moved.length > 0 ? `${moved.map(([f, v]) => `${printable(f)} ${num(v, 3)}`).join(', ')}${moved.length < r.features.length ? ', the others 1' : ''}` : 'all kept at 1';
  return [`input scales chosen by cross-validation (${search.reason}): ${chosen}; CV rmse ${num(search.cv_rmse ?? null)} (all 1: ${num(search.baseline_cv_rmse ?? null)})`];
}

/** A committee's members and why it ran; under --committee auto why it did not; nothing for one model by choice (the default). */
function committeeLines(r: TrainResult): string[] {
  const k = r.committee;
  if (!k) return [];
  if (k.members === 0) return k.auto ? [`committee: none (${k.reason})`] : [];
  const epochs = k.member_best_epoch?.join(', ') ?? '';
  // A member that diverged is left out of the average: say so rather than claim all K.
  const diverged = k.diverged ?? 0;
  const count = diverged > 0 ? `${k.members - diverged} of ${k.members} members (${diverged} diverged)` : `${k.members} members`;
  const line = `committee: ${count} of ${counted(k.units_per_member ?? 0, 'unit')} averaged (${k.reason}), each validated on its own fold; kept epochs ${epochs}`;
  // The out-of-fold row's n alone would not say that some rows are missing from it, or why.
  const rows = k.out_of_fold_rows;
  if (rows === undefined || rows >= r.train.n) return [line];
  const interrupted = r.stopped === 'interrupted';
  const why = diverged === 0 ? 'members not run' : `the ${counted(diverged, 'member')} that diverged${interrupted ? ' or members not run' : ''}`;
  return [line, `out-of-fold: ${rows} of ${r.train.n} rows (the folds of ${why} have no held-out prediction)`];
}

/**
 * `wallSeconds`, the whole train() call as the caller timed it: train_s is the optimisation
 * loop alone, which on small data is a few hundredths of a second of a run that takes one.
 */
export function trainSummary(r: TrainResult, c: ChalkInstance, model?: ModelFile | null, wallSeconds?: number): string {
  const stopColor = r.stopped === 'diverged' ? c.red : r.stopped === 'interrupted' ? c.yellow : c.green;
  const whole = wallSeconds === undefined ? '' : `; ${num(wallSeconds, 3)} s in all, with loading, the start search and the standard errors`;
  const lines = [
    `${c.bold(r.basis)} basis, ${counted(r.units, 'unit')}: ${r.features.map((f) => printable(f)).join(', ')} -> ${printable(r.target)}`,
    `${stopColor(r.stopped)} after ${r.epochs} epochs${r.best_epoch !== r.epochs ? ` (kept epoch ${r.best_epoch})` : ''} in ${num(r.timing.train_s, 3)} s (${num(r.timing.epoch_s * 1000, 3)} ms/epoch)${whole}`,
    ...(r.restarts.count > 1 ? [`restarts: ${r.restarts.count}, best was start ${r.restarts.best}`] : []),
    ...(r.selection ? [selectionLine(r, r.selection)] : []),
    ...relevanceLines(r),
    ...committeeLines(r),
    ...metricsTable(
      [
        ['train', r.train],
        // A committee's validation row: each row predicted by the member that did not train on it.
        [r.committee && r.committee.members > 0 ? 'out-of-fold' : 'validation', r.validation],
      ],
      c,
    ),
    ...(model ? uncertaintySummary(r.uncertainty, model) : []),
    r.model ? `model written to ${r.model === '-' ? 'standard output' : c.bold(printable(r.model))}` : c.yellow('no model written'),
  ];
  return `${lines.join('\n')}\n`;
}
