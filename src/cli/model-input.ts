/** What predict, eval and grad share: a validated model and the rows of its columns. */
import { assertPositiveFeatures, loadTable, type Table } from '../data/index.js';
import { UsageError } from '../errors.js';
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
  });
  if (model.basis === 'poly') assertPositiveFeatures(table, 'poly');
  return { model, table };
}
