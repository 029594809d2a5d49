/** The model file (docs/contract.md section 4): what `train` writes and `predict`, `eval` and `grad` read. */
import type { ModelUncertainty } from '../uncertainty/types.js';

export type BasisName = 'poly' | 'rbf' | 'tanh' | 'exp';

export const BASIS_NAMES: readonly BasisName[] = ['poly', 'rbf', 'tanh', 'exp'];

export const MODEL_FORMAT = 'basisfit-model';
export const MODEL_VERSION = 1;

/** The model acts on (x - x.mean) / x.std, and its output is multiplied by y.std and shifted by y.mean. */
export interface Scaling {
  x: { mean: number[]; std: number[] };
  y: { mean: number; std: number };
}

export interface ModelFile {
  format: 'basisfit-model';
  version: 1;
  basis: BasisName;
  /** Feature column names, in the order the parameters use them (D = features.length). */
  features: string[];
  target: string;
  /** J rows; row j is [p_j1..p_jD] (poly), [c_j1..c_jD, s_j] (rbf) [a_j1..a_jD, c_j] (tanh) or [a_j1..a_jD] (exp). */
  theta: number[][];
  w: number[];
  b: number;
  scaling: Scaling | null;
  training: { seed: number; epochs: number; [k: string]: unknown };
  history?: { train: number[]; validation: number[] | null };
  /** Standard errors and what predict --interval needs (src/uncertainty); absent in older files. */
  uncertainty?: ModelUncertainty;
}

/** Length of one row of theta for D features. */
export function thetaRowLength(basis: BasisName, d: number): number {
  return basis === 'poly' || basis === 'exp' ? d : d + 1;
}
