import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository's root `fixtures/` folder (Hugging Face reference checkpoints and tokenizers). */
export const FIXTURES = fileURLToPath(new URL('../../../../fixtures/', import.meta.url));

/** The model bundled with the page. */
export const BUNDLED = fileURLToPath(new URL('../public/models/austen-tiny/', import.meta.url));

/** The three files of a checkpoint directory, as the page holds them. */
export async function checkpointBytes(dir: string, tokenizerPath?: string) {
  const [config, weights, tokenizer] = await Promise.all([
    readFile(`${dir}/config.json`, 'utf8'),
    readFile(`${dir}/model.safetensors`),
    readFile(tokenizerPath ?? `${dir}/tokenizer.json`, 'utf8'),
  ]);
  return { config, weights: new Uint8Array(weights), tokenizer };
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
