// CONTRACT READY
/**
 * THE op contract: every op a backend implements, with its named inputs, outputs, in-place (`inouts`)
 * tensors and attributes, and its shape/dtype inference + validation, in one place.
 *
 * Shorthands in shape comments: B batch, H heads, Hkv key/value heads, T query time, S key time,
 * D head size, C channels, N rows, V vocabulary, `...` any leading dims.
 *
 * Rules every op follows:
 * - Tensors are contiguous row-major; a kernel sees `{ storage, shape, dtype }` for each tensor.
 * - The caller (the Tensor layer) calls `inferOutputs(op, inputs, inouts, attrs)`, allocates the
 *   outputs it returns, then `backend.run(op, { inputs, outputs, inouts, attrs })`. Kernels write
 *   every element of every output (outputs come from a pool: they are NOT zeroed).
 * - Attributes are plain JSON values (numbers, booleans, strings, arrays), so a GPU backend can key
 *   its pipeline cache on them. Axes in attrs are already normalised (non-negative, ascending).
 * - Randomness (dropout, randomUniform/Normal, sampleTokens) is Philox4x32-10 (`random/philox.ts`):
 *   element `i` draws `philoxUniform(seed, offset, i)`; the same bits on every backend.
 */

import { DTypeError, formatShape, ShapeError } from '../errors.js';
import { type DType, type FloatDType, isFloatDType, isIntDType } from './dtype.js';

/** What inference sees of a tensor. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** No tensors in this role. */
export type NoTensors = Record<never, never>;

/** Elementwise one-input functions (`unary` op attr). gelu_erf is exact GELU, gelu_tanh the GPT-2 one. */
export type UnaryKind =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'gelu_erf'
  | 'gelu_tanh'
  | 'silu'
  | 'sin'
  | 'cos';

/** Every unary kind, in a stable order (tests iterate it). */
export const UNARY_KINDS: readonly UnaryKind[] = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'tanh',
  'sigmoid',
  'relu',
  'gelu_erf',
  'gelu_tanh',
  'silu',
  'sin',
  'cos',
];

/** Arithmetic two-input functions. */
export type ArithmeticKind = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
/** Comparisons: 1 where true, 0 where false. */
export type CompareKind = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** Elementwise two-input functions (`binary` / `binaryScalar` op attr). */
export type BinaryKind = ArithmeticKind | CompareKind;

/** Every binary kind, in a stable order. */
export const BINARY_KINDS: readonly BinaryKind[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];

/** True for eq/ne/lt/le/gt/ge. */
export function isCompareKind(op: BinaryKind): op is CompareKind {
  return op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
}

/** Reductions over axes. */
export type ReduceKind = 'sum' | 'mean' | 'max' | 'min';

/** AdamW hyper-parameters of one update (torch.optim.AdamW semantics; `step` counts from 1). */
export interface AdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/** Sampling settings; each filter is off at its neutral value (topK 0, topP 1, minP 0). */
export interface SampleAttrs {
  /** 0 means greedy (argmax, lowest index on ties); otherwise logits are divided by it. */
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  seed: number;
  offset: number;
}

/**
 * Every op: `inputs` (read), `outputs` (allocated by the caller, written whole by the kernel),
 * `inouts` (read and written in place), `attrs`. `T` is how a tensor is represented: `TensorMeta` for
 * inference, a backend's device tensor for kernels.
 */
