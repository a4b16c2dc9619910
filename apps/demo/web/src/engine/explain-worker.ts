/**
 * The Explain view's model, in a Web Worker: loads a checkpoint's weights onto the best backend and
 * answers the view's questions (the embedding map, one analysis per text). The tokenizer stays on
 * the page (it is needed there for every keystroke); only ids cross over.
 *
 * The page talks to it through Comlink: each method below is an async call there.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import type { Model, ModelConfig } from '@llmforge/transformer';
import { expose, transfer } from 'comlink';
import { PageError } from '../errors.js';
import { type Analysis, analyse } from './analysis.js';
import { type BackendChoice, type BackendInfo, openBackend } from './backend.js';
import { modelFromBytes } from './checkpoint.js';
import { pca2 } from './pca.js';

/** What the view shows about a loaded model. */
export interface ModelSummary {
  config: ModelConfig;
  parameters: number;
}

/** The embedding map: each token's embedding projected on the first two principal components. */
export interface EmbeddingMap {
  /** (V, 2) row-major. */
  points: Float32Array;
  explained: [number, number];
}

let opened: { backend: Backend; info: BackendInfo } | null = null;
let model: Model | null = null;

const api = {
  /** Opens the backend (once); later calls return what was opened. */
  async open(choice: BackendChoice): Promise<BackendInfo> {
    opened ??= await openBackend(choice);
    return opened.info;
  },

  /** Replaces the model with the one in these files. */
  async load(config: string, weights: Uint8Array): Promise<ModelSummary> {
    if (!opened) opened = await openBackend('auto');
    const next = await modelFromBytes(config, weights, opened.backend);
    model?.dispose();
    model = next;
    return { config: next.config, parameters: next.numParams() };
  },

  /** PCA of the token embedding matrix (V, C). */
  async embeddingMap(): Promise<EmbeddingMap> {
    const m = need();
    const { vocabSize: V, nEmbd: C } = m.config;
    const { points, explained } = pca2(await m.wte.weight.data(), V, C);
    const out = Float32Array.from(points);
    return transfer({ points: out, explained }, [out.buffer]);
  },

  /** Logits after the last token and every attention map, for `ids` (at most the context length). */
  async analyse(ids: number[]): Promise<Analysis> {
    const a = await analyse(need(), ids);
    return transfer(a, [a.logits.buffer, a.attention.buffer]);
  },
};

function need(): Model {
  if (!model) {
    throw new PageError({
      operation: 'explain',
      expected: 'a loaded model',
      found: 'none',
      hint: 'call load first',
    });
  }
  return model;
}

/** The worker's API, as the page sees it through Comlink. */
export type ExplainApi = typeof api;

expose(api);
