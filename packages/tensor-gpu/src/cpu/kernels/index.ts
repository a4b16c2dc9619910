/**
 * The CPU kernel table: one kernel per op of the contract (a typed record, so a missing kernel is a
 * compile error). G1's kernels (elementwise, reductions, shape ops, random) and G4's fast fused ones
 * (matmul, softmax, norms, attention, cross entropy, rope, adamw), and the fused ops of
 * `contract/fused.ts` (linear with its epilogue, residual add + norm, in-place accumulation).
 */
import type { KernelTable } from '../../backend/backend.js';
import { accumulateKernel } from './accumulate.js';
import { adamwKernel } from './adamw.js';
import { addLayerNormKernel, addRmsNormKernel } from './add-norm.js';
import { argmaxKernel } from './argmax.js';
import { attentionBackwardKernel, attentionKernel } from './attention.js';
import { binaryKernel } from './binary.js';
import { binaryScalarKernel } from './binary-scalar.js';
import { castKernel } from './cast.js';
import { concatKernel } from './concat.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from './cross-entropy.js';
import { expandKernel } from './expand.js';
import { arangeKernel, fillKernel } from './fill.js';
import { gatherKernel } from './gather.js';
import type { CpuStorage } from './kernel.js';
import { layerNormBackwardIntoKernel, layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import { biasActivationBackwardKernel, linearKernel } from './linear.js';
import { matmulAccumulateKernel, matmulKernel } from './matmul.js';
import { permuteKernel } from './permute.js';
import { dropoutKernel, randomNormalKernel, randomUniformKernel } from './random.js';
import { reduceKernel } from './reduce.js';
import { rmsNormBackwardIntoKernel, rmsNormBackwardKernel, rmsNormKernel } from './rms-norm.js';
import { ropeKernel } from './rope.js';
import { sampleTokensKernel } from './sample-tokens.js';
import { scaleInPlaceKernel } from './scale-in-place.js';
import { scatterAddKernel } from './scatter-add.js';
import { sliceKernel } from './slice.js';
import { sliceBackwardKernel } from './slice-backward.js';
import { logSoftmaxKernel, softmaxBackwardKernel, softmaxKernel } from './softmax.js';
import { topKKernel } from './top-k.js';
import { unaryKernel } from './unary.js';
import { unaryGradKernel } from './unary-grad.js';
import { whereKernel } from './where.js';

/** Every CPU kernel, keyed by op name. */
export const CPU_KERNELS: KernelTable<CpuStorage> = {
  unary: unaryKernel,
  unaryGrad: unaryGradKernel,
  binary: binaryKernel,
  binaryScalar: binaryScalarKernel,
  reduce: reduceKernel,
  expand: expandKernel,
  argmax: argmaxKernel,
  topK: topKKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  softmaxBackward: softmaxBackwardKernel,
  matmul: matmulKernel,
  permute: permuteKernel,
  slice: sliceKernel,
  sliceBackward: sliceBackwardKernel,
  concat: concatKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  where: whereKernel,
  cast: castKernel,
  fill: fillKernel,
  arange: arangeKernel,
  layerNorm: layerNormKernel,
  layerNormBackward: layerNormBackwardKernel,
  rmsNorm: rmsNormKernel,
  rmsNormBackward: rmsNormBackwardKernel,
  attention: attentionKernel,
  attentionBackward: attentionBackwardKernel,
  crossEntropy: crossEntropyKernel,
  crossEntropyBackward: crossEntropyBackwardKernel,
  rope: ropeKernel,
  dropout: dropoutKernel,
  randomUniform: randomUniformKernel,
  randomNormal: randomNormalKernel,
  adamw: adamwKernel,
  scaleInPlace: scaleInPlaceKernel,
  sampleTokens: sampleTokensKernel,
  linear: linearKernel,
  biasActivationBackward: biasActivationBackwardKernel,
  addLayerNorm: addLayerNormKernel,
  addRmsNorm: addRmsNormKernel,
  layerNormBackwardInto: layerNormBackwardIntoKernel,
  rmsNormBackwardInto: rmsNormBackwardIntoKernel,
  matmulAccumulate: matmulAccumulateKernel,
  accumulate: accumulateKernel,
};