export interface OpSignatures<T> {
  /** y = f(x) elementwise; x float. */
  unary: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { op: UnaryKind } };
  /** dx = dy · f'(x) elementwise (f' recomputed from x). */
  unaryGrad: { inputs: { x: T; dy: T }; outputs: { dx: T }; inouts: NoTensors; attrs: { op: UnaryKind } };
  /**
   * y = a ∘ b with numpy broadcasting: shapes aligned on the right, a dim of 1 stretches.
   * (2,1,3) ∘ (4,1) → (2,4,3). Comparisons give 1/0 in the input dtype if float, else f32.
   * Integer inputs allow add/sub/mul/maximum/minimum and comparisons.
   */
  binary: { inputs: { a: T; b: T }; outputs: { y: T }; inouts: NoTensors; attrs: { op: BinaryKind } };
  /** y = a ∘ scalar, or scalar ∘ a when `reverse` (so 1 − x is sub with reverse). */
  binaryScalar: {
    inputs: { a: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { op: BinaryKind; scalar: number; reverse: boolean };
  };
  /** y = reduce over `axes` (ascending, unique); keepDims keeps them as size 1. (2,3,4) sum [1] → (2,4). */
  reduce: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { op: ReduceKind; axes: number[]; keepDims: boolean };
  };
  /** y = x broadcast to `shape` (the inverse of a sum-reduction, used in backward). (3,1) → (2,3,4). */
  expand: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { shape: number[] } };
  /** indices (i32) of the largest value along `axis`, first one on ties. */
  argmax: {
    inputs: { x: T };
    outputs: { indices: T };
    inouts: NoTensors;
    attrs: { axis: number; keepDims: boolean };
  };
  /** The k largest along the last axis, descending; ties: lower index first. (...,V) → (...,k) ×2. */
  topK: { inputs: { x: T }; outputs: { values: T; indices: T }; inouts: NoTensors; attrs: { k: number } };
  /** y_i = exp(x_i − max) / Σ_j exp(x_j − max) over the last axis. */
  softmax: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** y_i = x_i − max − log Σ_j exp(x_j − max) over the last axis. */
  logSoftmax: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /**
   * Given y = softmax(x) (or log-softmax when `log`): softmax dx = y ⊙ (dy − Σ dy⊙y);
   * log-softmax dx = dy − exp(y) ⊙ Σ dy (sums over the last axis).
   */
  softmaxBackward: {
    inputs: { y: T; dy: T };
    outputs: { dx: T };
    inouts: NoTensors;
    attrs: { log: boolean };
  };
  /**
   * y = op(a) @ op(b), op = transpose of the last two dims when trans*. a (...,M,K), b (...,K,N) →
   * (...,M,N); batch dims broadcast like `binary`. Both ranks ≥ 2 (the Tensor layer lifts vectors).
   */
  matmul: {
    inputs: { a: T; b: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { transA: boolean; transB: boolean };
  };
  /** y = x with axes reordered: y.shape[i] = x.shape[perm[i]]. (2,3,4) perm [2,0,1] → (4,2,3). */
  permute: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { perm: number[] } };
  /** y = x[starts[0]:ends[0], starts[1]:ends[1], ...] (step 1, one start/end per axis). */
  slice: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { starts: number[]; ends: number[] };
  };
  /** dx = zeros(inputShape) with dy written at `starts` (the backward of slice: pad into zeros). */
  sliceBackward: {
    inputs: { dy: T };
    outputs: { dx: T };
    inouts: NoTensors;
    attrs: { starts: number[]; inputShape: number[] };
  };
  /** y = the xs joined along `axis`; all other dims equal. (2,3)+(2,5) axis 1 → (2,8). */
  concat: { inputs: { xs: readonly T[] }; outputs: { y: T }; inouts: NoTensors; attrs: { axis: number } };
  /** Embedding lookup: y[..., :] = table[ids[...], :]. table (V,...R), ids i32 (...I) → (...I,...R). */
  gather: { inputs: { table: T; ids: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** Backward of gather: y = zeros(rows,...R); y[ids[i]] += src[i]. ids (...I), src (...I,...R). */
  scatterAdd: { inputs: { ids: T; src: T }; outputs: { y: T }; inouts: NoTensors; attrs: { rows: number } };
  /** y = cond ≠ 0 ? a : b, all three broadcast together; a and b share a dtype. */
  where: { inputs: { cond: T; a: T; b: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** y = x converted to `dtype` (float → int truncates toward zero; f16 rounds to nearest even). */
  cast: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { dtype: DType } };
  /** y = value everywhere. */
  fill: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: DType; value: number };
  };
  /** y_i = start + i · step, i < size. */
  arange: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { start: number; step: number; size: number; dtype: DType };
  };
  /**
   * Over the last axis C: mean = Σx/C, rstd = 1/√(Σ(x−mean)²/C + eps), y = (x−mean)·rstd·w + b.
   * x (...,C), weight (C), bias (C) → y (...,C), mean (...), rstd (...) (stats f32, or f64 for f64 x).
   */
  layerNorm: {
    inputs: { x: T; weight: T; bias: T };
    outputs: { y: T; mean: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** Backward of layerNorm from the saved mean/rstd → dx (...,C), dweight (C), dbias (C). */
  layerNormBackward: {
    inputs: { x: T; weight: T; mean: T; rstd: T; dy: T };
    outputs: { dx: T; dweight: T; dbias: T };
    inouts: NoTensors;
    attrs: NoTensors;
  };
  /** rstd = 1/√(Σx²/C + eps), y = x·rstd·w over the last axis (Llama RMSNorm). */
  rmsNorm: {
    inputs: { x: T; weight: T };
    outputs: { y: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** Backward of rmsNorm → dx (...,C), dweight (C). */
  rmsNormBackward: {
    inputs: { x: T; weight: T; rstd: T; dy: T };
    outputs: { dx: T; dweight: T };
    inouts: NoTensors;
    attrs: NoTensors;
  };
  /**
   * Scaled dot-product attention. q (B,H,T,D), k/v (B,Hkv,S,D), H % Hkv == 0 (query head h reads kv
   * head ⌊h·Hkv/H⌋: GQA/MQA). s = q·kᵀ·scale; with `causal` query t sees keys j ≤ t + (S−T) (the
   * KV-cache offset); p = softmax(s); o = p·v (B,H,T,D); lse = log Σ exp(s) (B,H,T) (f32/f64).
   */
  attention: {
    inputs: { q: T; k: T; v: T };
    outputs: { o: T; lse: T };
    inouts: NoTensors;
    attrs: { causal: boolean; scale: number };
  };
  /** Backward of attention (recomputes p from lse) → dq (B,H,T,D), dk, dv (B,Hkv,S,D). */
  attentionBackward: {
    inputs: { q: T; k: T; v: T; o: T; lse: T; dout: T };
    outputs: { dq: T; dk: T; dv: T };
    inouts: NoTensors;
    attrs: { causal: boolean; scale: number };
  };
  /**
   * Per-row cross entropy. logits (N,V), targets i32 (N), weights (N) optional → lse (N) =
   * log Σ exp(logits), loss (N) = w·(lse − logits[target]); rows whose target is `ignoreIndex` give
   * loss 0. Reductions (mean over non-ignored weight, sum) happen in the Tensor layer.
   */
  crossEntropy: {
    inputs: { logits: T; targets: T; weights?: T };
    outputs: { loss: T; lse: T };
    inouts: NoTensors;
    attrs: { ignoreIndex: number };
  };
  /** dlogits[n,:] = dloss[n]·w[n]·(softmax(logits[n]) − onehot(target[n])), 0 for ignored rows. */
  crossEntropyBackward: {
    inputs: { logits: T; targets: T; weights?: T; lse: T; dloss: T };
    outputs: { dlogits: T };
    inouts: NoTensors;
    attrs: { ignoreIndex: number };
  };
  /**
   * Rotary embedding, rotate-half layout (HF Llama): for i < D/2, position p = offset + t,
   * θ_i = theta^(−2i/D), (x_i, x_{i+D/2}) → (x_i·cos − x_{i+D/2}·sin, x_{i+D/2}·cos + x_i·sin).
   * `inverse` rotates by −pθ (the backward). x (B,H,T,D), D even.
   */
  rope: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { theta: number; offset: number; inverse: boolean };
  };
  /** y_i = u_i < p ? 0 : x_i/(1−p), u_i = philoxUniform(seed, offset, i). Backward = same op on dy. */
  dropout: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { p: number; seed: number; offset: number };
  };
  /** y_i = low + (high − low)·philoxUniform(seed, offset, i). */
  randomUniform: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: FloatDType; seed: number; offset: number; low: number; high: number };
  };
  /** y_i = mean + std·philoxNormal(seed, offset, i) (Box–Muller, see philox.ts). */
  randomNormal: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: FloatDType; seed: number; offset: number; mean: number; std: number };
  };
  /**
   * In-place AdamW step (torch.optim.AdamW): p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g;
   * v ← β2·v + (1−β2)·g²; p ← p − lr·(m/(1−β1^step)) / (√(v/(1−β2^step)) + eps).
   */
  adamw: { inputs: { grad: T }; outputs: NoTensors; inouts: { param: T; m: T; v: T }; attrs: AdamWAttrs };
  /**
   * One token per row. logits (B,V) → ids i32 (B). temperature 0: argmax. Otherwise
   * p = softmax(logits/temperature); keep the topK largest (ties: lower index), then the smallest
   * set of largest p whose mass reaches topP, then drop p < minP·max p; draw u = philoxUniform(seed,
   * offset, b) and return the first kept token, in vocabulary order, whose running sum of kept p
   * exceeds u·Σ kept p.
   */
  sampleTokens: { inputs: { logits: T }; outputs: { ids: T }; inouts: NoTensors; attrs: SampleAttrs };
}

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

