/**
 * The backward pass: from a (scalar) output, visit the recorded nodes in reverse topological order,
 * run each node's backward on the gradient accumulated for it, and pass the results along its edges:
 * to upstream nodes (summed when a tensor feeds several ops) or into leaves' `.grad` (summed across
 * backward calls, like torch).
 *
 * Memory: each node's incoming gradient is freed right after its backward runs, temporaries inside a
 * node's backward are freed by a `tidy`, and the node's saved tensors are freed as soon as it has run
 * (unless `retainGraph`). Runs with grad recording off.
 *
 * Gradients are summed in place when the running sum's storage is not shared with any other handle:
 * a backward that can add into it directly receives it (`into`, see `BackwardFn`), and any other
 * contribution is added with the `accumulate` op (acc += g) rather than into a new tensor. Leaves'
 * `.grad` accumulate in place too across `backward()` calls, as torch's do.
 */
import { describeValue } from '../arguments.js';
import { ArgumentError, BackendError, formatShape, ShapeError } from '../errors.js';
import { binary } from '../ops/binary.js';
import { fullLike } from '../ops/creation.js';
import { runOp } from '../ops/run.js';
import type { BackwardOptions, Tensor } from '../tensor.js';
import { noGrad } from './grad-mode.js';
import type { GradNode } from './node.js';
import { keep, tidy } from './tidy.js';

function topoOrder(root: GradNode): GradNode[] {
  // iterative DFS post-order, then reversed: every node comes before the nodes it depends on
  const order: GradNode[] = [];
  const seen = new Set<GradNode>([root]);
  const stack: [GradNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.edges.length) {
      top[1] = i + 1;
      const next = node.edges[i]?.node;
      if (next && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/** prev + g: in place into prev (acc += g) when prev's storage is the tape's alone. */
function accumulate(prev: Tensor | undefined, g: Tensor): Tensor {
  if (!prev) return g;
  if (prev._ownsStorage() && prev.dtype === g.dtype) {
    runOp('accumulate', prev.backend, { x: g }, { acc: prev }, {});
    g.dispose();
    return prev;
  }
  const sum = binary(prev, g, 'add');
  prev.dispose();
  g.dispose();
  return sum;
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.isDisposed) {
    g.dispose();
    return;
  }
  const prev = leaf.grad;
  if (prev?._ownsStorage() && prev.dtype === g.dtype) {
    runOp('accumulate', prev.backend, { x: g }, { acc: prev }, {});
    g.dispose();
    return;
  }
  const next = prev ? binary(prev, g, 'add') : g;
  if (prev) {
    g.dispose();
  }
  leaf._setGrad(keep(next));
  prev?.dispose();
}

/**
 * Runs backpropagation from `root`. Called by `tensor.backward()`.
 *
 * @example
 * ```ts
 * const loss = x.mul(w).sum();
 * loss.backward();
 * w.grad; // ∂loss/∂w
 * ```
 */
export function runBackward(root: Tensor, options: BackwardOptions = {}): void {
  root._assertLive('backward');
  if (!root.requiresGrad) {
    throw new BackendError({
      operation: 'backward',
      expected: 'a tensor that requires grad',
      found: `a ${root.dtype} tensor of shape ${formatShape(root.shape)} with no graph`,
      hint: 'mark parameters with requireGrad(); outputs of argmax, topK indices, comparisons, sampleTokens, cast to int, detach() or noGrad() have no gradient',
    });
  }
  const grad: unknown = options.grad;
  if (
    grad !== undefined &&
    !(typeof grad === 'object' && grad !== null && Array.isArray((grad as Tensor).shape))
  ) {
    throw new ArgumentError({
      operation: 'backward',
      expected: 'options.grad a Tensor (or omitted for a scalar output)',
      found: describeValue(grad),
      hint: 'pass { grad: onesLike(output) } to start from ones',
    });
  }
  if (!options.grad && root.size !== 1) {
    throw new ShapeError({
      operation: 'backward',
      expected: 'a scalar output (one element) or an explicit grad',
      found: formatShape(root.shape),
      hint: 'reduce it first (loss.sum() or loss.mean()) or pass { grad }',
    });
  }
  if (options.grad && formatShape(options.grad.shape) !== formatShape(root.shape)) {
    throw new ShapeError({
      operation: 'backward',
      expected: `grad of shape ${formatShape(root.shape)}`,
      found: formatShape(options.grad.shape),
      hint: 'the explicit grad is ∂(something)/∂output: it has the output’s shape',
    });
  }
  noGrad(() => {
    const seed = options.grad ? options.grad.detach() : fullLike(root, 1);
    keep(seed);
    const rootNode = root._node;
    if (!rootNode) {
      accumulateLeaf(root, seed);
      return;
    }
    const order = topoOrder(rootNode);
    try {
      for (const node of order) node.checkVersions(); // before any gradient is written
    } catch (e) {
      seed.dispose();
      throw e;
    }
    const grads = new Map<GradNode, Tensor>([[rootNode, seed]]);
    for (const node of order) {
      const dy = grads.get(node);
      grads.delete(node);
      if (!dy) {
        if (!options.retainGraph) node.freeSaved();
        continue;
      }
      // the running sums this node's backward may add into in place (each offered once)
      const into: (Tensor | undefined)[] = node.edges.map((edge, i) => {
        if (!edge) return undefined;
        const acc = edge.node
          ? grads.get(edge.node)
          : (edge.leaf as Tensor).isDisposed
            ? null
            : (edge.leaf as Tensor).grad;
        const want = node.inputShapes[i];
        // same shape and the op's dtype (every op that adds into `into` has inputs of its output's dtype)
        if (
          !acc?._ownsStorage() ||
          acc.dtype !== dy.dtype ||
          !want ||
          formatShape(acc.shape) !== formatShape(want)
        )
          return undefined;
        return acc;
      });
      into.forEach((t, i) => {
        if (t && into.indexOf(t) !== i) into[i] = undefined;
      });
      const results = tidy(() => node.apply(dy, into) as (Tensor | null | undefined)[]);
      const handed = new Set<Tensor>();
      node.edges.forEach((edge, i) => {
        let g = results[i];
        if (!edge || !g) return;
        if (g === into[i]) {
          handed.add(g); // already summed in place by the backward
          return;
        }
        // a backward may hand back dy itself or one tensor twice: give each consumer its own handle
        const want = node.inputShapes[i];
        if (want && formatShape(g.shape) !== formatShape(want)) {
          throw new BackendError({
            operation: 'backward',
            expected: `the gradient of ${node.name}'s input ${i} to have shape ${formatShape(want)}`,
            found: formatShape(g.shape),
            hint: `the backward of ${node.name} is wrong; please report it`,
          });
        }
        if (g === dy || handed.has(g)) g = g._share(true);
        handed.add(g);
        keep(g);
        if (edge.node) grads.set(edge.node, accumulate(grads.get(edge.node), g));
        else accumulateLeaf(edge.leaf as Tensor, g);
      });
      for (const r of results) if (r && r !== dy && !handed.has(r)) r.dispose();
      dy.dispose();
      if (!options.retainGraph) node.freeSaved();
    }
    for (const g of grads.values()) g.dispose();
  });
}
