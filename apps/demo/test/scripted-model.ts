/**
 * A real GPT-2 checkpoint whose next token depends only on the position, so a test knows exactly
 * what it will say: blocks that add nothing (zero output projections), no token embeddings, a
 * one-hot position embedding (nEmbd = contextLength), and an untied LM head whose row for token v
 * has weight 10 at every position where the script says v. After the final LayerNorm the one-hot
 * position t becomes ≈ 7.9 at t and ≈ −0.13 elsewhere, so the scripted token leads by ~70 logits:
 * greedy and sampled decoding alike pick it.
 */
import { join } from 'node:path';
import { ChatFormat } from '@llmforge/sft-rlhf';
import { chatSpecialTokens, type Tokenizer, trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';
import { createModel } from '@llmforge/transformer';
import { savePretrained } from '@llmforge/transformer/node';

export const CONTEXT = 64;

/** A small tokenizer with the chat template's special tokens. */
export async function chatTokenizer(): Promise<Tokenizer> {
  return trainTokenizer(
    { model: 'bpe', vocabSize: 320, specialTokens: ['<|endoftext|>', ...chatSpecialTokens('llmforge')] },
    'What is the capital of France? Paris. calculator(2+3) 5 What is 2+3? The answer is 5.',
  );
}

/** Writes a checkpoint to `dir` that predicts `script[t]` after position t (t < CONTEXT). */
export async function scriptedCheckpoint(
  dir: string,
  tokenizer: Tokenizer,
  script: ReadonlyMap<number, number>,
): Promise<void> {
  const V = tokenizer.vocabSize;
  const C = CONTEXT;
  const model = createModel({
    vocabSize: V,
    contextLength: C,
    nLayer: 1,
    nHead: 1,
    nEmbd: C,
    norm: 'layernorm',
    activation: 'gelu_tanh',
    positions: 'learned',
    tiedEmbeddings: false,
    bias: true,
  });
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of model.stateDict()) {
    const data = new Float32Array(t.size);
    if (/ln\w*\.weight$/.test(name)) data.fill(1);
    if (name === 'wpe.weight') for (let p = 0; p < C; p++) data[p * C + p] = 1;
    if (name === 'lmHead.weight') for (const [p, token] of script) data[token * C + p] = 10;
    weights.set(name, { shape: [...t.shape], data });
  }
  model.loadStateDict(weights);
  await savePretrained(model, dir);
  await saveTokenizer(tokenizer, join(dir, 'tokenizer.json'));
  model.dispose();
}

/**
 * The script of one chat turn: to `question`, the model calls `calculator(expression)`, reads the
 * result the tool loop splices in, and answers `answer`.
 */
export function toolCallScript(
  tokenizer: Tokenizer,
  question: string,
  expression: string,
  result: string,
  answer: string,
): Map<number, number> {
  const format = new ChatFormat(tokenizer);
  const plain = (s: string) => tokenizer.encode(s, { allowedSpecial: 'none', disallowedSpecial: 'none' });
  const prompt = format.prompt([{ role: 'user', content: question }]);
  const call = [format.callOpenId!, ...plain(`calculator(${expression})`), format.callCloseId!];
  const spliced = [...format.closeTurnIds(), ...format.toolResultIds(result)];
  const reply = [...plain(answer), ...format.endOfTurnIds];
  const script = new Map<number, number>();
  let at = prompt.length - 1; // the output at position t predicts token t + 1
  for (const id of call) script.set(at++, id);
  at += spliced.length;
  for (const id of reply) script.set(at++, id);
  if (at >= CONTEXT) throw new Error(`the script needs ${at} positions, more than ${CONTEXT}`);
  return script;
}
