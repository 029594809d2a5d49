import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { parseNumber } from '../../data/number.js';
import { UsageError } from '../../errors.js';
// Names only: the basis modules (and the engine behind them) load when a command runs, not for --help.
import { BASIS_NAMES } from '../../model/types.js';
import { DEFAULTS, IN_MEMORY_DEFAULTS, type RidgeOption, type UnitsOption } from '../../train/defaults.js';
import { optimizerNames } from '../../train/optimizer.js';
import { AUTO_MEMBERS, COMMITTEE_ROWS, type CommitteeSetting } from '../../train/committee-rule.js';
import { ROWS_PER_SCALE } from '../../train/relevance-rule.js';
import { batchSize, fileArg, fraction, integer, list, modelPath, nonNegativeInteger, outputPath, positiveFinite, positiveInteger, single } from '../options.js';
import type { TrainArgs } from '../run/train.js';


const DATA = 'Data:';
const MODEL = 'Model:';
const OPT = 'Optimisation:';
const OUT = 'Output:';

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train <file>',
  describe: 'fit a model to a CSV file, show progress, write the model file',
  builder: (y: Argv) =>
    trainOptions(y.positional('file', fileArg))
      .example('$0 train data/sinc.csv --basis rbf', 'fit Gaussian bumps, write model.json')
      .example('$0 train data.csv --json --quiet | jq .validation.rmse', 'for pipelines')
      .example('$0 train data/sinc.csv --report report.html', 'also write an HTML report to open in a browser') as unknown as Argv<TrainArgs>,
  handler: async (argv: ArgumentsCamelCase<TrainArgs>) => {
    const { runTrain } = await import('../run/train.js');
    await runTrain(argv);
  },
};

