/**
 * The model: a decoder-only transformer for the GPT-2 and Llama families, in the order data flows.
 *
 *   ids ─► token embedding (+ learned / sinusoidal positions) ─► dropout
 *       ─► nLayer × block:  x = x + attn(norm1(x));  x = x + mlp(norm2(x))
 *       ─► final norm ─► logits = x · Wᵀ (W = token embedding when tied)  ─► loss
 *
 * Legend of the short names in shape comments:
 *   B batch, T time (new tokens), S key time (cached + new), C channels (nEmbd), V vocabulary,
 *   nh query heads, nkv key/value heads, hs head size, F MLP hidden width, N = B·T rows.
 *
 * The residual stream is kept as a (N, C) matrix so every linear layer is one matrix product;
 * attention reshapes it to heads. Linear weights use torch's layout (out, in): y = x · Wᵀ + b.
 */

import {
  attention,
  type Backend,
  concat,
  crossEntropy,
  defaultBackend,
  dropout,
  embedding,
  full,
  keep,
  layerNorm,
  noGrad,
  type PhiloxStream,
  randn,
  rmsNorm,
  rope,
  type Tensor,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { type ModelConfig, type ModelConfigInput, resolveConfig } from './config.js';
import { ModelInputError } from './errors.js';
import { parameterShapes } from './hf-weights.js';
import type { KVCache } from './kv-cache.js';
import { ParamNode } from './param-tree.js';

/**
 * Float dtypes a model can hold its parameters in: f32 everywhere, f64 on the CPU backend (tests),
 * f16 where the backend has it (WebGPU with `shader-f16`; the CPU backend stores half bits and
 * computes in f32) — the compute copy of mixed-precision training, next to f32 master weights.
 */
export type ModelDType = 'f32' | 'f16' | 'f64';

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Where parameters live and compute runs (default: tensor-gpu's shared CPU backend). */
  backend?: Backend;
  /** Seed of the initialization (and of dropout masks). Default 0. */
  seed?: number;
  /** Parameter dtype. Default 'f32'; 'f64' only on the CPU backend; 'f16' for mixed precision. */
  dtype?: ModelDType;
  /**
   * Initialize parameters (GPT-2 scheme, seeded). Default true; `fromPretrained` passes false and
   * fills them from the checkpoint instead.
   */
  init?: boolean;
}

/** Token ids: a rectangular batch of number arrays, or an i32 tensor (B, T). */
export type TokenIds = readonly (readonly number[])[] | Tensor;

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
   * decoding step needs, skipping the (T−1)·V·C output projection of a prefill — or `none` (only
   * hidden states). Default `none` with `returnHidden` and no labels, else `all`; a loss needs `all`.
   */
  logits?: 'all' | 'last' | 'none';
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
  logits?: 'all' | 'last' | 'none';
}

