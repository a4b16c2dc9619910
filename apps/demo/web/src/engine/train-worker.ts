/**
 * The Train view's work, in a Web Worker so the page stays responsive: it opens the backend (WebGPU
 * when there is an adapter, else the CPU backend, whose kernel threads may block here), fetches the
 * bundled corpus when asked to, runs {@link trainInPage} and keeps the result for download.
 *
 * Between steps the loop yields to the worker's event loop, so a `stop()` call arrives and ends
 * the run after the current step; the model trained so far stays available.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { expose, transfer } from 'comlink';
import { PageError } from '../errors.js';
import { type BackendChoice, type BackendInfo, openBackend } from './backend.js';
import { type CheckpointBytes, modelToBytes, tokenizerToText } from './checkpoint.js';
import { type TrainEvent, type TrainedModel, type TrainSettings, trainInPage } from './train-loop.js';

/** What a finished (or stopped) run reports. */
export interface TrainSummary {
  stepsDone: number;
  stopped: boolean;
  firstLoss: number;
  lastLoss: number;
  valLoss: number;
  parameters: number;
  vocabSize: number;
}

let opened: { backend: Backend; info: BackendInfo } | null = null;
let result: TrainedModel | null = null;
let stopRequested = false;

/** Lets queued messages (a stop) run: a macrotask turn of the worker's event loop. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function gunzipText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body)
    throw new PageError({
      operation: 'train: fetch the corpus',
      file: url,
      expected: 'HTTP 200 with a body',
      found: `HTTP ${response.status}`,
      hint: 'serve the page with `pnpm --filter @llmforge/demo web:dev` or `web:preview`, or paste a text',
    });
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

const api = {
  /** Opens the backend (the choice of the first call holds until `reopen`). */
  async open(choice: BackendChoice): Promise<BackendInfo> {
    opened ??= await openBackend(choice);
    return opened.info;
  },

  /** Trains on `text`, or on the gzipped corpus at `corpusUrl` when text is null. */
  async train(
    text: string | null,
    corpusUrl: string,
    settings: TrainSettings,
    onEvent: (e: TrainEvent) => void,
  ): Promise<TrainSummary> {
    if (!opened) opened = await openBackend('auto');
    stopRequested = false;
    result?.model.dispose();
    result = null;
    const corpus = text ?? (await gunzipText(corpusUrl));
    result = await trainInPage(corpus, settings, opened.backend, {
      onEvent,
      shouldStop: () => stopRequested,
      pause: yieldToEvents,
    });
    return {
      stepsDone: result.stepsDone,
      stopped: result.stopped,
      firstLoss: result.firstLoss,
      lastLoss: result.lastLoss,
      valLoss: result.valLoss,
      parameters: result.model.numParams(),
      vocabSize: result.tokenizer.vocabSize,
    };
  },

  /** Ends the run after the current step. */
  stop(): void {
    stopRequested = true;
  },

  /** The trained model as an HF-layout checkpoint (tokenizer.json, config.json, model.safetensors). */
  async checkpoint(): Promise<CheckpointBytes> {
    if (!result) {
      throw new PageError({
        operation: 'checkpoint',
        expected: 'a trained model',
        found: 'none yet',
        hint: 'train first',
      });
    }
    const { config, weights } = await modelToBytes(result.model);
    return transfer({ config, weights, tokenizer: tokenizerToText(result.tokenizer) }, [weights.buffer]);
  },
};

/** The worker's API, as the page sees it through Comlink. */
export type TrainApi = typeof api;

expose(api);
