/** basisfit's automatic-differentiation engine, usable on its own. */
export { type Fn, grad, jacobianReverse, type OpenRecording, type Pullback, recordOpen, type ValueAndGrad, valueAndGrad, vjp } from './api.js';
export { apply, lift, type TensorLike, withScratch } from './apply.js';
export { type CheckOptions, type CheckReport, checkGrads, finiteDifferenceJv, gradCheckReport, relativeError } from './check.js';
export { type ColumnwiseJacobian, columnwiseJacobian, columnwiseJacobianPasses, jacobianForward, jacobianForwardPasses, type JvpResult, jvp } from './dual.js';
export * from './ops/index.js';
export type { OpContext, Primitive } from './primitive.js';
export { type KernelMode, kernelMode, setKernels } from './kernels.js';
export { setNumericChecks, Tape, withTape } from './tape.js';
export { Tensor } from './tensor.js';

import { jacobianReverse } from './api.js';
import { jacobianForward } from './dual.js';
import type { Tensor } from './tensor.js';

/** Jacobian (output size × total input size): forward mode builds it by columns, reverse mode by rows. */
export function jacobian(f: (...args: Tensor[]) => Tensor, args: readonly Tensor[], mode: 'forward' | 'reverse' = 'reverse'): Tensor {
  return mode === 'forward' ? jacobianForward(f, args) : jacobianReverse(f, args);
}
