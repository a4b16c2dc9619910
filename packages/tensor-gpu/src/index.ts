/**
 * @llmforge/tensor-gpu — tensors with reverse-mode autograd on WebGPU and a pure-TypeScript CPU
 * backend. This is the core entry: it runs in browsers and in Node alike (no `webgpu`, no `node:*`
 * import; a browser bundler needs no configuration). The Node entry `@llmforge/tensor-gpu/node`
 * creates a WebGPU backend through Dawn and reads and writes files (safetensors paths,
 * `saveTensors`, `writeDirectoryAtomically`).
 *
 * Layers, bottom-up: backend interface + op contract → kernels per backend → Tensor (the handle,
 * a leaf) and the autograd tape → differentiable functions → nn, optim, io. This entry is the one
 * place they are wired together: Tensor's op methods (`x.matmul(y)`) forward to the differentiable
 * functions through `TENSOR_METHODS`, installed below.
 *
 * @example
 * ```ts
 * import { createCpuBackend, tensor } from '@llmforge/tensor-gpu';
 * const cpu = createCpuBackend();
 * const w = tensor([[1, 2], [3, 4]], undefined, 'f32', cpu).requireGrad();
 * w.mul(w).sum().backward();
 * w.grad!.dataSync(); // Float32Array [2, 4, 6, 8]
 * ```
 */

import { TENSOR_METHODS } from './ops/tensor-methods.js';
import { installTensorMethods } from './tensor.js';

installTensorMethods(TENSOR_METHODS);

