import { families } from '../../basis/index.js';
import { jacobian, Tensor, valueAndGrad } from '../../engine/index.js';
import { halfSquaredError } from '../../train/objective.js';
import { predictTensor } from '../../model/predict.js';
import { scaleInputs } from '../../model/predict.js';
import { channels, printJson } from '../io.js';
import { loadModelInput, onModelRows } from '../model-input.js';

export interface GradArgs {
  file: string;
  model: string;
  mode: 'reverse' | 'forward';
  check?: boolean;
  json?: boolean;
  color: boolean;
  delimiter?: string;
}

export async function runGrad(a: GradArgs): Promise<void> {
  const { model, table } = await loadModelInput(a.file, a.model, { requireTarget: true, delimiter: a.delimiter });
  const { doc, value, parts, thetaRows, scaled } = await onModelRows(model, table, 'the loss L or its gradient', () => {
    const family = families[model.basis];
    const d = model.features.length;
    const n = table.n;
    // With a stored scaling the loss is the one the model minimised: on the scaled data.
    const scaled = model.scaling !== null;
    const x = family.prepare(new Tensor(scaleInputs(model, table.x, n), [n, d]));
    const yRaw = table.y!;
    const y = new Tensor(scaled ? yRaw.map((v) => (v - model.scaling!.y.mean) / model.scaling!.y.std) : yRaw, [n]);
    const loss = (...p: Tensor[]) => halfSquaredError(predictTensor(family, x, p[0], p[1], p.slice(2)), y, 1);
    const args = [Tensor.vector(model.w), Tensor.scalar(model.b), ...family.unpack(model.theta, d)];

    let value: number;
    let flat: Float64Array;
    if (a.mode === 'forward') {
      value = loss(...args).item();
      flat = jacobian(loss, args, 'forward').data;
    } else {
      const r = valueAndGrad(loss)(...args);
      value = r.value.item();
      flat = concat(r.grads.map((g) => g.data));
    }
    const sizes = args.map((t) => t.size);
    const parts = split(flat, sizes);
    const thetaRows = family.pack(
      parts.slice(2).map((p, k) => new Tensor(p, args[k + 2].shape)),
      d,
    );
    const doc: Record<string, unknown> = {
      loss: value,
      grad: { w: Array.from(parts[0]), b: parts[1][0], theta: thetaRows },
      mode: a.mode,
      data: scaled ? 'scaled' : 'raw',
    };
    if (a.check) doc.check = { max_rel_error: maxRelativeError(flat, finiteDifferences(loss, args)) };
    return { doc, value, parts, thetaRows, scaled };
  });

  if (a.json) {
    printJson(doc);
    return;
  }
  const io = channels({ color: a.color });
  const c = io.color;
  io.err(c.dim(scaled ? 'differentiating on the scaled data (the model stores a scaling)' : 'differentiating on the raw data'));
  const f = (v: number) => v.toPrecision(8);
  io.out(`${c.bold('loss')}  ${f(value)}\n`);
  io.out(`${c.bold('dL/db')} ${f(parts[1][0])}\n`);
  io.out(`${c.bold('dL/dw')} ${Array.from(parts[0], f).join(' ')}\n`);
  io.out(`${c.bold('dL/dtheta')} (row j = unit j)\n${thetaRows.map((r) => `  ${r.map(f).join(' ')}`).join('\n')}\n`);
  if (a.check) io.out(`${c.bold('check')} largest relative error against central differences: ${(doc.check as { max_rel_error: number }).max_rel_error.toExponential(2)}\n`);
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function split(flat: Float64Array, sizes: number[]): Float64Array[] {
  const out: Float64Array[] = [];
  let o = 0;
  for (const s of sizes) {
    out.push(flat.slice(o, o + s));
    o += s;
  }
  return out;
}

/**
 * Five-point central differences, one coordinate at a time. The loss is a sum
 * over every row, so it is large next to single gradient entries; the
 * fourth-order stencil allows a step (1e-3, relative) large enough that
 * rounding stays far below the entries, where a two-point stencil cannot.
 */
function finiteDifferences(f: (...a: Tensor[]) => Tensor, args: Tensor[]): Float64Array {
  const out: number[] = [];
  for (const t of args) {
    for (let i = 0; i < t.size; i++) {
      const orig = t.data[i];
      const h = 1e-3 * Math.max(1, Math.abs(orig));
      const at = (k: number) => {
        t.data[i] = orig + k * h;
        return f(...args).item();
      };
      const d = (-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * h);
      t.data[i] = orig;
      out.push(d);
    }
  }
  return Float64Array.from(out);
}

/** Largest |g − fd| / max(|g|, |fd|), with a floor relative to the gradient's size so exact zeros compare sanely. */
function maxRelativeError(g: Float64Array, fd: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < g.length; i++) scale = Math.max(scale, Math.abs(g[i]));
  const floor = 1e-6 * Math.max(scale, 1e-12);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - fd[i]) / Math.max(Math.abs(g[i]), Math.abs(fd[i]), floor));
  return worst;
}
