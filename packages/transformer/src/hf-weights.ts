/**
 * Hugging Face tensor names and layouts ⇄ this package's parameter names.
 *
 * Our names follow the data flow of `model.ts`:
 *   wte.weight (V, C)                     token embedding (also the output projection when tied)
 *   wpe.weight (Tmax, C)                  learned positions
 *   h.{i}.ln1.{weight,bias}               norm before attention
 *   h.{i}.attn.{q,k,v,o}.{weight,bias}    torch Linear layout (out, in)
 *   h.{i}.ln2.{weight,bias}               norm before the MLP
 *   h.{i}.mlp.{gate,up,down}.{weight,bias}
 *   lnf.{weight,bias}                     final norm
 *   lmHead.weight (V, C)                  only when embeddings are not tied
 *
 * GPT-2 stores its linear layers as `Conv1D`, i.e. (in, out), and fuses q, k, v into one `c_attn`:
 *   c_attn.weight (C, 3C) → q = W[:, 0:C]ᵀ, k = W[:, C:2C]ᵀ, v = W[:, 2C:3C]ᵀ  (each (C, C))
 * Llama stores (out, in) like we do, and its q/k projections are already in the rotate-half RoPE
 * layout our `rope` op uses, so Llama tensors are copied as they are.
 */

import type { ModelConfig } from './config.js';
import { CheckpointError } from './errors.js';
import type { HfModelType } from './hf-config.js';

/** A host-side float32 tensor: row-major data and its shape. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Transposes a 2-D row-major matrix (rows, cols) → (cols, rows). */
export function transpose2d(t: HostTensor): HostTensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c]!;
  }
  return { shape: [cols, rows], data: out };
}

/** Columns [from, to) of a 2-D matrix. */
function columns(t: HostTensor, from: number, to: number): HostTensor {
  const [rows, cols] = t.shape as [number, number];
  const w = to - from;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(t.data.subarray(r * cols + from, r * cols + to), r * w);
  return { shape: [rows, w], data: out };
}

