/** What predict, eval and grad share: a validated model and the rows of its columns. */
import { assertPositiveFeatures, loadTable, type Table } from '../data/index.js';
import { DataError, NumericError, UsageError } from '../errors.js';
import { chunkedPredictions, RowPredictionError } from '../model/predict.js';
import { loadModel, type ModelFile } from '../model/index.js';

export interface ModelInput {
  model: ModelFile;
  table: Table;
}

/** Finds the model's feature (and, when needed, target) columns by header name, in any order. */
export async function loadModelInput(file: string, modelPath: string, opts: { requireTarget: boolean; keepRaw?: boolean; delimiter?: string }): Promise<ModelInput> {
  if (file === '-' && modelPath === '-') {
    throw new UsageError('FILE and --model cannot both be - (standard input)', 'give one of them a file path');
  }
  const model = await loadModel(modelPath);
  const table = await loadTable(file, {
    features: model.features,
    target: opts.requireTarget ? model.target : undefined,
    requireTarget: opts.requireTarget,
    keepRaw: opts.keepRaw,
    delimiter: opts.delimiter,
    columnsFrom: `the model ${modelPath === '-' ? '(standard input)' : modelPath}`,
  });
  if (model.basis === 'poly') assertPositiveFeatures(table, 'poly');
  return { model, table };
}

/**
 * Predictions for every row of the table, a chunk at a time (see chunkedPredictions): a
 * non-finite prediction is a DataError naming the row's line in the file, in words a user
 * can act on rather than the engine's op and tensor shape.
 */
export function* predictTable(model: ModelFile, table: Table): Generator<[number, Float64Array]> {
  try {
    yield* chunkedPredictions(model, table.x, table.n);
  } catch (err) {
    if (!(err instanceof RowPredictionError)) throw err;
    throw new DataError(
      `non-finite prediction for row ${err.row + 1}: the input is far outside the range the model was trained on`,
      { file: table.file, line: table.lines[err.row] },
      'check the values on this line; the model only predicts sensibly near its training data',
    );
  }
}

/** All predictions in one array (N doubles: small beside the N×J basis matrix it never builds). */
export function predictAll(model: ModelFile, table: Table): Float64Array {
  const out = new Float64Array(table.n);
  for (const [start, pred] of predictTable(model, table)) out.set(pred, start);
  return out;
}

/**
 * Runs what grad, plot and report compute from the model on the table's rows. A row whose
 * prediction is not finite is named by its line first, as predict names it; anything
 * else the engine refuses to propagate (the squared residuals of a 1e308 weight, a
 * 1e-320 spread) becomes one line about the model, not the engine's op and tensor shape.
 */
export async function onModelRows<T>(model: ModelFile, table: Table, what: string, f: () => T | Promise<T>): Promise<T> {
  predictAll(model, table);
  try {
    return await f();
  } catch (err) {
    if (!(err instanceof NumericError)) throw err;
    throw new DataError(`${what} is not finite at the model's parameters on these rows`, { file: table.file }, "check the model file: its parameters or scaling are extreme for these data");
  }
}
