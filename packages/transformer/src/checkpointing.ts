/**
 * Activation checkpointing: forward and backward of a model without keeping the blocks'
 * activations, recomputing each block in the backward pass instead.
 *
 *   1. embeddings, recorded                                  x₀ = embed(ids)
 *   2. blocks without the tape, saving each block's input    x₁ … x_L, dropout offsets saved
 *   3. head and loss on x_L as a leaf, backward              dL/dx_L
 *   4. blocks in reverse: recompute block i from xᵢ with the tape on (same dropout masks),
 *      backpropagate dL/dxᵢ₊₁ through it                      dL/dxᵢ, parameter grads
 *   5. through the embeddings                                 grads of wte (and wpe)
 *
 * Gradients are bit-identical to a plain `loss.backward()`; memory holds L block inputs (B, T, C)
 * plus one block's activations instead of L blocks' activations.
 */

import { noGrad, type Tensor, tidy } from '@llmforge/tensor-gpu';
import type { Model } from './model.js';

/**
 * Runs the checkpointed forward and backward of `model` on checked ids (B, T); `head` maps the last
 * block's output (B, T, C) to the scalar loss. Returns the loss, detached.
 *
 * @example
 * ```ts
 * const loss = checkpointedForwardBackward(model, idsT, (x) => model.head(x, targets).loss!);
 * ```
 */
export function checkpointedForwardBackward(model: Model, idsT: Tensor, head: (x: Tensor) => Tensor): Tensor {
  const stream = model.dropoutStream;
  // 1. embeddings, recorded (their backward runs last)
  const embedded = tidy(() => model.embed(idsT, 0)); // (B, T, C)
  // 2. blocks without the tape, saving each block's input and its dropout stream position
  const blocks = [...model.h];
  const inputs: Tensor[] = [];
  const offsets: number[] = [];
  let x = embedded.detach();
  noGrad(() => {
    for (const block of blocks) {
      inputs.push(x);
      offsets.push(stream.offset);
      const xi = x;
      x = tidy(() => block.forward(xi));
    }
  });
  const endOffset = stream.offset;
  // 3. the head and loss on the last hidden state as a leaf: its .grad is dL/dx for the last block
  const last = x.requireGrad();
  const loss = tidy(() => head(last));
  loss.backward();
  let dy = last.grad!.reshape(last.shape); // a handle that outlives `last`
  last.dispose();
  // 4. blocks in reverse: recompute with the tape from the saved input, backpropagate dy
  for (let i = blocks.length - 1; i >= 0; i--) {
    const xi = inputs[i]!.requireGrad();
    stream.offset = offsets[i]!;
    const y = tidy(() => blocks[i]!.forward(xi));
    y.backward({ grad: dy });
    y.dispose();
    dy.dispose();
    dy = xi.grad!.reshape(xi.shape);
    if (i > 0) xi.dispose();
  }
  stream.offset = endOffset;
  // 5. through the embeddings into wte (and wpe)
  embedded.backward({ grad: dy });
  dy.dispose();
  inputs[0]!.dispose();
  embedded.dispose();
  const value = loss.detach();
  loss.dispose();
  return value;
}