/** Concatenates 2-D matrices with equal row counts along columns. */
function concatColumns(parts: HostTensor[]): HostTensor {
  const rows = parts[0]!.shape[0]!;
  const width = parts.reduce((s, p) => s + p.shape[1]!, 0);
  const out = new Float32Array(rows * width);
  let offset = 0;
  for (const p of parts) {
    const w = p.shape[1]!;
    for (let r = 0; r < rows; r++) out.set(p.data.subarray(r * w, (r + 1) * w), r * width + offset);
    offset += w;
  }
  return { shape: [rows, width], data: out };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The parameter names and shapes a model of this config has, in data-flow order.
 *
 * @example
 * ```ts
 * parameterShapes(config).get('h.0.attn.q.weight'); // [nHead·headDim, nEmbd]
 * ```
 */
export function parameterShapes(c: ModelConfig): Map<string, number[]> {
  const C = c.nEmbd;
  const q = c.nHead * c.headDim;
  const kv = c.nKvHead * c.headDim;
  const F = c.ffnHidden;
  const m = new Map<string, number[]>();
  const norm = (name: string): void => {
    m.set(`${name}.weight`, [C]);
    if (c.norm === 'layernorm' && c.bias) m.set(`${name}.bias`, [C]);
  };
  const linear = (name: string, out: number, inp: number): void => {
    m.set(`${name}.weight`, [out, inp]);
    if (c.bias) m.set(`${name}.bias`, [out]);
  };
  m.set('wte.weight', [c.vocabSize, C]);
  if (c.positions === 'learned') m.set('wpe.weight', [c.contextLength, C]);
  for (let i = 0; i < c.nLayer; i++) {
    norm(`h.${i}.ln1`);
    linear(`h.${i}.attn.q`, q, C);
    linear(`h.${i}.attn.k`, kv, C);
    linear(`h.${i}.attn.v`, kv, C);
    linear(`h.${i}.attn.o`, C, q);
    norm(`h.${i}.ln2`);
    if (c.activation === 'swiglu') linear(`h.${i}.mlp.gate`, F, C);
    linear(`h.${i}.mlp.up`, F, C);
    linear(`h.${i}.mlp.down`, C, F);
  }
  norm('lnf');
  if (!c.tiedEmbeddings) m.set('lmHead.weight', [c.vocabSize, C]);
  return m;
}

const LLAMA_NAMES: [RegExp, string][] = [
  [/^wte\.weight$/, 'model.embed_tokens.weight'],
  [/^h\.(\d+)\.ln1\.weight$/, 'model.layers.$1.input_layernorm.weight'],
  [/^h\.(\d+)\.attn\.([qkvo])\.(weight|bias)$/, 'model.layers.$1.self_attn.$2_proj.$3'],
  [/^h\.(\d+)\.ln2\.weight$/, 'model.layers.$1.post_attention_layernorm.weight'],
  [/^h\.(\d+)\.mlp\.(gate|up|down)\.(weight|bias)$/, 'model.layers.$1.mlp.$2_proj.$3'],
  [/^lnf\.weight$/, 'model.norm.weight'],
  [/^lmHead\.weight$/, 'lm_head.weight'],
];

function llamaName(ours: string): string {
  for (const [re, hf] of LLAMA_NAMES) if (re.test(ours)) return ours.replace(re, hf);
  throw new CheckpointError({
    operation: 'savePretrained',
    where: ours,
    expected: 'a parameter with a Llama name',
    found: 'no mapping',
  });
}

/** GPT-2 names of the tensors that map one to one (no split): ours → [HF, transposed?]. */
function gpt2Direct(ours: string): [string, boolean] | undefined {
  let m = /^h\.(\d+)\.(ln1|ln2)\.(weight|bias)$/.exec(ours);
  if (m) return [`transformer.h.${m[1]}.${m[2] === 'ln1' ? 'ln_1' : 'ln_2'}.${m[3]}`, false];
  m = /^h\.(\d+)\.attn\.o\.(weight|bias)$/.exec(ours);
  if (m) return [`transformer.h.${m[1]}.attn.c_proj.${m[2]}`, m[2] === 'weight'];
  m = /^h\.(\d+)\.mlp\.(up|down)\.(weight|bias)$/.exec(ours);
  if (m) return [`transformer.h.${m[1]}.mlp.${m[2] === 'up' ? 'c_fc' : 'c_proj'}.${m[3]}`, m[3] === 'weight'];
  if (ours === 'wte.weight') return ['transformer.wte.weight', false];
  if (ours === 'wpe.weight') return ['transformer.wpe.weight', false];
  if (ours === 'lnf.weight') return ['transformer.ln_f.weight', false];
  if (ours === 'lnf.bias') return ['transformer.ln_f.bias', false];
  if (ours === 'lmHead.weight') return ['lm_head.weight', false];
  return undefined;
}

function missing(file: string | undefined, name: string, shape: readonly number[], modelType: string): never {
  throw new CheckpointError({
    operation: 'fromPretrained',
    ...(file === undefined ? {} : { file }),
    where: name,
    expected: `tensor ${name} of shape (${shape.join(', ')}) for a ${modelType} model`,
    found: 'no such tensor',
    hint: 'is config.json from the same checkpoint as the weights?',
  });
}

function checkShape(file: string | undefined, name: string, t: HostTensor, shape: readonly number[]): void {
  if (!sameShape(t.shape, shape)) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      ...(file === undefined ? {} : { file }),
      where: name,
      expected: `shape (${shape.join(', ')})`,
      found: `(${t.shape.join(', ')})`,
      hint: 'is config.json from the same checkpoint as the weights?',
    });
  }
}

/**
 * Converts HF tensors (by HF name) into ours (by our name, our layout) for a config. Every tensor
 * the config needs must be present with the right shape, or a {@link CheckpointError} names it.
 * Tensors HF keeps that we do not need (a tied `lm_head.weight`, GPT-2's `attn.bias` mask
 * buffers, Llama's `rotary_emb.inv_freq`) are ignored; any other leftover is an error.
 *
 * @example
 * ```ts
 * const ours = fromHfTensors('gpt2', config, loaded); // Map<'h.0.attn.q.weight', HostTensor>, ...
 * ```
 */
