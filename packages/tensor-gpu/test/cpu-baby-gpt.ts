/**
 * nanoGPT's CPU "baby GPT" (char-level: 4 layers, 4 heads, width 128, context 64, batch 12,
 * vocabulary 65, no biases, exact GELU, tied embeddings, AdamW, clip 1.0, no dropout) written with
 * this package's functions, for the thread-determinism and memory-pool tests. The weights are
 * initialised like GPT-2 (normal 0.02, residual projections 0.02/√(2·layers)) from a fixed seed.
 * `fused` (default) runs each block's first residual add with the second layer norm
 * (`addLayerNorm`) and the MLP's up projection with its GELU (`linear`), as @llmforge/transformer
 * does; `fused: false` spells them out as separate ops (the reference the fused path is checked
 * against).
 */
import {
  AdamW,
  addLayerNorm,
  attention,
  type Backend,
  clipGradNorm,
  crossEntropy,
  embedding,
  layerNorm,
  linear,
  randn,
  type Tensor,
  tensor,
  tidy,
} from '../src/index.js';

/** The baby GPT's sizes (smaller ones for quick tests). */
export interface BabyConfig {
  layers: number;
  heads: number;
  width: number;
  context: number;
  batch: number;
  vocab: number;
}

export const BABY: BabyConfig = { layers: 4, heads: 4, width: 128, context: 64, batch: 12, vocab: 65 };

/** A baby GPT's parameters (name → leaf tensor) and its training step. */
export class BabyGpt {
  readonly params = new Map<string, Tensor>();
  private readonly opt: AdamW;

  constructor(
    readonly cfg: BabyConfig,
    readonly backend: Backend,
    seed = 1,
    readonly fused = true,
  ) {
    const { layers, width: C, context, vocab } = cfg;
    let offset = 0;
    const normal = (shape: number[], std: number): Tensor => {
      const t = randn(shape, { seed, offset }, 'f32', backend, 0, std).requireGrad();
      offset += shape.reduce((a, b) => a * b, 1) * 2;
      return t;
    };
    const ones = (n: number) => tensor(new Float32Array(n).fill(1), [n], 'f32', backend).requireGrad();
    const proj = 0.02 / Math.sqrt(2 * layers);
    this.params.set('wte', normal([vocab, C], 0.02));
    this.params.set('wpe', normal([context, C], 0.02));
    for (let l = 0; l < layers; l++) {
      this.params.set(`h${l}.ln1`, ones(C));
      this.params.set(`h${l}.q`, normal([C, C], 0.02));
      this.params.set(`h${l}.k`, normal([C, C], 0.02));
      this.params.set(`h${l}.v`, normal([C, C], 0.02));
      this.params.set(`h${l}.o`, normal([C, C], proj));
      this.params.set(`h${l}.ln2`, ones(C));
      this.params.set(`h${l}.up`, normal([4 * C, C], 0.02));
      this.params.set(`h${l}.down`, normal([C, 4 * C], proj));
    }
    this.params.set('lnf', ones(C));
    this.opt = new AdamW([...this.params.values()], { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
  }

  private p(name: string): Tensor {
    return this.params.get(name)!;
  }

  /** Mean cross entropy of next-character prediction; ids and targets (B, T) flattened. */
  loss(ids: Tensor, targets: Tensor): Tensor {
    const { layers, heads, width: C, batch: B, context: T, vocab: V } = this.cfg;
    const hs = C / heads;
    return tidy(() => {
      let x = embedding(this.p('wte'), ids)
        .reshape([B, T, C])
        .add(this.p('wpe'))
        .reshape([B * T, C]); // (N, C)
      const split = (t: Tensor) => t.reshape([B, T, heads, hs]).permute([0, 2, 1, 3]); // (B, nh, T, hs)
      for (let l = 0; l < layers; l++) {
        const h = layerNorm(x, this.p(`h${l}.ln1`), null);
        const q = split(h.matmul(this.p(`h${l}.q`), { transB: true }));
        const k = split(h.matmul(this.p(`h${l}.k`), { transB: true }));
        const v = split(h.matmul(this.p(`h${l}.v`), { transB: true }));
        const y = attention(q, k, v, { causal: true, scale: 1 / Math.sqrt(hs) })
          .permute([0, 2, 1, 3])
          .reshape([B * T, C]);
        const attnOut = y.matmul(this.p(`h${l}.o`), { transB: true });
        let m: Tensor;
        if (this.fused) {
          const { sum, y: h2 } = addLayerNorm(x, attnOut, this.p(`h${l}.ln2`), null);
          x = sum;
          m = linear(h2, this.p(`h${l}.up`), null, { activation: 'gelu_erf' });
        } else {
          x = x.add(attnOut);
          m = layerNorm(x, this.p(`h${l}.ln2`), null)
            .matmul(this.p(`h${l}.up`), { transB: true })
            .gelu();
        }
        x = x.add(m.matmul(this.p(`h${l}.down`), { transB: true }));
      }
      const logits = layerNorm(x, this.p('lnf'), null).matmul(this.p('wte'), { transB: true }); // (N, V)
      return crossEntropy(logits.reshape([B * T, V]), targets);
    });
  }

  /** One training step (forward, backward, clip 1.0, AdamW); the loss, and gradients kept until the next step. */
  step(ids: Tensor, targets: Tensor): number {
    this.opt.zeroGrad();
    const loss = this.loss(ids, targets);
    loss.backward();
    const value = loss.itemSync();
    loss.dispose();
    clipGradNorm([...this.params.values()], 1.0).dispose();
    this.opt.step();
    return value;
  }

  dispose(): void {
    this.opt.dispose();
    for (const p of this.params.values()) p.dispose();
  }
}

/** A deterministic batch of character ids and next-character targets. */
export function babyBatch(cfg: BabyConfig, backend: Backend, seed = 7): { ids: Tensor; targets: Tensor } {
  const n = cfg.batch * cfg.context;
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % cfg.vocab;
  };
  const text = Array.from({ length: n + 1 }, next);
  return {
    ids: tensor(Int32Array.from(text.slice(0, n)), [n], 'i32', backend),
    targets: tensor(Int32Array.from(text.slice(1)), [n], 'i32', backend),
  };
}
