import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainOnCounts } from '../src/models/bpe/reference.js';
import { trainBpe } from '../src/models/bpe/trainer.js';
import { GPT2_PATTERN } from '../src/pipeline/patterns.js';
import { countWords, WordCounter } from '../src/trainers/word-counts.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../fixtures/${name}`, import.meta.url));
const austen = gunzipSync(fixture('austen-train.txt.gz')).toString('utf8');
const hfBpe = JSON.parse(fixture('hf-bytelevel-bpe.tokenizer.json').toString('utf8')) as {
  model: { vocab: Record<string, number>; merges: [string, string][] };
};

/**
 * The reference trainer of `models/bpe/reference.ts` (recount every pair of every word after each
 * merge) over characters: the alphabet sorted by code point gets the first ids, as in `trainBpe`.
 */
function naiveBpe(counts: Map<string, number>, vocabSize: number, minFrequency: number) {
  const chars = new Set<string>();
  for (const w of counts.keys()) for (const c of w) chars.add(c);
  const alphabet = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const ids = new Map(alphabet.map((c, i) => [c, i]));
  const words = [...counts.keys()].map((w) => Array.from(w, (ch) => ids.get(ch)!));
  const { merges, vocab } = trainOnCounts(words, [...counts.values()], alphabet, vocabSize, minFrequency);
  return { vocab, merges: merges.map(([a, b]) => [vocab[a]!, vocab[b]!]) };
}

describe('trainBpe', () => {
  it('learns the worked example of the file comment', () => {
    const counts = new Map([
      ['hug', 10],
      ['pug', 5],
      ['hugs', 5],
    ]);
    const { vocab, merges } = trainBpe(counts, { vocabSize: 256 + 2 });
    expect(merges).toEqual([
      ['u', 'g'],
      ['h', 'ug'],
    ]);
    expect(vocab.slice(256)).toEqual(['ug', 'hug']);
    expect(vocab).toHaveLength(258);
  });

  it('reproduces the HF BpeTrainer exactly on Austen (same merges, same ids)', async () => {
    const counts = await countWords(austen, { split: new RegExp(GPT2_PATTERN.js, 'gu') });
    const size = Object.keys(hfBpe.model.vocab).length;
    const { vocab, merges } = trainBpe(counts, {
      vocabSize: size,
      minFrequency: 0,
      specialTokens: ['<|endoftext|>'],
    });
    expect(merges).toEqual(hfBpe.model.merges);
    expect(Object.fromEntries(vocab.map((t, i) => [t, i]))).toEqual(hfBpe.model.vocab);
  });

  it('learns what the reference trainer learns (recount everything) on random corpora', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 1, maxLength: 9 }),
            fc.integer({ min: 1, max: 20 }),
          ),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 4 }),
        (entries, extra, minFrequency) => {
          const counts = new Map<string, number>();
          for (const [w, c] of entries) counts.set(w, (counts.get(w) ?? 0) + c);
          const naive = naiveBpe(counts, 0, minFrequency);
          const vocabSize = naive.vocab.length + extra;
          const slow = naiveBpe(counts, vocabSize, minFrequency);
          const fast = trainBpe(counts, { vocabSize, minFrequency, byteLevel: false });
          expect(fast.merges).toEqual(slow.merges);
          expect(fast.vocab).toEqual(slow.vocab);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts special tokens first, then all 256 bytes, and honours minFrequency', () => {
    const counts = new Map([
      [' the', 9],
      [' then', 3],
      ['é', 1],
    ]);
    const { vocab, merges } = trainBpe(counts, {
      vocabSize: 1000,
      minFrequency: 4,
      specialTokens: ['<s>', '</s>'],
    });
    expect(vocab.slice(0, 2)).toEqual(['<s>', '</s>']);
    expect(new Set(vocab.slice(2, 258)).size).toBe(256);
    expect(vocab).toContain('Ã'); // the first byte of "é" (C3 A9)
    // The pairs of " the" occur 12 times each, ties broken by the smallest left id (h < t < Ġ by
    // code point); the pair only in " then" occurs 3 times (< 4): not merged.
    expect(merges).toEqual([
      ['h', 'e'],
      ['t', 'he'],
      ['Ġ', 'the'],
    ]);
  });

  it('reports merge progress and rejects a bad vocabSize', () => {
    const phases: number[] = [];
    trainBpe(new Map([['abcabc', 3]]), { vocabSize: 300, onProgress: (p) => phases.push(p.done) });
    expect(phases.at(-1)).toBe(300 - 256);
    expect(() => trainBpe(new Map(), { vocabSize: 0 })).toThrow(/trainBpe: expected vocabSize an integer/);
  });
});

describe('WordCounter / countWords', () => {
  it('counts line by line and cuts out special tokens', () => {
    const c = new WordCounter({ split: new RegExp(GPT2_PATTERN.js, 'gu'), specialTokens: ['<|eot|>'] });
    c.add('the cat<|eot|>the hat\n\n\nthe');
    expect(Object.fromEntries(c.counts)).toEqual({ the: 3, ' cat': 1, ' hat': 1, '\n': 3 });
  });

  it('gives the same counts from a string, an array and an async stream of line-aligned chunks', async () => {
    const text = austen.slice(0, 200_000);
    const split = new RegExp(GPT2_PATTERN.js, 'gu');
    const whole = await countWords(text, { split });
    const lines = text.split(/(?<=\n)/);
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 97) chunks.push(lines.slice(i, i + 97).join(''));
    async function* stream() {
      for (const c of chunks) yield c;
    }
    const seen: number[] = [];
    const streamed = await countWords(stream(), { split }, (p) => seen.push(p.done));
    expect(streamed).toEqual(whole);
    expect(await countWords(chunks, { split })).toEqual(whole);
    expect(seen.at(-1)).toBe(text.length);
    await expect(countWords(42 as never, { split })).rejects.toThrow(/countWords: expected a string/);
  });
});

describe("the word counter's splitter (hand-written scanner, regex where non-ASCII decides)", () => {
  it('gives the same counts as the regex on Austen', async () => {
    const sameRegexOtherSource = new RegExp(`(?:${GPT2_PATTERN.js})`, 'gu'); // not recognised: regex path
    const fast = await countWords(austen, { split: new RegExp(GPT2_PATTERN.js, 'gu') });
    const slow = await countWords(austen, { split: sameRegexOtherSource });
    expect(fast).toEqual(slow);
  });
});
