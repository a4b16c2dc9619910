import { createCpuBackend } from '@llmforge/tensor-gpu';
import { fromPretrained } from '@llmforge/transformer/node';

// a Hugging Face checkpoint directory (config.json + model.safetensors): here the tests' tiny GPT-2
const model = await fromPretrained('fixtures/gpt2-tiny', { backend: createCpuBackend() });
const ids = [[17, 4, 61, 33, 8, 90, 2, 5]];
const { logits, loss } = model.forward(ids, { labels: ids }); // HF labels: shifted inside
console.log(logits!.shape.join(' × '), loss!.itemSync().toFixed(4)); // → 1 × 8 × 98 4.5572
loss!.backward(); // every parameter's .grad, reached through the modules:
console.log(model.h.at(0)!.attn.q.weight.grad!.shape.join(' × ')); // → 48 × 48
