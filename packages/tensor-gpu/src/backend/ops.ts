/**
 * THE op contract: every op a backend implements, with its named inputs, outputs, in-place (`inouts`)
 * tensors and attributes, and its shape/dtype inference + validation. Each family of ops is one file
 * of `contract/` (signatures and inference side by side); this file assembles them into one typed
 * contract, so a backend's kernel table (`KernelTable`) missing an op is a compile error.
 *
 * | family                    | ops                                                        |
 * |---------------------------|------------------------------------------------------------|
 * | `contract/elementwise.ts` | unary, unaryGrad, binary, binaryScalar, where, cast        |
 * | `contract/reduce.ts`      | reduce (sum, mean, max, min, sumSquares), expand           |
 * | `contract/selection.ts`   | argmax, topK, sampleTokens                                 |
 * | `contract/softmax.ts`     | softmax, logSoftmax, softmaxBackward                       |
 * | `contract/matmul.ts`      | matmul                                                     |
 * | `contract/layout.ts`      | permute, slice, sliceBackward, concat                      |
 * | `contract/indexing.ts`    | gather, scatterAdd                                         |
 * | `contract/creation.ts`    | fill, arange                                               |
 * | `contract/random.ts`      | dropout, randomUniform, randomNormal                       |
 * | `contract/norm.ts`        | layerNorm, layerNormBackward, rmsNorm, rmsNormBackward     |
 * | `contract/attention.ts`   | attention, attentionBackward, rope                         |
 * | `contract/loss.ts`        | crossEntropy, crossEntropyBackward                         |
 * | `contract/optim.ts`       | adamw, scaleInPlace                                        |
 * | `contract/fused.ts`       | linear, biasActivationBackward, addLayerNorm, addRmsNorm,  |
 * |                           | layerNormBackwardInto, rmsNormBackwardInto,                |
 * |                           | matmulAccumulate, accumulate                               |
 *
 * Shorthands in shape comments: B batch, H heads, Hkv key/value heads, T query time, S key time,
 * D head size, C channels, N rows, V vocabulary, `...` any leading dims.
 *
 * Rules every op follows:
 * - Tensors are contiguous row-major; a kernel sees `{ storage, shape, dtype }` for each tensor.
 * - The caller (`runOp`) calls `inferOutputs(op, inputs, inouts, attrs)`, allocates the outputs it
 *   returns, then `backend.run(op, { inputs, outputs, inouts, attrs })`. Kernels write every element
 *   of every output (outputs come from a pool: they are NOT zeroed).
 * - Attributes are plain JSON values (numbers, booleans, strings, arrays), so a GPU backend can key
 *   its pipeline cache on them. Axes in attrs are already normalised (non-negative, ascending).
 * - Randomness (dropout, randomUniform/Normal, sampleTokens) is Philox4x32-10 (`random/philox.ts`):
 *   element `i` draws `philoxUniform(seed, offset, i)`; the same bits on every backend.
 */
import { ATTENTION_INFERENCE, type AttentionOps } from './contract/attention.js';
import { CREATION_INFERENCE, type CreationOps } from './contract/creation.js';
import { ELEMENTWISE_INFERENCE, type ElementwiseOps } from './contract/elementwise.js';
import { FUSED_INFERENCE, type FusedOps } from './contract/fused.js';
import { INDEXING_INFERENCE, type IndexingOps } from './contract/indexing.js';
import { LAYOUT_INFERENCE, type LayoutOps } from './contract/layout.js';
import { LOSS_INFERENCE, type LossOps } from './contract/loss.js';
import { MATMUL_INFERENCE, type MatmulOps } from './contract/matmul.js';
import { NORM_INFERENCE, type NormOps } from './contract/norm.js';
import { OPTIM_INFERENCE, type OptimOps } from './contract/optim.js';
import { RANDOM_INFERENCE, type RandomOps } from './contract/random.js';
import { REDUCE_INFERENCE, type ReduceOps } from './contract/reduce.js';
import { SELECTION_INFERENCE, type SelectionOps } from './contract/selection.js';
import { SOFTMAX_INFERENCE, type SoftmaxOps } from './contract/softmax.js';
import type { Inference, TensorMeta } from './contract/types.js';

