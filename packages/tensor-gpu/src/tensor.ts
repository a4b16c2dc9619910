/**
 * Tensor: the friendly handle over backend storage, with reverse-mode autograd.
 *
 * - Always contiguous row-major. `reshape` is free (a new handle on the same storage, refcounted);
 *   permute/slice/concat copy through kernels.
 * - `dispose()` frees the handle (the storage returns to the pool when no handle or saved-for-backward
 *   reference remains); using a disposed tensor raises DisposedError naming the op. `tidy(fn)` disposes
 *   what `fn` created and did not return.
 * - Autograd: mark leaves with `requireGrad()`; every op on a tensor that requires grad is recorded;
 *   `loss.backward()` accumulates `.grad` on the leaves.
 * - Tensor is the leaf of the core: it imports no op. Its op methods (`x.matmul(y)`, `x.sum()`,
 *   `loss.backward()`) forward to the differentiable functions of `src/ops/` through a table
 *   (`TensorMethods`) that the package entry installs once, as tfjs-core's op handler does. So the
 *   import graph has no cycle: ops import Tensor, Tensor imports none of them.
 *
 * Legend for shape comments in this package: B batch, T time, C channels, V vocab, H heads, D head size.
 *
 * @example
 * ```ts
 * const w = tensor([[1, 2], [3, 4]]).requireGrad();
 * const loss = w.mul(w).sum();   // Σ w²
 * loss.backward();
 * await w.grad!.data();          // Float32Array [2, 4, 6, 8]
 * ```
 */

import { describeValue, hostArrayFor, requireBackend } from './arguments.js';
import type { GradNode } from './autograd/node.js';
import { keep as keepTensor, track } from './autograd/tidy.js';
import type { Backend, DeviceTensor } from './backend/backend.js';
import {
  type DType,
  type DTypeArrayMap,
  fromF16Bits,
  isFloatDType,
  type TypedArray,
} from './backend/dtype.js';
import type { BinaryKind, ReduceKind, UnaryKind } from './backend/ops.js';
import { normalizeAxis, sizeOf } from './backend/ops.js';
import { ArgumentError, BackendError, DisposedError, DTypeError, formatShape, ShapeError } from './errors.js';
import type { MatmulOptions, ReduceOptions } from './ops/types.js';
import { countTensor, Storage } from './storage.js';

/** Options of `backward()`. */
export interface BackwardOptions {
  /** The gradient of the output (default ones; required shape = output shape). */
  grad?: Tensor;
  /** Keep saved tensors so backward can run again through the same graph (default false). */
  retainGraph?: boolean;
}

/**
 * The functions behind Tensor's op methods: `x.matmul(y)` is `methods.matmul(x, y)`. The
 * differentiable functions of `src/ops/` fill it (`TENSOR_METHODS` in `ops/tensor-methods.ts`) and
 * the package entry installs it once; Tensor itself imports no op, so the ops can import Tensor.
 */
export interface TensorMethods {
  binary(a: Tensor, b: Tensor, op: BinaryKind): Tensor;
  binaryScalar(a: Tensor, op: BinaryKind, scalar: number, reverse?: boolean): Tensor;
  unary(x: Tensor, op: UnaryKind): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  reshape(x: Tensor, shape: readonly number[]): Tensor;
  permute(x: Tensor, perm: readonly number[]): Tensor;
  transpose(x: Tensor, a?: number, b?: number): Tensor;
  expand(x: Tensor, shape: readonly number[]): Tensor;
  slice(x: Tensor, starts: readonly number[], ends?: readonly number[]): Tensor;
  narrow(x: Tensor, axis: number, start: number, length: number): Tensor;
  split(x: Tensor, sizes: number | readonly number[], axis?: number): Tensor[];
  reduce(x: Tensor, op: ReduceKind, axes?: number | readonly number[], options?: ReduceOptions): Tensor;
  matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor;
  softmax(x: Tensor, axis?: number): Tensor;
  logSoftmax(x: Tensor, axis?: number): Tensor;
  argmax(x: Tensor, axis?: number, keepDims?: boolean): Tensor;
  topK(x: Tensor, k: number): { values: Tensor; indices: Tensor };
  backward(root: Tensor, options?: BackwardOptions): void;
}

