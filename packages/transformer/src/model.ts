/**
 * The model: a decoder-only transformer for the GPT-2 and Llama families, composed of tensor-gpu
 * modules in the order data flows (nanoGPT's `GPT`):
 *
 *   ids (B, T) ─► wte(ids) (+ wpe / sinusoidal table at positions pos0..) ─► dropout      (B, T, C)
 *              ─► h: nLayer × Block  (x + attn(ln1(x)), then x + mlp(ln2(x)))            (B, T, C)
 *              ─► lnf ─► logits = x · Wᵀ, W = lmHead, or wte when tied                   (B, T, V)
 *              ─► mean cross entropy against HF-shifted labels                            scalar
 *
 * The classes, one file each: `Block` (block.ts) of `CausalSelfAttention` (attention.ts) and `MLP`
 * (mlp.ts), built on tensor-gpu's `Linear`, `LayerNorm` / `RMSNorm`, `Embedding`, `Dropout`, with
 * the shapes and GPT-2's initialization in their constructor options (layer-options.ts).
 *
 * Legend of the short names in shape comments: B batch, T time (new tokens), S key time (cached +
 * new), C channels (nEmbd), V vocabulary, nh query heads, nkv key/value heads, hs head size, F MLP
 * hidden width. Linear weights use torch's layout (out, in): y = x · Wᵀ + b.
 */