export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { keep, tidy } from './autograd/tidy.js';
export type { Backend, BackendMemory, DeviceTensor, Kernel, KernelTable } from './backend/backend.js';
export {
  allocArray,
  bytesPerElement,
  DTYPES,
  type DType,
  type DTypeArrayMap,
  dtypeOfArray,
  type FloatArray,
  type FloatDType,
  fromF16Bits,
  isDType,
  isFloatDType,
  isIntDType,
  type TypedArray,
  toF16Bits,
} from './backend/dtype.js';
export {
  type AdamWAttrs,
  type ArithmeticKind,
  BINARY_KINDS,
  type BinaryKind,
  broadcastShapes,
  type CompareKind,
  inferOutputs,
  isCompareKind,
  type NoTensors,
  normalizeAxes,
  normalizeAxis,
  OP_INFERENCE,
  OP_NAMES,
  type OpArgs,
  type LinearActivation,
  type OpAttrs,
  type OpInouts,
  type OpInputs,
  type OpName,
  type OpOutputs,
  type OpSignatures,
  type ReduceKind,
  type SampleAttrs,
  shapesEqual,
  sizeOf,
  statDType,
  stridesOf,
  type TensorMeta,
  UNARY_KINDS,
  type UnaryKind,
} from './backend/ops.js';
export {
  type CpuBackend,
  type CpuBackendInfo,
  type CpuBackendOptions,
  createCpuBackend,
} from './cpu/backend.js';
export type { CpuPoolStats } from './cpu/pool.js';
export type { ThreadPoolStats } from './cpu/threads/thread-pool.js';
export type { RelaxedSimdMode } from './cpu/wasm/runtime.js';
export { CPU_KERNELS } from './cpu/kernels/index.js';
export type { CpuKernel, CpuStorage } from './cpu/kernels/kernel.js';
export {
  ArgumentError,
  BackendError,
  DeviceLostError,
  DisposedError,
  DTypeError,
  type ErrorDetails,
  formatShape,
  InplaceModificationError,
  ShapeError,
  TensorError,
} from './errors.js';
export { assertIds, badId, type IdCheck, idError } from './backend/id-check.js';
export { type AddNormResult, addLayerNorm, addRmsNorm } from './ops/add-norm.js';
export { adamwUpdate } from './ops/adamw.js';
export { type AttentionOptions, attention } from './ops/attention.js';
export { binary } from './ops/binary.js';
export { binaryScalar } from './ops/binary-scalar.js';
export { cast } from './ops/cast.js';
export { concat, stack } from './ops/concat.js';
export {
  arange,
  defaultBackend,
  full,
  fullLike,
  type NestedArray,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export { type CrossEntropyOptions, crossEntropy } from './ops/cross-entropy.js';
export { dropout } from './ops/dropout.js';
export { expand } from './ops/expand.js';
export { embedding } from './ops/gather.js';
export { layerNorm } from './ops/layer-norm.js';
export { type LinearFunctionOptions, linear } from './ops/linear.js';
export { type MaskedAttentionOptions, maskedAttention } from './ops/masked-attention.js';
export { matmul } from './ops/matmul.js';
export { permute, transpose } from './ops/permute.js';
export { reduce } from './ops/reduce.js';
export { reshape } from './ops/reshape.js';
export { rmsNorm } from './ops/rms-norm.js';
export { type RopeOptions, rope } from './ops/rope.js';
export { runOp } from './ops/run.js';
export { scaleInPlace } from './ops/scale-in-place.js';
export { argmax, type SampleOptions, sampleTokens, topK } from './ops/selection.js';
export { narrow, slice, split } from './ops/slice.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { takeAlongAxis } from './ops/take-along-axis.js';
export type { MatmulOptions, ReduceOptions } from './ops/types.js';
export { unary } from './ops/unary.js';
export { maskedFill, where } from './ops/where.js';
export {
  applyFilters,
  applyMinP,
  applyTemperature,
  applyTopK,
  applyTopP,
  type SamplingFilters,
} from './sampling/filters.js';
export { drawRowUniforms, pickToken } from './sampling/pick.js';
export { argmaxRow, logSoftmaxRow, NON_FINITE_ROW, nonFiniteScores, softmaxRow } from './sampling/row.js';
export {
  fillNormal,
  fillUniform,
  mulhi32,
  normalCounters,
  type PhiloxStream,
  philox4x32,
  philoxBlock,
  philoxNormal,
  philoxUniform,
  uniformCounters,
} from './random/philox.js';
export { type MemoryInfo, memory } from './storage.js';
export { type BackwardOptions, Tensor } from './tensor.js';

// WebGPU backend (the core takes a GPU object; only the /node entry imports `webgpu`)
export { type BufferPoolStats, sizeClass } from './webgpu/buffer-pool.js';
export type { GpuCaps, GpuStorage, GpuTensor } from './webgpu/kernel-context.js';
export { type OpenedDevice, type RequestDeviceOptions, requestDevice } from './webgpu/request-device.js';
export {
  createWebGPUBackend,
  UPLOAD_CHUNK_BYTES,
  WebGPUBackend,
  type WebGPUBackendOptions,
} from './webgpu/webgpu-backend.js';

// nn, optim, schedules, safetensors, generators
export {
  bf16BitsToF32,
  decodeBf16,
  decodeF16,
  encodeBf16,
  encodeF16,
  f32ToBf16Bits,
} from './io/half-float.js';
// (files: the path versions of the loaders, the savers and writeDirectoryAtomically are in /node)
export {
  type BinarySource,
  binarySourceName,
  isBinarySource,
  isBlob,
  readBinarySource,
} from './io/binary-source.js';
export { loadSafetensors } from './io/safetensors.js';
export { decodeSafetensors, decodeTensor } from './io/safetensors-decode.js';
export { encodeSafetensors, prepareTensors } from './io/safetensors-encode.js';
export { SafetensorsError } from './io/safetensors-error.js';
export {
  openSafetensors,
  type RangeReader,
  RangeSafetensorsReader,
  type SafetensorsReader,
} from './io/safetensors-reader.js';
export {
  type EncodedTensor,
  MAX_HEADER_BYTES,
  type SafetensorsDType,
  type SafetensorsHeader,
  type SafetensorsHeaderEntry,
  type SafetensorsInput,
  SafetensorsMap,
  type SafetensorsReadOptions,
  type SafetensorsTensor,
  type SafetensorsTensorInput,
  type SafetensorsWriteDType,
} from './io/safetensors-format.js';
export { encodeHeader, parseHeader, readHeaderLength } from './io/safetensors-header.js';
export {
  type EncodeTensorsOptions,
  encodeTensors,
  type LoadIntoOptions,
  loadSafetensorsInto,
  toSafetensorsInput,
} from './io/tensor-io.js';
export { assignFrom, assignHost } from './nn/assign.js';
export { Dropout } from './nn/dropout.js';
export { Embedding, type EmbeddingOptions } from './nn/embedding.js';
export {
  constant,
  type DeviceInitializer,
  deviceConstant,
  deviceNormal,
  fans,
  type Initializer,
  kaimingUniform,
  linearBiasInit,
  normal,
  onesInit,
  type ParamInitializer,
  uniform,
  xavierUniform,
  zerosInit,
} from './nn/init.js';
export { LayerNorm, type LayerNormOptions } from './nn/layer-norm.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export {
  type HostTensor,
  type LoadStateDictResult,
  Module,
  matchStateDict,
  type StateDictSource,
} from './nn/module.js';
export { ModuleList } from './nn/module-list.js';
export { initTensor, type ParamOptions } from './nn/param.js';
export { RMSNorm, type RMSNormOptions } from './nn/rms-norm.js';
export { StateDictError } from './nn/state-dict-error.js';
export { AdamW, type AdamWGroup, type AdamWOptions } from './optim/adamw.js';
export { clipGradNorm } from './optim/clip-grad-norm.js';
export { OptimizerConfigError } from './optim/optimizer-config-error.js';
export { createOptimizer, type OptimizerConfig } from './optim/create-optimizer.js';
export {
  constantSchedule,
  cosineSchedule,
  createSchedule,
  type LrSchedule,
  linearSchedule,
  type ScheduleConfig,
  wsdSchedule,
} from './optim/lr-schedule.js';
export { BaseOptimizer, type Optimizer, type OptimizerGroup } from './optim/optimizer.js';
export {
  OPTIMIZER_STATE_FORMAT,
  OPTIMIZER_STATE_VERSION,
  type OptimizerState,
  type OptimizerStateMeta,
  type SavedGroup,
  type StateTensor,
} from './optim/optimizer-state.js';
export { decayGroups, type ParamGroup } from './optim/param-groups.js';
export { SGD, type SGDGroup, type SGDOptions } from './optim/sgd.js';
export { RandomGenerator, type RandomGeneratorState } from './random/random-generator.js';

// CPU kernel extras (gemm; the implementation is a createCpuBackend option)
export type { GemmImplementation } from './cpu/kernels/gemm/gemm.js';
export { wasmGemmAvailable } from './cpu/kernels/gemm/wasm-gemm.js';
