/**
 * The CPU backend's kernel table when WebAssembly runs: the TypeScript reference kernels
 * (`kernels/index.ts`, the living definition of every op) with the hot ops replaced by wrappers that
 * run the WebAssembly SIMD kernels in place on the arena, split across threads. Each wrapper falls
 * back to the reference kernel for what it does not cover (f64, tensors outside the arena, rare
 * kinds), so the table stays complete.
 */
import type { KernelTable } from '../../backend/backend.js';
import type { GemmImplementation } from '../kernels/gemm/gemm.js';
import { CPU_KERNELS } from '../kernels/index.js';
import type { CpuStorage } from '../kernels/kernel.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import { simdAttention, simdAttentionBackward } from './attention.js';
import {
  simdAdamw,
  simdBinary,
  simdBinaryScalar,
  simdScaleInPlace,
  simdUnary,
  simdUnaryGrad,
} from './elementwise.js';
import {
  simdAccumulate,
  simdAddLayerNorm,
  simdAddRmsNorm,
  simdBiasActivationBackward,
  simdLinear,
} from './fused.js';
import { simdPermute, simdReduce } from './layout.js';
import { simdMatmul, simdMatmulAccumulate } from './matmul.js';
import {
  simdCrossEntropy,
  simdCrossEntropyBackward,
  simdLayerNorm,
  simdLayerNormBackward,
  simdLayerNormBackwardInto,
  simdLogSoftmax,
  simdRmsNorm,
  simdRmsNormBackward,
  simdRmsNormBackwardInto,
  simdRope,
  simdSoftmax,
  simdSoftmaxBackward,
} from './rows.js';

/** The kernel table of a backend with runtime `rt`. */
export function createSimdKernels(rt: WasmRuntime, gemm: GemmImplementation): KernelTable<CpuStorage> {
  const ref = CPU_KERNELS;
  return {
    ...ref,
    unary: simdUnary(rt, ref.unary),
    unaryGrad: simdUnaryGrad(rt, ref.unaryGrad),
    binary: simdBinary(rt, ref.binary),
    binaryScalar: simdBinaryScalar(rt, ref.binaryScalar),
    adamw: simdAdamw(rt, ref.adamw),
    scaleInPlace: simdScaleInPlace(rt, ref.scaleInPlace),
    matmul: simdMatmul(rt, gemm),
    layerNorm: simdLayerNorm(rt, ref.layerNorm),
    layerNormBackward: simdLayerNormBackward(rt, ref.layerNormBackward),
    attention: simdAttention(rt, ref.attention),
    attentionBackward: simdAttentionBackward(rt, ref.attentionBackward),
    rmsNorm: simdRmsNorm(rt, ref.rmsNorm),
    rmsNormBackward: simdRmsNormBackward(rt, ref.rmsNormBackward),
    softmax: simdSoftmax(rt, ref.softmax),
    logSoftmax: simdLogSoftmax(rt, ref.logSoftmax),
    softmaxBackward: simdSoftmaxBackward(rt, ref.softmaxBackward),
    crossEntropy: simdCrossEntropy(rt, ref.crossEntropy),
    crossEntropyBackward: simdCrossEntropyBackward(rt, ref.crossEntropyBackward),
    permute: simdPermute(rt, ref.permute),
    reduce: simdReduce(rt, ref.reduce),
    linear: simdLinear(rt, ref.linear),
    biasActivationBackward: simdBiasActivationBackward(rt, ref.biasActivationBackward),
    addLayerNorm: simdAddLayerNorm(rt, ref.addLayerNorm),
    addRmsNorm: simdAddRmsNorm(rt, ref.addRmsNorm),
    layerNormBackwardInto: simdLayerNormBackwardInto(rt, ref.layerNormBackwardInto),
    rmsNormBackwardInto: simdRmsNormBackwardInto(rt, ref.rmsNormBackwardInto),
    matmulAccumulate: simdMatmulAccumulate(rt, gemm),
    accumulate: simdAccumulate(rt, ref.accumulate),
    rope: simdRope(rt, ref.rope),
  };
}
