/**
 * Hugging Face checkpoints in and out: a directory with `config.json` and `model.safetensors` (or
 * shards listed in `model.safetensors.index.json`), for `model_type` `gpt2` (GPT2LMHeadModel) and
 * `llama` (LlamaForCausalLM).
 *
 *   fromPretrained(dir)  config.json ─► fromHfConfig ─► ModelConfig ─► createModel (no init)
 *                        *.safetensors ─► fromHfTensors (rename, split GPT-2's c_attn, transpose
 *                        Conv1D; shapes checked against the model's) ─► model.loadStateDict
 *   savePretrained(m, dir)  the same steps backwards; every file is written to a temporary name and
 *                        renamed, so a crash never leaves a half-written checkpoint.
 */

import { type Backend, loadSafetensors, saveSafetensors } from '@llmforge/tensor-gpu';
import { CheckpointError } from './errors.js';
import { fromHfConfig, hfModelTypeOf, toHfConfig } from './hf-config.js';
import { fromHfTensors, type HostTensor, toHfTensors } from './hf-weights.js';
import type { ModelDType } from './layer-options.js';
import { createModel, type Model } from './model.js';

/** Options of {@link fromPretrained}. */
export interface FromPretrainedOptions {
  /** Where the parameters go (default: tensor-gpu's shared CPU backend). */
  backend?: Backend;
  /** Parameter dtype (default 'f32'; 'f64' on the CPU backend). */
  dtype?: ModelDType;
}

async function readJson(path: string, operation: string): Promise<Record<string, unknown>> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (cause) {
    throw new CheckpointError({
      operation,
      file: path,
      expected: 'a readable file',
      found: (cause as NodeJS.ErrnoException).code ?? String(cause),
      hint: 'a checkpoint directory holds config.json and model.safetensors (as save_pretrained writes them)',
      cause,
    });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new CheckpointError({
      operation,
      file: path,
      expected: 'valid JSON',
      found: String((cause as Error).message),
      cause,
    });
  }
}

/** The safetensors files of a checkpoint: one file, or the shards of an index. */
async function weightFiles(dir: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const single = `${dir}/model.safetensors`;
  try {
    await fs.access(single);
    return [single];
  } catch {
    const indexPath = `${dir}/model.safetensors.index.json`;
    try {
      await fs.access(indexPath);
    } catch {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: single,
        expected: 'model.safetensors or model.safetensors.index.json',
        found: 'neither',
        hint: 'PyTorch .bin checkpoints are not read; re-save with safe_serialization=True',
      });
    }
    const index = await readJson(indexPath, 'fromPretrained');
    const map = index.weight_map as Record<string, string> | undefined;
    if (!map || typeof map !== 'object') {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: indexPath,
        where: 'weight_map',
        expected: 'an object',
        found: String(map),
      });
    }
    return [...new Set(Object.values(map))].map((f) => `${dir}/${f}`);
  }
}

/**
 * Loads a Hugging Face GPT-2 or Llama checkpoint directory into a {@link Model} (in eval mode, as
 * HF's `from_pretrained`). Throws {@link CheckpointError} naming the file and field or tensor for
 * an unsupported `model_type`, a missing file, or missing / mis-shaped / unexpected tensors.
 *
 * @example
 * ```ts
 * const model = await fromPretrained('fixtures/gpt2-tiny', { backend: createCpuBackend() });
 * ```
 */
export async function fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<Model> {
  const configPath = `${dir}/config.json`;
  const { modelType, config } = fromHfConfig(await readJson(configPath, 'fromPretrained'), configPath);
  const files = await weightFiles(dir);
  const hf = new Map<string, HostTensor>();
  for (const file of files) {
    for (const [name, t] of await loadSafetensors(file)) {
      if (!(t.data instanceof Float32Array)) {
        throw new CheckpointError({
          operation: 'fromPretrained',
          file,
          where: name,
          expected: 'a floating-point tensor (F32, F16, BF16, F64)',
          found: t.dtype,
        });
      }
      hf.set(name, { shape: t.shape, data: t.data });
    }
  }
  const model = createModel(config, {
    ...(options.backend ? { backend: options.backend } : {}),
    dtype: options.dtype ?? 'f32',
    init: false,
  });
  // HF names and layouts → ours, checked against the shapes the model's modules define
  model.loadStateDict(fromHfTensors(modelType, model.stateDict(), hf, files.length === 1 ? files[0] : dir));
  return model.eval();
}

/**
 * Writes `model` as a Hugging Face checkpoint: `config.json` and `model.safetensors` (float32, HF
 * names and layouts, `{"format": "pt"}` metadata) that `transformers`' `from_pretrained` loads.
 * Creates `dir` if needed; each file is written atomically. Configs with no HF class (sinusoidal
 * positions, relu2, ...) raise {@link CheckpointError} before anything is written.
 *
 * @example
 * ```ts
 * await savePretrained(model, './out/my-gpt2');
 * ```
 */
export async function savePretrained(model: Model, dir: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const modelType = hfModelTypeOf(model.config);
  const ours = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) {
    const data = await p.data();
    ours.set(name, {
      shape: [...p.shape],
      data: data instanceof Float32Array ? data : Float32Array.from(data),
    });
  }
  // sorted by name, as the safetensors library writes them: the file is byte-identical to HF's
  const hf = [...toHfTensors(modelType, ours)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tensors = new Map(
    hf.map(([name, t]) => [name, { dtype: 'F32' as const, shape: t.shape, data: t.data }]),
  );
  await fs.mkdir(dir, { recursive: true });
  await saveSafetensors(`${dir}/model.safetensors`, tensors, { format: 'pt' });
  const configPath = `${dir}/config.json`;
  const tmp = `${configPath}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  await fs.writeFile(tmp, `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`);
  await fs.rename(tmp, configPath);
}
