/** basisfit as a library: the CLI is a thin layer over these. */
export { type BasisFamily, type BasisName, basisFamily, families } from './basis/index.js';
export { loadTable, type LoadOptions, type Table } from './data/index.js';
export * as engine from './engine/index.js';
export { BasisfitError, DataError, ModelError, NumericError, TrainingError, UsageError } from './errors.js';
export { loadModel, type ModelFile, parseModel, serializeModel, writeModel } from './model/index.js';
export { DEFAULTS, type TrainSettings } from './train/defaults.js';
export { type Dataset, type FitOptions, type FitOutcome, fit } from './train/fit.js';
export { type Metrics, metrics } from './model/metrics.js';
export { predictRows } from './model/predict.js';
export { type TrainOptions, type TrainOutput, type TrainResult, train } from './train/train.js';