// ---------------------------------------------------------------------------------------------------
// Shape helpers (used by inference, kernels and the Tensor layer).

/** Number of elements: `sizeOf([2,3]) === 6`, `sizeOf([]) === 1` (a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: `stridesOf([2,3,4])` → `[12,4,1]`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Same dims in the same order. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The numpy broadcast of shapes: `broadcastShapes('add', [2,1,3], [4,1])` → `[2,4,3]`.
 * Throws ShapeError naming the op and both shapes when a pair of dims is neither equal nor 1.
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError({
        operation: op,
        expected: 'shapes that broadcast (each dim equal or 1, aligned on the right)',
        found: `${formatShape(a)} and ${formatShape(b)}`,
        hint: 'reshape one operand, e.g. add a size-1 axis with unsqueeze()',
      });
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** `axis` in [−rank, rank) → [0, rank); ShapeError otherwise. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError({
      operation: op,
      expected: `an integer axis in [${-rank}, ${rank})`,
      found: String(axis),
      hint: 'negative axes count from the end (-1 is the last)',
    });
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises, sorts and de-duplicates axes; `undefined` means all axes. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const set = new Set(list.map((a) => normalizeAxis(op, a, rank)));
  return [...set].sort((x, y) => x - y);
}

/** Statistics (mean, rstd, lse, per-row loss) are f64 for f64 inputs, f32 otherwise. */
export function statDType(dtype: DType): DType {
  return dtype === 'f64' ? 'f64' : 'f32';
}

