/**
 * Training in the page, from text to a model that writes: the demo's pipeline in one function,
 * small enough to read top to bottom, reporting as it goes so the page can draw the loss curve and
 * show samples.
 *
 *   text ─► trainTokenizer (byte-level BPE, GPT-2 split, <|endoftext|>) ─► encode ─► 90 / 10 split
 *        ─► createModel (a tiny GPT-2) ─► for each step:
 *             random windows (B, T) ─► forwardBackward (next-token loss) ─► clip 1.0 ─► AdamW
 *             (warmup then cosine to lr/10; weight decay on matrices only)
 *             every `evalEvery`: loss on fixed held-out windows; every `sampleEvery`: a sample
 *
 * It runs wherever its backend lives: the page calls it in a Web Worker (`train-worker.ts`), and
 * the tests call it in Node on the CPU backend. Between steps it awaits `pause()`, which in the worker
 * lets the "stop" message in, and asks `shouldStop()`.
 */
import { generate } from '@llmforge/sampler';
import {
  AdamW,
  type Backend,
  clipGradNorm,
  cosineSchedule,
  decayGroups,
  noGrad,
  RandomGenerator,
  tidy,
} from '@llmforge/tensor-gpu';
import { type Tokenizer, trainTokenizer } from '@llmforge/tokenizer';
import { createModel, type Model } from '@llmforge/transformer';
import { TrainSettingsError } from '../errors.js';

/** What the user sets in the Train view. Every field has a default in {@link DEFAULT_TRAIN_SETTINGS}. */
export interface TrainSettings {
  /** BPE vocabulary size, `<|endoftext|>` included (the 256 bytes come first, so at least 257). */
  vocabSize: number;
  /** Tokens per training window, and the model's context length. */
  contextLength: number;
  nLayer: number;
  nHead: number;
  /** Model width (a multiple of nHead). */
  nEmbd: number;
  /** Windows per step. */
  batchSize: number;
  steps: number;
  /** Peak learning rate. */
  lr: number;
  /** Seed of the initialization, of the windows and of the samples. */
  seed: number;
  /** Steps between held-out evaluations (and one after the last step). */
  evalEvery: number;
  /** Steps between samples (and one after the last step). */
  sampleEvery: number;
  /** The prompt samples continue. */
  samplePrompt: string;
}

/** Defaults sized for a laptop CPU: a ~0.1M-parameter model, a few hundred steps, well under a minute. */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  // 512: the 256 bytes plus ~255 merges, enough for common English words
  vocabSize: 512,
  contextLength: 64,
  nLayer: 2,
  nHead: 4,
  nEmbd: 64,
  batchSize: 8,
  steps: 300,
  // 3e-3: tiny models take a large rate (nanoGPT's baby GPT uses 1e-3 at 10M parameters)
  lr: 3e-3,
  seed: 1337,
  evalEvery: 25,
  sampleEvery: 50,
  samplePrompt: 'It is a truth',
};

/** What the training reports, in order. */
export type TrainEvent =
  | { type: 'phase'; phase: 'tokenizer' | 'encode' | 'model' | 'train'; detail: string }
  | { type: 'tokenizer-progress'; done: number; total: number; stage: string }
  | { type: 'step'; step: number; loss: number; lr: number; tokensPerSecond: number }
  | { type: 'eval'; step: number; valLoss: number }
  | { type: 'sample'; step: number; text: string };

/** Hooks of {@link trainInPage}. */
export interface TrainHooks {
  onEvent(e: TrainEvent): void;
  /** Asked before every step; true ends the run after the current step (the model is kept). */
  shouldStop?(): boolean;
  /** Awaited between steps (the worker yields to its event loop there). */
  pause?(): Promise<void>;
}

/** What {@link trainInPage} returns: the tokenizer and model (live on the backend), and how it went. */
export interface TrainedModel {
  tokenizer: Tokenizer;
  model: Model;
  stepsDone: number;
  stopped: boolean;
  /** Held-out loss after the last step. */
  valLoss: number;
  /** Training loss of the first and of the last step. */
  firstLoss: number;
  lastLoss: number;
}

function check(ok: boolean, where: string, expected: string, found: string, hint?: string): void {
  if (!ok) {
    throw new TrainSettingsError({
      operation: 'train',
      where,
      expected,
      found,
      ...(hint === undefined ? {} : { hint }),
    });
  }
}

