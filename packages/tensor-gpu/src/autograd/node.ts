/**
 * The autograd tape: a graph of `GradNode`s recorded by differentiable functions.
 *
 * Each op whose inputs require grad records one node: its backward function (dy → one gradient per
 * input), the tensors backward needs (`saved`, held by the node through their own storage
 * references, so `dispose()` or `tidy` on the user's handles cannot free them), and one edge per
 * input: to the input's own node, to a leaf (a parameter, whose `.grad` receives the gradient), or
 * nothing (an input that does not require grad).
 *
 * In-place writes: each saved tensor's `version` (the count of in-place writes into its storage) is
 * recorded when the node is made; `backward()` checks them all before computing anything and raises
 * InplaceModificationError when one changed (torch's saved-tensor version check), instead of
 * silently differentiating the new values.
 *
 * Lifetime: a node is referenced by the tensor it produced and by the nodes downstream of it. When
 * the count drops to zero (the output and every consumer disposed), it frees its saved tensors and
 * releases its inputs' nodes. `backward()` frees saved tensors as it goes, so memory returns to the
 * pool right after the backward pass.
 */
import { BackendError, formatShape, InplaceModificationError } from '../errors.js';
import { isGradEnabled } from './grad-mode.js';

/** What the tape needs of a tensor (the Tensor class implements it). */
export interface GradTensor {
  readonly requiresGrad: boolean;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** In-place writes into the storage so far (see `Tensor.version`). */
  readonly version: number;
  /** @internal the node that produced this tensor, if recorded. */
  _node: GradNode | null;
  /** @internal marks an op output as recorded. */
  _setRecorded(node: GradNode): void;
  /** @internal an untracked handle sharing this tensor's storage (for the tape). */
  _share(): GradTensor;
  dispose(): void;
}

/** Where an input's gradient goes. */
export type Edge = { node: GradNode; leaf?: undefined } | { node?: undefined; leaf: GradTensor } | null;

/**
 * Backward of one op: upstream gradient (and the saved tensors) → one gradient (or null) per input.
 *
 * `into[i]`, when given, is the gradient already accumulated for input i (the input feeds several
 * ops), owned by the backward pass: a backward that can add its result into it in place (a GEMM
 * that adds into C, a norm backward that adds into dx) does so and returns `into[i]` itself for that
 * input, so no temporary is made and no separate add runs. Any other result is summed in by the
 * tape (in place too when it can).
 */
export type BackwardFn<T extends GradTensor> = (
  dy: T,
  saved: T[],
  into: readonly (T | undefined)[],
) => (T | null | undefined)[];

/** One recorded op. */
export class GradNode {
  private refs = 0;
  private savedFreed = false;
  /** Number of times this node was run by backward (a second run needs retainGraph). */
  runs = 0;

  constructor(
    /** The op name, e.g. `matmul` (error messages name it). */
    readonly name: string,
    readonly edges: Edge[],
    private readonly fn: BackwardFn<GradTensor>,
    private saved: GradTensor[],
    /** The shapes of the inputs: each gradient backward returns must have its input's shape. */
    readonly inputShapes: (readonly number[])[] = [],
    /** The `version` of each saved tensor when it was saved. */
    private readonly savedVersions: readonly number[] = saved.map((t) => t.version),
  ) {}

  /**
   * Throws InplaceModificationError when a saved tensor was written in place since it was saved.
   * `backward()` calls it on every node before running any.
   */
  checkVersions(): void {
    if (this.savedFreed) return;
    for (let i = 0; i < this.saved.length; i++) {
      const t = this.saved[i]!;
      const expected = this.savedVersions[i]!;
      if (t.version === expected) continue;
      throw new InplaceModificationError({
        operation: 'backward',
        expected: `saved tensor ${i} of ${this.name} (${t.dtype} ${formatShape(t.shape)}) at version ${expected}, as the forward pass left it`,
        found: `version ${t.version}: one of the variables needed for gradient computation was modified by an in-place operation (assign, an optimizer step, loadStateDict, ...) after the forward pass`,
        hint: 'run backward() before writing into the tensors the forward pass used (opt.step() after loss.backward()), or clone() a tensor before overwriting it and use the clone in the forward pass',
        op: this.name,
        savedIndex: i,
        expectedVersion: expected,
        foundVersion: t.version,
      });
    }
  }

  retain(): void {
    this.refs++;
  }

  /**
   * Drops one reference; at zero frees the saved tensors and releases upstream nodes (iteratively:
   * a long chain of ops must not overflow the stack).
   */
  release(): void {
    const stack: GradNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      node.refs--;
      if (node.refs > 0) continue;
      node.freeSaved();
      for (const e of node.edges) if (e?.node) stack.push(e.node);
    }
  }

  /** Frees the tensors saved for backward (after backward, unless the graph is retained). */
  freeSaved(): void {
    if (this.savedFreed) return;
    this.savedFreed = true;
    for (const t of this.saved) t.dispose();
    this.saved = [];
  }

  /** Runs the backward function (`into`: see {@link BackwardFn}). */
  apply(dy: GradTensor, into: readonly (GradTensor | undefined)[] = []): (GradTensor | null | undefined)[] {
    if (this.savedFreed) {
      throw new BackendError({
        operation: 'backward',
        expected: `the graph of ${this.name} to still hold its saved tensors`,
        found: 'a graph already freed by a previous backward()',
        hint: 'call backward({ retainGraph: true }) the first time to run backward twice',
      });
    }
    this.runs++;
    return this.fn(dy, this.saved, into);
  }
}

/** True when an op with these inputs must be recorded. */
export function needsGrad(inputs: readonly (GradTensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

/**
 * Records `output = op(inputs)` on the tape if grad mode is on and an input requires grad.
 * `save` lists tensors backward needs; they are shared (not copied) and owned by the node.
 */
export function record<T extends GradTensor>(
  name: string,
  inputs: readonly (T | null | undefined)[],
  output: T,
  save: readonly T[],
  backward: BackwardFn<T>,
): void {
  if (!needsGrad(inputs)) return;
  const edges: Edge[] = inputs.map((t) => {
    if (!t?.requiresGrad) return null;
    if (t._node) {
      t._node.retain();
      return { node: t._node };
    }
    return { leaf: t };
  });
  const node = new GradNode(
    name,
    edges,
    backward as unknown as BackwardFn<GradTensor>,
    save.map((t) => t._share()),
    inputs.map((t) => t?.shape ?? []),
  );
  output._setRecorded(node);
}
