/** A small exponential-decay least-squares problem for the LM tests: 2·e^(−0.7t) with a little structured noise, fitted by a·e^(bt). */
export const t = Float64Array.from({ length: 20 }, (_, i) => i / 4);
export const y = t.map((v, i) => 2 * Math.exp(-0.7 * v) + 0.01 * Math.sin(7 * i));
export const residual = (x: Float64Array) => t.map((v, i) => x[0] * Math.exp(x[1] * v) - y[i]);
/** 20 × 2, row-major. */
export const jacobian = (x: Float64Array) => {
  const J = new Float64Array(40);
  t.forEach((v, i) => {
    J[2 * i] = Math.exp(x[1] * v);
    J[2 * i + 1] = x[0] * v * Math.exp(x[1] * v);
  });
  return J;
};
export const x0 = Float64Array.from([1, -0.1]);