function checkSettings(s: TrainSettings): void {
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  check(
    int(s.vocabSize, 257, 16384),
    'vocabSize',
    'an integer in [257, 16384]',
    String(s.vocabSize),
    '256 byte tokens + <|endoftext|> come first',
  );
  check(int(s.contextLength, 4, 1024), 'contextLength', 'an integer in [4, 1024]', String(s.contextLength));
  check(int(s.nLayer, 1, 24), 'nLayer', 'an integer in [1, 24]', String(s.nLayer));
  check(int(s.nHead, 1, 64), 'nHead', 'an integer in [1, 64]', String(s.nHead));
  check(
    int(s.nEmbd, 1, 2048) && s.nEmbd % s.nHead === 0,
    'nEmbd',
    `an integer in [1, 2048] divisible by nHead = ${s.nHead}`,
    String(s.nEmbd),
  );
  check(int(s.batchSize, 1, 512), 'batchSize', 'an integer in [1, 512]', String(s.batchSize));
  check(int(s.steps, 1, 1_000_000), 'steps', 'an integer ≥ 1', String(s.steps));
  check(Number.isFinite(s.lr) && s.lr > 0 && s.lr < 1, 'lr', 'a number in (0, 1)', String(s.lr));
  check(int(s.seed, 0, 2 ** 31 - 1), 'seed', 'an integer ≥ 0', String(s.seed));
  check(int(s.evalEvery, 1, 1_000_000), 'evalEvery', 'an integer ≥ 1', String(s.evalEvery));
  check(int(s.sampleEvery, 1, 1_000_000), 'sampleEvery', 'an integer ≥ 1', String(s.sampleEvery));
}

/** `count` windows of `T` tokens from `ids`, at starts drawn from `gen`. */
function randomWindows(ids: Int32Array, T: number, count: number, gen: RandomGenerator): number[][] {
  const u = gen.uniformArray(count);
  return Array.from(u, (x) => {
    const start = Math.min(ids.length - T, Math.floor(x * (ids.length - T + 1)));
    return Array.from(ids.subarray(start, start + T));
  });
}

/** Up to `count` windows of `T` tokens spread evenly over `ids` (the same ones at every evaluation). */
function fixedWindows(ids: Int32Array, T: number, count: number): number[][] {
  const n = Math.max(1, Math.min(count, Math.floor(ids.length / T)));
  const stride = n === 1 ? 0 : Math.floor((ids.length - T) / (n - 1));
  return Array.from({ length: n }, (_, i) => Array.from(ids.subarray(i * stride, i * stride + T)));
}

/** Mean next-token loss over `windows`, without recording a graph. */
async function heldOutLoss(model: Model, windows: number[][]): Promise<number> {
  const loss = tidy(() => noGrad(() => model.forward(windows, { labels: windows }).loss!));
  const value = await loss.item();
  loss.dispose();
  return value;
}

/**
 * Trains a byte-level BPE tokenizer and a tiny GPT-2 on `text`.
 *
 * @example
 * ```ts
 * const { tokenizer, model, valLoss } = await trainInPage(text, { ...DEFAULT_TRAIN_SETTINGS, steps: 50 }, createCpuBackend(), {
 *   onEvent: (e) => { if (e.type === 'step') console.log(e.step, e.loss); },
 * });
 * ```
 */
