/**
 * The gpt2-tiny fixture (2 layers, C=48, 4 heads, V=98; PyTorch float64, stored as float32) and a
 * GPT-2 forward written with this package's functions — embedding, layerNorm, matmul (HF Conv1D
 * weights are (in, out)), fused causal attention, GELU (tanh: HF `gelu_new`), tied LM head, cross
 * entropy with ignore index on the shifted labels. `compareGpt2(backend, dtype)` runs forward and
 * backward on any backend and reports the worst errors against the fixture's logits, loss and
 * `grad.<param>`: the CPU test runs it in f64, a WebGPU suite can run it in f32.
 *
 * The safetensors files are parsed here with a few lines (header length, JSON header, offsets) so the
 * tests do not depend on the io module.
 */
import { readFileSync } from 'node:fs';
import {
  attention,
  type Backend,
  crossEntropy,
  type DType,
  embedding,
  layerNorm,
  matmul,
  type Tensor,
  tensor,
} from '../src/index.js';

/** One fixture tensor. */
export interface Entry {
  shape: number[];
  data: Float64Array | Int32Array;
}

function readSafetensors(name: string): Map<string, Entry> {
  const bytes = readFileSync(new URL(`../../../fixtures/gpt2-tiny/${name}`, import.meta.url));
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, Entry>();
  for (const [key, h] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const [s, e] = h.data_offsets;
    const raw = bytes.buffer.slice(bytes.byteOffset + 8 + n + s, bytes.byteOffset + 8 + n + e);
    const data = h.dtype === 'I32' ? new Int32Array(raw) : Float64Array.from(new Float32Array(raw));
    out.set(key, { shape: h.shape, data });
  }
  return out;
}

/** The fixture's parameters (HF names). */
export const model = readSafetensors('model.safetensors');
/** input_ids, labels, logits, loss, grad.<param>, after_adamw.<param>. */
export const expected = readSafetensors('expected.safetensors');
const C = 48;
const NH = 4;
const V = 98;

/** A fixture entry (throws when absent). */
export function get(map: Map<string, Entry>, key: string): Entry {
  const e = map.get(key);
  if (!e) throw new Error(`fixture has no ${key}`);
  return e;
}

/** The GPT-2 forward: logits (B, T, V) and the shifted, ignore-index cross entropy. */
export function gpt2(
  params: Map<string, Tensor>,
  ids: Entry,
  labels: Entry,
): { logits: Tensor; loss: Tensor } {
  const p = (k: string) => params.get(`transformer.${k}`)!;
  const [B, T] = ids.shape as [number, number];
  const backend = p('wte.weight').backend;
  // nanoGPT-style forward; shapes: B batch, T time, C channels, NH heads, HS head size
  const idsT = tensor(ids.data, [B, T], 'i32', backend);
  const pos = tensor(
    Int32Array.from({ length: T }, (_, i) => i),
    [T],
    'i32',
    backend,
  );
  let x = embedding(p('wte.weight'), idsT).add(embedding(p('wpe.weight'), pos)); // (B, T, C)
  for (let l = 0; l < 2; l++) {
    const h = (k: string) => p(`h.${l}.${k}`);
    const a = layerNorm(x, h('ln_1.weight'), h('ln_1.bias'), 1e-5);
    const qkv = matmul(a, h('attn.c_attn.weight')).add(h('attn.c_attn.bias')); // (B, T, 3C)
    const [q, k, v] = qkv.split(3, -1).map((t) => t.reshape([B, T, NH, C / NH]).transpose(1, 2)) as [
      Tensor,
      Tensor,
      Tensor,
    ]; // (B, NH, T, HS)
    const y = attention(q, k, v, { causal: true }).transpose(1, 2).reshape([B, T, C]);
    x = x.add(matmul(y, h('attn.c_proj.weight')).add(h('attn.c_proj.bias')));
    const m = layerNorm(x, h('ln_2.weight'), h('ln_2.bias'), 1e-5);
    const f = matmul(m, h('mlp.c_fc.weight')).add(h('mlp.c_fc.bias')).gelu('tanh');
    x = x.add(matmul(f, h('mlp.c_proj.weight')).add(h('mlp.c_proj.bias')));
  }
  x = layerNorm(x, p('ln_f.weight'), p('ln_f.bias'), 1e-5);
  const logits = matmul(x, p('wte.weight'), { transB: true }); // (B, T, V), tied head
  // HF shifts inside the model: logits[:, :-1] predict labels[:, 1:]
  const shifted = logits.slice([0, 0, 0], [B, T - 1, V]);
  const targets = tensor(labels.data, [B, T], 'i32', backend).slice([0, 1], [B, T]);
  const loss = crossEntropy(shifted, targets, { ignoreIndex: -100 });
  return { logits, loss };
}

/** Worst errors of one forward + backward against the fixture. */
export interface Gpt2Comparison {
  /** max |logits − expected| */
  logitsError: number;
  /** |loss − expected| */
  lossError: number;
  /** per parameter: max |grad − expected| / max |expected| */
  gradErrors: Map<string, number>;
}

/**
 * Loads the fixture's parameters on `backend` as `dtype`, runs forward and backward, and compares.
 *
 * @example
 * ```ts
 * const r = await compareGpt2(createCpuBackend(), 'f64');
 * ```
 */
export async function compareGpt2(backend: Backend, dtype: DType): Promise<Gpt2Comparison> {
  const params = new Map<string, Tensor>();
  for (const [k, e] of model) params.set(k, tensor(e.data, e.shape, dtype, backend).requireGrad());
  const { logits, loss } = gpt2(params, get(expected, 'input_ids'), get(expected, 'labels'));
  const want = get(expected, 'logits').data;
  const got = await logits.data();
  let logitsError = 0;
  for (let i = 0; i < want.length; i++) logitsError = Math.max(logitsError, Math.abs(got[i]! - want[i]!));
  const lossError = Math.abs((await loss.item()) - get(expected, 'loss').data[0]!);
  loss.backward();
  const gradErrors = new Map<string, number>();
  for (const [name, t] of params) {
    const w = get(expected, `grad.${name}`).data;
    const g = await t.grad!.data();
    let scale = 0;
    let err = 0;
    for (let i = 0; i < w.length; i++) {
      scale = Math.max(scale, Math.abs(w[i]!));
      err = Math.max(err, Math.abs(g[i]! - w[i]!));
    }
    gradErrors.set(name, err / scale);
    t.dispose();
  }
  logits.dispose();
  loss.dispose();
  return { logitsError, lossError, gradErrors };
}
