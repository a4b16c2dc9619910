/**
 * The WebGPU kernel table: one kernel per op of the contract (`backend/ops.ts`), each in its own
 * file. The record type makes a missing kernel a compile error.
 */
import type { OpName } from '../../backend/ops.js';
import type { GpuKernel } from '../kernel-context.js';
import { accumulate } from './accumulate.js';
import { adamw } from './adamw.js';
import { arange } from './arange.js';
import { argmax } from './argmax.js';
import { attention } from './attention.js';
import { attentionBackward } from './attention-backward.js';
import { biasActivationBackward } from './bias-activation-backward.js';
import { binary } from './binary.js';
import { binaryScalar } from './binary-scalar.js';
import { cast } from './cast.js';
import { concat } from './concat.js';
import { crossEntropy } from './cross-entropy.js';
import { crossEntropyBackward } from './cross-entropy-backward.js';
import { dropout } from './dropout.js';
import { expand } from './expand.js';
import { fill } from './fill.js';
import { gather } from './gather.js';
import { linear } from './linear.js';
import { logSoftmax } from './log-softmax.js';
import { matmul } from './matmul.js';
import { matmulAccumulate } from './matmul-accumulate.js';
import {
  layerNormBackward,
  layerNormBackwardInto,
  rmsNormBackward,
  rmsNormBackwardInto,
} from './norm-backward.js';
import { addLayerNorm, addRmsNorm, layerNorm, rmsNorm } from './norm-forward.js';
import { permute } from './permute.js';
import { randomNormal } from './random-normal.js';
import { randomUniform } from './random-uniform.js';
import { reduce } from './reduce.js';
import { rope } from './rope.js';
import { sampleTokens } from './sample-tokens.js';
import { scaleInPlace } from './scale-in-place.js';
import { scatterAdd } from './scatter-add.js';
import { slice } from './slice.js';
import { sliceBackward } from './slice-backward.js';
import { softmax } from './softmax.js';
import { softmaxBackward } from './softmax-backward.js';
import { topK } from './top-k.js';
import { unary } from './unary.js';
import { unaryGrad } from './unary-grad.js';
import { where } from './where.js';

export const WEBGPU_KERNELS: { [K in OpName]: GpuKernel<K> } = {
  unary,
  unaryGrad,
  binary,
  binaryScalar,
  reduce,
  expand,
  argmax,
  topK,
  softmax,
  logSoftmax,
  softmaxBackward,
  matmul,
  permute,
  slice,
  sliceBackward,
  concat,
  gather,
  scatterAdd,
  where,
  cast,
  fill,
  arange,
  layerNorm,
  layerNormBackward,
  rmsNorm,
  rmsNormBackward,
  attention,
  attentionBackward,
  crossEntropy,
  crossEntropyBackward,
  rope,
  dropout,
  randomUniform,
  randomNormal,
  adamw,
  scaleInPlace,
  sampleTokens,
  linear,
  biasActivationBackward,
  addLayerNorm,
  addRmsNorm,
  layerNormBackwardInto,
  rmsNormBackwardInto,
  matmulAccumulate,
  accumulate,
};
