/**
 * A model with its scaling folded into the parameters, so every term acts on
 * the raw columns and gives the target in its own units:
 *
 *   f(x) = intercept + Σ_j weight_j · g_j(x)
 *
 * With x̃_d = (x_d − μ_d)/σ_d and f = σ_y(w·φ(x̃) + b) + μ_y:
 *   rbf   exp(−‖x̃ − c‖²/s)  = exp(−Σ_d (x_d − (μ_d + σ_d c_d))² / (σ_d² s))
 *   tanh  tanh(a·x̃ + c)     = tanh(Σ_d (a_d/σ_d) x_d + c − Σ_d a_d μ_d/σ_d)
 *   poly  Π_d x̃_d^p_d        = Π_d σ_d^−p_d · Π_d (x_d − μ_d)^p_d
 *   exp   exp(a·x̃)           = exp(−Σ_d a_d μ_d/σ_d) · exp(Σ_d (a_d/σ_d) x_d)
 */
import type { ModelFile } from '../model/index.js';

/** exp(−Σ_d (x_d − centre_d)² / width_d) */
export interface RbfTerm {
  weight: number;
  centre: number[];
  width: number[];
}

/** tanh(Σ_d slope_d · x_d + offset) */
export interface TanhTerm {
  weight: number;
  slope: number[];
  offset: number;
}

/** Π_d (x_d − shift_d)^power_d; the shift is 0 for every model basisfit trains. */
export interface PolyTerm {
  weight: number;
  power: number[];
  shift: number[];
}

/** exp(Σ_d rate_d · x_d) */
export interface ExpTerm {
  weight: number;
  rate: number[];
}

interface FoldedBase {
  features: string[];
  target: string;
  intercept: number;
}

export type FoldedModel =
  | (FoldedBase & { basis: 'rbf'; terms: RbfTerm[] })
  | (FoldedBase & { basis: 'tanh'; terms: TanhTerm[] })
  | (FoldedBase & { basis: 'poly'; terms: PolyTerm[] })
  | (FoldedBase & { basis: 'exp'; terms: ExpTerm[] });

export function foldModel(model: ModelFile): FoldedModel {
  const d = model.features.length;
  const mu = model.scaling?.x.mean ?? new Array<number>(d).fill(0);
  const sigma = model.scaling?.x.std ?? new Array<number>(d).fill(1);
  const sy = model.scaling?.y.std ?? 1;
  const base: FoldedBase = { features: [...model.features], target: model.target, intercept: sy * model.b + (model.scaling?.y.mean ?? 0) };
  const dims = Array.from({ length: d }, (_, k) => k);
  switch (model.basis) {
    case 'rbf':
      return {
        ...base,
        basis: 'rbf',
        terms: model.theta.map((row, j) => ({
          weight: sy * model.w[j],
          centre: dims.map((k) => mu[k] + sigma[k] * row[k]),
          width: dims.map((k) => sigma[k] * sigma[k] * row[d]),
        })),
      };
    case 'tanh':
      return {
        ...base,
        basis: 'tanh',
        terms: model.theta.map((row, j) => ({
          weight: sy * model.w[j],
          slope: dims.map((k) => row[k] / sigma[k]),
          offset: dims.reduce((c, k) => c - (row[k] * mu[k]) / sigma[k], row[d]),
        })),
      };
    case 'poly':
      return {
        ...base,
        basis: 'poly',
        terms: model.theta.map((row, j) => ({
          weight: dims.reduce((w, k) => w * sigma[k] ** -row[k], sy * model.w[j]),
          power: dims.map((k) => row[k]),
          shift: dims.map((k) => mu[k]),
        })),
      };
    case 'exp':
      return {
        ...base,
        basis: 'exp',
        // The shift by the means is a constant factor, folded into the weight.
        terms: model.theta.map((row, j) => ({
          weight: sy * model.w[j] * Math.exp(-dims.reduce((s, k) => s + (row[k] * mu[k]) / sigma[k], 0)),
          rate: dims.map((k) => row[k] / sigma[k]),
        })),
      };
  }
}
