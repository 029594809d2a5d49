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
 * That step is too large where the loss curves on a much smaller scale than the
 * parameter's own (an exp rate of 3e-4 on raw inputs near 4000 moves a·x by 4),
 * so the step is divided by 4 until two successive estimates agree, up to
 * STEP_DIVISIONS times, keeping otherwise the estimate of the pair that agreed best.
 */
function finiteDifferences(f: (...a: Tensor[]) => Tensor, args: Tensor[]): Float64Array {
  const out: number[] = [];
  for (const t of args) {
    for (let i = 0; i < t.size; i++) {
      const orig = t.data[i];
      const at = (x: number) => {
        t.data[i] = x;
        return f(...args).item();
      };
      const loss = Math.abs(at(orig));
      const estimate = (h: number) => (-at(orig + 2 * h) + 8 * at(orig + h) - 8 * at(orig - h) + at(orig - 2 * h)) / (12 * h);
      let h = 1e-3 * Math.max(1, Math.abs(orig));
      let previous = estimate(h);
      let best = { gap: Number.POSITIVE_INFINITY, value: previous };
      for (let k = 0; k < STEP_DIVISIONS; k++) {
        h /= 4;
        const next = estimate(h);
        const gap = Math.abs(next - previous);
        if (gap < best.gap) best = { gap, value: next };
        // Agreement to the estimate's own precision: 1e-8 relative, or the loss's rounding over the step.
        if (gap <= Math.max(1e-8 * Math.abs(next), (16 * Number.EPSILON * loss) / h)) break;
        previous = next;
      }
      t.data[i] = orig;
      out.push(best.value);
    }
  }
  return Float64Array.from(out);
}

/** How many times the check's step may be divided by 4 (down to about 1e-9 of the first). */
const STEP_DIVISIONS = 15;

/** Largest |g − fd| / max(|g|, |fd|), with a floor relative to the gradient's size so exact zeros compare sanely. */
function maxRelativeError(g: Float64Array, fd: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < g.length; i++) scale = Math.max(scale, Math.abs(g[i]));
  const floor = 1e-6 * Math.max(scale, 1e-12);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - fd[i]) / Math.max(Math.abs(g[i]), Math.abs(fd[i]), floor));
  return worst;
}
