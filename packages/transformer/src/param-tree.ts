/**
 * Registers parameters under dotted names on a tensor-gpu `Module`, creating the child modules the
 * path needs: `add(model, 'h.0.attn.q.weight', t)` makes children `h` → `0` → `attn` → `q` and
 * registers `weight` on the last one. The model then has `stateDict()`, `loadStateDict()`,
 * `train()` / `eval()`, `zeroGrad()` and `dispose()` from `Module`, with the same names as
 * `parameterShapes(config)` (registration in data-flow order keeps that order).
 */

import { Module, type Tensor } from '@llmforge/tensor-gpu';

/** A Module whose children and parameters are added from outside. */
export class ParamNode extends Module {
  private readonly kids = new Map<string, ParamNode>();

  /** The child named `name`, created on first use. */
  child(name: string): ParamNode {
    let kid = this.kids.get(name);
    if (!kid) {
      kid = this.registerModule(name, new ParamNode());
      this.kids.set(name, kid);
    }
    return kid;
  }

  /** Registers `tensor` as parameter `name` of this node (marks it requiresGrad, keeps it from tidy). */
  param(name: string, tensor: Tensor): Tensor {
    return this.registerParameter(name, tensor);
  }

  /** Registers a non-persistent buffer (not in the state dict), freed by `dispose()`. */
  buffer(name: string, tensor: Tensor): Tensor {
    return this.registerBuffer(name, tensor, false);
  }
}
