import type { BasisName, ModelFile } from '../../src/model/index.js';

/** A valid model with D = 2 features and J = 3 units of the given basis. */
export function sampleModel(basis: BasisName = 'rbf', opts: { scaling?: boolean; history?: boolean } = {}): ModelFile {
  const theta: Record<BasisName, number[][]> = {
    poly: [
      [1, 0],
      [0, 2],
      [0.5, 1.5],
    ],
    rbf: [
      [0.1, -0.2, 0.5],
      [1.25, 3, 2],
      [-7e-5, 1e12, 1e-3],
    ],
    tanh: [
      [0.3, -1.1, 0.05],
      [2, 0, -0.25],
      [-0.1, 0.7, 1 / 3],
    ],
    exp: [
      [-0.5, 0.25],
      [1.5, 0],
      [0, -2],
    ],
  };
  const m: ModelFile = {
    format: 'basisfit-model',
    version: 1,
    basis,
    features: ['x1', 'x2'],
    target: 'y',
    theta: theta[basis],
    w: [1.3, -0.2, Math.PI],
    b: 0.1,
    scaling: opts.scaling ? { x: { mean: [0.5, -3], std: [2, 0.25] }, y: { mean: 10, std: 4 } } : null,
    training: { seed: 1, epochs: 200, optimizer: 'adam', lr: 0.01, batch_size: 'full' },
  };
  if (opts.history) m.history = { train: [1, 0.5, 0.25], validation: [1.1, 0.6, 0.3] };
  return m;
}

/** The sample as a plain JSON tree, for tests that corrupt a field before parsing. */
export function sampleDoc(basis: BasisName = 'rbf', opts: { scaling?: boolean; history?: boolean } = {}): Record<string, unknown> {
  return JSON.parse(JSON.stringify(sampleModel(basis, opts)));
}