export function fromHfTensors(
  modelType: HfModelType,
  c: ModelConfig,
  hf: ReadonlyMap<string, HostTensor>,
  file?: string,
): Map<string, HostTensor> {
  const shapes = parameterShapes(c);
  const out = new Map<string, HostTensor>();
  const used = new Set<string>();
  const take = (name: string, shape: readonly number[]): HostTensor => {
    const t = hf.get(name);
    if (t === undefined) missing(file, name, shape, modelType);
    checkShape(file, name, t, shape);
    used.add(name);
    return t;
  };
  if (modelType === 'llama') {
    for (const [ours, shape] of shapes) out.set(ours, take(llamaName(ours), shape));
  } else {
    const C = c.nEmbd;
    for (const [ours, shape] of shapes) {
      const qkv = /^h\.(\d+)\.attn\.([qkv])\.(weight|bias)$/.exec(ours);
      if (qkv) {
        const part = 'qkv'.indexOf(qkv[2]!);
        const name = `transformer.h.${qkv[1]}.attn.c_attn.${qkv[3]}`;
        if (qkv[3] === 'weight') {
          const w = take(name, [C, 3 * C]);
          out.set(ours, transpose2d(columns(w, part * C, (part + 1) * C)));
        } else {
          const b = take(name, [3 * C]);
          out.set(ours, { shape: [C], data: b.data.slice(part * C, (part + 1) * C) });
        }
        continue;
      }
      const direct = gpt2Direct(ours);
      if (direct === undefined) missing(file, ours, shape, modelType);
      const [name, transposed] = direct;
      const stored = transposed ? [shape[1]!, shape[0]!] : shape;
      const t = take(name, stored);
      out.set(ours, transposed ? transpose2d(t) : t);
    }
  }
  const ignorable = (name: string): boolean =>
    (name === 'lm_head.weight' && c.tiedEmbeddings) ||
    /\.attn\.(masked_)?bias$/.test(name) ||
    /rotary_emb\.inv_freq$/.test(name);
  const extra = [...hf.keys()].filter((n) => !used.has(n) && !ignorable(n));
  if (extra.length > 0) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      ...(file === undefined ? {} : { file }),
      where: extra[0]!,
      expected: `only the tensors of a ${modelType} model of this config`,
      found: `${extra.length} unexpected tensor(s): ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`,
      hint: 'is config.json from the same checkpoint as the weights?',
    });
  }
  return out;
}

/**
 * Converts our tensors (by our name) into HF names and layouts, the inverse of {@link fromHfTensors}.
 *
 * @example
 * ```ts
 * const hf = toHfTensors('llama', config, ours); // Map<'model.layers.0.self_attn.q_proj.weight', ...>
 * ```
 */
export function toHfTensors(
  modelType: HfModelType,
  c: ModelConfig,
  ours: ReadonlyMap<string, HostTensor>,
): Map<string, HostTensor> {
  const shapes = parameterShapes(c);
  const get = (name: string): HostTensor => {
    const t = ours.get(name);
    if (t === undefined) {
      throw new CheckpointError({
        operation: 'savePretrained',
        where: name,
        expected: `parameter ${name}`,
        found: 'no such parameter',
      });
    }
    return t;
  };
  const out = new Map<string, HostTensor>();
  if (modelType === 'llama') {
    for (const ours of shapes.keys()) out.set(llamaName(ours), get(ours));
    return out;
  }
  for (let i = 0; i < c.nLayer; i++) {
    const parts = ['q', 'k', 'v'].map((p) => transpose2d(get(`h.${i}.attn.${p}.weight`)));
    out.set(`transformer.h.${i}.attn.c_attn.weight`, concatColumns(parts));
    const biases = ['q', 'k', 'v'].map((p) => get(`h.${i}.attn.${p}.bias`).data);
    const b = new Float32Array(3 * c.nEmbd);
    for (const [j, x] of biases.entries()) b.set(x, j * c.nEmbd);
    out.set(`transformer.h.${i}.attn.c_attn.bias`, { shape: [3 * c.nEmbd], data: b });
  }
  for (const name of shapes.keys()) {
    const direct = gpt2Direct(name);
    if (direct === undefined) continue; // q, k, v: fused above
    const [hfName, transposed] = direct;
    const t = get(name);
    out.set(hfName, transposed ? transpose2d(t) : t);
  }
  return out;
}
