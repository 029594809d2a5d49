import { TrainingError } from '../errors.js';
import { evaluateExpect, type ExpectResult, parseExpect } from '../report/expect.js';
import { createProgress } from '../report/progress.js';
import { trainSummary } from '../report/summary.js';
import type { BasisName } from '../basis/index.js';
import type { MissingPolicy } from '../data/index.js';
import type { Solver } from '../train/fit.js';
import type { OptimizerName } from '../train/optimizer.js';
import { type TrainResult, train } from '../train/train.js';
import { channels, printJson } from './io.js';
import type { TrainArgs } from './train.js';

export async function runTrain(a: TrainArgs): Promise<void> {
  const io = channels({ color: a.color });
  // Malformed checks are usage errors: report them before spending time training.
  const expects = (a.expect ?? []).map(parseExpect);
  const progress = createProgress({ mode: a.quiet ? 'none' : io.interactive ? 'bar' : 'lines', color: io.color });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress.log(io.color.yellow('interrupted: finishing the current step and saving the best model so far (Ctrl-C again to abort)'));
  };
  process.on('SIGINT', onSigint);
  let result: TrainResult;
  try {
    ({ result } = await train({
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
      out: a.out,
      onEpoch: (e) => progress.update(e),
      onWarning: (m) => progress.log(`${io.color.yellow('basisfit: warning:')} ${m}`),
      shouldStop: () => interrupted,
    }));
  } catch (e) {
    progress.stop();
    const failed = (e as { result?: TrainResult }).result;
    if (e instanceof TrainingError && failed && a.json) printJson(failed);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  progress.stop();
  const checks: ExpectResult[] = expects.map((x) => evaluateExpect(x, result));
  if (a.json) printJson(checks.length > 0 ? { ...result, expect: checks } : result);
  else io.out(trainSummary(result, io.color));
  for (const c of checks.filter((c) => !c.ok)) {
    io.err(`${io.color.red('basisfit: expect failed:')} ${c.expr} (actual: ${JSON.stringify(c.actual) ?? 'missing'})${c.reason ? `: ${c.reason}` : ''}`);
  }
  if (result.stopped === 'interrupted') process.exitCode = 130;
  else if (checks.some((c) => !c.ok)) process.exitCode = 3;
}