function requireFloat(op: string, name: string, t: TensorMeta): void {
  if (!isFloatDType(t.dtype)) {
    throw new DTypeError({
      operation: op,
      expected: `${name} of a float dtype (f32, f16, f64)`,
      found: t.dtype,
      hint: `cast it first: ${name}.cast('f32')`,
    });
  }
}

function requireDType(op: string, name: string, t: TensorMeta, dtype: DType): void {
  if (t.dtype !== dtype) {
    throw new DTypeError({
      operation: op,
      expected: `${name} of dtype ${dtype}`,
      found: t.dtype,
      hint: `cast it first: ${name}.cast('${dtype}')`,
    });
  }
}

function requireSameDType(op: string, names: string, a: TensorMeta, b: TensorMeta): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError({
      operation: op,
      expected: `${names} of the same dtype`,
      found: `${a.dtype} and ${b.dtype}`,
      hint: 'cast one of them so both match',
    });
  }
}

function requireShape(
  op: string,
  name: string,
  t: TensorMeta,
  shape: readonly number[],
  hint?: string,
): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of shape ${formatShape(shape)}`,
      found: formatShape(t.shape),
      ...(hint ? { hint } : {}),
    });
  }
}

function requireRank(op: string, name: string, t: TensorMeta, rank: number, layout: string): void {
  if (t.shape.length !== rank) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of rank ${rank} ${layout}`,
      found: formatShape(t.shape),
      hint: 'reshape it first',
    });
  }
}

