/** The HF reference checkpoints in the repository's `fixtures/`, loaded through transformer's fromPretrained. */
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { loadSafetensors } from '@llmforge/tensor-gpu/node';
import type { Model } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';

export type FixtureName = 'gpt2-tiny' | 'llama-tiny';

export const fixtureDir = (name: FixtureName): string =>
  fileURLToPath(new URL(`../../../../fixtures/${name}`, import.meta.url));

export function loadModel(name: FixtureName): Promise<Model> {
  return fromPretrained(fixtureDir(name), { backend: createCpuBackend() });
}

/** `greedy.prompt` and `greedy.output` of expected.safetensors (HF generate, do_sample=False). */
export async function greedyFixture(name: FixtureName): Promise<{ prompt: number[]; output: number[] }> {
  const t = await loadSafetensors(`${fixtureDir(name)}/expected.safetensors`);
  const row = (key: string) => Array.from(t.get(key)!.data as ArrayLike<number>);
  return { prompt: row('greedy.prompt'), output: row('greedy.output') };
}
