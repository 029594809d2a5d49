import { TrainingError, UsageError } from '../../errors.js';
import { diagnose, diagnosticsSummary } from '../../report/diagnostics.js';
import { evaluateExpect, type ExpectResult, parseExpect } from '../../report/expect.js';
import { lossChart } from '../../report/lossChart.js';
import { createProgress } from '../../report/progress.js';
import { trainSummary } from '../../report/summary.js';
import type { BasisName } from '../../basis/index.js';
import type { MissingPolicy } from '../../data/index.js';
import type { RidgeOption, UnitsOption } from '../../train/defaults.js';
import type { Solver } from '../../train/fit.js';
import type { OptimizerName } from '../../train/optimizer.js';
import { type TrainOutput, type TrainResult, train } from '../../train/train.js';
import { channels, printJson } from '../io.js';
import { assertRereadable, numericHeaderWarning } from '../input-checks.js';
import { checkOutputs } from '../outputs.js';
import { printable } from '../../util/printable.js';
import { plotFormat } from '../../report/png.js';
import { trainReportHtml, trainSets } from './report.js';
import { type ModelFile, writeModel } from '../../model/index.js';
import { writeReportFile } from '../../report/html/write.js';

export interface TrainArgs {
  file: string;
  basis: string;
  /** Omitted: the default, or with --init the model's. */
  units?: UnitsOption;
  intercept: boolean;
  init?: string;
  tol: number;
  target?: string;
  features?: string[];
  epochs: number;
  batchSize: number | 'full';
  optimizer: string;
  lr: number;
  lrW?: number;
  lrB?: number;
  lrTheta?: number;
  seed: number;
  /** Absent: the default (and the committee rule may take its validation rows in turns instead). */
  valSplit?: number;
  patience: number;
  out: string;
  quiet?: boolean;
  json?: boolean;
  expect?: string[];
  plot?: string;
  report?: string;
  timestamp: boolean;
  standardize: boolean;
  /** Absent: the trainer's auto rule. */
  relevance?: boolean;
  /** Omitted: train()'s default (varpro in memory, gd with --stream). */
  solver?: string;
  restarts: number;
  /** Absent: the trainer's auto rule. */
  committee?: number | 'auto';
  bootstrap: number;
  ridge: RidgeOption;
  header: boolean;
  delimiter?: string;
  missing: string;
  color: boolean;
  threads?: number;
  stream?: boolean;
}