/** train's options, also read by `basisfit cv` (commands/cv.ts), which takes each as a comma list. */
export function trainOptions(y: Argv): Argv {
  return y
      .option('basis', { group: MODEL, choices: BASIS_NAMES, default: DEFAULTS.basis, describe: 'basis family', coerce: single(String) })
      .option('units', { group: MODEL, describe: "number of basis functions J, or 'auto': chosen with the start by cross-validation (with --init: the model's)", defaultDescription: DEFAULTS.unitsAuto ? 'auto' : String(DEFAULTS.units), coerce: single(unitsOption) })
      .option('intercept', { group: MODEL, type: 'boolean', default: DEFAULTS.intercept, describe: 'fit the constant b (--no-intercept: b = 0, with every solver)' })
      .option('init', { group: MODEL, type: 'string', describe: 'start from this model file\'s θ, w, b (same basis, features and units), or \'-\' for standard input', coerce: modelPath('init') })
      .option('target', { group: DATA, type: 'string', describe: 'target column, header name or 0-based index (default: last)', coerce: single(String) })
      .option('features', { group: DATA, describe: 'comma-separated feature columns (default: all others)', coerce: list('features') })
      .option('header', { group: DATA, type: 'boolean', default: true, describe: 'first row names the columns (--no-header: x1..xD, y)' })
      .option('delimiter', { group: DATA, type: 'string', describe: "field delimiter: ',', ';', 'tab' (default: detected)", coerce: single(String) })
      .option('missing', { group: DATA, choices: ['error', 'drop'], default: 'error', describe: 'empty cells: fail, or drop the row', coerce: single(String) })
      .option('stream', { group: DATA, type: 'boolean', describe: 'read the file in chunks each epoch instead of loading it: for files larger than memory (see docs/streaming.md)' })
      .option('relevance', { group: DATA, type: 'boolean', defaultDescription: String(DEFAULTS.relevance), describe: `choose one input scale per feature by cross-validation before training (multi-feature data, not poly); stored in the scaling. auto: for rbf with at least ${ROWS_PER_SCALE} training rows per feature; --relevance / --no-relevance force it` })
      .option('standardize', { group: DATA, type: 'boolean', default: DEFAULTS.standardize, describe: 'scale inputs and target (stored in the model); --no-standardize to fit raw columns' })
      .option('epochs', { group: OPT, describe: 'passes over the training rows', default: DEFAULTS.epochs, coerce: single(positiveInteger('epochs')) })
      .option('batch-size', { group: OPT, describe: "rows per step, or 'full' for full-batch descent", default: DEFAULTS.batchSize, coerce: single(batchSize) })
      .option('optimizer', { group: OPT, choices: optimizerNames, default: DEFAULTS.optimizer, describe: 'update rule (sgd is the plain gradient step)', coerce: single(String) })
      .option('solver', { group: OPT, choices: ['gd', 'varpro', 'lm'], describe: `gd: descend on w, b, θ jointly; varpro: solve w, b exactly each step, descend on θ; lm: Levenberg-Marquardt on θ with w, b solved exactly (one iteration per epoch) [default: ${IN_MEMORY_DEFAULTS.solver}; ${DEFAULTS.solver} with --stream]`, coerce: single(String) })
      .option('tol', { group: OPT, describe: '--solver lm: converged when the relative reduction of the loss or the relative step falls below this', default: DEFAULTS.tol, coerce: single(positiveFinite('tol')) })
      .option('lr', { group: OPT, describe: 'learning rate for every group', default: DEFAULTS.lr, coerce: single(positiveFinite('lr')) })
      .option('lr-w', { group: OPT, describe: 'learning rate for w (overrides --lr)', coerce: single(positiveFinite('lr-w')) })
      .option('lr-b', { group: OPT, describe: 'learning rate for b (overrides --lr)', coerce: single(positiveFinite('lr-b')) })
      .option('lr-theta', { group: OPT, describe: 'learning rate for θ (overrides --lr)', coerce: single(positiveFinite('lr-theta')) })
      .option('ridge', { group: OPT, describe: "ridge penalty λ/2·‖w‖² on the scaled problem, or 'auto': chosen with the start by cross-validation", default: DEFAULTS.ridgeAuto ? 'auto' : DEFAULTS.ridge, coerce: single(ridgeOption) })
      .option('val-split', { group: OPT, describe: 'fraction of rows held out for validation (given, it also means one model, not an auto committee)', defaultDescription: String(DEFAULTS.valSplit), coerce: single(fraction('val-split')) })
      .option('patience', { group: OPT, describe: 'stop after this many epochs without validation improvement and keep the best (0: never)', default: DEFAULTS.patience ?? 0, coerce: single(nonNegativeInteger('patience')) })
      .option('restarts', { group: OPT, describe: 'seeded starts; the best by validation loss is kept', default: DEFAULTS.restarts, coerce: single(positiveInteger('restarts')) })
      .option('committee', { group: OPT, describe: `average K models, each validated on its own 1/K of the rows, instead of one ('auto': ${AUTO_MEMBERS} members below ${COMMITTEE_ROWS} rows; 0: one model)`, defaultDescription: String(DEFAULTS.committee), coerce: single(committeeOption) })
      .option('bootstrap', { group: OPT, describe: 'B refits on resampled rows: standard errors and percentile intervals from them (0: the delta method only; see the README, Uncertainty)', default: DEFAULTS.bootstrap, coerce: single(nonNegativeInteger('bootstrap')) })
      .option('threads', { group: OPT, describe: 'threads per gradient (default: the number of cores); with --restarts or --bootstrap, fits at once, one thread each; the model does not depend on it', coerce: single(positiveInteger('threads')) })
      .option('seed', { group: OPT, describe: 'seed for all randomness', default: DEFAULTS.seed, coerce: single(integer('seed')) })
      .option('out', { group: OUT, type: 'string', default: 'model.json', describe: "model file (written atomically); '-': standard output (not with --json)", coerce: single(outputPath('out')) })
      .option('plot', { group: OUT, type: 'string', describe: "also draw the fit and the loss by epoch as SVG (PNG for a path ending in .png) to this path; '-': standard output (not with --json)", coerce: single(outputPath('plot')) })
      .option('report', { group: OUT, type: 'string', describe: 'also write a self-contained, interactive HTML report to this path', coerce: single(outputPath('report')) })
      .option('timestamp', { group: OUT, type: 'boolean', default: true, describe: 'the --report file has a line with the time of writing (--no-timestamp: same inputs, same bytes)' })
      .option('quiet', { group: OUT, type: 'boolean', describe: 'no progress output' })
      .option('expect', { group: OUT, type: 'string', array: true, describe: 'a check for CI, e.g. "validation.rmse<=0.12" (repeatable; exit 3 if one fails)' });
}

/**
 * An option that takes 'auto' or a number: `valid` says which numbers, `what` names them in
 * the error line and `hint` is its fix.
 */
function autoOr(option: string, valid: (n: number) => boolean, what: string, hint: string): (v: unknown) => 'auto' | number {
  return (v) => {
    const text = String(v).trim();
    if (text === 'auto') return 'auto';
    const n = typeof v === 'number' ? v : parseNumber(text);
    if (text === '' || !valid(n)) throw new UsageError(`--${option} must be 'auto' or ${what}, got '${v}'`, hint);
    return n;
  };
}

const unitsOption: (v: unknown) => UnitsOption = autoOr('units', (n) => Number.isSafeInteger(n) && n > 0, 'a positive whole number', 'e.g. --units auto (the default) or --units 20');
const committeeOption: (v: unknown) => CommitteeSetting = autoOr('committee', (n) => Number.isSafeInteger(n) && n >= 0, 'a whole number of at least 0', 'e.g. --committee auto, --committee 10, or --committee 0 for one model');
const ridgeOption: (v: unknown) => RidgeOption = autoOr('ridge', (n) => Number.isFinite(n) && n >= 0, 'a finite number of at least 0', 'e.g. --ridge auto (the default) or --ridge 0.001');
