/**
 * @llmforge/transformer/node — Hugging Face checkpoint directories on disk: `fromPretrained(dir)`
 * and `savePretrained(model, dir)`. The main entry has everything else, and runs in browsers: its
 * `fromPretrained` reads files by name (a file picker's Files, fetched Responses, bytes) or a URL,
 * and `encodePretrained` gives the files as bytes.
 *
 * @example
 * ```ts
 * import { createCpuBackend } from '@llmforge/tensor-gpu';
 * import { fromPretrained, savePretrained } from '@llmforge/transformer/node';
 * const model = await fromPretrained('fixtures/gpt2-tiny', { backend: createCpuBackend() });
 * await savePretrained(model, 'out/gpt2-tiny-copy');
 * ```
 */
export { CHECKPOINT_ENTRIES, directoryStore, fromPretrained, savePretrained } from './pretrained-node.js';
