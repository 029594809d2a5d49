/**
 * The one source of randomness in basisfit. Everything random (initial parameters,
 * shuffles, validation splits, restarts) draws from an Rng built from `--seed`, so the
 * same data, options and seed give the same model file on every platform.
 *
 * The core generator is pure-rand's xoroshiro128+ (the library fast-check relies on):
 * 32-bit integer arithmetic only, so its stream is identical on every JavaScript engine.
 * We take its raw 32-bit outputs (the low half of each 64-bit output) and build the
 * distributions ourselves because xoroshiro128+'s lowest bits are its weakest (bit 0 is a
 * plain LFSR), while pure-rand's uniformFloat64 and uniformInt draw on exactly those bits
 * (masking, modulo); here every value is built from bits 5 to 31 only.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { UsageError } from '../errors.js';
import { murmur3Words } from './hash.js';

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_MINUS_26 = 2 ** -26;
const TWO_POW_MINUS_53 = 2 ** -53;

export class Rng {
  readonly seed: number;
  /** Seed words followed by the fork indices that led here; the hash input for the state. */
  private key: readonly number[];
  private gen: RandomGenerator;
  /** Second value of the last polar-method pair, used by the next normal() call. */
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new UsageError(`seed must be a whole number between -(2^53-1) and 2^53-1, got ${seed}`, 'pass --seed with an integer such as 1');
    }
    this.seed = seed;
    // All 53 bits of the seed take part, so seeds that differ only above bit 32 still differ.
    this.key = [seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
    this.gen = xoroshiro128plusFromState(stateFromKey(this.key));
  }

  /** Uniform on [0, 1): a multiple of 2^-53 built from the top 26 + 27 bits of two outputs. */
  next(): number {
    const hi = this.gen.next() >>> 6;
    const lo = this.gen.next() >>> 5;
    return hi * TWO_POW_MINUS_26 + lo * TWO_POW_MINUS_53;
  }

  /**
   * Standard normal by Marsaglia's polar method. It needs only log and sqrt (no trig),
   * and V8 computes Math.log with its own fdlibm port on every platform, so the
   * values do not depend on the machine's C library.
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /**
   * Uniform integer in [0, n). floor(next() * n) keeps the draw on the generator's high
   * bits; its bias is at most n / 2^53, i.e. below 5e-7 even for n = 2^32, which no shuffle
   * or split can show.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle, in place. */
  shuffle(a: Uint32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The fork indices from the seed to here: with the seed, all that Rng.at needs to rebuild this stream's start (in a worker, say). */
  get forks(): number[] {
    return this.key.slice(2);
  }

  /** The stream `new Rng(seed).fork(f0).fork(f1)…` starts as, for forks [f0, f1, …]. */
  static at(seed: number, forks: readonly number[]): Rng {
    let r = new Rng(seed);
    for (const f of forks) r = r.fork(f);
    return r;
  }

  /**
   * Independent stream number k (for example one per restart). Like numpy's SeedSequence
   * spawning, the child's state is a hash of the seed and the whole fork path, so it does
   * not depend on how much this generator has drawn, and fork(i).fork(j) gets its own hash
   * input instead of landing on fork(i + j) as jump-based streams (pure-rand's jump()) would.
   */
  fork(k: number): Rng {
    if (!Number.isInteger(k) || k < 0 || k >= TWO_POW_32) {
      throw new RangeError(`Rng.fork: k must be an integer in [0, 2^32), got ${k}`);
    }
    const child = new Rng(this.seed);
    child.key = [...this.key, k];
    child.gen = xoroshiro128plusFromState(stateFromKey(child.key));
    return child;
  }
}

/**
 * A full 128-bit xoroshiro state from the key. pure-rand's own xoroshiro128plus(seed)
 * uses the 32-bit seed almost verbatim as state, which makes the first outputs of nearby
 * seeds similar; hashing spreads every key over the whole state.
 */
function stateFromKey(key: readonly number[]): number[] {
  const state: number[] = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 0x6a09e667].map((salt) => murmur3Words(key, salt) | 0);
  // The all-zero state is xoroshiro's one fixed point.
  if (!state.some((s) => s !== 0)) state[0] = 1;
  return state;
}
