/**
 * The covariance's and the delta method's ∂f/∂(w, b, θ) (src/uncertainty/jacobian.ts),
 * built from Φ and one forward pass per position in a unit's θ, against the
 * engine's uncompressed forward Jacobian of the model's own predictTensor (one
 * pass per parameter) and its reverse Jacobian: the same function differentiated
 * without the structure the fast path relies on.
 */
import { describe, expect, it } from 'vitest';
import { families } from '../../src/basis/index.js';
import { jacobian, jacobianForward, Tensor } from '../../src/engine/index.js';
import { predictTensor } from '../../src/model/predict.js';
import type { ModelFile } from '../../src/model/types.js';
import { parameterJacobian, toFileLayout } from '../../src/uncertainty/jacobian.js';
import { Rng } from '../../src/util/rng.js';

const N = 17;
const J = 4;

function setup(name: keyof typeof families, d: number) {
  const family = families[name];
  const rng = new Rng(11 + d);
  const x = Float64Array.from({ length: N * d }, () => (name === 'poly' ? 0.5 + 2 * rng.next() : 2 * rng.next() - 1));
  const X = family.prepare(new Tensor(x, [N, d]));
  const theta = family.init(X, J, rng.fork(1));
  const w = Float64Array.from({ length: J }, () => rng.normal());
  const model = {
    basis: name,
    features: Array.from({ length: d }, (_, k) => `x${k}`),
    w: Array.from(w),
    b: 0.3,
    theta: family.pack(theta, d),
  } as unknown as ModelFile;
  return { family, x, X, model, w };
}

describe.each([
  ['rbf', 1],
  ['rbf', 3],
  ['tanh', 2],
  ['poly', 2],
  ['exp', 2],
] as const)('%s, D = %i', (name, d) => {
  it('every column is the uncompressed forward Jacobian’s, to the bit, and the reverse Jacobian’s to rounding', () => {
    const { family, x, X, model } = setup(name, d);
    const theta = family.unpack(model.theta, d);
    const args = [Tensor.vector(model.w), Tensor.scalar(model.b), ...theta];
    const f = (...a: Tensor[]) => predictTensor(family, X, a[0], a[1], a.slice(2));
    const forward = jacobianForward(f, args);
    const reverse = jacobian(f, args, 'reverse');
    const got = parameterJacobian(model, x, N, 'w,b,theta');
    const P = forward.shape[1];
    expect(got.p).toBe(P);
    const fx = f(...args).data;
    for (let r = 0; r < N; r++) {
      expect(got.value[r]).toBe(fx[r]);
      // The engine's rows are in argument order; the model file's layout is toFileLayout's.
      const fileRow = toFileLayout(model, splitRow(forward.data.subarray(r * P, (r + 1) * P), args));
      const reverseRow = toFileLayout(model, splitRow(reverse.data.subarray(r * P, (r + 1) * P), args));
      for (let q = 0; q < P; q++) {
        // + 0: a zero's sign may differ (a product with w_j against a sum with zeros).
        expect(got.J[r * P + q] + 0).toBe(fileRow[q] + 0);
        expect(Math.abs(got.J[r * P + q] - reverseRow[q])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(reverseRow[q])));
      }
    }
  });

  it('w and b only: [Φ 1]', () => {
    const { family, x, X, model } = setup(name, d);
    const phi = family.features(X, family.unpack(model.theta, d)).data;
    const got = parameterJacobian(model, x, N, 'w,b');
    expect(got.p).toBe(J + 1);
    for (let r = 0; r < N; r++) {
      for (let j = 0; j < J; j++) expect(got.J[r * (J + 1) + j]).toBe(phi[r * J + j]);
      expect(got.J[r * (J + 1) + J]).toBe(1);
    }
  });
});

/** One flat row of an engine Jacobian, cut into tensors shaped like the arguments. */
function splitRow(row: Float64Array, args: readonly Tensor[]): Tensor[] {
  let o = 0;
  return args.map((a) => {
    const t = new Tensor(row.slice(o, o + a.size), a.shape.slice());
    o += a.size;
    return t;
  });
}