let installed: TensorMethods | undefined;

/**
 * Installs the functions behind Tensor's op methods. The package entry (`src/index.ts`) does it
 * once with `TENSOR_METHODS`; code that imports `src/` modules directly, without the entry, calls
 * it itself.
 *
 * @example
 * ```ts
 * import { TENSOR_METHODS } from './ops/tensor-methods.js';
 * installTensorMethods(TENSOR_METHODS);
 * ```
 */
export function installTensorMethods(methods: TensorMethods): void {
  installed = methods;
}

function methods(): TensorMethods {
  if (installed) return installed;
  throw new BackendError({
    operation: 'Tensor methods (x.add(y), x.matmul(y), loss.backward(), ...)',
    expected: 'the differentiable functions installed behind the Tensor methods',
    found: 'none installed',
    hint: "import from '@llmforge/tensor-gpu' (its entry installs them), or call installTensorMethods(TENSOR_METHODS) from src/ops/tensor-methods.ts",
  });
}

let nextId = 1;

type Operand = Tensor | number;

/** A tensor. Create with `tensor()`, `zeros()`, `randn()`, ... */
export class Tensor {
  /** Dims, outermost first; `[]` for a scalar. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
  /** Unique per handle (debugging). */
  readonly id = nextId++;
  private readonly storage: Storage;
  private disposed = false;
  private _requiresGrad = false;
  private _grad: Tensor | null = null;
  /** @internal the tape node that produced this tensor. */
  _node: GradNode | null = null;