export {
  type ArithmeticKind,
  BINARY_KINDS,
  type BinaryKind,
  type CompareKind,
  isCompareKind,
  UNARY_KINDS,
  type UnaryKind,
} from './contract/elementwise.js';
export type { LinearActivation } from './contract/fused.js';
export type { AdamWAttrs } from './contract/optim.js';
export type { ReduceKind } from './contract/reduce.js';
export type { SampleAttrs } from './contract/selection.js';
export {
  broadcastShapes,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
  sizeOf,
  statDType,
  stridesOf,
} from './contract/shape.js';
export type { NoTensors, TensorMeta } from './contract/types.js';

/**
 * Every op: `inputs` (read), `outputs` (allocated by the caller, written whole by the kernel),
 * `inouts` (read and written in place), `attrs`. `T` is how a tensor is represented: `TensorMeta` for
 * inference, a backend's device tensor for kernels.
 */
export interface OpSignatures<T>
  extends ElementwiseOps<T>,
    ReduceOps<T>,
    SelectionOps<T>,
    SoftmaxOps<T>,
    MatmulOps<T>,
    LayoutOps<T>,
    IndexingOps<T>,
    CreationOps<T>,
    RandomOps<T>,
    NormOps<T>,
    AttentionOps<T>,
    LossOps<T>,
    OptimOps<T>,
    FusedOps<T> {}

/** Every op name. */
export type OpName = keyof OpSignatures<unknown>;
/** The inputs record of op `K` with tensors represented as `T`. */
export type OpInputs<K extends OpName, T> = OpSignatures<T>[K]['inputs'];
/** The outputs record of op `K`. */
export type OpOutputs<K extends OpName, T> = OpSignatures<T>[K]['outputs'];
/** The in-place tensors of op `K`. */
export type OpInouts<K extends OpName, T> = OpSignatures<T>[K]['inouts'];
/** The attributes of op `K`. */
export type OpAttrs<K extends OpName> = OpSignatures<unknown>[K]['attrs'];

/** Everything one op call carries: what a kernel receives. */
export interface OpArgs<K extends OpName, T> {
  inputs: OpInputs<K, T>;
  outputs: OpOutputs<K, T>;
  inouts: OpInouts<K, T>;
  attrs: OpAttrs<K>;
}

type Infer<K extends OpName> = Inference<OpSignatures<TensorMeta>[K]>;

/** Shape/dtype inference and validation of every op (a typed record: a missing op is a compile error). */
export const OP_INFERENCE: { [K in OpName]: Infer<K> } = {
  ...ELEMENTWISE_INFERENCE,
  ...REDUCE_INFERENCE,
  ...SELECTION_INFERENCE,
  ...SOFTMAX_INFERENCE,
  ...MATMUL_INFERENCE,
  ...LAYOUT_INFERENCE,
  ...INDEXING_INFERENCE,
  ...CREATION_INFERENCE,
  ...RANDOM_INFERENCE,
  ...NORM_INFERENCE,
  ...ATTENTION_INFERENCE,
  ...LOSS_INFERENCE,
  ...OPTIM_INFERENCE,
  ...FUSED_INFERENCE,
};

/**
 * Validates an op call and returns the shapes/dtypes of its outputs.
 *
 * @example
 * ```ts
 * const { y } = inferOutputs('matmul', { a: { shape: [2, 3], dtype: 'f32' }, b: { shape: [3, 4], dtype: 'f32' } },
 *   {}, { transA: false, transB: false });
 * y.shape; // [2, 4]
 * ```
 */
export function inferOutputs<K extends OpName>(
  op: K,
  inputs: OpInputs<K, TensorMeta>,
  inouts: OpInouts<K, TensorMeta>,
  attrs: OpAttrs<K>,
): OpOutputs<K, TensorMeta> {
  const infer = OP_INFERENCE[op] as Infer<K>;
  return infer(inputs, inouts, attrs);
}

/** Every op name, in contract order. */
export const OP_NAMES = Object.keys(OP_INFERENCE) as OpName[];