export async function runTrain(a: TrainArgs): Promise<void> {
  const io = channels({ color: a.color });
  const warnEarly = (m: string) => io.err(`${io.color.yellow('basisfit: warning:')} ${m}`);
  // Malformed checks are usage errors: report them before spending time training.
  const expects = (a.expect ?? []).map(parseExpect);
  if (a.file === '-' && a.init === '-') throw new UsageError('FILE and --init cannot both be - (standard input)', 'give one of them a file path');
  await checkOutputs(
    [
      { flag: '--out', path: a.out, what: 'model' },
      ...(a.plot !== undefined ? [{ flag: '--plot', path: a.plot, what: plotFormat(a.plot).toUpperCase() }] : []),
      ...(a.report !== undefined ? [{ flag: '--report', path: a.report, what: 'HTML report' }] : []),
    ],
    [{ what: 'input data file', path: a.file }],
    { json: a.json },
  );
  if (a.stream) await assertRereadable(a.file);
  // Said once the data have loaded: when loading fails, the error's own hint already says it.
  const numericHeader = a.header ? await numericHeaderWarning(a.file, a.delimiter) : null;
  const progress = createProgress({ mode: a.quiet ? 'none' : io.interactive ? 'bar' : 'lines', color: io.color });
  let interrupted = false;
  // SIGTERM and SIGHUP (a closed terminal, a CI timeout) save the best model like Ctrl-C.
  // A second signal exits at once; the 'exit' hook of model/write.ts removes any temp file.
  // The handlers stay until the process ends, so a signal while the plot is written waits for it too.
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log(io.color.yellow('interrupted: finishing the current step and saving the best model so far (Ctrl-C again to abort)'));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  let warnings = 0;
  let output: TrainOutput;
  const started = performance.now();
  try {
    const run = a.stream ? (await import('../../train/stream-train.js')).trainStream : train;
    output = await run({
      file: a.file,
      target: a.target,
      features: a.features,
      header: a.header,
      delimiter: a.delimiter,
      missing: a.missing as MissingPolicy,
      basis: a.basis as BasisName,
      units: a.units,
      init: a.init,
      intercept: a.intercept,
      tol: a.tol,
      epochs: a.epochs,
      batchSize: a.batchSize,
      optimizer: a.optimizer as OptimizerName,
      solver: a.solver as Solver,
      lr: a.lr,
      lrW: a.lrW ?? null,
      lrB: a.lrB ?? null,
      lrTheta: a.lrTheta ?? null,
      ridge: a.ridge,
      seed: a.seed,
      valSplit: a.valSplit,
      patience: a.patience === 0 ? null : a.patience,
      standardize: a.standardize,
      relevance: a.relevance,
      restarts: a.restarts,
      committee: a.committee,
      bootstrap: a.bootstrap,
      // The trainer caps the count at the cores and the work, with a warning for an asked-for count.
      threads: a.threads ?? 'auto',
      // Written here, after the plot and report are made (writeOutputs), not by train().
      out: null,
      onEpoch: (e) => progress.update(e),
      onRefit: (done, of) => progress.update({ epoch: done, epochs: of, trainLoss: null, validationLoss: null, restart: 1, restarts: 1, unit: 'bootstrap refit' }),
      onWarning: (m) => {
        // A wide file can warn once per column; past a screenful the rest are counted (all are in --json's warnings).
        if (++warnings <= MAX_SHOWN_WARNINGS) progress.log(`${io.color.yellow('basisfit: warning:')} ${printable(m)}`);
      },
      shouldStop: () => interrupted,
      // Each start's search runs before its first epoch, for minutes with thousands of units: thousandths show it moving.
      onSearch: (done) => progress.update({ epoch: Math.floor(1000 * done), epochs: 1000, trainLoss: null, validationLoss: null, restart: 1, restarts: 1, unit: 'start search' }),
    });
    if (numericHeader !== null) warnEarly(printable(numericHeader));
  } catch (e) {
    progress.stop();
    const failed = (e as { result?: TrainResult }).result;
    if (e instanceof TrainingError && failed && a.json) printJson(failed);
    throw e;
  }
  progress.stop();
  if (warnings > MAX_SHOWN_WARNINGS) warnEarly(`… and ${warnings - MAX_SHOWN_WARNINGS} more warnings (--json lists them all)`);
  const { result, model, rows } = output;
  const wallSeconds = (performance.now() - started) / 1000;
  if (model !== null) await writeOutputs(a, model, rows, result);
  if (!a.quiet && !a.json && io.interactive && model?.history) {
    const chart = lossChart(model.history, { color: io.color, width: Math.min(60, (process.stderr.columns || 80) - 14), units: model.scaling ? 'MSE, scaled units' : 'MSE' });
    if (chart) io.err(chart.trimEnd());
  }
  const diagnostics = model ? diagnose(model, rows.train.x, rows.train.n) : null;
  const reported = { ...result, uncertainty: result.uncertainty ?? null, diagnostics, ...(a.plot !== undefined ? { plot: a.plot } : {}), ...(a.report !== undefined ? { report: a.report } : {}) };
  const checks: ExpectResult[] = expects.map((x) => evaluateExpect(x, reported));
  const document = { ...reported, ...(checks.length > 0 ? { expect: checks } : {}) };
  // With --out -, --plot - or --report -, stdout carries that file alone and the summary goes to stderr.
  const say = [a.out, a.plot, a.report].includes('-') ? (t: string) => process.stderr.write(t) : io.out;
  if (a.json) printJson(document);
  else {
    say(trainSummary(result, io.color, model, wallSeconds));
    if (diagnostics) say(diagnosticsSummary(diagnostics, io.color));
    if (a.plot !== undefined && a.plot !== '-') say(`plot written to ${io.color.bold(printable(a.plot))}\n`);
    if (a.report !== undefined && a.report !== '-') say(`report written to ${io.color.bold(printable(a.report))}\n`);
  }
  for (const c of checks.filter((c) => !c.ok)) {
    io.err(`${io.color.red('basisfit: expect failed:')} ${printable(c.expr)} (actual: ${JSON.stringify(c.actual) ?? 'missing'})${c.reason ? `: ${c.reason}` : ''}`);
  }
  if (result.stopped === 'interrupted' || interrupted) process.exitCode = 130;
  else if (checks.some((c) => !c.ok)) process.exitCode = 3;
}

/**
 * The model, plot and report files. The plot and report are rendered first, so a run that
 * fails in either leaves --out as it was (contract section 5.4: a failed run never writes it).
 */
async function writeOutputs(a: TrainArgs, model: ModelFile, rows: TrainOutput['rows'], result: TrainResult): Promise<void> {
  const render = a.plot !== undefined ? await import('../../report/plot-render.js') : null;
  const plot = render && a.plot !== undefined ? { path: a.plot, bytes: await render.renderFitPlot(model, trainSets(rows), plotFormat(a.plot)) } : null;
  if (a.out) result.model = a.out;
  const report = a.report !== undefined ? { path: a.report, text: await trainReportHtml({ model, rows, result, timestamp: a.timestamp }) } : null;
  if (a.out) await writeModel(a.out, model);
  if (render && plot) await render.writePlotFile(plot.path, plot.bytes);
  if (report) await writeReportFile(report.path, report.text);
}

const MAX_SHOWN_WARNINGS = 20;
