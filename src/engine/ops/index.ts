/**
 * The engine's vocabulary: one function per primitive, each taking tensors (or
 * plain numbers, as scalars) and returning a tensor. Everything else — bases,
 * losses — is written in these.
 */
import { apply, lift, type TensorLike } from '../apply.js';
import type { Primitive } from '../primitive.js';
import type { Tensor } from '../tensor.js';
import { add as addP } from './add.js';
import { affine as affineP } from './affine.js';
import { cos as cosP } from './cos.js';
import { div as divP } from './div.js';
import { exp as expP } from './exp.js';
import { log as logP } from './log.js';
import { matmul as matmulP } from './matmul.js';
import { mul as mulP } from './mul.js';
import { neg as negP } from './neg.js';
import { pow as powP } from './pow.js';
import { reshape as reshapeP } from './reshape.js';
import { sin as sinP } from './sin.js';
import { sqdist as sqdistP } from './sqdist.js';
import { square as squareP } from './square.js';
import { sub as subP } from './sub.js';
import { sum as sumP } from './sum.js';
import { tanh as tanhP } from './tanh.js';

/** Every primitive, for the gradient checker and the docs. */
export const primitives: readonly Primitive<never>[] = [
  addP,
  subP,
  mulP,
  divP,
  powP,
  negP,
  expP,
  logP,
  sinP,
  cosP,
  tanhP,
  squareP,
  sumP,
  matmulP,
  sqdistP,
  affineP,
  reshapeP,
] as Primitive<never>[];


export const add = (a: TensorLike, b: TensorLike): Tensor => apply(addP, [lift(a), lift(b)], undefined);
export const sub = (a: TensorLike, b: TensorLike): Tensor => apply(subP, [lift(a), lift(b)], undefined);
export const mul = (a: TensorLike, b: TensorLike): Tensor => apply(mulP, [lift(a), lift(b)], undefined);
export const div = (a: TensorLike, b: TensorLike): Tensor => apply(divP, [lift(a), lift(b)], undefined);
export const pow = (a: TensorLike, b: TensorLike): Tensor => apply(powP, [lift(a), lift(b)], undefined);
export const neg = (x: TensorLike): Tensor => apply(negP, [lift(x)], undefined);
export const exp = (x: TensorLike): Tensor => apply(expP, [lift(x)], undefined);
export const log = (x: TensorLike): Tensor => apply(logP, [lift(x)], undefined);
export const sin = (x: TensorLike): Tensor => apply(sinP, [lift(x)], undefined);
export const cos = (x: TensorLike): Tensor => apply(cosP, [lift(x)], undefined);
export const tanh = (x: TensorLike): Tensor => apply(tanhP, [lift(x)], undefined);
export const square = (x: TensorLike): Tensor => apply(squareP, [lift(x)], undefined);
/** Sum of all elements (axis omitted) or along one axis. */
export const sum = (x: Tensor, axis: number | null = null): Tensor => apply(sumP, [x], { axis });
export const matmul = (a: Tensor, b: Tensor): Tensor => apply(matmulP, [a, b], undefined);
/** m_j·‖x_n − c_j‖² for rows of X and C; the weights m may be omitted (all 1). */
export const sqdist = (x: Tensor, c: Tensor, m?: Tensor): Tensor => apply(sqdistP, m === undefined ? [x, c] : [x, c, m], undefined);
/** X·Aᵀ + c; c may be omitted. */
export const affine = (x: Tensor, a: Tensor, c?: Tensor): Tensor => apply(affineP, c === undefined ? [x, a] : [x, a, c], undefined);
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => apply(reshapeP, [x], { shape });

/** Mean of all elements: a composite, so it needs no derivative rule of its own. */
export const mean = (x: Tensor): Tensor => mul(sum(x), 1 / x.size);
