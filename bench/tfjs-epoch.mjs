// basisfit's model in TensorFlow.js (float32): the same objective, parameterisation,
// starting point and Adam step (tf.variableGrads + tf.train.adam), on the CPU
// (plain JavaScript) and WASM backends.
import { register } from 'node:module';
import { timeEpochs } from './problem.mjs';

let tf = null;

/** Loads tfjs-core with both backends and its gradients; null (with the reason) when they are not installed. */
export async function loadTfjs() {
  if (tf !== null) return { tf };
  try {
    register('./tfjs-resolve-hook.mjs', import.meta.url);
    const core = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await import('@tensorflow/tfjs-backend-wasm');
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    // Production mode: no debug checks, and no advice to install tfjs-node printed mid-table.
    core.enableProdMode();
    tf = core;
    return { tf };
  } catch (e) {
    return { tf: null, reason: `TensorFlow.js could not be loaded (${e.message}); run npm install` };
  }
}

/** Switches backend; for wasm also reports which build was loaded (the .wasm files ship inside the npm package). */
export async function useBackend(name) {
  const warn = console.warn;
  // tfjs-core advises installing tfjs-node on first use; that is not what is measured here.
  console.warn = () => {};
  try {
    if (!(await tf.setBackend(name))) throw new Error(`backend '${name}' failed to initialise`);
    await tf.ready();
  } finally {
    console.warn = warn;
  }
  const info = { backend: tf.getBackend(), version: tf.version_core };
  if (name === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return info;
}

/** Times full-batch epochs on the current backend (see timeEpochs). */
export function tfjsEpochs(basis, data, state, { lr, ...timing }) {
  const { n, d } = data;
  const j = state.w.length;
  const X = tf.tensor2d(Float32Array.from(data.x), [n, d]);
  const Y = tf.tensor1d(Float32Array.from(data.y));
  const xsq = tf.tidy(() => tf.sum(tf.square(X), 1, true));
  const vars = [
    tf.variable(tf.tensor2d(Float32Array.from(state.w), [j, 1]), true, 'w'),
    tf.variable(tf.scalar(state.b), true, 'b'),
    tf.variable(tf.tensor2d(Float32Array.from(state.raw[0]), [j, d]), true, 'p0'),
    tf.variable(tf.tensor1d(Float32Array.from(state.raw[1])), true, 'p1'),
  ];
  const half = tf.scalar(0.5 / n);
  const two = tf.scalar(2);
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);

  const objective = () => {
    const [w, b, p0, p1] = vars;
    let phi;
    if (basis === 'rbf') {
      // ‖x‖² − 2 x·c + ‖c‖², the usual way: x − c by broadcasting would be N × J × D.
      const dist = tf.add(tf.sub(xsq, tf.mul(two, tf.matMul(X, p0, false, true))), tf.sum(tf.square(p0), 1));
      phi = tf.exp(tf.neg(tf.div(dist, tf.exp(p1))));
    } else {
      phi = tf.tanh(tf.add(tf.matMul(X, p0, false, true), p1));
    }
    const f = tf.add(tf.reshape(tf.matMul(phi, w), [n]), b);
    return tf.mul(tf.sum(tf.square(tf.sub(f, Y))), half);
  };
  const epoch = () => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(objective, vars);
      optimizer.applyGradients(grads);
      return value;
    });
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };

  try {
    let tensorsBefore = 0;
    let calls = 0;
    const result = timeEpochs(() => {
      // Tensor count after the warm-up epoch (which creates Adam's slots), to catch leaks.
      if (++calls === 2) tensorsBefore = tf.memory().numTensors;
      return epoch();
    }, timing);
    return { ...result, leaked_tensors: tf.memory().numTensors - tensorsBefore };
  } finally {
    optimizer.dispose();
    for (const t of [X, Y, xsq, half, two, ...vars]) t.dispose();
  }
}
