import { Tensor } from '../engine/index.js';

/**
 * The model-file layout shared by rbf and tanh: row j is a D-vector followed
 * by one number ([c_j, s_j] or [a_j, c_j]), held as a (J, D) and a (J) tensor.
 */
export function unpackVectorAndScalar(theta: readonly (readonly number[])[], d: number): Tensor[] {
  const J = theta.length;
  const v = new Float64Array(J * d);
  const s = new Float64Array(J);
  theta.forEach((row, j) => {
    for (let k = 0; k < d; k++) v[j * d + k] = row[k];
    s[j] = row[d];
  });
  return [new Tensor(v, [J, d]), new Tensor(s, [J])];
}

export function packVectorAndScalar([v, s]: readonly Tensor[], d: number): number[][] {
  return Array.from({ length: s.size }, (_, j) => [...v.data.subarray(j * d, (j + 1) * d), s.data[j]]);
}
