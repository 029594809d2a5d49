/** Writing a trained model out as a formula or code that needs no basisfit to evaluate. */
export { type Dialect, EXPORT_FORMATS, type ExportFormat, numberText } from './dialects.js';
export { type FoldedModel, foldModel, type PolyTerm, type RbfTerm, type TanhTerm } from './fold.js';
export { type ExportOptions, exportModel } from './write.js';
