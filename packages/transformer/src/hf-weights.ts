/**
 * Where Hugging Face keeps each of our parameters: names and layouts only. The shapes come from the
 * model (its modules define them); a rule maps one of our modules to one of HF's, and the
 * parameter name (`weight`, `bias`) carries over. `{i}` is the block index.
 *
 *   ours              HF GPT-2 (GPT2LMHeadModel)                       HF Llama (LlamaForCausalLM)
 *   wte               transformer.wte                                  model.embed_tokens
 *   wpe               transformer.wpe                                  —
 *   h.{i}.ln1         transformer.h.{i}.ln_1                           model.layers.{i}.input_layernorm
 *   h.{i}.attn.q|k|v  transformer.h.{i}.attn.c_attn  (Conv1D, ⅓ each)  model.layers.{i}.self_attn.q_proj|k_proj|v_proj
 *   h.{i}.attn.o      transformer.h.{i}.attn.c_proj  (Conv1D)          model.layers.{i}.self_attn.o_proj
 *   h.{i}.ln2         transformer.h.{i}.ln_2                           model.layers.{i}.post_attention_layernorm
 *   h.{i}.mlp.gate    —                                                model.layers.{i}.mlp.gate_proj
 *   h.{i}.mlp.up      transformer.h.{i}.mlp.c_fc     (Conv1D)          model.layers.{i}.mlp.up_proj
 *   h.{i}.mlp.down    transformer.h.{i}.mlp.c_proj   (Conv1D)          model.layers.{i}.mlp.down_proj
 *   lnf               transformer.ln_f                                 model.norm
 *   lmHead            lm_head (untied only)                            lm_head (untied only)
 *
 * Two layout differences, both GPT-2's:
 * - `Conv1D` stores a weight as (in, out), y = x · W + b; our `Linear` (and Llama) store (out, in):
 *   the weight is transposed, the bias is not.
 * - `c_attn` fuses q, k, v along its last axis: weight (C, 3C) = [q | k | v], bias (3C) likewise.
 * Llama's q/k projections are stored in the rotate-half RoPE layout our `rope` op uses (the HF
 * conversion from Meta's interleaved layout already permuted them), so Llama tensors are copied as
 * they are.
 */

import { CheckpointError } from './errors.js';
import type { HfModelType } from './hf-config.js';

/** A host-side float32 tensor: row-major data and its shape. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Where HF keeps one of our modules' parameters. */
export interface HfNameRule {
  /** Our module path; `{i}` stands for the block index. */
  ours: string;
  /** HF's module path. */
  hf: string;
  /** GPT-2's Conv1D: the weight is stored transposed, (in, out). */
  conv1d?: true;
  /** Part `index` of `of` equal parts of a fused HF tensor, along its last axis. */
  part?: { index: number; of: number };
}

const qkv = (index: number) => ({ conv1d: true, part: { index, of: 3 } }) as const;

/** The name tables of both families (the README's table is this one). */
export const HF_NAME_RULES: Readonly<Record<HfModelType, readonly HfNameRule[]>> = {
  gpt2: [
    { ours: 'wte', hf: 'transformer.wte' },
    { ours: 'wpe', hf: 'transformer.wpe' },
    { ours: 'h.{i}.ln1', hf: 'transformer.h.{i}.ln_1' },
    { ours: 'h.{i}.attn.q', hf: 'transformer.h.{i}.attn.c_attn', ...qkv(0) },
    { ours: 'h.{i}.attn.k', hf: 'transformer.h.{i}.attn.c_attn', ...qkv(1) },
    { ours: 'h.{i}.attn.v', hf: 'transformer.h.{i}.attn.c_attn', ...qkv(2) },
    { ours: 'h.{i}.attn.o', hf: 'transformer.h.{i}.attn.c_proj', conv1d: true },
    { ours: 'h.{i}.ln2', hf: 'transformer.h.{i}.ln_2' },
    { ours: 'h.{i}.mlp.up', hf: 'transformer.h.{i}.mlp.c_fc', conv1d: true },
    { ours: 'h.{i}.mlp.down', hf: 'transformer.h.{i}.mlp.c_proj', conv1d: true },
    { ours: 'lnf', hf: 'transformer.ln_f' },
    { ours: 'lmHead', hf: 'lm_head' },
  ],
  llama: [
    { ours: 'wte', hf: 'model.embed_tokens' },
    { ours: 'h.{i}.ln1', hf: 'model.layers.{i}.input_layernorm' },
    { ours: 'h.{i}.attn.q', hf: 'model.layers.{i}.self_attn.q_proj' },
    { ours: 'h.{i}.attn.k', hf: 'model.layers.{i}.self_attn.k_proj' },
    { ours: 'h.{i}.attn.v', hf: 'model.layers.{i}.self_attn.v_proj' },
    { ours: 'h.{i}.attn.o', hf: 'model.layers.{i}.self_attn.o_proj' },
    { ours: 'h.{i}.ln2', hf: 'model.layers.{i}.post_attention_layernorm' },
    { ours: 'h.{i}.mlp.gate', hf: 'model.layers.{i}.mlp.gate_proj' },
    { ours: 'h.{i}.mlp.up', hf: 'model.layers.{i}.mlp.up_proj' },
    { ours: 'h.{i}.mlp.down', hf: 'model.layers.{i}.mlp.down_proj' },
    { ours: 'lnf', hf: 'model.norm' },
    { ours: 'lmHead', hf: 'lm_head' },
  ],
};

