import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@llmforge/tokenizer';
import { describe, expect, it } from 'vitest';
import { spansOfIds, tokenSpans } from '../src/engine/token-spans.js';
import { FIXTURES } from './helpers.js';

const TEXT = 'It is a truth — café 😀 naïve.\n  Yes!';
const utf8 = new TextEncoder();

describe('tokenSpans, byte-level BPE (HF reference tokenizer)', async () => {
  const tokenizer = Tokenizer.fromJSON(
    JSON.parse(await readFile(`${FIXTURES}/hf-bytelevel-bpe.tokenizer.json`, 'utf8')),
  );

  it("tile the text's bytes, one token after the other, including characters split over tokens", () => {
    const spans = tokenSpans(tokenizer, TEXT);
    const bytes = utf8.encode(TEXT);
    expect(spans.map((s) => s.id)).toEqual(tokenizer.encode(TEXT));
    expect(spans[0]!.start).toBe(0);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBe(spans[i - 1]!.end);
    expect(spans.at(-1)!.end).toBe(bytes.length);
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(spans.map((s) => s.hex).join(' ')).toBe(hex);
  });

  it('agree with spansOfIds on the same ids', () => {
    expect(spansOfIds(tokenizer, tokenizer.encode(TEXT))).toEqual(tokenSpans(tokenizer, TEXT));
  });
});

describe('tokenSpans, Unigram (offsets into the text)', async () => {
  const tokenizer = Tokenizer.fromJSON(
    JSON.parse(await readFile(`${FIXTURES}/hf-unigram.tokenizer.json`, 'utf8')),
  );

  it('convert UTF-16 offsets to byte offsets', () => {
    const text = 'naïve 😀 café';
    const spans = tokenSpans(tokenizer, text);
    const { offsets } = tokenizer.encodeWithOffsets(text);
    spans.forEach((s, i) => {
      const [a, b] = offsets[i]!;
      expect(s.start).toBe(utf8.encode(text.slice(0, a)).length);
      expect(s.end).toBe(utf8.encode(text.slice(0, b)).length);
    });
  });
});
