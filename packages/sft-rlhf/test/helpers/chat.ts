/**
 * Test fixtures: a small byte-level BPE with the llmforge chat tokens (trained on the kind of text
 * the tasks have), helpers to spell ids, and a tiny GPT config.
 */
import { chatSpecialTokens, type Tokenizer, trainTokenizer } from '@llmforge/tokenizer';
import type { ModelConfigInput } from '@llmforge/transformer';
import { beforeAll } from 'vitest';
import { ChatFormat } from '../../src/index.js';

const TEXT = [
  'What is the capital of France? Paris. What is the capital of Peru? Lima.',
  'What is 12*7? 84. What is 23+45? 68. Spell "house" backwards. esuoh.',
  'How many times does "e" occur in "cheese"? 3. Sort these numbers: 42, 7, 19. 7, 19, 42.',
  "I don't know. I can't help with that. calculator(347*29) 10063 Let me compute.",
].join('\n');

let cached: Promise<Tokenizer> | undefined;

/** The shared test tokenizer (trained once per test file). */
export function chatTokenizer(): Promise<Tokenizer> {
  cached ??= trainTokenizer(
    { model: 'bpe', vocabSize: 400, specialTokens: ['<|endoftext|>', ...chatSpecialTokens('llmforge')] },
    [TEXT.repeat(20)],
  );
  return cached;
}

/** `plain(text)`: ids of text with special tokens off; `id(token)`: one special token's id. */
export function spellers(tok: Tokenizer): {
  plain: (text: string) => number[];
  id: (token: string) => number;
} {
  return {
    plain: (text) => tok.encode(text, { allowedSpecial: 'none', disallowedSpecial: 'none' }),
    id: (token) => tok.tokenToId(token)!,
  };
}

/** A tiny GPT-2-style config (a few thousand parameters). */
export function tinyConfig(vocabSize: number, contextLength: number, nLayer = 2): ModelConfigInput {
  return {
    vocabSize,
    contextLength,
    nLayer,
    nHead: 2,
    nEmbd: 16,
    norm: 'layernorm',
    activation: 'gelu_tanh',
    positions: 'learned',
    tiedEmbeddings: true,
    bias: true,
  };
}

/** What {@link useChatFormat} fills in before the tests of a file run. */
export interface ChatFixture {
  tok: Tokenizer;
  format: ChatFormat;
  plain: (text: string) => number[];
  id: (token: string) => number;
}

/** Registers a `beforeAll` that trains the test tokenizer and builds an llmforge `ChatFormat`. */
export function useChatFormat(): ChatFixture {
  const fixture = {} as ChatFixture;
  beforeAll(async () => {
    fixture.tok = await chatTokenizer();
    fixture.format = new ChatFormat(fixture.tok);
    Object.assign(fixture, spellers(fixture.tok));
  });
  return fixture;
}
