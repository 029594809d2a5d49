/** Standard errors and intervals of a fitted model (issue "Honest uncertainty"). */
export { computeUncertainty, type UncertaintyInput, type UncertaintyOutcome } from './covariance.js';
export { type Intervals, predictIntervals, requireUncertainty } from './intervals.js';
export { readUncertainty } from './model-field.js';
export { studentTCdf, studentTQuantile } from './student-t.js';
export type { CovarianceParameters, ModelUncertainty, UncertaintyReport } from './types.js';