/** What {@link Model.forward} returns. */
export interface ForwardOutput {
  /** (B, T, V) unnormalized next-token scores ((B, 1, V) with `logits: 'last'`; absent with `logits: 'none'`). */
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
 * ```
 */
export class Model extends ParamNode {
  readonly config: ModelConfig;
  readonly dtype: ModelDType;
  /** The random stream of dropout masks (seeded from the model seed; `{ seed, offset }` is its whole state). */
  readonly dropoutStream: PhiloxStream;
  private readonly byName: Map<string, Tensor>;
  private readonly device: Backend;
  private readonly positionTable: Tensor | null;

  /** @internal use {@link createModel}. */
  constructor(
    config: ModelConfig,
    params: Map<string, Tensor>,
    backend: Backend,
    dtype: ModelDType,
    seed: number,
  ) {
    super();
    this.config = config;
    this.byName = params;
    this.device = backend;
    this.dtype = dtype;
    this.dropoutStream = { seed: (seed + 0x5eed) % 2 ** 31, offset: 0 };
    // register 'h.0.attn.q.weight' as child h → 0 → attn → q, parameter weight (Module's tree)
    for (const [name, t] of params) {
      const parts = name.split('.');
      let node: ParamNode = this;
      for (const part of parts.slice(0, -1)) node = node.child(part);
      node.param(parts[parts.length - 1]!, t);
    }
    this.positionTable =
      config.positions === 'sinusoidal'
        ? this.buffer(
            'positionTable',
            tensor(
              sinusoidalTable(config.contextLength, config.nEmbd),
              [config.contextLength, config.nEmbd],
              dtype,
              backend,
            ),
          )
        : null;
  }

  /** The backend the parameters live on. */
  override get backend(): Backend {
    return this.device;
  }

  /** Number of parameters (tied embeddings counted once; equals `countParams(config)`). */
  numParams(): number {
    let n = 0;
    for (const p of this.byName.values()) n += p.size;
    return n;
  }

  /** A parameter by its name (`h.0.attn.q.weight`); undefined when the config has none (biases). */
  parameter(name: string): Tensor | undefined {
    return this.byName.get(name);
  }

  /** @internal a parameter that must exist. */
  private p(name: string): Tensor {
    return this.byName.get(name)!;
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
          found: `'${which}'`,
        });
      }
      if (options.labels !== undefined)
        targets = shiftLabels(options.labels, B, T, this.backend, c.vocabSize);
      const out = tidy((): ForwardOutput => {
        let x = this.embed(idsT, B, T, pos0); // (N, C)
        for (let i = 0; i < c.nLayer; i++) x = this.block(i, x, B, T, pos0, cache); // (N, C)
        return this.head(x, B, T, targets, options.returnHidden ?? false, which);
      });
      if (cache) cache.advance(T);
      return out;
    } finally {
      idsT.dispose();
      targets?.dispose();
    }
  }

  /** Token (+ position) embeddings of ids (B, T) at positions pos0.. → (N, C), N = B·T. */
  private embed(idsT: Tensor, B: number, T: number, pos0: number): Tensor {
    const c = this.config;
    const N = B * T;
    let x = embedding(this.p('wte.weight'), idsT.reshape([N])); // (N, C)
    if (c.positions !== 'rope') {
      const table = c.positions === 'learned' ? this.p('wpe.weight') : this.positionTable!;
      const pos = table.narrow(0, pos0, T); // (T, C): positions pos0 .. pos0+T-1
      x = x.reshape([B, T, c.nEmbd]).add(pos).reshape([N, c.nEmbd]); // broadcast over B
    }
    return this.drop(x);
  }

  /** One block: x + attn(norm1(x)), then + mlp(norm2(x)). x (N, C) → (N, C). */
  private block(
    i: number,
    x: Tensor,
    B: number,
    T: number,
    pos0: number,
    cache: KVCache | undefined,
  ): Tensor {
    const a = this.attention(i, this.norm(`h.${i}.ln1`, x), B, T, pos0, cache);
    x = x.add(this.drop(a));
    const m = this.mlp(i, this.norm(`h.${i}.ln2`, x));
    return x.add(this.drop(m));
  }

  /** Causal self-attention of block i. h (N, C) → (N, C). */
  private attention(
    i: number,
    h: Tensor,
    B: number,
    T: number,
    pos0: number,
    cache: KVCache | undefined,
  ): Tensor {
    const c = this.config;
    const { nHead: nh, nKvHead: nkv, headDim: hs } = c;
    const heads = (t: Tensor, n: number) => t.reshape([B, T, n, hs]).permute([0, 2, 1, 3]); // (B, n, T, hs)
    let q = heads(this.linear(`h.${i}.attn.q`, h), nh); // (B, nh, T, hs)
    let k = heads(this.linear(`h.${i}.attn.k`, h), nkv); // (B, nkv, T, hs)
    let v = heads(this.linear(`h.${i}.attn.v`, h), nkv); // (B, nkv, T, hs)
    if (c.positions === 'rope') {
      // rotate q and k by their absolute positions pos0 .. pos0+T-1 (rotate-half layout, as HF Llama)
      q = rope(q, { theta: c.ropeTheta, offset: pos0 });
      k = rope(k, { theta: c.ropeTheta, offset: pos0 });
    }
    if (cache) {
      // prepend the cached keys/values: (B, nkv, S, hs) with S = pos0 + T
      const past = cache.layers[i]!;
      if (past.k && past.v) {
        k = concat([past.k, k], 2);
        v = concat([past.v, v], 2);
      }
      cache.store(i, k, v);
    }
    // query t (absolute pos0 + t) sees keys 0 .. pos0 + t: the kernel aligns the last query with the last key
    const y = attention(q, k, v, { causal: true, scale: 1 / Math.sqrt(hs) }); // (B, nh, T, hs)
    const merged = y.permute([0, 2, 1, 3]).reshape([B * T, nh * hs]); // (N, nh·hs)
    return this.linear(`h.${i}.attn.o`, merged); // (N, C)
  }

  /** The MLP of block i. h (N, C) → (N, C). */
  private mlp(i: number, h: Tensor): Tensor {
    const act = this.config.activation;
    const up = this.linear(`h.${i}.mlp.up`, h); // (N, F)
    let a: Tensor;
    if (act === 'swiglu')
      a = this.linear(`h.${i}.mlp.gate`, h).silu().mul(up); // silu(gate(h)) ⊙ up(h)
    else if (act === 'gelu')
      a = up.gelu('none'); // exact, erf
    else if (act === 'gelu_tanh')
      a = up.gelu('tanh'); // GPT-2's gelu_new
    else a = up.relu().square(); // relu2: max(0, x)²
    return this.linear(`h.${i}.mlp.down`, a); // (N, F) → (N, C)
  }

  /** Final norm, then the hidden states and/or logits (and the loss when targets are given). */
  private head(
    x: Tensor,
    B: number,
    T: number,
    targets: Tensor | undefined,
    returnHidden: boolean,
    which: 'all' | 'last' | 'none' = 'all',
  ): ForwardOutput {
    const c = this.config;
    x = this.norm('lnf', x); // (N, C)
    const result: ForwardOutput = returnHidden ? { hidden: x.reshape([B, T, c.nEmbd]) } : {};
    if (which === 'none') return result;
    const w = c.tiedEmbeddings ? this.p('wte.weight') : this.p('lmHead.weight');
    if (which === 'last') {
      const last = x
        .reshape([B, T, c.nEmbd])
        .narrow(1, T - 1, 1)
        .reshape([B, c.nEmbd]); // (B, C)
      result.logits = last.matmul(w, { transB: true }).reshape([B, 1, c.vocabSize]); // (B, 1, V)
      return result;
    }
    const logits = x.matmul(w, { transB: true }); // (N, C) · (V, C)ᵀ → (N, V)
    result.logits = logits.reshape([B, T, c.vocabSize]);
    if (targets) result.loss = crossEntropy(logits, targets, { ignoreIndex: -100 }); // mean over scored rows
    return result;
  }

  /** y = x · Wᵀ + b, x (N, in), W (out, in) → (N, out). */
  private linear(name: string, x: Tensor): Tensor {
    const y = x.matmul(this.p(`${name}.weight`), { transB: true });
    const b = this.parameter(`${name}.bias`);
    return b ? y.add(b) : y;
  }

  /** LayerNorm (with bias when the config has biases) or RMSNorm over the last axis. */
  private norm(name: string, x: Tensor): Tensor {
    const c = this.config;
    if (c.norm === 'rmsnorm') return rmsNorm(x, this.p(`${name}.weight`), c.normEps);
    return layerNorm(x, this.p(`${name}.weight`), this.parameter(`${name}.bias`) ?? null, c.normEps);
  }

  /** Dropout while training (mask from the model's Philox stream, regenerated in backward). */
  private drop(x: Tensor): Tensor {
    if (!this.training || this.config.dropout === 0) return x;
    return dropout(x, this.config.dropout, this.dropoutStream);
  }

  /**
   * Forward and backward in one call, of the language-model loss (`labels`) or of any scalar
   * `loss(outputs)`, optionally with activation checkpointing: gradients accumulate into the
   * parameters' `.grad` exactly as `forward(ids, { labels }).loss.backward()` would, and the
   * (detached) loss is returned.
   *
   * With `checkpoint: true` the blocks run without recording the tape, keeping only each block's
   * input (N, C); the backward pass then walks the blocks in reverse, recomputes each one from its
   * saved input (replaying the same dropout masks) with the tape on, and backpropagates through it.
   * Memory for activations drops from O(nLayer · activations per block) to O(nLayer · N · C + one
   * block's activations), for one extra forward pass of the blocks.
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
        });
      }
      return l;
    };
    const headOptions = {
      returnHidden: options.returnHidden ?? false,
      logits: options.logits ?? 'all',
    } as const;
    if (!options.checkpoint) {
      const loss = tidy(() => scalar(this.forward(ids, { ...headOptions, ...(labels ? { labels } : {}) })));
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
      const head = (x: Tensor) => scalar(this.head(x, B, T, t, headOptions.returnHidden, headOptions.logits));
      return this.checkpointed(idsT, head, B, T);
    } finally {
      targets?.dispose();
      idsT.dispose();
    }
  }

  /** The checkpointed pass of {@link forwardBackward}. */
  private checkpointed(idsT: Tensor, head: (x: Tensor) => Tensor, B: number, T: number): Tensor {
    const c = this.config;
    const stream = this.dropoutStream;
    // 1. embeddings, recorded (their backward runs last)
    const embedded = tidy(() => this.embed(idsT, B, T, 0)); // (N, C)
    // 2. blocks without the tape, saving each block's input and its dropout stream position
    const inputs: Tensor[] = [];
    const offsets: number[] = [];
    let x = embedded.detach();
    noGrad(() => {
      for (let i = 0; i < c.nLayer; i++) {
        inputs.push(x);
        offsets.push(stream.offset);
        const xi = x;
        x = tidy(() => this.block(i, xi, B, T, 0, undefined));
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
    for (let i = c.nLayer - 1; i >= 0; i--) {
      const xi = inputs[i]!.requireGrad();
      stream.offset = offsets[i]!;
      const y = tidy(() => this.block(i, xi, B, T, 0, undefined));
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
}

/**
 * Checks token ids and turns them into an i32 tensor (B, T) on `backend`. Ids given as arrays are
 * checked against the vocabulary; ids given as a tensor are checked when the backend reads
 * synchronously (the CPU), since a GPU read-back would stall the pipeline.
 */
export function toIdsTensor(
  operation: string,
  what: string,
  ids: TokenIds,
  backend: Backend,
  vocabSize: number,
): Tensor {
  const bad = (expected: string, found: string, hint?: string): never => {
    throw new ModelInputError({ operation, where: what, expected, found, ...(hint ? { hint } : {}) });
  };
  const checkId = (id: number, b: number, t: number): void => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      bad(
        `token ids in [0, ${vocabSize})`,
        `${id} at [${b}][${t}]`,
        'the tokenizer and the model must share a vocabulary',
      );
    }
  };
  if (!Array.isArray(ids)) {
    const t = ids as Tensor;
    if (t.rank !== 2 || t.dtype !== 'i32')
      bad('an i32 tensor of shape (B, T)', `${t.dtype} (${t.shape.join(', ')})`);
    if (t.shape[1] === 0) bad('at least one token per row', 'an empty sequence');
    if (t.backend !== backend) bad(`a tensor on the model's ${backend.name} backend`, t.backend.name);
    if (backend.readSync) {
      const data = t.dataSync();
      const T = t.shape[1]!;
      for (let i = 0; i < data.length; i++) checkId(data[i]!, Math.floor(i / T), i % T);
    }
    return t.reshape(t.shape);
  }
  const rows = ids as readonly (readonly number[])[];
  const B = rows.length;
  if (B === 0) bad('at least one sequence', 'an empty batch');
  const T = rows[0]?.length ?? 0;
  if (T === 0) bad('at least one token per row', 'an empty sequence');
  const data = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const row = rows[b]!;
    if (!Array.isArray(row) || row.length !== T) {
      bad(
        `rows of equal length ${T}`,
        `row ${b} of length ${Array.isArray(row) ? row.length : typeof row}`,
        'pad the batch',
      );
    }
    for (let t = 0; t < T; t++) {
      const id = row[t]!;
      checkId(id, b, t);
      data[b * T + t] = id;
    }
  }
  return tensor(data, [B, T], 'i32', backend);
}