function requireMinRank(op: string, name: string, t: TensorMeta, rank: number): void {
  if (t.shape.length < rank) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of rank ≥ ${rank}`,
      found: formatShape(t.shape),
      hint: 'add leading axes with reshape()',
    });
  }
}

function requireShapeAttr(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError({
        operation: op,
        expected: 'a shape of non-negative integers',
        found: formatShape(shape),
      });
    }
  }
}

function requireAxes(op: string, axes: readonly number[], rank: number): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= rank || (i > 0 && a <= axes[i - 1]!)) {
      throw new ShapeError({
        operation: op,
        expected: `ascending unique axes in [0, ${rank})`,
        found: `[${axes.join(',')}]`,
        hint: 'normalise them with normalizeAxes()',
      });
    }
  }
}

function lastDim(t: TensorMeta): number {
  return t.shape[t.shape.length - 1] ?? 1;
}

// ---------------------------------------------------------------------------------------------------
// Inference: one function per op. Each validates its inputs and returns the output metas.

type Infer<K extends OpName> = (
  inputs: OpInputs<K, TensorMeta>,
  inouts: OpInouts<K, TensorMeta>,
  attrs: OpAttrs<K>,
) => OpOutputs<K, TensorMeta>;

const same = (t: TensorMeta): TensorMeta => ({ shape: [...t.shape], dtype: t.dtype });

function inferBinaryDType(op: string, kind: BinaryKind, dtype: DType): DType {
  if (isIntDType(dtype) && (kind === 'div' || kind === 'pow')) {
    throw new DTypeError({
      operation: op,
      expected: `float operands for ${kind}`,
      found: dtype,
      hint: "cast to 'f32' first",
    });
  }
  if (isCompareKind(kind)) return isFloatDType(dtype) ? dtype : 'f32';
  return dtype;
}

function inferAttention(op: string, q: TensorMeta, k: TensorMeta, v: TensorMeta, causal: boolean): void {
  requireFloat(op, 'q', q);
  requireRank(op, 'q', q, 4, '(B,H,T,D)');
  requireRank(op, 'k', k, 4, '(B,Hkv,S,D)');
  requireSameDType(op, 'q and k', q, k);
  requireSameDType(op, 'q and v', q, v);
  const [B, H, T, D] = q.shape as [number, number, number, number];
  const [Bk, Hkv, S, Dk] = k.shape as [number, number, number, number];
  if (Bk !== B || Dk !== D || Hkv === 0 || H % Hkv !== 0) {
    throw new ShapeError({
      operation: op,
      expected: 'k of shape (B,Hkv,S,D) with the batch and head size of q and H % Hkv == 0',
      found: `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}`,
      hint: 'heads go on axis 1: transpose (B,T,H,D) to (B,H,T,D) first',
    });
  }
  requireShape(op, 'v', v, k.shape, 'v must have the shape of k');
  if (causal && S < T) {
    throw new ShapeError({
      operation: op,
      expected: 'causal attention with at least as many keys as queries (S ≥ T)',
      found: `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}`,
      hint: 'with a KV cache, k/v hold the cached keys plus the new ones',
    });
  }
}

function inferCrossEntropy(
  op: string,
  logits: TensorMeta,
  targets: TensorMeta,
  weights: TensorMeta | undefined,
): number {
  requireFloat(op, 'logits', logits);
  requireRank(op, 'logits', logits, 2, '(N,V)');
  const N = logits.shape[0]!;
  requireDType(op, 'targets', targets, 'i32');
  requireShape(op, 'targets', targets, [N], 'one target id per row of logits');
  if (weights) {
    requireFloat(op, 'weights', weights);
    requireShape(op, 'weights', weights, [N], 'one weight per row of logits');
  }
  return N;
}

function inferRandom(op: string, shape: number[], dtype: DType): { y: TensorMeta } {
  requireShapeAttr(op, shape);
  if (!isFloatDType(dtype)) {
    throw new DTypeError({ operation: op, expected: 'a float dtype', found: dtype, hint: "use 'f32'" });
  }
  return { y: { shape: [...shape], dtype } };
}

function matmulDims(t: TensorMeta, trans: boolean): [number, number] {
  const r = t.shape.length;
  const rows = t.shape[r - 2]!;
  const cols = t.shape[r - 1]!;
  return trans ? [cols, rows] : [rows, cols];
}

/** Shape/dtype inference and validation of every op (a typed record: a missing op is a compile error). */
export const OP_INFERENCE: { [K in OpName]: Infer<K> } = {
  unary: ({ x }) => {
    requireFloat('unary', 'x', x);
    return { y: same(x) };
  },
  unaryGrad: ({ x, dy }) => {
    requireFloat('unaryGrad', 'x', x);
    requireSameDType('unaryGrad', 'x and dy', x, dy);
    requireShape('unaryGrad', 'dy', dy, x.shape);
    return { dx: same(x) };
  },
  binary: ({ a, b }, _io, { op }) => {
    requireSameDType(op, 'a and b', a, b);
    return { y: { shape: broadcastShapes(op, a.shape, b.shape), dtype: inferBinaryDType(op, op, a.dtype) } };
  },
  binaryScalar: ({ a }, _io, { op, scalar }) => {
    if (typeof scalar !== 'number') {
      throw new DTypeError({ operation: op, expected: 'a number scalar', found: typeof scalar });
    }
    return { y: { shape: [...a.shape], dtype: inferBinaryDType(op, op, a.dtype) } };
  },
  reduce: ({ x }, _io, { op, axes, keepDims }) => {
    requireAxes(op, axes, x.shape.length);
    if (op === 'mean') requireFloat(op, 'x', x);
    if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
      throw new ShapeError({
        operation: op,
        expected: 'non-empty reduced axes',
        found: formatShape(x.shape),
        hint: 'max/min of nothing is undefined',
      });
    }
    const shape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return { y: { shape, dtype: x.dtype } };
  },
  expand: ({ x }, _io, { shape }) => {
    requireShapeAttr('expand', shape);
    const ok =
      x.shape.length <= shape.length &&
      x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.shape.length + i]);
    if (!ok) {
      throw new ShapeError({
        operation: 'expand',
        expected: `a shape that broadcasts to ${formatShape(shape)}`,
        found: formatShape(x.shape),
        hint: 'only size-1 (or missing leading) dims can stretch',
      });
    }
    return { y: { shape: [...shape], dtype: x.dtype } };
  },
  argmax: ({ x }, _io, { axis, keepDims }) => {
    requireAxes('argmax', [axis], x.shape.length);
    if (x.shape[axis] === 0) {
      throw new ShapeError({
        operation: 'argmax',
        expected: 'a non-empty axis',
        found: formatShape(x.shape),
      });
    }
    const shape = keepDims
      ? x.shape.map((d, i) => (i === axis ? 1 : d))
      : x.shape.filter((_, i) => i !== axis);
    return { indices: { shape, dtype: 'i32' } };
  },
  topK: ({ x }, _io, { k }) => {
    requireMinRank('topK', 'x', x, 1);
    const V = lastDim(x);
    if (!Number.isInteger(k) || k < 1 || k > V) {
      throw new ShapeError({
        operation: 'topK',
        expected: `k in [1, ${V}] (the size of the last axis)`,
        found: `k=${k} for x ${formatShape(x.shape)}`,
      });
    }
    const shape = [...x.shape.slice(0, -1), k];
    return { values: { shape, dtype: x.dtype }, indices: { shape: [...shape], dtype: 'i32' } };
  },
  softmax: ({ x }) => {
    requireFloat('softmax', 'x', x);
    requireMinRank('softmax', 'x', x, 1);
    return { y: same(x) };
  },
  logSoftmax: ({ x }) => {
    requireFloat('logSoftmax', 'x', x);
    requireMinRank('logSoftmax', 'x', x, 1);
    return { y: same(x) };
  },
  softmaxBackward: ({ y, dy }) => {
    requireFloat('softmaxBackward', 'y', y);
    requireSameDType('softmaxBackward', 'y and dy', y, dy);
    requireShape('softmaxBackward', 'dy', dy, y.shape);
    return { dx: same(y) };
  },
  matmul: ({ a, b }, _io, { transA, transB }) => {
    requireFloat('matmul', 'a', a);
    requireSameDType('matmul', 'a and b', a, b);
    requireMinRank('matmul', 'a', a, 2);
    requireMinRank('matmul', 'b', b, 2);
    const [M, K] = matmulDims(a, transA);
    const [K2, N] = matmulDims(b, transB);
    if (K !== K2) {
      throw new ShapeError({
        operation: 'matmul',
        expected: 'inner dimensions to match',
        found: `${formatShape(a.shape)}${transA ? 'ᵀ' : ''} @ ${formatShape(b.shape)}${transB ? 'ᵀ' : ''}`,
        hint: 'transpose the right operand?',
      });
    }
    const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { y: { shape: [...batch, M, N], dtype: a.dtype } };
  },
  permute: ({ x }, _io, { perm }) => {
    const r = x.shape.length;
    const seen = new Set(perm);
    if (perm.length !== r || seen.size !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r)) {
      throw new ShapeError({
        operation: 'permute',
        expected: `a permutation of [0..${r - 1}]`,
        found: `[${perm.join(',')}] for x ${formatShape(x.shape)}`,
      });
    }
    return { y: { shape: perm.map((p) => x.shape[p]!), dtype: x.dtype } };
  },
  slice: ({ x }, _io, { starts, ends }) => {
    const r = x.shape.length;
    const bad =
      starts.length !== r ||
      ends.length !== r ||
      starts.some((s, i) => !Number.isInteger(s) || s < 0 || s > ends[i]! || ends[i]! > x.shape[i]!);
    if (bad) {
      throw new ShapeError({
        operation: 'slice',
        expected: `one 0 ≤ start ≤ end ≤ dim per axis of ${formatShape(x.shape)}`,
        found: `starts [${starts.join(',')}], ends [${ends.join(',')}]`,
      });
    }
    return { y: { shape: starts.map((s, i) => ends[i]! - s), dtype: x.dtype } };
  },
  sliceBackward: ({ dy }, _io, { starts, inputShape }) => {
    requireShapeAttr('sliceBackward', inputShape);
    const ok =
      starts.length === inputShape.length &&
      dy.shape.length === inputShape.length &&
      starts.every((s, i) => s >= 0 && s + dy.shape[i]! <= inputShape[i]!);
    if (!ok) {
      throw new ShapeError({
        operation: 'sliceBackward',
        expected: `dy that fits in ${formatShape(inputShape)} at [${starts.join(',')}]`,
        found: formatShape(dy.shape),
      });
    }
    return { dx: { shape: [...inputShape], dtype: dy.dtype } };
  },
  concat: ({ xs }, _io, { axis }) => {
    const first = xs[0];
    if (!first) {
      throw new ShapeError({ operation: 'concat', expected: 'at least one tensor', found: 'none' });
    }
    requireAxes('concat', [axis], first.shape.length);
    let total = 0;
    for (const t of xs) {
      requireSameDType('concat', 'all tensors', first, t);
      const ok =
        t.shape.length === first.shape.length && t.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new ShapeError({
          operation: 'concat',
          expected: `shapes equal except on axis ${axis}`,
          found: xs.map((u) => formatShape(u.shape)).join(', '),
        });
      }
      total += t.shape[axis]!;
    }
    return { y: { shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype: first.dtype } };
  },
  gather: ({ table, ids }) => {
    requireMinRank('gather', 'table', table, 1);
    requireDType('gather', 'ids', ids, 'i32');
    return { y: { shape: [...ids.shape, ...table.shape.slice(1)], dtype: table.dtype } };
  },
  scatterAdd: ({ ids, src }, _io, { rows }) => {
    requireDType('scatterAdd', 'ids', ids, 'i32');
    requireFloat('scatterAdd', 'src', src);
    const ok = src.shape.length >= ids.shape.length && ids.shape.every((d, i) => src.shape[i] === d);
    if (!ok || !Number.isInteger(rows) || rows < 0) {
      throw new ShapeError({
        operation: 'scatterAdd',
        expected: 'src of shape (...ids.shape, ...rest) and integer rows ≥ 0',
        found: `ids ${formatShape(ids.shape)}, src ${formatShape(src.shape)}, rows ${rows}`,
      });
    }
    return { y: { shape: [rows, ...src.shape.slice(ids.shape.length)], dtype: src.dtype } };
  },
  where: ({ cond, a, b }) => {
    requireSameDType('where', 'a and b', a, b);
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
    return { y: { shape, dtype: a.dtype } };
  },
  cast: ({ x }, _io, { dtype }) => ({ y: { shape: [...x.shape], dtype } }),
  fill: (_in, _io, { shape, dtype }) => {
    requireShapeAttr('fill', shape);
    return { y: { shape: [...shape], dtype } };
  },
  arange: (_in, _io, { size, dtype }) => {
    requireShapeAttr('arange', [size]);
    return { y: { shape: [size], dtype } };
  },
  layerNorm: ({ x, weight, bias }) => {
    requireFloat('layerNorm', 'x', x);
    requireMinRank('layerNorm', 'x', x, 1);
    const C = lastDim(x);
    requireShape('layerNorm', 'weight', weight, [C], 'one weight per channel (last axis of x)');
    requireShape('layerNorm', 'bias', bias, [C], 'one bias per channel (last axis of x)');
    requireSameDType('layerNorm', 'x and weight', x, weight);
    requireSameDType('layerNorm', 'x and bias', x, bias);
    const rows = { shape: x.shape.slice(0, -1), dtype: statDType(x.dtype) };
    return { y: same(x), mean: rows, rstd: { ...rows, shape: [...rows.shape] } };
  },
  layerNormBackward: ({ x, weight, mean, rstd, dy }) => {
    requireFloat('layerNormBackward', 'x', x);
    const C = lastDim(x);
    requireShape('layerNormBackward', 'weight', weight, [C]);
    requireShape('layerNormBackward', 'mean', mean, x.shape.slice(0, -1));
    requireShape('layerNormBackward', 'rstd', rstd, x.shape.slice(0, -1));
    requireShape('layerNormBackward', 'dy', dy, x.shape);
    return { dx: same(x), dweight: same(weight), dbias: same(weight) };
  },
  rmsNorm: ({ x, weight }) => {
    requireFloat('rmsNorm', 'x', x);
    requireMinRank('rmsNorm', 'x', x, 1);
    requireShape('rmsNorm', 'weight', weight, [lastDim(x)], 'one weight per channel (last axis of x)');
    requireSameDType('rmsNorm', 'x and weight', x, weight);
    return { y: same(x), rstd: { shape: x.shape.slice(0, -1), dtype: statDType(x.dtype) } };
  },
  rmsNormBackward: ({ x, weight, rstd, dy }) => {
    requireFloat('rmsNormBackward', 'x', x);
    requireShape('rmsNormBackward', 'weight', weight, [lastDim(x)]);
    requireShape('rmsNormBackward', 'rstd', rstd, x.shape.slice(0, -1));
    requireShape('rmsNormBackward', 'dy', dy, x.shape);
    return { dx: same(x), dweight: same(weight) };
  },
  attention: ({ q, k, v }, _io, { causal }) => {
    inferAttention('attention', q, k, v, causal);
    return { o: same(q), lse: { shape: q.shape.slice(0, 3), dtype: statDType(q.dtype) } };
  },
  attentionBackward: ({ q, k, v, o, lse, dout }, _io, { causal }) => {
    inferAttention('attentionBackward', q, k, v, causal);
    requireShape('attentionBackward', 'o', o, q.shape);
    requireShape('attentionBackward', 'dout', dout, q.shape);
    requireShape('attentionBackward', 'lse', lse, q.shape.slice(0, 3));
    return { dq: same(q), dk: same(k), dv: same(v) };
  },
  crossEntropy: ({ logits, targets, weights }) => {
    const N = inferCrossEntropy('crossEntropy', logits, targets, weights);
    const dtype = statDType(logits.dtype);
    return { loss: { shape: [N], dtype }, lse: { shape: [N], dtype } };
  },
  crossEntropyBackward: ({ logits, targets, weights, lse, dloss }) => {
    const N = inferCrossEntropy('crossEntropyBackward', logits, targets, weights);
    requireShape('crossEntropyBackward', 'lse', lse, [N]);
    requireShape('crossEntropyBackward', 'dloss', dloss, [N]);
    return { dlogits: same(logits) };
  },
  rope: ({ x }) => {
    requireFloat('rope', 'x', x);
    requireRank('rope', 'x', x, 4, '(B,H,T,D)');
    if (lastDim(x) % 2 !== 0) {
      throw new ShapeError({
        operation: 'rope',
        expected: 'an even head size D',
        found: formatShape(x.shape),
        hint: 'rotary embedding rotates pairs (i, i + D/2)',
      });
    }
    return { y: same(x) };
  },
  dropout: ({ x }, _io, { p }) => {
    requireFloat('dropout', 'x', x);
    if (!(p >= 0 && p < 1)) {
      throw new ShapeError({ operation: 'dropout', expected: 'p in [0, 1)', found: String(p) });
    }
    return { y: same(x) };
  },
  randomUniform: (_in, _io, { shape, dtype }) => inferRandom('randomUniform', shape, dtype),
  randomNormal: (_in, _io, { shape, dtype }) => inferRandom('randomNormal', shape, dtype),
  adamw: ({ grad }, { param, m, v }) => {
    requireFloat('adamw', 'param', param);
    for (const [name, t] of [
      ['grad', grad],
      ['m', m],
      ['v', v],
    ] as const) {
      requireShape('adamw', name, t, param.shape, 'optimizer state must match its parameter');
      requireSameDType('adamw', `param and ${name}`, param, t);
    }
    return {};
  },
  sampleTokens: ({ logits }, _io, { topK }) => {
    requireFloat('sampleTokens', 'logits', logits);
    requireRank('sampleTokens', 'logits', logits, 2, '(B,V)');
    if (!Number.isInteger(topK) || topK < 0) {
      throw new ShapeError({
        operation: 'sampleTokens',
        expected: 'topK an integer ≥ 0 (0 = off)',
        found: String(topK),
      });
    }
    return { ids: { shape: [logits.shape[0]!], dtype: 'i32' } };
  },
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
