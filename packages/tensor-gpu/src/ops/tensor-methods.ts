/**
 * The differentiable functions behind Tensor's op methods: `x.matmul(y)` runs `matmul(x, y)` from
 * `./matmul.ts`. Tensor (the leaf of the core) cannot import them without an import cycle, so the
 * package entry hands this table to `installTensorMethods` once.
 */
import { runBackward } from '../autograd/backward.js';
import type { TensorMethods } from '../tensor.js';
import { binary } from './binary.js';
import { binaryScalar } from './binary-scalar.js';
import { cast } from './cast.js';
import { expand } from './expand.js';
import { matmul } from './matmul.js';
import { permute, transpose } from './permute.js';
import { reduce } from './reduce.js';
import { reshape } from './reshape.js';
import { argmax, topK } from './selection.js';
import { narrow, slice, split } from './slice.js';
import { logSoftmax, softmax } from './softmax.js';
import { unary } from './unary.js';

/** Every function a Tensor method forwards to (a typed record: a missing one is a compile error). */
export const TENSOR_METHODS: TensorMethods = {
  binary,
  binaryScalar,
  unary,
  cast,
  reshape,
  permute,
  transpose,
  expand,
  slice,
  narrow,
  split,
  reduce,
  matmul,
  softmax,
  logSoftmax,
  argmax,
  topK,
  backward: runBackward,
};