/**
 * HF labels → per-position targets: target[b, t] = labels[b, t + 1], the last position −100.
 *   labels [[-100, 5, 6, 7]] → targets [[5, 6, 7, -100]]
 */
function shiftLabels(labels: TokenIds, B: number, T: number, backend: Backend, vocabSize: number): Tensor {
  if (!Array.isArray(labels)) {
    const l = labels as Tensor;
    if (l.rank !== 2 || l.shape[0] !== B || l.shape[1] !== T || l.dtype !== 'i32') {
      throw new ModelInputError({
        operation: 'forward',
        where: 'labels',
        expected: `an i32 tensor of shape (${B}, ${T}) like ids`,
        found: `${l.dtype} (${l.shape.join(', ')})`,
      });
    }
    return tidy(() => {
      const pad = full([B, 1], -100, 'i32', backend);
      return T === 1 ? pad : concat([l.narrow(1, 1, T - 1), pad], 1);
    });
  }
  const rows = labels as readonly (readonly number[])[];
  if (rows.length !== B || rows.some((r) => !Array.isArray(r) || r.length !== T)) {
    throw new ModelInputError({
      operation: 'forward',
      where: 'labels',
      expected: `${B} rows of ${T} labels (the shape of ids)`,
      found: `${rows.length} rows of lengths ${rows.map((r) => (Array.isArray(r) ? r.length : '?')).join(', ')}`,
      hint: 'labels follow HF: same length as ids, shifted inside the model',
    });
  }
  const data = new Int32Array(B * T).fill(-100);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t + 1 < T; t++) {
      const id = rows[b]![t + 1]!;
      if (!Number.isInteger(id) || (id !== -100 && (id < 0 || id >= vocabSize))) {
        throw new ModelInputError({
          operation: 'forward',
          where: 'labels',
          expected: `labels in [0, ${vocabSize}) or -100 (ignored)`,
          found: `${id} at [${b}][${t + 1}]`,
        });
      }
      data[b * T + t] = id;
    }
  }
  return tensor(data, [B * T], 'i32', backend);
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
  const c = resolveConfig(config);
  const backend = options.backend ?? defaultBackend();
  const dtype = options.dtype ?? 'f32';
  const seed = options.seed ?? 0;
  const gen: PhiloxStream = { seed, offset: 0 };
  const residualStd = c.initStd / Math.sqrt(2 * c.nLayer);
  const params = new Map<string, Tensor>();
  noGrad(() => {
    for (const [name, shape] of parameterShapes(c)) {
      let t: Tensor;
      if (options.init === false) t = full(shape, 0, dtype, backend);
      else if (/(ln1|ln2|lnf)\.weight$/.test(name)) t = full(shape, 1, dtype, backend);
      else if (name.endsWith('.bias')) t = full(shape, 0, dtype, backend);
      else {
        const std = /attn\.o\.weight$|mlp\.down\.weight$/.test(name) ? residualStd : c.initStd;
        t = randn(shape, gen, dtype, backend, 0, std);
      }
      params.set(name, keep(t.requireGrad()));
    }
  });
  return new Model(c, params, backend, dtype, seed);
}
