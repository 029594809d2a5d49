export { loadModel, parseModel } from './read.js';
export type { BasisName, ModelFile, Scaling } from './types.js';
export { BASIS_NAMES, MODEL_FORMAT, MODEL_VERSION, thetaRowLength } from './types.js';
export { validateModel } from './validate.js';
export { assertNotSameFile, serializeModel, writeFileAtomic, writeModel } from './write.js';
