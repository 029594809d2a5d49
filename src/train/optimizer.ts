/**
 * Update rules over parameter groups with their own learning rates (the course
 * notes suggest different rates for w, b and θ). `sgd` is the plain step
 * of docs/contract.md section 1; `momentum` is heavy-ball; `adam` is Kingma & Ba's.
 */
export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export const optimizerNames: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

export type Group = 'w' | 'b' | 'theta';
export type LearningRates = Record<Group, number>;

export interface Slot {
  readonly value: Float64Array;
  readonly group: Group;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;
const MOMENTUM = 0.9;

export interface OptimizerState {
  values: Float64Array[];
  first: Float64Array[];
  second: Float64Array[];
  t: number;
}

export class Optimizer {
  private readonly first: Float64Array[];
  private readonly second: Float64Array[];
  private t = 0;

  constructor(
    readonly name: OptimizerName,
    readonly slots: readonly Slot[],
    readonly lr: LearningRates,
  ) {
    this.first = slots.map((s) => new Float64Array(s.value.length));
    this.second = slots.map((s) => new Float64Array(name === 'adam' ? s.value.length : 0));
  }

  /** One update from the gradients (one per slot, same lengths). Frozen groups (lr 0) are skipped. */
  step(grads: readonly Float64Array[]): void {
    this.t++;
    const bc1 = 1 - BETA1 ** this.t;
    const bc2 = 1 - BETA2 ** this.t;
    for (let s = 0; s < this.slots.length; s++) {
      const lr = this.lr[this.slots[s].group];
      if (lr === 0) continue;
      const p = this.slots[s].value;
      const g = grads[s];
      const m = this.first[s];
      if (this.name === 'sgd') {
        for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
      } else if (this.name === 'momentum') {
        for (let i = 0; i < p.length; i++) {
          m[i] = MOMENTUM * m[i] + g[i];
          p[i] -= lr * m[i];
        }
      } else {
        const v = this.second[s];
        for (let i = 0; i < p.length; i++) {
          m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
          v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
          p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + EPS);
        }
      }
    }
  }

  snapshot(): OptimizerState {
    return {
      values: this.slots.map((s) => s.value.slice()),
      first: this.first.map((a) => a.slice()),
      second: this.second.map((a) => a.slice()),
      t: this.t,
    };
  }

  restore(state: OptimizerState): void {
    for (let i = 0; i < this.slots.length; i++) {
      this.slots[i].value.set(state.values[i]);
      this.first[i].set(state.first[i]);
      this.second[i].set(state.second[i]);
    }
    this.t = state.t;
  }

  scaleLearningRates(factor: number): void {
    this.lr.w *= factor;
    this.lr.b *= factor;
    this.lr.theta *= factor;
  }
}
