/**
 * The parameters a trainer moves and the per-epoch bookkeeping around them,
 * shared by every batch source of the epoch loop (loop.ts).
 */
import type { BasisFamily } from '../basis/index.js';
import type { Tensor } from '../engine/index.js';
import type { EpochControl, StopReason } from './types.js';

/** w, b and θ in the trainer's parameterisation (logs of the positive groups). */
export interface Params {
  w: Tensor;
  b: Tensor;
  raw: Tensor[];
}

/**
 * A fit's θ in the model file's layout and its w, each unit in the family's one form where
 * φ has a symmetry (BasisFamily.canonical): every fit, start, refit or member, reads the
 * same whichever of the equal forms training reached.
 */
export function packedUnits(family: BasisFamily, model: readonly Tensor[], w: ArrayLike<number>, d: number): { theta: number[][]; w: number[] } {
  const theta = family.pack(model, d);
  const weights = Array.from(w);
  family.canonical?.(theta, weights);
  return { theta, w: weights };
}

export function snapshot(p: Params): Float64Array[] {
  return [p.w.data.slice(), p.b.data.slice(), ...p.raw.map((t) => t.data.slice())];
}

export function restore(p: Params, s: Float64Array[]): void {
  p.w.data.set(s[0]);
  p.b.data.set(s[1]);
  for (let i = 0; i < p.raw.length; i++) p.raw[i].data.set(s[i + 2]);
}

/** Every parameter finite, and every positive group still finite and above 0 once exponentiated. */
export function paramsFinite(family: BasisFamily, p: Params): boolean {
  if (!p.w.data.every(Number.isFinite) || !p.b.data.every(Number.isFinite)) return false;
  return p.raw.every((t, k) =>
    t.data.every((v) => {
      if (!family.positive[k]) return Number.isFinite(v);
      const e = Math.exp(v);
      return Number.isFinite(e) && e > 0;
    }),
  );
}

/**
 * The loss history and the best epoch so far. With validation rows the best is
 * the lowest validation loss (its parameters kept for early stopping); without,
 * simply the latest epoch.
 */
export class EpochLog {
  readonly history: { train: number[]; validation: number[] | null };
  best: { loss: number; epoch: number; state: Float64Array[] };

  constructor(hasValidation: boolean, startLoss: number, startState: Float64Array[]) {
    this.history = { train: [], validation: hasValidation ? [] : null };
    this.best = { loss: startLoss, epoch: 0, state: startState };
  }

  /** An epoch cut short by an interruption: recorded, but never the best. */
  partial(trainLoss: number, validationLoss: number | null): void {
    this.history.train.push(trainLoss);
    if (this.history.validation && validationLoss !== null) this.history.validation.push(validationLoss);
  }

  /** Records a finished epoch, reports it, and says why training stops after it (null: go on). */
  close(epoch: number, trainLoss: number, validationLoss: number | null, state: () => Float64Array[], c: EpochControl): StopReason | null {
    this.history.train.push(trainLoss);
    if (this.history.validation && validationLoss !== null) {
      this.history.validation.push(validationLoss);
      if (validationLoss < this.best.loss) this.best = { loss: validationLoss, epoch, state: state() };
    } else {
      this.best = { loss: trainLoss, epoch, state: this.best.state };
    }
    c.onEpoch?.({ epoch, epochs: c.epochs, trainLoss, validationLoss });
    if (c.shouldStop?.()) return 'interrupted';
    if (c.patience !== null && validationLoss !== null && epoch - this.best.epoch >= c.patience) return 'early-stop';
    return null;
  }
}
