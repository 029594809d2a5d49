import type { ModelFile } from '../../model/index.js';
import { modelStderr } from '../../report/html/uncertainty.js';
import { reportHtml, writeReport } from '../../report/html/write.js';
import type { TrainOutput, TrainResult } from '../../train/train.js';
import { printable } from '../../util/printable.js';
import { channels, printJson } from '../io.js';
import { loadModelInput, onModelRows } from '../model-input.js';
import { checkOutputs } from '../outputs.js';

export interface ReportArgs {
  file: string;
  model: string;
  out: string;
  delimiter?: string;
  timestamp: boolean;
  json?: boolean;
  color: boolean;
}

export async function runReport(a: ReportArgs): Promise<void> {
  await checkOutputs([{ flag: '--out', path: a.out, what: 'HTML report' }], [
    { what: 'input data file', path: a.file },
    { what: 'model file', path: a.model },
  ], { json: a.json });
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
  await onModelRows(model, table, "the report's fit", () =>
    writeReport(a.out, {
      model,
      sets: [{ name: table.file, rows: { x: table.x, y: table.y!, n: table.n, lines: table.lines } }],
      command: process.argv.slice(2),
      stderr: modelStderr(model),
      timestamp: a.timestamp,
    }),
  );
  if (a.json) printJson({ report: a.out, kind: model.features.length === 1 ? 'curve' : 'scatter', rows: table.n });
  else if (a.out !== '-') channels({ color: a.color }).out(`report written to ${printable(a.out)}\n`);
}

/** A training run's rows as the plot and the report show them: train, then validation when there is one. */
export function trainSets(rows: TrainOutput['rows']) {
  return [{ name: 'train', rows: rows.train }, ...(rows.validation ? [{ name: 'validation', rows: rows.validation }] : [])];
}

/** The HTML report of a finished training run: its train and validation rows, and a committee's out-of-fold metrics. */
export async function trainReportHtml(t: { model: ModelFile; rows: TrainOutput['rows']; result: TrainResult; timestamp: boolean }): Promise<string> {
  const { committee, validation } = t.result;
  const outOfFold = committee && committee.members > 0 && validation ? { set: 'out-of-fold', metrics: validation } : null;
  return reportHtml({
    model: t.model,
    sets: trainSets(t.rows),
    command: process.argv.slice(2),
    stderr: modelStderr(t.model),
    timestamp: t.timestamp,
    measured: outOfFold,
  });
}
