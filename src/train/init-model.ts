/**
 * --init MODEL: start training from a model file's θ, w and b. The file
 * must describe the same model (basis, features, number of units); its
 * parameters are re-expressed for this run's scaling, which can differ
 * (another split, --no-standardize): the function the file computes on raw
 * columns is kept exactly. With x̃ = (x − μ)/σ in the file and x̃' = (x − μ')/σ'
 * here, x̃ = α x̃' + β with α = σ'/σ and β = (μ' − μ)/σ per feature, so
 *   tanh  a' = α a, c' = c + Σ a β        exp   a' = α a, w' = w · e^{Σ a β}
 *   poly  p' = p, w' = w · Π α^p (β = 0)  rbf   c' = (c − β)/α, s' = s/α² (α equal across features)
 * and the output's scaling moves into w and b.
 */
import { ModelError, UsageError } from '../errors.js';
import { loadModel, type ModelFile, type Scaling } from '../model/index.js';

export interface InitialModel {
  theta: number[][];
  w: number[];
  b: number;
}

export interface InitTarget {
  basis: string;
  features: readonly string[];
  /** The --units given, or undefined to take the file's. */
  units: number | undefined;
  scaling: Scaling | null;
}

const IDENTITY = (d: number): Scaling => ({ x: { mean: new Array(d).fill(0), std: new Array(d).fill(1) }, y: { mean: 0, std: 1 } });

export async function loadInitModel(path: string, target: InitTarget): Promise<InitialModel> {
  const model = await loadModel(path, '--init');
  return initFromModel(model, path, target);
}

export function initFromModel(model: ModelFile, path: string, target: InitTarget): InitialModel {
  if (model.basis !== target.basis) {
    throw new UsageError(`--init ${path} is ${/^[aeiou]/.test(model.basis) ? 'an' : 'a'} ${model.basis} model, but this run trains --basis ${target.basis}`, `add --basis ${model.basis}, or start without --init`);
  }
  if (model.features.length !== target.features.length || model.features.some((f, k) => f !== target.features[k])) {
    throw new UsageError(
      `--init ${path} uses features ${model.features.join(', ')}, but this run uses ${target.features.join(', ')}`,
      `pass --features ${model.features.join(',')} (in that order), or start without --init`,
    );
  }
  const J = model.theta.length;
  if (target.units !== undefined && target.units !== J) {
    throw new UsageError(`--init ${path} has ${J} unit${J === 1 ? '' : 's'}, but --units is ${target.units}`, `leave out --units (it then follows the model), or pass --units ${J}`);
  }
  const d = model.features.length;
  const from = model.scaling ?? IDENTITY(d);
  const to = target.scaling ?? IDENTITY(d);
  const alpha = to.x.std.map((s, k) => s / from.x.std[k]);
  const beta = to.x.mean.map((m, k) => (m - from.x.mean[k]) / from.x.std[k]);
  const outScale = from.y.std / to.y.std;
  const b = (from.y.std * model.b + from.y.mean - to.y.mean) / to.y.std;
  const dims = Array.from({ length: d }, (_, k) => k);
  const dot = (row: readonly number[], v: readonly number[]) => dims.reduce((s, k) => s + row[k] * v[k], 0);
  switch (model.basis) {
    case 'tanh':
      return { theta: model.theta.map((row) => [...dims.map((k) => row[k] * alpha[k]), row[d] + dot(row, beta)]), w: model.w.map((w) => w * outScale), b };
    case 'exp':
      return { theta: model.theta.map((row) => dims.map((k) => row[k] * alpha[k])), w: model.w.map((w, j) => w * outScale * Math.exp(dot(model.theta[j], beta))), b };
    case 'poly':
      return { theta: model.theta.map((row) => [...row]), w: model.w.map((w, j) => w * outScale * dims.reduce((p, k) => p * alpha[k] ** model.theta[j][k], 1)), b };
    case 'rbf': {
      if (dims.some((k) => Math.abs(alpha[k] - alpha[0]) > 1e-12 * alpha[0])) {
        throw new ModelError(
          `--init: this run scales the features differently from the model (${path}), and an rbf model's shared width cannot follow unequal ratios`,
          undefined,
          'train with the same --standardize setting and rows (--val-split, --seed) as the model, or start without --init',
        );
      }
      const a = alpha[0];
      return { theta: model.theta.map((row) => [...dims.map((k) => (row[k] - beta[k]) / a), row[d] / (a * a)]), w: model.w.map((w) => w * outScale), b };
    }
  }
}
