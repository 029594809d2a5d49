import { resolve } from 'node:path';
import { TrainingError, UsageError } from '../../errors.js';
import { diagnose, diagnosticsSummary } from '../../report/diagnostics.js';
import { evaluateExpect, type ExpectResult, parseExpect } from '../../report/expect.js';
import { lossChart } from '../../report/lossChart.js';
import { createProgress } from '../../report/progress.js';
import { trainSummary } from '../../report/summary.js';
import type { BasisName } from '../../basis/index.js';
import type { MissingPolicy } from '../../data/index.js';
import type { RidgeOption } from '../../train/defaults.js';
import type { Solver } from '../../train/fit.js';
import type { OptimizerName } from '../../train/optimizer.js';
import { defaultThreads } from '../../train/parallel.js';
import { type TrainOutput, type TrainResult, train } from '../../train/train.js';
import { channels, printJson } from '../io.js';
import { assertPlotPath } from './plot.js';

export interface TrainArgs {
  file: string;
  basis: string;
  units: number;
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
  valSplit: number;
  patience: number;
  out: string;
  quiet?: boolean;
  json?: boolean;
  expect?: string[];
  plot?: string;
  standardize: boolean;
  /** Omitted: train()'s default (varpro in memory, gd with --stream). */
  solver?: string;
  restarts: number;
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
  // Malformed checks are usage errors: report them before spending time training.
  const expects = (a.expect ?? []).map(parseExpect);
  if (a.plot !== undefined) await assertTrainPlotPath(a);
  const progress = createProgress({ mode: a.quiet ? 'none' : io.interactive ? 'bar' : 'lines', color: io.color });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log(io.color.yellow('interrupted: finishing the current step and saving the best model so far (Ctrl-C again to abort)'));
  };
  process.on('SIGINT', onSigint);
  let output: TrainOutput;
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
      restarts: a.restarts,
      threads: a.threads ?? defaultThreads(),
      out: a.out,
      onEpoch: (e) => progress.update(e),
      onWarning: (m) => progress.log(`${io.color.yellow('basisfit: warning:')} ${m}`),
      shouldStop: () => interrupted,
    });
  } catch (e) {
    progress.stop();
    const failed = (e as { result?: TrainResult }).result;
    if (e instanceof TrainingError && failed && a.json) printJson(failed);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.stop();
  const { result, model, rows } = output;
  if (a.plot !== undefined && model !== null) {
    const { writeFitPlot } = await import('../../report/plot-render.js');
    await writeFitPlot(a.plot, model, [
      { name: 'train', rows: rows.train },
      ...(rows.validation ? [{ name: 'validation', rows: rows.validation }] : []),
    ]);
  }
  if (!a.quiet && !a.json && io.interactive && model?.history) {
    const chart = lossChart(model.history, { color: io.color, width: Math.min(60, (process.stderr.columns || 80) - 14), units: model.scaling ? 'MSE, scaled units' : 'MSE' });
    if (chart) io.err(chart.trimEnd());
  }
  const diagnostics = model ? diagnose(model, rows.train.x, rows.train.n) : null;
  const reported = { ...result, uncertainty: result.uncertainty ?? null, diagnostics, ...(a.plot !== undefined ? { plot: a.plot } : {}) };
  const checks: ExpectResult[] = expects.map((x) => evaluateExpect(x, reported));
  const document = { ...reported, ...(checks.length > 0 ? { expect: checks } : {}) };
  if (a.json) printJson(document);
  else {
    io.out(trainSummary(result, io.color, model));
    if (diagnostics) io.out(diagnosticsSummary(diagnostics, io.color));
    if (a.plot !== undefined) io.out(`plot written to ${io.color.bold(a.plot)}\n`);
  }
  for (const c of checks.filter((c) => !c.ok)) {
    io.err(`${io.color.red('basisfit: expect failed:')} ${c.expr} (actual: ${JSON.stringify(c.actual) ?? 'missing'})${c.reason ? `: ${c.reason}` : ''}`);
  }
  if (result.stopped === 'interrupted') process.exitCode = 130;
  else if (checks.some((c) => !c.ok)) process.exitCode = 3;
}

/** The plot must not land on the model or the data, whether or not they exist yet. */
async function assertTrainPlotPath(a: TrainArgs): Promise<void> {
  if (resolve(a.plot!) === resolve(a.out)) {
    throw new UsageError(`--plot ${a.plot} is also the --out model path`, 'give the plot its own path, e.g. --plot fit.svg');
  }
  await assertPlotPath(a.plot!, [
    ['input data file', a.file],
    ['--out model file', a.out],
  ]);
}
