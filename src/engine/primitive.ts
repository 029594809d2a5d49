import type { Alloc } from './pool.js';
import type { Tensor } from './tensor.js';

/** What an op's derivative rules can read: its input values, its output value and its attributes. */
export interface OpContext<A = unknown> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
}

/**
 * One primitive: its forward computation and both derivative rules, side by
 * side, so reverse and forward mode read the same record and cannot drift apart.
 */
export interface Primitive<A = unknown> {
  readonly name: string;
  /** Output value. Must not modify its inputs. */
  forward(inputs: readonly Tensor[], attrs: A, alloc: Alloc): Tensor;
  /**
   * Reverse mode: add g · d(output)/d(inputs[i]) into `acc` (shaped like inputs[i]),
   * where g is the output's adjoint. Accumulating (rather than returning) is what
   * sums the contributions of a value that feeds several ops.
   */
  vjp(i: number, g: Float64Array, ctx: OpContext<A>, acc: Float64Array): void;
  /** Forward mode: the output's tangent from the inputs' tangents (null means zero). */
  jvp(tangents: readonly (Float64Array | null)[], ctx: OpContext<A>, alloc: Alloc): Float64Array;
  /**
   * True where finite inputs can only give finite outputs (tanh, sin, a
   * reshape): apply() then skips scanning the output for overflow, which it
   * could not find. Non-finite inputs are passed on either way.
   */
  readonly finiteFromFinite?: boolean;
  /** Which values the vjp reads, so readers know what the tape keeps alive. */
  readonly saves: 'inputs' | 'output' | 'inputs+output' | 'nothing';
}