  /** @internal use `tensor()` and friends. */
  constructor(storage: Storage, shape: readonly number[], dtype: DType, tracked = true) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.backend = storage.backend;
    storage.retain();
    countTensor(storage.backend, 1);
    if (tracked) track(this);
  }

  /** @internal a new tensor with fresh (uninitialised) storage from the backend's pool. */
  static _allocate(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(Storage.allocate(backend, dtype, sizeOf(shape)), shape, dtype);
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dims. */
  get rank(): number {
    return this.shape.length;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * The number of in-place writes into this tensor's data so far (`assign`, optimizer steps,
   * `loadStateDict`, ...), shared with the views on the same storage (reshape, detach), like
   * torch's `_version`. `backward()` raises InplaceModificationError when a tensor the forward pass
   * saved has a newer version.
   *
   * @example
   * ```ts
   * const w = zeros([2]);
   * w.version; // 0
   * w.assign(new Float32Array([1, 2]));
   * w.version; // 1
   * ```
   */
  get version(): number {
    return this.storage.version;
  }

  /** @internal records an in-place write into this tensor's storage (see `version`). */
  _bumpVersion(): void {
    this.storage.version++;
  }

  /** True when gradients flow to (leaf) or through (op output) this tensor. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  /** The accumulated gradient of a leaf after `backward()` (null before). */
  get grad(): Tensor | null {
    return this._grad;
  }

  set grad(g: Tensor | null) {
    this._setGrad(g === null ? null : keepTensor(g));
  }

  /** @internal */
  _setGrad(g: Tensor | null): void {
    if (this._grad && this._grad !== g) this._grad.dispose();
    this._grad = g;
  }

  /** Frees this leaf's gradient (`optimizer.zeroGrad()` calls it). */
  zeroGrad(): void {
    this._setGrad(null);
  }

  /**
   * Marks a leaf as a parameter whose gradient `backward()` accumulates into `.grad`; returns it.
   *
   * @example
   * ```ts
   * const w = randn([4, 4], gen).requireGrad();
   * ```
   */
  requireGrad(flag = true): this {
    if (this._node) {
      throw new BackendError({
        operation: 'requireGrad',
        expected: 'a leaf tensor (not the output of a recorded op)',
        found: 'an op output',
        hint: 'call detach() first to make a new leaf',
      });
    }
    if (flag && !isFloatDType(this.dtype)) {
      throw new DTypeError({
        operation: 'requireGrad',
        expected: 'a float tensor',
        found: this.dtype,
        hint: 'integer tensors (ids) have no gradient',
      });
    }
    this._requiresGrad = flag;
    return this;
  }

  /** @internal */
  _setRecorded(node: GradNode): void {
    this._node = node;
    node.retain();
    this._requiresGrad = true;
  }

  /** @internal throws DisposedError when this handle was disposed. */
  _assertLive(op: string): void {
    if (this.disposed) {
      throw new DisposedError({
        operation: op,
        expected: 'a live tensor',
        found: `a disposed ${this.dtype} tensor of shape ${formatShape(this.shape)}`,
        hint: 'it was disposed by dispose() or at the end of a tidy(); return it from tidy or keep() it',
      });
    }
    if (this.backend.disposed) {
      throw new DisposedError({
        operation: op,
        expected: 'a tensor on a live backend',
        found: `a tensor on a disposed ${this.backend.name} backend`,
        hint: 'its data went with the backend: create tensors on a live backend (or copy them with to() before disposing it)',
      });
    }
  }

  /** @internal the backend's view of this tensor. */
  _device(): DeviceTensor<unknown> {
    return { storage: this.storage.data, shape: this.shape, dtype: this.dtype };
  }

  /**
   * @internal true when this live handle is the only one on its storage: no view, copy kept by the
   * tape, or other handle would see a write into it (backward accumulates gradients in place then).
   */
  _ownsStorage(): boolean {
    return !this.disposed && !this.storage.shared;
  }

  /** @internal the raw storage handle. */
  _storageHandle(): never {
    return this.storage.data as never;
  }

  /** @internal a handle on the same storage with another shape (reshape). */
  _view(shape: readonly number[]): Tensor {
    return new Tensor(this.storage, shape, this.dtype);
  }

  /** @internal a handle on the same storage, untracked by tidy unless `tracked` (for the tape). */
  _share(tracked = false): Tensor {
    this._assertLive('share');
    return new Tensor(this.storage, this.shape, this.dtype, tracked);
  }

  /**
   * Releases this handle (idempotent). Its storage returns to the pool once no other handle (a
   * reshape, or the tape keeping it for backward) uses it; a leaf's `.grad` is disposed too.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    countTensor(this.backend, -1);
    this.storage.release();
    const node = this._node;
    this._node = null;
    node?.release();
    this._setGrad(null);
  }

  /** Exempts this tensor from every `tidy` scope; returns it. */
  keep(): this {
    return keepTensor(this);
  }

  // ------------------------------------------------------------------------------------------------
  // Reading back

  /**
   * A host copy of the data (waits for queued GPU work). f16 comes back widened to Float32Array.
   *
   * @example
   * ```ts
   * await tensor([1, 2]).data(); // Float32Array [1, 2]
   * ```
   */
  async data(): Promise<DTypeArrayMap[Exclude<DType, 'f16'>]> {
    this._assertLive('data');
    const raw = await this.backend.read(this.storage.data, this.dtype, this.size);
    return this.widen(raw);
  }

  /**
   * Synchronous `data()`, on backends that can (the CPU); BackendError on WebGPU.
   *
   * @example
   * ```ts
   * tensor([1, 2]).dataSync(); // Float32Array [1, 2]
   * ```
   */
  dataSync(): DTypeArrayMap[Exclude<DType, 'f16'>] {
    this._assertLive('dataSync');
    const readSync = this.backend.readSync;
    if (!readSync) {
      throw new BackendError({
        operation: 'dataSync',
        expected: 'a backend with synchronous reads (cpu)',
        found: this.backend.name,
        hint: 'use await tensor.data()',
      });
    }
    return this.widen(readSync.call(this.backend, this.storage.data, this.dtype, this.size));
  }

  private widen(raw: TypedArray): DTypeArrayMap[Exclude<DType, 'f16'>] {
    if (this.dtype !== 'f16') return raw as DTypeArrayMap[Exclude<DType, 'f16'>];
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = fromF16Bits(raw[i]!);
    return out;
  }

  /**
   * The single value of a one-element tensor.
   *
   * @example
   * ```ts
   * await loss.item(); // 2.31
   * ```
   */
  async item(): Promise<number> {
    this.assertOne('item');
    return (await this.data())[0]!;
  }

  /** Synchronous `item()` (CPU). */
  itemSync(): number {
    this.assertOne('itemSync');
    return this.dataSync()[0]!;
  }

  private assertOne(op: string): void {
    if (this.size !== 1) {
      throw new DTypeError({
        operation: op,
        expected: 'a tensor with one element',
        found: `shape ${formatShape(this.shape)}`,
        hint: 'use data() for several values',
      });
    }
  }

  /**
   * A nested-array copy (for printing and tests).
   *
   * @example
   * ```ts
   * await tensor([[1, 2], [3, 4]]).array(); // [[1, 2], [3, 4]]
   * ```
   */
  async array(): Promise<unknown> {
    const flat = Array.from(await this.data(), Number);
    const build = (dim: number, at: number): unknown => {
      if (dim === this.rank) return flat[at];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, at + i * stride));
    };
    return build(0, 0);
  }

  /** `Tensor(f32, (2,3), cpu)`. */
  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}, ${this.backend.name}${this.disposed ? ', disposed' : ''})`;
  }

  // ------------------------------------------------------------------------------------------------
  // Graph and copies

  /** Runs backpropagation from this (scalar) tensor; see `runBackward` in `autograd/backward.ts`. */
  backward(options: BackwardOptions = {}): void {
    methods().backward(this, options);
  }

  /** A handle on the same data that is not part of the graph (no copy). */
  detach(): Tensor {
    this._assertLive('detach');
    return this._view(this.shape);
  }

  /** A copy (differentiable). */
  clone(): Tensor {
    return methods().cast(this, this.dtype);
  }

  /** Converted to `dtype` (float → float differentiable). */
  cast(dtype: DType): Tensor {
    return methods().cast(this, dtype);
  }

  /**
   * This tensor's data on another backend (a copy through the host; not differentiable).
   *
   * @example
   * ```ts
   * const g = await x.to(gpuBackend);
   * ```
   */
  async to(backend: Backend): Promise<Tensor> {
    this._assertLive('to');
    requireBackend('to', backend);
    const raw = await this.backend.read(this.storage.data, this.dtype, this.size);
    const t = Tensor._allocate(backend, this.shape, this.dtype);
    backend.write(t.storage.data, raw);
    return t;
  }

  /**
   * Overwrites this tensor's data in place with another tensor's data (same size, dtype and backend)
   * or host values (as many as the tensor has elements, converted to its dtype; a Uint16Array is
   * taken as f16 bits for an f16 tensor). Not recorded by autograd, but counted in `version`: a
   * `backward()` that needs the old values raises InplaceModificationError. Use it to load weights
   * or reset optimizer state.
   *
   * @example
   * ```ts
   * w.assign(new Float32Array(w.size)); // zero the weights
   * w.assign([1, 2, 3, 4]);             // numbers, converted to w's dtype
   * ```
   */
  assign(source: Tensor | TypedArray | readonly number[]): this {
    this._assertLive('assign');
    if (source instanceof Tensor) {
      source._assertLive('assign');
      if (source.backend !== this.backend) {
        throw new BackendError({
          operation: 'assign',
          expected: `a source on the ${this.backend.name} backend`,
          found: `a tensor on ${source.backend.name}`,
          hint: 'move it first: await source.to(target.backend)',
        });
      }
      if (source.size !== this.size) {
        throw new ShapeError({
          operation: 'assign',
          expected: `a source of ${this.size} elements (shape ${formatShape(this.shape)})`,
          found: `${source.size} elements (shape ${formatShape(source.shape)})`,
          hint: 'slice or reshape the source so the element counts match',
        });
      }
      if (source.dtype !== this.dtype) {
        throw new DTypeError({
          operation: 'assign',
          expected: `a ${this.dtype} source`,
          found: source.dtype,
          hint: `cast it first: source.cast('${this.dtype}')`,
        });
      }
      if (source.storage !== this.storage) {
        this.backend.run('cast', {
          inputs: { x: { storage: source.storage.data, shape: [this.size], dtype: this.dtype } },
          outputs: { y: { storage: this.storage.data, shape: [this.size], dtype: this.dtype } },
          inouts: {},
          attrs: { dtype: this.dtype },
        });
      }
    } else {
      this.backend.write(this.storage.data, hostArrayFor('assign', this.dtype, this.size, source));
    }
    this.storage.version++;
    return this;
  }

  // ------------------------------------------------------------------------------------------------
  // Shape

  /** Same data, new shape (free; one −1 is inferred). */
  reshape(shape: readonly number[]): Tensor {
    return methods().reshape(this, shape);
  }

  /** Alias of reshape. */
  view(shape: readonly number[]): Tensor {
    return methods().reshape(this, shape);
  }

  /** All dims merged into one. */
  flatten(): Tensor {
    return methods().reshape(this, [-1]);
  }

  /** A new size-1 axis at `axis`. */
  unsqueeze(axis: number): Tensor {
    const a = normalizeAxis('unsqueeze', axis, this.rank + 1);
    return methods().reshape(this, [...this.shape.slice(0, a), 1, ...this.shape.slice(a)]);
  }

  /** Drops size-1 axes (all, or the one given). */
  squeeze(axis?: number): Tensor {
    const a = axis === undefined ? -1 : normalizeAxis('squeeze', axis, this.rank);
    return methods().reshape(
      this,
      this.shape.filter((d, i) => !(d === 1 && (a === -1 || i === a))),
    );
  }

  /** Axes reordered. */
  permute(perm: readonly number[]): Tensor {
    return methods().permute(this, perm);
  }

  /** Two axes swapped (default the last two). */
  transpose(a = -2, b = -1): Tensor {
    return methods().transpose(this, a, b);
  }

  /** Broadcast to a larger shape (copies; −1 keeps a dim). */
  expand(shape: readonly number[]): Tensor {
    return methods().expand(this, shape);
  }

  /** `x[starts:ends]` per axis. */
  slice(starts: readonly number[], ends?: readonly number[]): Tensor {
    return methods().slice(this, starts, ends);
  }

  /** `length` entries of `axis` from `start`. */
  narrow(axis: number, start: number, length: number): Tensor {
    return methods().narrow(this, axis, start, length);
  }

  /** Pieces along `axis`. */
  split(sizes: number | readonly number[], axis = -1): Tensor[] {
    return methods().split(this, sizes, axis);
  }

  // ------------------------------------------------------------------------------------------------
  // Elementwise

  private bin(op: BinaryKind, other: Operand): Tensor {
    if (typeof other === 'number') return methods().binaryScalar(this, op, other);
    if (other instanceof Tensor) return methods().binary(this, other, op);
    throw new ArgumentError({
      operation: op,
      expected: 'other a Tensor or a number',
      found: describeValue(other),
      hint: typeof other === 'string' ? 'convert it with Number(...)' : 'wrap host data with tensor(...)',
    });
  }

  /** this + other (broadcast). */
  add(other: Operand): Tensor {
    return this.bin('add', other);
  }
  /** this − other. */
  sub(other: Operand): Tensor {
    return this.bin('sub', other);
  }
  /** this · other. */
  mul(other: Operand): Tensor {
    return this.bin('mul', other);
  }
  /** this / other. */
  div(other: Operand): Tensor {
    return this.bin('div', other);
  }
  /** this ^ other. */
  pow(other: Operand): Tensor {
    return this.bin('pow', other);
  }
  /** Elementwise max. */
  maximum(other: Operand): Tensor {
    return this.bin('maximum', other);
  }
  /** Elementwise min. */
  minimum(other: Operand): Tensor {
    return this.bin('minimum', other);
  }
  /** 1 where equal (not differentiable). */
  eq(other: Operand): Tensor {
    return this.bin('eq', other);
  }
  /** 1 where different. */
  ne(other: Operand): Tensor {
    return this.bin('ne', other);
  }
  /** 1 where this < other. */
  lt(other: Operand): Tensor {
    return this.bin('lt', other);
  }
  /** 1 where this ≤ other. */
  le(other: Operand): Tensor {
    return this.bin('le', other);
  }
  /** 1 where this > other. */
  gt(other: Operand): Tensor {
    return this.bin('gt', other);
  }
  /** 1 where this ≥ other. */
  ge(other: Operand): Tensor {
    return this.bin('ge', other);
  }
  /** Limits values to [min, max] (gradient 1 inside, 0 outside; ½ exactly at a bound). */
  clamp(min: number, max: number): Tensor {
    const lo = methods().binaryScalar(this, 'maximum', min);
    const out = methods().binaryScalar(lo, 'minimum', max);
    lo.dispose();
    return out;
  }
  /** other − this, for a number (`x.rsub(1)` = 1 − x). */
  rsub(scalar: number): Tensor {
    return methods().binaryScalar(this, 'sub', scalar, true);
  }
  /** other / this, for a number. */
  rdiv(scalar: number): Tensor {
    return methods().binaryScalar(this, 'div', scalar, true);
  }

  /** One of the unary functions by name. */
  unary(op: UnaryKind): Tensor {
    return methods().unary(this, op);
  }
  /** −x */
  neg(): Tensor {
    return methods().unary(this, 'neg');
  }
  /** |x| */
  abs(): Tensor {
    return methods().unary(this, 'abs');
  }
  /** eˣ */
  exp(): Tensor {
    return methods().unary(this, 'exp');
  }
  /** ln x */
  log(): Tensor {
    return methods().unary(this, 'log');
  }
  /** √x */
  sqrt(): Tensor {
    return methods().unary(this, 'sqrt');
  }
  /** 1/√x */
  rsqrt(): Tensor {
    return methods().unary(this, 'rsqrt');
  }
  /** x² */
  square(): Tensor {
    return methods().unary(this, 'square');
  }
  /** 1/x */
  reciprocal(): Tensor {
    return methods().unary(this, 'reciprocal');
  }
  /** tanh x */
  tanh(): Tensor {
    return methods().unary(this, 'tanh');
  }
  /** 1/(1+e^−x) */
  sigmoid(): Tensor {
    return methods().unary(this, 'sigmoid');
  }
  /** max(x, 0) */
  relu(): Tensor {
    return methods().unary(this, 'relu');
  }
  /** GELU: exact (erf) by default, `tanh` for the GPT-2 approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return methods().unary(this, approximate === 'tanh' ? 'gelu_tanh' : 'gelu_erf');
  }
  /** x·sigmoid(x) (SwiGLU's gate). */
  silu(): Tensor {
    return methods().unary(this, 'silu');
  }
  /** sin x */
  sin(): Tensor {
    return methods().unary(this, 'sin');
  }
  /** cos x */
  cos(): Tensor {
    return methods().unary(this, 'cos');
  }

  // ------------------------------------------------------------------------------------------------
  // Reductions, matmul, softmax, selection

  /** Σ over axes (all by default). */
  sum(axes?: number | readonly number[], options?: ReduceOptions): Tensor {
    return methods().reduce(this, 'sum', axes, options);
  }
  /** Mean over axes. */
  mean(axes?: number | readonly number[], options?: ReduceOptions): Tensor {
    return methods().reduce(this, 'mean', axes, options);
  }
  /**
   * Σx² over axes (all by default), in one pass without a squared temporary: what a gradient norm
   * needs (`x.sumSquares().sqrt()` is ‖x‖₂). Accumulates in at least f32; gradient 2x·dy.
   *
   * @example
   * ```ts
   * tensor([3, 4]).sumSquares().dataSync(); // [25]
   * ```
   */
  sumSquares(axes?: number | readonly number[], options?: ReduceOptions): Tensor {
    return methods().reduce(this, 'sumSquares', axes, options);
  }
  /** Max over axes (gradient split between ties). */
  max(axes?: number | readonly number[], options?: ReduceOptions): Tensor {
    return methods().reduce(this, 'max', axes, options);
  }
  /** Min over axes. */
  min(axes?: number | readonly number[], options?: ReduceOptions): Tensor {
    return methods().reduce(this, 'min', axes, options);
  }
  /** Matrix product (batched, broadcast; transA/transB options). */
  matmul(other: Tensor, options?: MatmulOptions): Tensor {
    return methods().matmul(this, other, options);
  }
  /** Softmax along `axis` (default last). */
  softmax(axis = -1): Tensor {
    return methods().softmax(this, axis);
  }
  /** Log-softmax along `axis`. */
  logSoftmax(axis = -1): Tensor {
    return methods().logSoftmax(this, axis);
  }
  /** Index of the max along `axis` (i32; not differentiable). */
  argmax(axis = -1, keepDims = false): Tensor {
    return methods().argmax(this, axis, keepDims);
  }
  /** The k largest along the last axis (values differentiable, indices i32). */
  topK(k: number): { values: Tensor; indices: Tensor } {
    return methods().topK(this, k);
  }
}
