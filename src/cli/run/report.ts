import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import type { ModelFile } from '../../model/index.js';
import { stderrOf } from '../../report/html/data.js';
import { writeReport } from '../../report/html/write.js';
import type { TrainOutput, TrainResult } from '../../train/train.js';
import { channels, printJson } from '../io.js';
import { loadModelInput } from '../model-input.js';
import { assertPlotPath } from './plot.js';

/** How a clash of the report path with an input is worded. */
const REPORT_PATH = { name: 'report', format: 'HTML', example: 'report.html' };

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
  await assertPlotPath(
    a.out,
    [
      ['input data file', a.file],
      ['model file', a.model],
    ],
    REPORT_PATH,
  );
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
  await writeReport(a.out, {
    model,
    sets: [{ name: table.file, rows: { x: table.x, y: table.y!, n: table.n } }],
    command: process.argv.slice(2),
    stderr: stderrOf(model),
    timestamp: a.timestamp,
  });
  if (a.json) printJson({ report: a.out, kind: model.features.length === 1 ? 'curve' : 'scatter', rows: table.n });
  else channels({ color: a.color }).out(`report written to ${a.out}\n`);
}

/** `train --report`: checked before training, so a clash costs no training time; the path must be none of the other files. */
export async function assertTrainReportPath(report: string, a: { file: string; out: string; plot?: string }): Promise<void> {
  for (const [what, path] of [
    ['--out model path', a.out],
    ['--plot path', a.plot],
  ] as const) {
    if (path !== undefined && resolve(path) === resolve(report)) {
      throw new UsageError(`--report ${report} is also the ${what}`, 'give the report its own path, e.g. --report report.html');
    }
  }
  await assertPlotPath(
    report,
    [
      ['input data file', a.file],
      ['--out model file', a.out],
    ],
    REPORT_PATH,
  );
}

/** The report of a finished training run: its train and validation rows, and standard errors when the result has them. */
export async function writeTrainReport(path: string, t: { model: ModelFile; rows: TrainOutput['rows']; result: TrainResult; timestamp: boolean }): Promise<void> {
  await writeReport(path, {
    model: t.model,
    sets: [{ name: 'train', rows: t.rows.train }, ...(t.rows.validation ? [{ name: 'validation', rows: t.rows.validation }] : [])],
    command: process.argv.slice(2),
    stderr: stderrOf(t.result) ?? stderrOf(t.model),
    timestamp: t.timestamp,
  });
}
