// Hand-written analytic gradients of basisfit's training objective, in fused
// Float64Array loops: the practical speed limit the engine is measured against
// (DESIGN.md, "Performance lessons"). Bench only, never part of the product.
//
// Objective (src/train/objective.ts, ridge 0, trainer's parameterisation):
//   L = (1/2N) Σ_n r_n²,  r_n = f_n − y_n,  f_n = Σ_j w_j φ_nj + b
// and with g_n = ∂L/∂f_n = r_n / N:
//   ∂L/∂w_j = Σ_n g_n φ_nj,   ∂L/∂b = Σ_n g_n,   ∂L/∂φ_nj = g_n w_j.
//
// rbf: φ_nj = exp(−d_nj / s_j), d_nj = ‖x_n − c_j‖², s_j = exp(ℓ_j) (ℓ is what training moves)
//   ∂φ/∂c_jk = φ · 2 (x_nk − c_jk) / s_j,   ∂φ/∂ℓ_j = s_j ∂φ/∂s_j = φ d_nj / s_j
// tanh: φ_nj = tanh(z_nj), z_nj = a_j · x_n + c_j
//   ∂φ/∂a_jk = (1 − φ²) x_nk,   ∂φ/∂c_j = 1 − φ²
//
// Each row is finished in one visit: its J features are formed in small scratch
// rows, its residual taken, and its contribution to every gradient added at once, so
// nothing of size N × J is ever stored.

/** e^x is subnormal below this. */
const SUBNORMAL_BELOW = -708.3964185322641;

// The kernels are top-level functions taking everything as arguments (no closure
// variables) and are warmed up on a small problem before any timing (warmUp below):
// a first call on a large problem would be optimised mid-loop (on-stack replacement)
// before its later loops had run, and V8 then keeps re-entering that code and
// deoptimising on every call, which once made these loops twice as slow as the engine.

/**
 * rbf value and gradient: x (N·D), y (N), w (J), b, centres (J·D), logWidths (J);
 * writes grads = [gw (J), gb (1), gc (J·D), gl (J)] and returns L. scratch holds three
 * J-long rows.
 */
export function rbfValueGrad(x, y, n, d, j, w, b, c, logw, grads, scratch) {
  const [inv, phi, dist] = scratch;
  const [gw, gb, gc, gl] = grads;
  gw.fill(0);
  gc.fill(0);
  gl.fill(0);
  for (let u = 0; u < j; u++) inv[u] = Math.exp(-logw[u]);
  const scale = 1 / n;
  let sse = 0;
  let gbSum = 0;
  for (let r = 0; r < n; r++) {
    const xo = r * d;
    for (let u = 0; u < j; u++) {
      const co = u * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x[xo + k] - c[co + k];
        s += t * t;
      }
      dist[u] = s;
    }
    // exp in a loop of its own: it is a call that clobbers every floating-point
    // register, so nothing else should be live across it.
    for (let u = 0; u < j; u++) {
      const e = -dist[u] * inv[u];
      // Flushed below the subnormal range as the engine's exp does (src/engine/ops/exp.ts):
      // subnormal arithmetic is many times slower, and the value is 0 to double precision.
      phi[u] = e < SUBNORMAL_BELOW ? 0 : Math.exp(e);
    }
    let f = b;
    for (let u = 0; u < j; u++) f += w[u] * phi[u];
    const res = f - y[r];
    sse += res * res;
    const g = res * scale;
    gbSum += g;
    for (let u = 0; u < j; u++) {
      const p = phi[u];
      if (p === 0) continue; // a unit far from this row contributes nothing
      gw[u] += g * p;
      const a = g * w[u] * p * inv[u];
      gl[u] += a * dist[u];
      const a2 = 2 * a;
      const co = u * d;
      for (let k = 0; k < d; k++) gc[co + k] += a2 * (x[xo + k] - c[co + k]);
    }
  }
  gb[0] = gbSum;
  return 0.5 * sse * scale;
}

/** tanh value and gradient: slopes a (J·D), offsets c (J); grads = [gw, gb, ga, gc]; scratch holds one J-long row. */
export function tanhValueGrad(x, y, n, d, j, w, b, a, c, grads, scratch) {
  const phi = scratch[0];
  const [gw, gb, ga, gc] = grads;
  gw.fill(0);
  ga.fill(0);
  gc.fill(0);
  const scale = 1 / n;
  let sse = 0;
  let gbSum = 0;
  for (let r = 0; r < n; r++) {
    const xo = r * d;
    for (let u = 0; u < j; u++) {
      const ao = u * d;
      let z = c[u];
      for (let k = 0; k < d; k++) z += x[xo + k] * a[ao + k];
      phi[u] = z;
    }
    for (let u = 0; u < j; u++) phi[u] = Math.tanh(phi[u]);
    let f = b;
    for (let u = 0; u < j; u++) f += w[u] * phi[u];
    const res = f - y[r];
    sse += res * res;
    const g = res * scale;
    gbSum += g;
    for (let u = 0; u < j; u++) {
      const p = phi[u];
      gw[u] += g * p;
      const t = g * w[u] * (1 - p * p);
      gc[u] += t;
      const ao = u * d;
      for (let k = 0; k < d; k++) ga[ao + k] += t * x[xo + k];
    }
  }
  gb[0] = gbSum;
  return 0.5 * sse * scale;
}

/**
 * A bound value-and-gradient for one problem: params = [w, b (length-1 array), θ0, θ1]
 * in the trainer's parameterisation, grads allocated once and reused.
 */
export function handwritten(basis, data, j) {
  const { x, y, n, d } = data;
  const kernel = basis === 'rbf' ? rbfValueGrad : tanhValueGrad;
  const grads = [new Float64Array(j), new Float64Array(1), new Float64Array(j * d), new Float64Array(j)];
  const scratch = [new Float64Array(j), new Float64Array(j), new Float64Array(j)];
  return {
    grads,
    valueAndGrad: (params) => kernel(x, y, n, d, j, params[0], params[1][0], params[2], params[3], grads, scratch),
  };
}

/** Runs both kernels on a small problem until they are optimised with complete type feedback. */
export function warmUp(calls = 300) {
  const n = 64;
  const d = 2;
  const j = 5;
  const x = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i));
  const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  for (const basis of ['rbf', 'tanh']) {
    const h = handwritten(basis, { x, y, n, d }, j);
    const params = [new Float64Array(j).fill(0.3), Float64Array.of(0.1), Float64Array.from({ length: j * d }, (_, i) => 0.2 * i - 1), new Float64Array(j)];
    for (let k = 0; k < calls; k++) h.valueAndGrad(params);
  }
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Adam over a list of parameter arrays, one learning rate (src/train/optimizer.ts's update). */
export function adam(params, lr) {
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  let t = 0;
  return (grads) => {
    t++;
    const bc1 = 1 - BETA1 ** t;
    const bc2 = 1 - BETA2 ** t;
    for (let s = 0; s < params.length; s++) {
      const p = params[s];
      const g = grads[s];
      const ms = m[s];
      const vs = v[s];
      for (let i = 0; i < p.length; i++) {
        ms[i] = BETA1 * ms[i] + (1 - BETA1) * g[i];
        vs[i] = BETA2 * vs[i] + (1 - BETA2) * g[i] * g[i];
        p[i] -= (lr * (ms[i] / bc1)) / (Math.sqrt(vs[i] / bc2) + EPS);
      }
    }
  };
}