/** Where HF keeps one parameter: its name, and how to get our layout from it. */
export interface HfLocation {
  name: string;
  /** Transpose (a GPT-2 Conv1D weight). */
  transpose: boolean;
  part?: { index: number; of: number };
}

/**
 * The HF tensor holding our parameter `ours` (a state-dict name), or undefined when no rule maps it.
 *
 * @example
 * ```ts
 * hfLocation('gpt2', 'h.1.attn.k.weight');
 * // { name: 'transformer.h.1.attn.c_attn.weight', transpose: true, part: { index: 1, of: 3 } }
 * ```
 */
export function hfLocation(modelType: HfModelType, ours: string): HfLocation | undefined {
  const dot = ours.lastIndexOf('.');
  if (dot < 0) return undefined;
  const path = ours.slice(0, dot);
  const param = ours.slice(dot + 1);
  const block = /^h\.(\d+)\./.exec(path)?.[1];
  const pattern = block === undefined ? path : path.replace(`h.${block}.`, 'h.{i}.');
  const rule = HF_NAME_RULES[modelType].find((r) => r.ours === pattern);
  if (!rule) return undefined;
  return {
    name: `${block === undefined ? rule.hf : rule.hf.replace('{i}', block)}.${param}`,
    transpose: rule.conv1d === true && param === 'weight',
    ...(rule.part ? { part: rule.part } : {}),
  };
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

/** Part `index` of `of` equal slices of the last axis: (…, of·w) → (…, w). */
function sliceLastAxis(t: HostTensor, index: number, of: number): HostTensor {
  const cols = t.shape[t.shape.length - 1]!;
  const rows = t.data.length / cols;
  const w = cols / of;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++)
    out.set(t.data.subarray(r * cols + index * w, r * cols + (index + 1) * w), r * w);
  return { shape: [...t.shape.slice(0, -1), w], data: out };
}

/** Concatenates tensors along the last axis (equal leading dims): the inverse of {@link sliceLastAxis}. */
function concatLastAxis(parts: readonly HostTensor[]): HostTensor {
  const first = parts[0]!;
  const rows = first.data.length / first.shape[first.shape.length - 1]!;
  const width = parts.reduce((s, p) => s + p.shape[p.shape.length - 1]!, 0);
  const out = new Float32Array(rows * width);
  let offset = 0;
  for (const p of parts) {
    const w = p.shape[p.shape.length - 1]!;
    for (let r = 0; r < rows; r++) out.set(p.data.subarray(r * w, (r + 1) * w), r * width + offset);
    offset += w;
  }
  return { shape: [...first.shape.slice(0, -1), width], data: out };
}

