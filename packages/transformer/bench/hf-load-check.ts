/**
 * Writes checkpoints with `savePretrained` plus our logits for fixed ids, for `hf_load_check.py` to
 * load with Hugging Face `transformers` (on a machine that has it) and compare:
 *
 *   tsx --conditions=@llmforge/source bench/hf-load-check.ts OUTDIR
 *   python3 bench/hf_load_check.py OUTDIR
 *
 * Models: fresh seeded GPT-2 and Llama (GQA, untied; and tied) configs, and the two fixtures.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { presets } from '../src/config.js';
import { createModel } from '../src/model.js';
import { fromPretrained, savePretrained } from '../src/pretrained-node.js';

const out = process.argv[2] ?? 'bench-results/hf-load-check';
const backend = createCpuBackend();
const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const models = {
  'gpt2-fresh': createModel({ ...presets['tiny-gpt'], vocabSize: 300, nLayer: 2 }, { backend, seed: 1 }),
  'gpt2-exact-gelu-untied': createModel(
    { ...presets['tiny-gpt'], vocabSize: 300, nLayer: 2, activation: 'gelu', tiedEmbeddings: false },
    { backend, seed: 2 },
  ),
  'llama-fresh': createModel({ ...presets['tiny-llama'], vocabSize: 300, nLayer: 2 }, { backend, seed: 3 }),
  'llama-tied-mqa': createModel(
    {
      ...presets['tiny-llama'],
      vocabSize: 300,
      nLayer: 2,
      nKvHead: 1,
      tiedEmbeddings: true,
      ropeTheta: 500000,
    },
    { backend, seed: 4 },
  ),
  'gpt2-tiny': await fromPretrained(join(fixtures, 'gpt2-tiny'), { backend }),
  'llama-tiny': await fromPretrained(join(fixtures, 'llama-tiny'), { backend }),
};
const ids = [
  [1, 7, 42, 3, 9, 17, 88, 5, 23, 61, 2, 90],
  [4, 4, 8, 15, 16, 23, 42, 0, 97, 11, 12, 13],
];
const summary: Record<string, { ids: number[][]; logits: number[] }> = {};
for (const [name, model] of Object.entries(models)) {
  model.eval();
  await savePretrained(model, join(out, name));
  summary[name] = { ids, logits: Array.from(model.forward(ids).logits!.dataSync()) };
}
writeFileSync(join(out, 'ours.json'), JSON.stringify(summary));
console.log(`wrote ${Object.keys(models).length} checkpoints and ours.json to ${out}`);