export async function trainInPage(
  text: string,
  settings: TrainSettings,
  backend: Backend,
  hooks: TrainHooks,
): Promise<TrainedModel> {
  const s = settings;
  checkSettings(s);
  const emit = hooks.onEvent;
  const pause = hooks.pause ?? (() => Promise.resolve());

  // ── 1. tokenizer ───────────────────────────────────────────────────────────────────────────────
  emit({
    type: 'phase',
    phase: 'tokenizer',
    detail: `byte-level BPE, ${s.vocabSize} ids, on ${text.length.toLocaleString('en-US')} characters`,
  });
  const tokenizer = await trainTokenizer(
    {
      model: 'bpe',
      vocabSize: s.vocabSize,
      pattern: 'gpt2',
      specialTokens: ['<|endoftext|>'],
      onProgress: (p) => emit({ type: 'tokenizer-progress', done: p.done, total: p.total, stage: p.phase }),
    },
    text,
  );

  // ── 2. encode and split ────────────────────────────────────────────────────────────────────────
  const ids = Int32Array.from(tokenizer.encode(text));
  const T = s.contextLength;
  const cut = Math.floor(ids.length * 0.9);
  const train = ids.subarray(0, cut);
  const val = ids.subarray(cut);
  check(
    val.length >= T,
    'text',
    `at least ${10 * T} tokens (the 10% held out must fill a window of ${T})`,
    `${ids.length} tokens`,
    'paste more text or lower the context length',
  );
  emit({
    type: 'phase',
    phase: 'encode',
    detail: `${ids.length.toLocaleString('en-US')} tokens (${(new TextEncoder().encode(text).length / ids.length).toFixed(2)} bytes/token): ${train.length.toLocaleString('en-US')} to train on, ${val.length.toLocaleString('en-US')} held out`,
  });

  // ── 3. model and optimizer ─────────────────────────────────────────────────────────────────────
  const model = createModel(
    {
      vocabSize: tokenizer.vocabSize,
      contextLength: T,
      nLayer: s.nLayer,
      nHead: s.nHead,
      nEmbd: s.nEmbd,
      norm: 'layernorm',
      activation: 'gelu_tanh',
      positions: 'learned',
      tiedEmbeddings: true,
      bias: true,
    },
    { backend, seed: s.seed },
  );
  emit({
    type: 'phase',
    phase: 'model',
    detail: `GPT-2, ${model.numParams().toLocaleString('en-US')} parameters: ${s.nLayer} layers, width ${s.nEmbd}, ${s.nHead} heads, context ${T}`,
  });
  const opt = new AdamW(decayGroups(model.namedParameters(), 0.1), { lr: s.lr, betas: [0.9, 0.95] });
  const schedule = cosineSchedule({
    lr: s.lr,
    warmupSteps: Math.min(20, Math.floor(s.steps / 10)),
    totalSteps: s.steps,
    minLr: s.lr / 10,
  });
  const windows = new RandomGenerator(s.seed);
  const evalWindows = fixedWindows(val, T, 16);
  const prompt = tokenizer.encode(s.samplePrompt);
  const sample = async (step: number) => {
    if (prompt.length === 0 || prompt.length >= T) return;
    const out = await generate(model, prompt, {
      maxNewTokens: Math.min(48, T - prompt.length),
      temperature: 0.8,
      topK: 40,
      seed: s.seed,
    });
    emit({
      type: 'sample',
      step,
      text: s.samplePrompt + tokenizer.decode(out.sequences[0]!.slice(prompt.length)),
    });
  };

  // ── 4. the loop ────────────────────────────────────────────────────────────────────────────────
  emit({
    type: 'phase',
    phase: 'train',
    detail: `${s.steps} steps of ${s.batchSize} × ${T} tokens on ${backend.name}`,
  });
  let valLoss = await heldOutLoss(model, evalWindows);
  emit({ type: 'eval', step: 0, valLoss });
  let firstLoss = Number.NaN;
  let lastLoss = Number.NaN;
  let step = 0;
  let stopped = false;
  while (step < s.steps) {
    if (hooks.shouldStop?.()) {
      stopped = true;
      break;
    }
    const started = performance.now();
    const lr = schedule(step);
    opt.setLr(lr);
    const batch = randomWindows(train, T, s.batchSize, windows);
    const loss = model.forwardBackward(batch, { labels: batch });
    clipGradNorm(model.parameters(), 1.0).dispose();
    opt.step();
    opt.zeroGrad();
    lastLoss = await loss.item(); // reading the loss waits for the step to finish on the device
    loss.dispose();
    if (step === 0) firstLoss = lastLoss;
    step++;
    const seconds = (performance.now() - started) / 1000;
    emit({ type: 'step', step, loss: lastLoss, lr, tokensPerSecond: (s.batchSize * T) / seconds });
    if (step % s.evalEvery === 0 || step === s.steps) {
      valLoss = await heldOutLoss(model, evalWindows);
      emit({ type: 'eval', step, valLoss });
    }
    if (step % s.sampleEvery === 0 || step === s.steps) await sample(step);
    await pause();
  }
  if (stopped && step > 0 && step % s.evalEvery !== 0) {
    valLoss = await heldOutLoss(model, evalWindows);
    emit({ type: 'eval', step, valLoss });
    await sample(step);
  }
  opt.dispose();
  model.eval();
  return { tokenizer, model, stepsDone: step, stopped, valLoss, firstLoss, lastLoss };
}