/** The shape HF stores our parameter of `shape` in. */
function hfShape(shape: readonly number[], at: HfLocation): number[] {
  const s = at.transpose ? [shape[1]!, shape[0]!] : [...shape];
  if (at.part) s.push(s.pop()! * at.part.of);
  return s;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function unmapped(operation: string, modelType: HfModelType, ours: string): never {
  throw new CheckpointError({
    operation,
    where: ours,
    expected: `a parameter with a ${modelType} name`,
    found: 'no rule in HF_NAME_RULES',
    hint: 'is the model of this family? (hfModelTypeOf(config))',
  });
}

/**
 * Converts HF tensors (by HF name) into ours, for the parameters `params` (our names and shapes:
 * `model.stateDict()`). Every parameter must be present with the right shape, or a
 * {@link CheckpointError} names the HF tensor. Tensors HF keeps that we do not need (a tied
 * `lm_head.weight`, GPT-2's `attn.bias` mask buffers, Llama's `rotary_emb.inv_freq`) are ignored;
 * any other leftover is an error.
 *
 * @example
 * ```ts
 * const ours = fromHfTensors('gpt2', model.stateDict(), loaded); // Map<'h.0.attn.q.weight', HostTensor>
 * model.loadStateDict(ours);
 * ```
 */
export function fromHfTensors(
  modelType: HfModelType,
  params: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  hf: ReadonlyMap<string, HostTensor>,
  file?: string,
): Map<string, HostTensor> {
  const inFile = file === undefined ? {} : { file };
  const hint = 'is config.json from the same checkpoint as the weights?';
  const out = new Map<string, HostTensor>();
  const used = new Set<string>();
  for (const [ours, { shape }] of params) {
    const at = hfLocation(modelType, ours) ?? unmapped('fromPretrained', modelType, ours);
    const stored = hfShape(shape, at);
    const t = hf.get(at.name);
    if (t === undefined) {
      throw new CheckpointError({
        operation: 'fromPretrained',
        ...inFile,
        where: at.name,
        expected: `tensor ${at.name} of shape (${stored.join(', ')}) for a ${modelType} model`,
        found: 'no such tensor',
        hint,
      });
    }
    if (!sameShape(t.shape, stored)) {
      throw new CheckpointError({
        operation: 'fromPretrained',
        ...inFile,
        where: at.name,
        expected: `shape (${stored.join(', ')})`,
        found: `(${t.shape.join(', ')})`,
        hint,
      });
    }
    used.add(at.name);
    const part = at.part ? sliceLastAxis(t, at.part.index, at.part.of) : t;
    out.set(ours, at.transpose ? transpose2d(part) : part);
  }
  const ignorable = (name: string): boolean =>
    (name === 'lm_head.weight' && !params.has('lmHead.weight')) ||
    /\.attn\.(masked_)?bias$/.test(name) ||
    /rotary_emb\.inv_freq$/.test(name);
  const extra = [...hf.keys()].filter((n) => !used.has(n) && !ignorable(n));
  if (extra.length > 0) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      ...inFile,
      where: extra[0]!,
      expected: `only the tensors of a ${modelType} model of this config`,
      found: `${extra.length} unexpected tensor(s): ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`,
      hint,
    });
  }
  return out;
}

/**
 * Converts our tensors (by our name) into HF names and layouts, the inverse of {@link fromHfTensors}:
 * GPT-2's q, k, v are fused back into `c_attn` (all three must be given).
 *
 * @example
 * ```ts
 * const hf = toHfTensors('llama', ours); // Map<'model.layers.0.self_attn.q_proj.weight', ...>
 * ```
 */
export function toHfTensors(
  modelType: HfModelType,
  ours: ReadonlyMap<string, HostTensor>,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  const fused = new Map<string, HostTensor[]>(); // HF name → its parts, by index
  for (const [name, t] of ours) {
    const at = hfLocation(modelType, name) ?? unmapped('savePretrained', modelType, name);
    const x = at.transpose ? transpose2d(t) : t;
    if (!at.part) {
      out.set(at.name, x);
      continue;
    }
    const parts = fused.get(at.name) ?? [];
    parts[at.part.index] = x;
    fused.set(at.name, parts);
    if (parts.filter(Boolean).length === at.part.of) out.set(at.name, concatLastAxis(parts));
  }
  for (const [name, parts] of fused) {
    if (!out.has(name)) {
      throw new CheckpointError({
        operation: 'savePretrained',
        where: name,
        expected: 'every part of a fused tensor (GPT-2 c_attn: q, k and v)',
        found: `${parts.filter(Boolean).length} part(s)`,
        hint: 'pass every parameter of the model (model.namedParameters()), not a subset',
      });
    }
  }
  return out;
}