import {
  type Backend,
  crossEntropy,
  Dropout,
  Embedding,
  embedding,
  Linear,
  Module,
  ModuleList,
  type RandomGenerator,
  type Tensor,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { Block } from './block.js';
import { checkpointedForwardBackward } from './checkpointing.js';
import { type ModelConfig, type ModelConfigInput, resolveConfig } from './config.js';
import { ModelInputError } from './errors.js';
import { shiftLabels, type TokenIds, toIdsTensor } from './inputs.js';
import type { KVCache } from './kv-cache.js';
import { createNorm, layerOptions, type ModelDType, type Norm } from './layer-options.js';
import { type CreateModelOptions, checkTensorSizes, resolveModelOptions } from './model-options.js';

export type { CreateModelOptions } from './model-options.js';

/**
 * Which logits a forward pass computes: every position, only the last, none, or only at some
 * positions (`{ at }`: flat indices b·T + t into the batch, e.g. the tokens a fine-tuning loss
 * scores; the output projection of every other position is skipped).
 */
export type LogitsWanted = 'all' | 'last' | 'none' | { readonly at: readonly number[] };

/** Options of {@link Model.forward}. */
export interface ForwardOptions {
  /**
   * Targets in Hugging Face's convention: the same shape as `ids`, position t is scored against
   * `labels[t + 1]` (the shift happens inside), −100 is ignored. The loss is the mean over the
   * scored positions.
   */
  labels?: TokenIds;
  /** A cache from {@link createKVCache}: `ids` continue the cached sequence (incremental decoding). */
  kvCache?: KVCache;
  /** Also return the final hidden states (B, T, C) (after the final norm), for a {@link ScalarHead}. */
  returnHidden?: boolean;
  /**
   * Which logits to compute: `all` positions (B, T, V), only the `last` one (B, 1, V) — what a
   * decoding step needs, skipping the (T−1)·V·C output projection of a prefill — `none` (only
   * hidden states), or `{ at }`: (N, V) at the N flat positions b·T + t listed, in that order (what
   * a loss on a few positions needs: an SFT loss on the assistant's tokens). Default `none` with
   * `returnHidden` and no labels, else `all`; `labels` need `all`.
   */
  logits?: LogitsWanted;
}

/** Options of {@link Model.forwardBackward}: `labels` (the LM loss) or `loss` (any scalar of the outputs). */
export interface ForwardBackwardOptions {
  /** HF-convention labels: the mean next-token cross entropy is differentiated. */
  labels?: TokenIds;
  /**
   * Or a function of the model's outputs (logits per `logits`, hidden states with `returnHidden`)
   * giving the scalar to differentiate, e.g. an SFT loss with weights, or a PPO objective.
   */
  loss?: (out: ForwardOutput) => Tensor;
  /** Recompute each block in the backward pass instead of keeping its activations. Default false. */
  checkpoint?: boolean;
  /** Pass hidden states (B, T, C) to `loss`. */
  returnHidden?: boolean;
  /** Which logits `loss` receives (default `all`). */
  logits?: LogitsWanted;
}

/** What {@link Model.forward} returns. */
export interface ForwardOutput {
  /**
   * (B, T, V) unnormalized next-token scores ((B, 1, V) with `logits: 'last'`, (N, V) with
   * `logits: { at }`; absent with `logits: 'none'`).
   */
  logits?: Tensor;
  /** Scalar mean cross entropy, when `labels` were given. */
  loss?: Tensor;
  /** (B, T, C) final hidden states, with `returnHidden`. */
  hidden?: Tensor;
}

/** The sinusoidal position table of "Attention is all you need": PE[p, 2i] = sin(p / 10000^(2i/C)), PE[p, 2i+1] = cos(·). */
export function sinusoidalTable(contextLength: number, C: number): Float32Array {
  const out = new Float32Array(contextLength * C);
  for (let p = 0; p < contextLength; p++) {
    for (let i = 0; i < C / 2; i++) {
      const angle = p / 10000 ** ((2 * i) / C);
      out[p * C + 2 * i] = Math.sin(angle);
      out[p * C + 2 * i + 1] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * A GPT-2 / Llama family decoder. Create it with {@link createModel} or `fromPretrained`.
 *
 * @example
 * ```ts
 * const model = createModel({ ...presets['tiny-gpt'], vocabSize: 98 }, { seed: 1 });
 * const { logits, loss } = model.forward([[1, 2, 3]], { labels: [[1, 2, 3]] });
 * loss!.backward();
 * model.h.at(0)!.attn.q.weight.grad; // (nEmbd, nEmbd)
 * ```
 */
export class Model extends Module {
  readonly config: ModelConfig;
  readonly dtype: ModelDType;
  /** The random stream of dropout masks (seeded from the model seed; `{ seed, offset }` is its whole state). */
  readonly dropoutStream: RandomGenerator;
  /** Token embedding (V, C); also the output projection when embeddings are tied. */
  readonly wte: Embedding;
  /** Learned positions (contextLength, C), with `positions: 'learned'`. */
  readonly wpe: Embedding | null;
  /** The fixed sinusoidal table (contextLength, C), with `positions: 'sinusoidal'` (a buffer, not saved). */
  readonly positionTable: Tensor | null;
  /** Dropout on the embeddings (training only). */
  readonly drop: Dropout;
  /** The nLayer blocks. */
  readonly h: ModuleList<Block>;
  /** Final norm. */
  readonly lnf: Norm;
  /** Output projection (V, C) when embeddings are not tied; null when logits use `wte`. */
  readonly lmHead: Linear | null;

  /** Equivalent to {@link createModel}(config, options). */
  constructor(config: ModelConfigInput | ModelConfig, options: CreateModelOptions = {}) {
    super();
    const c = resolveConfig(config);
    const { backend, seed, dtype, init } = resolveModelOptions('createModel', options);
    checkTensorSizes('createModel', c);
    this.config = c;
    this.dtype = dtype;
    const o = layerOptions(c, { backend, dtype, seed, init });
    this.dropoutStream = o.dropout.generator;
    const { vocabSize: V, contextLength, nEmbd: C } = c;
    this.wte = this.registerModule('wte', new Embedding(V, C, o.embedding));
    this.wpe =
      c.positions === 'learned'
        ? this.registerModule('wpe', new Embedding(contextLength, C, o.embedding))
        : null;
    this.positionTable =
      c.positions === 'sinusoidal'
        ? this.registerBuffer(
            'positionTable',
            tensor(sinusoidalTable(contextLength, C), [contextLength, C], this.dtype, backend),
            false,
          )
        : null;
    this.drop = this.registerModule('drop', new Dropout(c.dropout, o.dropout));
    const blocks = Array.from({ length: c.nLayer }, (_, i) => new Block(c, i, o));
    this.h = this.registerModule('h', new ModuleList(blocks));
    this.lnf = this.registerModule('lnf', createNorm(c, o));
    this.lmHead = c.tiedEmbeddings
      ? null
      : this.registerModule('lmHead', new Linear(C, V, { ...o.linear, bias: false }));
  }

  /** The backend the parameters live on. */
  override get backend(): Backend {
    return this.wte.weight.backend;
  }

  /** Number of parameters (tied embeddings counted once; equals `countParams(config)`). */
  numParams(): number {
    return this.numParameters();
  }

  /**
   * A parameter by its state-dict name (`h.0.attn.q.weight`); undefined when the config has none
   * (biases, `lmHead.weight` with tied embeddings). The properties reach the same tensors:
   * `model.h.at(0)!.attn.q.weight`.
   */
  parameter(name: string): Tensor | undefined {
    return this.stateDict().get(name);
  }

  /**
   * Runs the model on a batch of token ids.
   *
   * - `ids` (B, T): every id in [0, vocabSize); T plus the cached length at most `contextLength`.
   * - With `labels`: also the mean cross entropy (HF convention, see {@link ForwardOptions.labels}).
   * - With `kvCache`: `ids` are the next tokens after the cached ones; the cache is extended.
   *
   * Intermediate tensors are disposed before returning (the autograd tape keeps what backward
   * needs); the caller owns (and disposes) what is returned.
   *
   * @example
   * ```ts
   * const { logits } = model.forward([[5, 7, 11]]);   // logits (1, 3, V)
   * const { loss } = model.forward(ids, { labels: ids });
   * loss!.backward();
   * ```
   */
  forward(ids: TokenIds, options: ForwardOptions = {}): ForwardOutput {
    const c = this.config;
    const cache = options.kvCache;
    const idsT = toIdsTensor('forward', 'ids', ids, this.backend, c.vocabSize);
    const [B, T] = idsT.shape as [number, number];
    const pos0 = cache ? cache.length : 0;
    const which = options.logits ?? (options.returnHidden && !options.labels ? 'none' : 'all');
    let targets: Tensor | undefined;
    try {
      if (cache) cache.check(this, B, T);
      if (pos0 + T > c.contextLength) {
        throw new ModelInputError({
          operation: 'forward',
          where: 'ids',
          expected: `at most contextLength = ${c.contextLength} positions${cache ? ` (${pos0} cached)` : ''}`,
          found: `${pos0 + T}`,
          hint: 'truncate the sequence (keep the last contextLength tokens) or use a model with a longer context',
        });
      }
      if (options.labels !== undefined && which !== 'all') {
        throw new ModelInputError({
          operation: 'forward',
          where: 'logits',
          expected: "logits: 'all' when labels are given (the loss scores every position)",
          found: typeof which === 'string' ? `'${which}'` : '{ at }',
          hint: 'drop the logits option, or the labels',
        });
      }
      checkLogitsAt('forward', which, B, T);
      if (options.labels !== undefined)
        targets = shiftLabels(options.labels, B, T, this.backend, c.vocabSize);
      const out = tidy((): ForwardOutput => {
        let x = this.embed(idsT, pos0); // (B, T, C)
        for (const block of this.h) x = block.forward(x, pos0, cache); // (B, T, C)
        return this.head(x, targets, options.returnHidden ?? false, which);
      });
      if (cache) cache.advance(T);
      return out;
    } finally {
      idsT.dispose();
      targets?.dispose();
    }
  }

  /**
   * Token (+ position) embeddings of checked ids (B, T) at positions pos0 .. pos0+T−1, with
   * dropout: the input of the first block, (B, T, C). `forward` is `head(blocks(embed(ids)))`.
   *
   * @example
   * ```ts
   * let x = model.embed(toIdsTensor('mine', 'ids', ids, model.backend, model.config.vocabSize)); // (B, T, C)
   * for (const block of model.h) x = block.forward(x);
   * const { logits } = model.head(x);
   * ```
   */
  embed(idsT: Tensor, pos0 = 0): Tensor {
    const T = idsT.shape[1]!;
    let x = this.wte.forward(idsT); // (B, T, C)
    const table = this.wpe ? this.wpe.weight : this.positionTable;
    if (table) x = x.add(table.narrow(0, pos0, T)); // + (T, C), broadcast over B
    return this.drop.forward(x);
  }

  /**
   * Final norm, then the hidden states and/or logits of the last block's output x (B, T, C), and
   * the loss when per-position `targets` (from the shifted labels, see `shiftLabels`) are given.
   *
   * @example
   * ```ts
   * const { logits, hidden } = model.head(x, undefined, true, 'last'); // logits (B, 1, V), hidden (B, T, C)
   * ```
   */
  head(x: Tensor, targets?: Tensor, returnHidden = false, which: LogitsWanted = 'all'): ForwardOutput {
    const [B, T, C] = x.shape as [number, number, number];
    const V = this.config.vocabSize;
    x = this.lnf.forward(x); // (B, T, C)
    const result: ForwardOutput = returnHidden ? { hidden: x } : {};
    if (which === 'none') return result;
    if (typeof which === 'object') checkLogitsAt('head', which, B, T);
    const project = (h: Tensor) => (this.lmHead ? this.lmHead.forward(h) : this.wte.attend(h)); // (·, C) → (·, V)
    if (which === 'last') {
      const last = x.narrow(1, T - 1, 1).reshape([B, C]); // (B, C)
      result.logits = project(last).reshape([B, 1, V]); // (B, 1, V)
      return result;
    }
    if (typeof which === 'object') {
      // the rows b·T + t asked for, gathered (their gradient scatters back), then projected
      const rows = tensor(Int32Array.from(which.at), [which.at.length], 'i32', this.backend);
      result.logits = project(embedding(x.reshape([B * T, C]), rows)); // (N, V)
      rows.dispose();
      return result;
    }
    const logits = project(x.reshape([B * T, C])); // (N, V), N = B·T
    result.logits = logits.reshape([B, T, V]);
    if (targets) result.loss = crossEntropy(logits, targets, { ignoreIndex: -100 }); // mean over scored rows
    return result;
  }

  /**
   * Forward and backward in one call, of the language-model loss (`labels`) or of any scalar
   * `loss(outputs)`, optionally with activation checkpointing: gradients accumulate into the
   * parameters' `.grad` exactly as `forward(ids, { labels }).loss.backward()` would, and the
   * (detached) loss is returned.
   *
   * With `checkpoint: true` the blocks run without recording the tape, keeping only each block's
   * input (B, T, C), and are recomputed one at a time in the backward pass
   * ({@link checkpointedForwardBackward}): activation memory drops from O(nLayer · activations per
   * block) to O(nLayer · B·T·C + one block's activations), for one extra forward pass of the blocks.
   *
   * @example
   * ```ts
   * const loss = model.forwardBackward(ids, { labels: ids, checkpoint: true });
   * optimizer.step();
   * const ppo = model.forwardBackward(idsT, {
   *   returnHidden: true,
   *   loss: ({ logits, hidden }) => objective(logProbsFromLogits(logits!, idsT), valueHead.forward(hidden!)),
   * });
   * ```
   */
  forwardBackward(ids: TokenIds, options: ForwardBackwardOptions): Tensor {
    const { labels, loss: lossFn } = options;
    if ((labels === undefined) === (lossFn === undefined)) {
      throw new ModelInputError({
        operation: 'forwardBackward',
        where: 'options',
        expected: 'exactly one of labels (the LM loss) or loss (a function of the outputs)',
        found: labels === undefined ? 'neither' : 'both',
        hint: 'labels for next-token training; loss for SFT/RL objectives built from the outputs',
      });
    }
    // the scalar to differentiate, from the outputs of the head (disposes what it does not return)
    const scalar = (out: ForwardOutput): Tensor => {
      if (!lossFn) return out.loss!;
      const l = lossFn(out);
      if (l.size !== 1) {
        throw new ModelInputError({
          operation: 'forwardBackward',
          where: 'loss',
          expected: 'a loss function returning a scalar tensor',
          found: `shape (${l.shape.join(', ')})`,
          hint: 'reduce it, e.g. with .mean()',
        });
      }
      return l;
    };
    const returnHidden = options.returnHidden ?? false;
    const which = options.logits ?? 'all';
    if (!options.checkpoint) {
      const forwardOptions = { returnHidden, logits: which, ...(labels ? { labels } : {}) };
      const loss = tidy(() => scalar(this.forward(ids, forwardOptions)));
      loss.backward();
      const value = loss.detach();
      loss.dispose();
      return value;
    }
    const c = this.config;
    const idsT = toIdsTensor('forwardBackward', 'ids', ids, this.backend, c.vocabSize);
    const [B, T] = idsT.shape as [number, number];
    let targets: Tensor | undefined;
    try {
      if (labels) targets = shiftLabels(labels, B, T, this.backend, c.vocabSize);
      const t = targets;
      return checkpointedForwardBackward(this, idsT, (x) => scalar(this.head(x, t, returnHidden, which)));
    } finally {
      targets?.dispose();
      idsT.dispose();
    }
  }
}

/**
 * Creates a model of `config` with GPT-2's initialization, seeded: every weight matrix and embedding
 * ~ N(0, initStd²) (0.02), the residual projections (attention output, MLP down) ~
 * N(0, (initStd/√(2·nLayer))²), biases 0, norm gains 1. Draws happen on the device from the Philox
 * stream in data-flow order, so a seed gives the same model on every backend.
 *
 * @example
 * ```ts
 * const model = createModel(presets['tiny-llama'], { seed: 42 });
 * model.numParams(); // countParams(presets['tiny-llama'])
 * ```
 */
export function createModel(config: ModelConfigInput | ModelConfig, options: CreateModelOptions = {}): Model {
  return new Model(config, options);
}

/** Checks `logits: { at }`: every position an integer in [0, B·T). */
function checkLogitsAt(operation: string, which: LogitsWanted, B: number, T: number): void {
  if (typeof which !== 'object') return;
  const at = which.at as unknown;
  const bad = Array.isArray(at) ? at.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= B * T) : -2;
  if (bad === -1) return;
  throw new ModelInputError({
    operation,
    where: bad === -2 ? 'logits.at' : `logits.at[${bad}]`,
    expected: `flat positions b·T + t, integers in [0, ${B * T}) for ids (${B}, ${T})`,
    found: bad === -2 ? typeof at : String((at as unknown[])[bad]),
    hint: 'list the positions whose logits you need, e.g. the tokens a loss scores',
  });
}
