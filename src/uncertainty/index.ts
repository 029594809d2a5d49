/** Standard errors and intervals of a fitted model (docs/contract.md section 6). */
export { computeUncertainty, type UncertaintyInput, type UncertaintyOutcome } from './covariance.js';
export { type Intervals, predictIntervals, requireUncertainty } from './intervals.js';
export { studentTCdf, studentTQuantile } from './student-t.js';
export type { CovarianceParameters, ModelUncertainty, UncertaintyReport } from './types.js';
